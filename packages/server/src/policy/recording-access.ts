// Who may do what with one recording (SPEC §1, §7): the role rules of policy.ts, the owner's own
// rights, which their callRecordingAccessSettings switch on and off, and what a share gives the
// person it was shared with (view and play, download only if the share says so, never more). Pure;
// the recordings service asks before every read or change and the table test pins every
// combination.
import type { AccessSettings, RecordingOwnerType, RecordingStatus } from '@callvault/shared';
import type { ErrorCode } from '../errors.js';
import type { Actor } from './actor.js';
import { can } from './policy.js';

export const RECORDING_OPERATIONS = [
  /** Details and metadata. */
  'view',
  /** Streaming the audio to listen, the waveform and the transcript. */
  'play',
  /** Temporary download links, the audio itself (play or download). */
  'download',
  'softDelete',
  'restore',
  'purge',
  /** A compliance officer's permanent delete. */
  'delete',
  'reassign',
  /** Sharing it with a person of the org (the owner, when their access settings allow it). */
  'share',
  /** Listing its shares. */
  'listShares',
  /** Revoking one of its shares. */
  'revokeShare',
] as const;
export type RecordingOperation = (typeof RECORDING_OPERATIONS)[number];

export interface RecordingSubject {
  readonly orgId: string;
  readonly ownerId: string;
  /** `unattributed`: nobody owns it (its owner id is the trunk's); absent = an entity's. */
  readonly ownerType?: RecordingOwnerType;
  readonly status: RecordingStatus;
}

/** An active share of the recording with the actor (unrevoked and unexpired now). */
export interface ShareGrant {
  readonly shareId: string;
  readonly downloadEnabled: boolean;
}

export type RecordingDecision =
  | { readonly allowed: true; readonly as: 'owner' | 'role' | 'share' }
  | {
      readonly allowed: false;
      readonly reason: string;
      readonly hidden: boolean;
      /** The error to answer with when not FORBIDDEN. */
      readonly code?: ErrorCode;
    };

const deny = (reason: string, hidden = false, code?: ErrorCode): RecordingDecision => ({
  allowed: false,
  reason,
  hidden,
  ...(code !== undefined ? { code } : {}),
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
 * when the actor is the owner. `share` is the actor's active share of the recording, if any; it
 * counts only while the recording is available. A denial is `hidden` when the actor may not even
 * know the recording exists (the service then answers 404 rather than 403).
 */
export function decideRecordingAccess(
  actor: Actor,
  operation: RecordingOperation,
  recording: RecordingSubject,
  ownerAccess: AccessSettings,
  share: ShareGrant | null = null,
): RecordingDecision {
  const org = { orgId: recording.orgId };
  if (recording.orgId !== actor.orgId) return deny('not a recording of this organization', true);
  const owner = isRecordingOwner(actor, recording);
  const searches = can(actor, 'recording.search', org);
  const seesPurged = can(actor, 'recording.searchPurged', org);
  const seesOwn = owner && ownerAccess.viewAndPlayRecordingsEnabled;
  const shared = !owner && share !== null && recording.status === 'available';
  const visible = recording.status === 'purged' ? seesPurged : searches || seesOwn || shared;
  if (!visible) return deny('recording not found', true);

  const byRole = (action: Parameters<typeof can>[1]): boolean => can(actor, action, org);
  switch (operation) {
    case 'view':
      return { allowed: true, as: searches || seesPurged ? 'role' : owner ? 'owner' : 'share' };
    case 'play':
    case 'download':
      if (recording.status === 'purged') return deny('a purged recording has no audio');
      if (byRole('recording.play')) return { allowed: true, as: 'role' };
      // An owner's audio reaches the browser as a download link: playing needs download too.
      if (owner && recording.status === 'available' && ownerAccess.downloadRecordingsEnabled) {
        return { allowed: true, as: 'owner' };
      }
      if (shared && (operation === 'play' || share.downloadEnabled)) {
        return { allowed: true, as: 'share' };
      }
      return deny(
        owner
          ? 'your access settings do not allow downloading recordings'
          : shared
            ? 'this recording was shared with you without download'
            : 'administrators may manage recordings but never play or download them',
      );
    case 'share':
      if (!owner) return deny('only the owner of a recording may share it');
      if (recording.status !== 'available')
        return deny('only an available recording can be shared');
      return ownerAccess.shareRecordingsEnabled
        ? { allowed: true, as: 'owner' }
        : deny(
            'your access settings do not allow sharing recordings',
            false,
            'SHARING_NOT_ALLOWED',
          );
    case 'listShares':
      if (owner) return { allowed: true, as: 'owner' };
      return searches
        ? { allowed: true, as: 'role' }
        : deny('only the owner, administrators and compliance officers see a recording’s shares');
    case 'revokeShare':
      if (owner) return { allowed: true, as: 'owner' };
      return byRole('recording.revokeShare')
        ? { allowed: true, as: 'role' }
        : deny('only the owner, administrators and compliance officers revoke shares');
    case 'softDelete':
    case 'restore':
    case 'purge':
      if (byRole('recording.manage')) return { allowed: true, as: 'role' };
      if (shared) return deny('a recording shared with you is read-only');
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
