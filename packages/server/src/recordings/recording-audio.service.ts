// Serving a recording's audio through a signed temporary link (SPEC §7): the link proves who
// it was issued to and until when; the download is authorised again for that person now (their
// access may have changed since), audited, and every full read is checked against the stored
// SHA-256 as it streams (read and decrypted once). Ranges (RFC 9110 §14) let players seek;
// `?format=wav` converts with ffmpeg; `?format=mp3` transcodes (Webex recordings are MP3) to a
// private temporary file first, so that ranges of the MP3 can be served too. The answer is a
// FileResponse; the route writes the headers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { audit } from '../audit/audit.service.js';
import { AppError, forbidden, notFound } from '../errors.js';
import { findPersonByIdAnyOrg } from '../org/people.repository.js';
import type { Actor } from '../policy/actor.js';
import { BlobIntegrityError, BlobNotFoundError } from '../storage/blob-store.js';
import { convertToWav, transcodeToMp3File } from './audio-tools.js';
import {
  primeStream,
  type FileResponse,
  type UnsatisfiableRange,
} from '../storage/file-response.js';
import type { LinkKind } from './link-signer.js';
import { recordingDownloadName } from './download-filename.js';
import { parseRangeHeader } from './http-range.js';
import {
  FILE_EXTENSIONS,
  type AudioObjectRecord,
  type RecordingRecord,
} from './recordings.model.js';
import { findAudioObjectById, findRecordingByIdAnyOrg } from './recordings.repository.js';
import type { RecordingsDeps } from './recording-deps.js';
import { authorizeRecordingRead, type ReadGrant } from './recording-read-access.js';

export interface AudioRequest {
  readonly recordingId: string;
  /** Unix seconds, from the link. */
  readonly expires: number;
  readonly actorId: string;
  readonly signature: string;
  readonly format: 'original' | 'wav' | 'mp3';
  readonly range: string | undefined;
  readonly clientIp: string | null;
  /** The viewer's IANA time zone, for the time in the file's name; UTC without it. */
  readonly timeZone?: string | null;
}

export type AudioResponse = FileResponse | UnsatisfiableRange;

/** The signed-link fields every link-served download carries. */
export interface SignedLinkRequest {
  readonly recordingId: string;
  readonly expires: number;
  readonly actorId: string;
  readonly signature: string;
  readonly clientIp: string | null;
}

/**
 * The person a signed link was issued to, when the signature matches these claims for `kind` (so
 * an audio signature cannot fetch a transcript) and the link has not expired.
 */
export async function linkActor(
  deps: RecordingsDeps,
  req: SignedLinkRequest,
  kind: LinkKind = 'audio',
): Promise<Actor> {
  const nowSeconds = Math.floor(deps.clock.now().getTime() / 1000);
  const claims = {
    recordingId: req.recordingId,
    kind,
    actorId: req.actorId,
    expires: req.expires,
  };
  if (!deps.links.verify(claims, req.signature)) {
    throw forbidden('This download link is not valid');
  }
  if (req.expires <= nowSeconds) throw forbidden('This download link has expired');
  const person = await findPersonByIdAnyOrg(deps.db, req.actorId);
  if (!person) throw forbidden('The person this link was issued to no longer exists');
  return {
    personId: person.id,
    email: person.emails[0] ?? '',
    displayName: person.displayName,
    homeOrgId: person.orgId,
    orgId: person.orgId,
    roles: person.roles,
    partnerId: person.partnerId,
    via: 'token',
    clientIp: req.clientIp,
  };
}

const INTEGRITY_MESSAGE =
  'The stored audio does not match its recorded SHA-256; the incident was logged';

/** Logs a failed integrity check of a recording's audio as its own audit event. */
async function auditIntegrityFailure(
  deps: RecordingsDeps,
  actor: Actor,
  recording: RecordingRecord,
  audio: AudioObjectRecord,
  problem: string,
): Promise<void> {
  await deps.db
    .transaction()
    .execute((trx) =>
      audit(
        trx,
        deps.clock,
        actor,
        'recording.integrityFailed',
        { type: 'recording', id: recording.id },
        { audioId: audio.id, blobKey: audio.blobKey, problem },
      ),
    );
}

