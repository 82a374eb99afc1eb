// Who may read a recording (policy/recording-access.ts applied to a catalogue row): the one place
// that decides owner and compliance access for the details, the audio, the transcript and the
// waveform, whether the recording was reached by id in the actor's org or through a signed link.
import type { AccessSettings } from '@callvault/shared';
import type { DbOrTrx } from '../db/database.js';
import { forbidden, notFound, type AppError } from '../errors.js';
import type { Actor } from '../policy/actor.js';
import {
  decideRecordingAccess,
  isRecordingOwner,
  type RecordingOperation,
} from '../policy/recording-access.js';
import { ALL_ACCESS } from '../recording-settings/recording-settings.model.js';
import { findEntitySettings } from '../recording-settings/recording-settings.repository.js';
import type { RecordingRecord } from './recordings.model.js';
import { findRecordingById } from './recordings.repository.js';

export type RecordingRole = 'owner' | 'role';

/** The owner's access settings, needed only when the actor is that owner. */
async function ownerAccessFor(
  db: DbOrTrx,
  actor: Actor,
  r: RecordingRecord,
): Promise<AccessSettings> {
  if (!isRecordingOwner(actor, r)) return ALL_ACCESS;
  return (await findEntitySettings(db, r.ownerId)).access ?? ALL_ACCESS;
}

/**
 * Whether `actor` may do `operation` to `r`: as its owner (with the owner's access settings) or
 * by role; a recording the actor may not know of is not found.
 */
export async function decideRecordingOperation(
  db: DbOrTrx,
  actor: Actor,
  operation: RecordingOperation,
  r: RecordingRecord,
): Promise<{ ok: true; as: RecordingRole } | { ok: false; error: AppError }> {
  const d = decideRecordingAccess(actor, operation, r, await ownerAccessFor(db, actor, r));
  if (d.allowed) return { ok: true, as: d.as };
  return { ok: false, error: d.hidden ? notFound('Recording') : forbidden(d.reason) };
}

export async function requireRecording(
  db: DbOrTrx,
  actor: Actor,
  operation: RecordingOperation,
  id: string,
): Promise<{ recording: RecordingRecord; as: RecordingRole }> {
  const recording = await findRecordingById(db, actor.orgId, id);
  if (!recording) throw notFound('Recording');
  const d = await decideRecordingOperation(db, actor, operation, recording);
  if (!d.ok) throw d.error;
  return { recording, as: d.as };
}

/**
 * Authorises reading a recording's content (audio, transcript, waveform): `download`, which the
 * owner's access settings or a compliance role grant. Throws NOT_FOUND or FORBIDDEN; returns how
 * the actor is allowed, for the audit event.
 */
export async function authorizeRecordingRead(
  db: DbOrTrx,
  actor: Actor,
  recording: RecordingRecord,
): Promise<RecordingRole> {
  const d = await decideRecordingOperation(db, actor, 'download', recording);
  if (!d.ok) throw d.error;
  return d.as;
}
