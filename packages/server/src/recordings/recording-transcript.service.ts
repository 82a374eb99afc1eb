// Serving a recording's transcript through a signed temporary link (SPEC §7): the same rules
// as audio — the link is signed for the transcript (an audio signature does not fit), the download
// is authorised again for that person now, and audited as `recording.transcriptDownloaded`.
import { audit } from '../audit/audit.service.js';
import { forbidden, notFound } from '../errors.js';
import { decideRecordingAccess, isRecordingOwner } from '../policy/recording-access.js';
import { ALL_ACCESS } from '../recording-settings/recording-settings.model.js';
import { findEntitySettings } from '../recording-settings/recording-settings.repository.js';
import {
  TRANSCRIPT_CONTENT_TYPES,
  renderTranscript,
  type TranscriptFormat,
} from '../transcription/transcript-formats.js';
import { readTranscriptDocument } from '../transcription/transcription.service.js';
import { findTranscriptByRecordingId } from '../transcription/transcripts.repository.js';
import { linkActor, type SignedLinkRequest } from './recording-audio.service.js';
import { findRecordingByIdAnyOrg } from './recordings.repository.js';
import type { RecordingsDeps } from './recordings.service.js';

export interface TranscriptRequest extends SignedLinkRequest {
  readonly format: TranscriptFormat;
}

export interface TranscriptResponse {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Answers `GET /api/recordings/{id}/transcript?exp&actor&sig[&format=json|vtt|txt]`. */
export async function openRecordingTranscript(
  deps: RecordingsDeps,
  req: TranscriptRequest,
): Promise<TranscriptResponse> {
  const actor = await linkActor(deps, req, 'transcript');
  const recording = await findRecordingByIdAnyOrg(deps.db, req.recordingId);
  if (!recording) throw notFound('Recording');
  const access = isRecordingOwner(actor, recording)
    ? ((await findEntitySettings(deps.db, recording.ownerId)).access ?? ALL_ACCESS)
    : ALL_ACCESS;
  const decision = decideRecordingAccess(actor, 'download', recording, access);
  if (!decision.allowed) {
    throw decision.hidden ? notFound('Recording') : forbidden(decision.reason);
  }
  const transcript = await findTranscriptByRecordingId(deps.db, recording.id);
  const document = transcript ? await readTranscriptDocument(deps.blobStore, transcript) : null;
  if (!document) throw notFound('Recording transcript');
  const body = renderTranscript(document, req.format);
  await deps.db
    .transaction()
    .execute((trx) =>
      audit(
        trx,
        deps.clock,
        actor,
        'recording.transcriptDownloaded',
        { type: 'recording', id: recording.id },
        { ownerId: recording.ownerId, as: decision.as, via: 'signedLink', format: req.format },
      ),
    );
  return {
    headers: {
      'cache-control': 'private, no-store',
      'content-type': TRANSCRIPT_CONTENT_TYPES[req.format],
      'content-disposition': `inline; filename="${recording.id}.${req.format}"`,
    },
    body,
  };
}