const isIntegrityProblem = (error: unknown): error is AppError =>
  error instanceof BlobIntegrityError || error instanceof BlobNotFoundError;

/**
 * The whole audio, read once and checked against the catalogue's SHA-256 while it streams. A
 * mismatch found before the first bytes go out (always, for audio within one read part) is
 * audited and thrown as INTEGRITY_FAILED; one found later is audited and ends the stream with it,
 * so the client never receives the last bytes of audio that differs.
 */
async function openVerifiedAudio(
  deps: RecordingsDeps,
  actor: Actor,
  recording: RecordingRecord,
  audio: AudioObjectRecord,
): Promise<Readable> {
  try {
    const read = await deps.blobStore.getStream(audio.blobKey, undefined, {
      expectedSha256: audio.sha256,
    });
    const stream = await primeStream(read.stream);
    stream.once('error', (error: unknown) => {
      if (!isIntegrityProblem(error)) return;
      void auditIntegrityFailure(deps, actor, recording, audio, error.message).catch(
        () => undefined,
      );
    });
    return stream;
  } catch (error) {
    if (!isIntegrityProblem(error)) throw error;
    await auditIntegrityFailure(deps, actor, recording, audio, error.message);
    throw new AppError('INTEGRITY_FAILED', INTEGRITY_MESSAGE);
  }
}

/**
 * Answers `GET /api/recordings/{id}/playback?exp&actor&sig`: the stored audio, whole or by
 * Range, for someone who may play it (a share without download among them). Every read, whole or
 * partial, is audited as `recording.played`; there is no conversion to another format.
 */
export async function openRecordingPlayback(
  deps: RecordingsDeps,
  req: Omit<AudioRequest, 'format'>,
): Promise<AudioResponse> {
  const actor = await linkActor(deps, req, 'playback');
  const recording = await findRecordingByIdAnyOrg(deps.db, req.recordingId);
  if (!recording) throw notFound('Recording');
  const grant = await authorizeRecordingRead(deps.db, actor, recording, deps.clock.now(), 'play');
  const audio = recording.audioId ? await findAudioObjectById(deps.db, recording.audioId) : null;
  if (!audio) throw notFound('Recording audio');
  const range = parseRangeHeader(req.range, audio.sizeBytes);
  if (range?.kind === 'unsatisfiable') return { unsatisfiable: true, size: audio.sizeBytes };
  const span = range?.kind === 'range' ? { start: range.start, end: range.end } : null;
  const read = span
    ? await deps.blobStore.getStream(audio.blobKey, span)
    : { stream: await openVerifiedAudio(deps, actor, recording, audio), start: 0, end: 0, size: 0 };
  await deps.db.transaction().execute((trx) =>
    audit(
      trx,
      deps.clock,
      actor,
      'recording.played',
      { type: 'recording', id: recording.id },
      {
        ownerId: recording.ownerId,
        ...grant,
        via: 'playbackLink',
        ...(span ? { range: `${read.start}-${read.end}/${read.size}` } : { sha256: audio.sha256 }),
      },
    ),
  );
  return {
    stream: read.stream,
    size: span ? read.end - read.start + 1 : audio.sizeBytes,
    contentType: audio.contentType,
    filename: `${recording.id}.${FILE_EXTENSIONS[audio.format]}`,
    acceptRanges: 'bytes',
    range: span ? { start: read.start, end: read.end, total: read.size } : null,
  };
}

