// Who may do what with one recording (SPEC §1, §7): the role rules of policy.ts plus
// the owner's own rights, which their callRecordingAccessSettings switch on and off. Pure; the
// recordings service asks before every read or change and the table test pins every combination.
import type { AccessSettings, RecordingOwnerType, RecordingStatus } from '@callvault/shared';
import type { Actor } from './actor.js';
import { can } from './policy.js';

export const RECORDING_OPERATIONS = [
  /** Details and metadata. */
  'view',
  /** Temporary download links, the audio itself (play or download). */
  'download',
  'softDelete',
  'restore',
  'purge',
  /** A compliance officer's permanent delete. */
  'delete',
  'reassign',
] as const;
export type RecordingOperation = (typeof RECORDING_OPERATIONS)[number];

export interface RecordingSubject {
  readonly orgId: string;
  readonly ownerId: string;
  /** `unattributed`: nobody owns it (its owner id is the trunk's); absent = an entity's. */
  readonly ownerType?: RecordingOwnerType;
  readonly status: RecordingStatus;
}

export type RecordingDecision =
  | { readonly allowed: true; readonly as: 'owner' | 'role' }
  | { readonly allowed: false; readonly reason: string; readonly hidden: boolean };

const deny = (reason: string, hidden = false): RecordingDecision => ({
  allowed: false,
  reason,
  hidden,
});

/** Whether `actor` owns the recording (a person acting in their own org). */
export function isRecordingOwner(actor: Actor, recording: RecordingSubject): boolean {
  return (
    actor.orgId === actor.homeOrgId &&
    recording.orgId === actor.orgId &&
    recording.ownerType !== 'unattributed' &&
    recording.ownerId === actor.personId
  );
}

/**
 * Decides one operation. `ownerAccess` is the owner's effective access settings; it matters only
 * when the actor is the owner. A denial is `hidden` when the actor may not even know the recording
 * exists (the service then answers 404 rather than 403).
 */
export function decideRecordingAccess(
  actor: Actor,
  operation: RecordingOperation,
  recording: RecordingSubject,
  ownerAccess: AccessSettings,
): RecordingDecision {
  const org = { orgId: recording.orgId };
  if (recording.orgId !== actor.orgId) return deny('not a recording of this organization', true);
  const owner = isRecordingOwner(actor, recording);
  const searches = can(actor, 'recording.search', org);
  const seesPurged = can(actor, 'recording.searchPurged', org);
  const visible =
    recording.status === 'purged'
      ? seesPurged
      : searches || (owner && ownerAccess.viewAndPlayRecordingsEnabled);
  if (!visible) return deny('recording not found', true);

  const byRole = (action: Parameters<typeof can>[1]): boolean => can(actor, action, org);
  switch (operation) {
    case 'view':
      return { allowed: true, as: searches || seesPurged ? 'role' : 'owner' };
    case 'download':
      if (recording.status === 'purged') return deny('a purged recording has no audio');
      if (byRole('recording.play')) return { allowed: true, as: 'role' };
      if (owner && recording.status === 'available' && ownerAccess.downloadRecordingsEnabled) {
        return { allowed: true, as: 'owner' };
      }
      return deny(
        owner
          ? 'your access settings do not allow downloading recordings'
          : 'administrators may manage recordings but never play or download them',
      );
    case 'softDelete':
    case 'restore':
    case 'purge':
      if (byRole('recording.manage')) return { allowed: true, as: 'role' };
      if (owner && ownerAccess.deleteRecordingsEnabled) return { allowed: true, as: 'owner' };
      return deny(
        owner
          ? 'your access settings do not allow deleting recordings'
          : 'your role does not allow moving recordings to or from the recycle bin',
      );
    case 'delete':
      return byRole('recording.deletePermanently')
        ? { allowed: true, as: 'role' }
        : deny('only a compliance officer may delete a recording permanently');
    case 'reassign':
      // Giving an unattributed recording its owner is a compliance task too: a compliance
      // officer can listen to tell whose call it was, an administrator cannot.
      return byRole('recording.reassign') ||
        (recording.ownerType === 'unattributed' && byRole('recording.attribute'))
        ? { allowed: true, as: 'role' }
        : deny(
            recording.ownerType === 'unattributed'
              ? 'only an administrator or a compliance officer may give an unattributed recording an owner'
              : 'only an administrator may reassign recordings',
          );
  }
}

/** `GET /v1/convergedRecordings`: a user lists their own recordings when allowed to view them. */
export function canListOwnRecordings(ownerAccess: AccessSettings): boolean {
  return ownerAccess.viewAndPlayRecordingsEnabled;
}
