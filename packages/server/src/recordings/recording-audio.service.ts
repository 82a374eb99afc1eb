// Serving a recording's audio through a signed temporary link (SPEC §7): the link proves who
// it was issued to and until when; the download is authorised again for that person now (their
// access may have changed since), audited, and checked against the stored SHA-256 on every full
// read. Ranges (RFC 9110 §14) let players seek; `?format=wav` converts with ffmpeg.
import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import { audit } from '../audit/audit.service.js';
import { AppError, forbidden, notFound } from '../errors.js';
import { findPersonByIdAnyOrg } from '../org/people.repository.js';
import type { Actor } from '../policy/actor.js';
import { decideRecordingAccess, isRecordingOwner } from '../policy/recording-access.js';
import { ALL_ACCESS } from '../recording-settings/recording-settings.model.js';
import { findEntitySettings } from '../recording-settings/recording-settings.repository.js';
import { convertToWav } from './audio-tools.js';
import type { LinkKind } from './link-signer.js';
import { parseRangeHeader } from './http-range.js';
import {
  FILE_EXTENSIONS,
  type AudioObjectRecord,
  type RecordingRecord,
} from './recordings.model.js';
import { findAudioObjectById, findRecordingByIdAnyOrg } from './recordings.repository.js';
import type { RecordingsDeps } from './recordings.service.js';

export interface AudioRequest {
  readonly recordingId: string;
  /** Unix seconds, from the link. */
  readonly expires: number;
  readonly actorId: string;
  readonly signature: string;
  readonly format: 'original' | 'wav';
  readonly range: string | undefined;
  readonly clientIp: string | null;
}

export type AudioResponse =
  | {
      readonly status: 200 | 206;
      readonly headers: Readonly<Record<string, string>>;
      readonly body: Readable;
    }
  | { readonly status: 416; readonly size: number };

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

/** Reads the whole object once and compares its SHA-256 with the catalogue's. */
async function verifyIntegrity(
  deps: RecordingsDeps,
  actor: Actor,
  recording: RecordingRecord,
  audio: AudioObjectRecord,
): Promise<void> {
  let problem: string | null = null;
  try {
    const read = await deps.blobStore.getStream(audio.blobKey);
    const hash = crypto.createHash('sha256');
    for await (const chunk of read.stream) hash.update(chunk as Uint8Array);
    const actual = hash.digest('hex');
    if (actual !== audio.sha256) problem = `SHA-256 is ${actual}, catalogued ${audio.sha256}`;
  } catch (error) {
    if (!(error instanceof AppError) || !['NOT_FOUND', 'INTEGRITY_FAILED'].includes(error.code)) {
      throw error;
    }
    problem = error.message;
  }
  if (problem === null) return;
  await deps.db.transaction().execute((trx) =>
    audit(
      trx,
      deps.clock,
      actor,
      'recording.integrityFailed',
      {
        type: 'recording',
        id: recording.id,
      },
      { audioId: audio.id, blobKey: audio.blobKey, problem },
    ),
  );
  throw new AppError(
    'INTEGRITY_FAILED',
    'The stored audio does not match its recorded SHA-256; the incident was logged',
  );
}

/** Answers `GET /api/recordings/{id}/audio?exp&actor&sig[&format=wav]`. */
export async function openRecordingAudio(
  deps: RecordingsDeps,
  req: AudioRequest,
): Promise<AudioResponse> {
  const actor = await linkActor(deps, req);
  const recording = await findRecordingByIdAnyOrg(deps.db, req.recordingId);
  if (!recording) throw notFound('Recording');
  const access = isRecordingOwner(actor, recording)
    ? ((await findEntitySettings(deps.db, recording.ownerId)).access ?? ALL_ACCESS)
    : ALL_ACCESS;
  const decision = decideRecordingAccess(actor, 'download', recording, access);
  if (!decision.allowed) {
    throw decision.hidden ? notFound('Recording') : forbidden(decision.reason);
  }
  const audio = recording.audioId ? await findAudioObjectById(deps.db, recording.audioId) : null;
  if (!audio) throw notFound('Recording audio');
  const target = { type: 'recording', id: recording.id };
  const filename = `${recording.id}.${req.format === 'wav' ? 'wav' : FILE_EXTENSIONS[audio.format]}`;
  const common = {
    'cache-control': 'private, no-store',
    'content-disposition': `inline; filename="${filename}"`,
  };

  const range = req.format === 'original' ? parseRangeHeader(req.range, audio.sizeBytes) : null;
  if (range?.kind === 'unsatisfiable') return { status: 416, size: audio.sizeBytes };
  if (range?.kind === 'range') {
    const read = await deps.blobStore.getStream(audio.blobKey, {
      start: range.start,
      end: range.end,
    });
    await deps.db.transaction().execute((trx) =>
      audit(trx, deps.clock, actor, 'recording.played', target, {
        ownerId: recording.ownerId,
        as: decision.as,
        via: 'signedLink',
        range: `${read.start}-${read.end}/${read.size}`,
      }),
    );
    return {
      status: 206,
      headers: {
        ...common,
        'content-type': audio.contentType,
        'accept-ranges': 'bytes',
        'content-range': `bytes ${read.start}-${read.end}/${read.size}`,
        'content-length': String(read.end - read.start + 1),
      },
      body: read.stream,
    };
  }

  await verifyIntegrity(deps, actor, recording, audio);
  const read = await deps.blobStore.getStream(audio.blobKey);
  await deps.db.transaction().execute((trx) =>
    audit(trx, deps.clock, actor, 'recording.downloaded', target, {
      ownerId: recording.ownerId,
      as: decision.as,
      via: 'signedLink',
      format: req.format === 'wav' ? 'WAV' : audio.format,
      sha256: audio.sha256,
    }),
  );
  if (req.format === 'wav' && audio.format !== 'WAV') {
    return {
      status: 200,
      headers: { ...common, 'content-type': 'audio/wav', 'accept-ranges': 'none' },
      body: convertToWav(read.stream),
    };
  }
  return {
    status: 200,
    headers: {
      ...common,
      'content-type': audio.contentType,
      'accept-ranges': req.format === 'original' ? 'bytes' : 'none',
      'content-length': String(read.size),
    },
    body: read.stream,
  };
}