/** Answers `GET /api/recordings/{id}/audio?exp&actor&sig[&format=wav]`. */
export async function openRecordingAudio(
  deps: RecordingsDeps,
  req: AudioRequest,
): Promise<AudioResponse> {
  const actor = await linkActor(deps, req);
  const recording = await findRecordingByIdAnyOrg(deps.db, req.recordingId);
  if (!recording) throw notFound('Recording');
  const grant = await authorizeRecordingRead(deps.db, actor, recording, deps.clock.now());
  const audio = recording.audioId ? await findAudioObjectById(deps.db, recording.audioId) : null;
  if (!audio) throw notFound('Recording audio');
  const target = { type: 'recording', id: recording.id };
  const filename = recordingDownloadName(
    recording,
    req.format === 'original' ? FILE_EXTENSIONS[audio.format] : req.format,
    req.timeZone ?? null,
  );
  if (req.format === 'mp3' && audio.format !== 'MP3') {
    return openAsMp3(deps, actor, recording, audio, { grant, filename, range: req.range });
  }

  const range = req.format !== 'wav' ? parseRangeHeader(req.range, audio.sizeBytes) : null;
  if (range?.kind === 'unsatisfiable') return { unsatisfiable: true, size: audio.sizeBytes };
  if (range?.kind === 'range') {
    const read = await deps.blobStore.getStream(audio.blobKey, {
      start: range.start,
      end: range.end,
    });
    await deps.db.transaction().execute((trx) =>
      audit(trx, deps.clock, actor, 'recording.played', target, {
        ownerId: recording.ownerId,
        ...grant,
        via: 'signedLink',
        range: `${read.start}-${read.end}/${read.size}`,
      }),
    );
    return {
      stream: read.stream,
      size: read.end - read.start + 1,
      contentType: audio.contentType,
      filename,
      acceptRanges: 'bytes',
      range: { start: read.start, end: read.end, total: read.size },
    };
  }

  const stream = await openVerifiedAudio(deps, actor, recording, audio);
  await deps.db.transaction().execute((trx) =>
    audit(trx, deps.clock, actor, 'recording.downloaded', target, {
      ownerId: recording.ownerId,
      ...grant,
      via: 'signedLink',
      format: req.format === 'wav' ? 'WAV' : audio.format,
      sha256: audio.sha256,
    }),
  );
  if (req.format === 'wav' && audio.format !== 'WAV') {
    return {
      stream: convertToWav(stream),
      size: null,
      contentType: 'audio/wav',
      filename,
      acceptRanges: 'none',
      range: null,
    };
  }
  return {
    stream,
    size: audio.sizeBytes,
    contentType: audio.contentType,
    filename,
    acceptRanges: req.format !== 'wav' ? 'bytes' : 'none',
    range: null,
  };
}

/**
 * The audio as MP3: the verified original transcoded once per request into a private temporary
 * file (removed when the answer has been sent), served whole or by Range.
 */
async function openAsMp3(
  deps: RecordingsDeps,
  actor: Actor,
  recording: RecordingRecord,
  audio: AudioObjectRecord,
  opts: { grant: ReadGrant; filename: string; range: string | undefined },
): Promise<AudioResponse> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'callvault-mp3-'));
  const removeDir = () => void fs.promises.rm(dir, { recursive: true, force: true });
  try {
    const file = path.join(dir, 'audio.mp3');
    const source = await openVerifiedAudio(deps, actor, recording, audio);
    await transcodeToMp3File(source, file);
    const size = (await fs.promises.stat(file)).size;
    const range = parseRangeHeader(opts.range, size);
    if (range?.kind === 'unsatisfiable') {
      removeDir();
      return { unsatisfiable: true, size };
    }
    const span = range?.kind === 'range' ? { start: range.start, end: range.end } : null;
    await deps.db.transaction().execute((trx) =>
      audit(
        trx,
        deps.clock,
        actor,
        span ? 'recording.played' : 'recording.downloaded',
        { type: 'recording', id: recording.id },
        {
          ownerId: recording.ownerId,
          ...opts.grant,
          via: 'signedLink',
          format: 'MP3',
          ...(span ? { range: `${span.start}-${span.end}/${size}` } : { sha256: audio.sha256 }),
        },
      ),
    );
    const stream = fs.createReadStream(file, span ?? {});
    stream.once('close', removeDir);
    return {
      stream,
      size: span ? span.end - span.start + 1 : size,
      contentType: 'audio/mpeg',
      filename: opts.filename,
      acceptRanges: 'bytes',
      range: span ? { ...span, total: size } : null,
    };
  } catch (error) {
    removeDir();
    throw error;
  }
}
