// Serving a recording's transcript through a signed temporary link (issue #7 §4): the same rules
// as audio — the link is signed for the transcript (an audio signature does not fit), the download
// is authorised again for that person now (recordings/recording-read-access.ts), and audited as
// `recording.transcriptDownloaded`. The answer is a FileResponse; the route writes the headers.
import { Readable } from 'node:stream';
import { audit } from '../audit/audit.service.js';
import { notFound } from '../errors.js';
import type { FileResponse } from '../storage/file-response.js';
import { linkActor, type SignedLinkRequest } from '../recordings/recording-audio.service.js';
import type { RecordingsDeps } from '../recordings/recording-deps.js';
import { authorizeRecordingRead } from '../recordings/recording-read-access.js';
import { findRecordingByIdAnyOrg } from '../recordings/recordings.repository.js';
import {
  TRANSCRIPT_CONTENT_TYPES,
  renderTranscript,
  type TranscriptFormat,
} from './transcript-formats.js';
import { readTranscriptDocument } from './transcription.service.js';
import { findTranscriptByRecordingId } from './transcripts.repository.js';

export interface TranscriptRequest extends SignedLinkRequest {
  readonly format: TranscriptFormat;
}

/** Answers `GET /api/recordings/{id}/transcript?exp&actor&sig[&format=json|vtt|txt]`. */
export async function openRecordingTranscript(
  deps: RecordingsDeps,
  req: TranscriptRequest,
): Promise<FileResponse> {
  const actor = await linkActor(deps, req, 'transcript');
  const recording = await findRecordingByIdAnyOrg(deps.db, req.recordingId);
  if (!recording) throw notFound('Recording');
  // Reading the words is like listening: a share without download still shows the transcript.
  const grant = await authorizeRecordingRead(deps.db, actor, recording, deps.clock.now(), 'play');
  const transcript = await findTranscriptByRecordingId(deps.db, recording.id);
  const document = transcript ? await readTranscriptDocument(deps.blobStore, transcript) : null;
  if (!document) throw notFound('Recording transcript');
  const body = Buffer.from(renderTranscript(document, req.format), 'utf8');
  await deps.db
    .transaction()
    .execute((trx) =>
      audit(
        trx,
        deps.clock,
        actor,
        'recording.transcriptDownloaded',
        { type: 'recording', id: recording.id },
        { ownerId: recording.ownerId, ...grant, via: 'signedLink', format: req.format },
      ),
    );
  return {
    stream: Readable.from([body]),
    size: body.length,
    contentType: TRANSCRIPT_CONTENT_TYPES[req.format],
    filename: `${recording.id}.${req.format}`,
    acceptRanges: null,
    range: null,
  };
}
