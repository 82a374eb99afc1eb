// Who may read a recording (policy/recording-access.ts applied to a catalogue row): the one place
// that decides owner, compliance and share access for the details, the audio, the transcript and
// the waveform, whether the recording was reached by id in the actor's org or through a signed
// link. A share counts only while it is unrevoked and unexpired at `now`, asked on every read.
import type { AccessSettings } from '@callvault/shared';
import type { DbOrTrx } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import type { Actor } from '../policy/actor.js';
import {
  decideRecordingAccess,
  isRecordingOwner,
  type RecordingOperation,
  type ShareGrant,
} from '../policy/recording-access.js';
import { ALL_ACCESS } from '../recording-settings/recording-settings.model.js';
import { findEntitySettings } from '../recording-settings/recording-settings.repository.js';
import type { RecordingRecord } from './recordings.model.js';
import { findRecordingById } from './recordings.repository.js';
import { findActiveShare } from '../sharing/shares.repository.js';

export type RecordingRole = 'owner' | 'role' | 'share';

/** The owner's access settings, needed only when the actor is that owner. */
async function ownerAccessFor(
  db: DbOrTrx,
  actor: Actor,
  r: RecordingRecord,
): Promise<AccessSettings> {
  if (!isRecordingOwner(actor, r)) return ALL_ACCESS;
  return (await findEntitySettings(db, r.ownerId)).access ?? ALL_ACCESS;
}

/** The actor's share of the recording active at `now`, for anyone but its owner. */
async function shareFor(
  db: DbOrTrx,
  actor: Actor,
  r: RecordingRecord,
  now: Date,
): Promise<ShareGrant | null> {
  if (isRecordingOwner(actor, r) || actor.orgId !== r.orgId || r.status !== 'available') {
    return null;
  }
  const share = await findActiveShare(db, r.id, actor.personId, now.toISOString());
  return share ? { shareId: share.id, downloadEnabled: share.downloadEnabled } : null;
}

export type RecordingOperationDecision =
  { ok: true; as: RecordingRole; shareId?: string } | { ok: false; error: AppError };

/**
 * Whether `actor` may do `operation` to `r` at `now`: as its owner (with the owner's access
 * settings), by role, or through a share; a recording the actor may not know of is not found.
 */
export async function decideRecordingOperation(
  db: DbOrTrx,
  actor: Actor,
  operation: RecordingOperation,
  r: RecordingRecord,
  now: Date,
): Promise<RecordingOperationDecision> {
  const share = await shareFor(db, actor, r, now);
  const d = decideRecordingAccess(actor, operation, r, await ownerAccessFor(db, actor, r), share);
  if (d.allowed) {
    return d.as === 'share' && share
      ? { ok: true, as: d.as, shareId: share.shareId }
      : { ok: true, as: d.as };
  }
  return {
    ok: false,
    error: d.hidden ? notFound('Recording') : new AppError(d.code ?? 'FORBIDDEN', d.reason),
  };
}

export async function requireRecording(
  db: DbOrTrx,
  actor: Actor,
  operation: RecordingOperation,
  id: string,
  now: Date,
): Promise<{ recording: RecordingRecord; as: RecordingRole; shareId?: string }> {
  const recording = await findRecordingById(db, actor.orgId, id);
  if (!recording) throw notFound('Recording');
  const d = await decideRecordingOperation(db, actor, operation, recording, now);
  if (!d.ok) throw d.error;
  return { recording, as: d.as, ...(d.shareId !== undefined ? { shareId: d.shareId } : {}) };
}

/** How a read was allowed, for its audit event: the role, and the share when through one. */
export interface ReadGrant {
  readonly as: RecordingRole;
  readonly shareId?: string;
}

/**
 * Authorises reading a recording's content: `download` (the audio as a file) or `play` (streaming
 * it, the waveform, the transcript), which the owner's access settings, a compliance role or a
 * share grant. Throws NOT_FOUND or FORBIDDEN; returns how the actor is allowed, for the audit.
 */
export async function authorizeRecordingRead(
  db: DbOrTrx,
  actor: Actor,
  recording: RecordingRecord,
  now: Date,
  operation: 'play' | 'download' = 'download',
): Promise<ReadGrant> {
  const d = await decideRecordingOperation(db, actor, operation, recording, now);
  if (!d.ok) throw d.error;
  return d.shareId !== undefined ? { as: d.as, shareId: d.shareId } : { as: d.as };
}
