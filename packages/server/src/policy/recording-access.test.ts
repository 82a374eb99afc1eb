import type { AccessSettings, RecordingStatus, Role } from '@callvault/shared';
import { describe, expect, it } from 'vitest';
import type { Actor } from './actor.js';
import {
  RECORDING_OPERATIONS,
  canListOwnRecordings,
  decideRecordingAccess,
  type RecordingOperation,
  type ShareGrant,
} from './recording-access.js';

const actor = (roles: Role[], personId = 'me', orgId = 'org-a'): Actor => ({
  personId,
  email: `${personId}@example.com`,
  displayName: personId,
  homeOrgId: 'org-a',
  orgId,
  roles,
  partnerId: null,
  via: 'token',
  clientIp: null,
});

const ALL: AccessSettings = {
  viewAndPlayRecordingsEnabled: true,
  downloadRecordingsEnabled: true,
  deleteRecordingsEnabled: true,
  shareRecordingsEnabled: true,
};
const NONE: AccessSettings = {
  viewAndPlayRecordingsEnabled: false,
  downloadRecordingsEnabled: false,
  deleteRecordingsEnabled: false,
  shareRecordingsEnabled: false,
};
const VIEW_ONLY: AccessSettings = { ...NONE, viewAndPlayRecordingsEnabled: true };
const NO_DOWNLOAD: AccessSettings = { ...ALL, downloadRecordingsEnabled: false };

type Who = 'fullAdmin' | 'partnerAdmin' | 'readOnlyAdmin' | 'complianceOfficer' | 'owner' | 'other';
const actorFor = (who: Who): Actor =>
  who === 'owner'
    ? actor(['user'])
    : who === 'other'
      ? actor(['user'], 'someone')
      : actor([who], who);

// who × operation × status × owner's access settings → allowed?
const table: Array<[Who, RecordingOperation, RecordingStatus, AccessSettings, boolean]> = [
  // Administrators manage and see metadata, never play or download.
  ['fullAdmin', 'view', 'available', ALL, true],
  ['fullAdmin', 'view', 'deleted', ALL, true],
  ['fullAdmin', 'view', 'purged', ALL, false],
  ['fullAdmin', 'download', 'available', ALL, false],
  ['fullAdmin', 'softDelete', 'available', NONE, true],
  ['fullAdmin', 'restore', 'deleted', NONE, true],
  ['fullAdmin', 'purge', 'deleted', NONE, true],
  ['fullAdmin', 'reassign', 'available', ALL, true],
  ['fullAdmin', 'delete', 'available', ALL, false],
  ['partnerAdmin', 'softDelete', 'available', ALL, true],
  ['partnerAdmin', 'download', 'available', ALL, false],
  ['partnerAdmin', 'reassign', 'available', ALL, true],
  ['readOnlyAdmin', 'view', 'available', ALL, true],
  ['readOnlyAdmin', 'download', 'available', ALL, false],
  ['readOnlyAdmin', 'softDelete', 'available', ALL, false],
  ['readOnlyAdmin', 'reassign', 'available', ALL, false],
  // Compliance officers play, download and delete permanently; they see purged ones; no reassign.
  ['complianceOfficer', 'view', 'purged', ALL, true],
  ['complianceOfficer', 'download', 'available', NONE, true],
  ['complianceOfficer', 'download', 'deleted', NONE, true],
  ['complianceOfficer', 'download', 'purged', ALL, false],
  ['complianceOfficer', 'delete', 'available', ALL, true],
  ['complianceOfficer', 'delete', 'purged', ALL, true],
  ['complianceOfficer', 'reassign', 'available', ALL, false],
  ['complianceOfficer', 'softDelete', 'available', ALL, false],
  // Owners, as their access settings allow.
  ['owner', 'view', 'available', ALL, true],
  ['owner', 'view', 'available', NONE, false],
  ['owner', 'view', 'deleted', VIEW_ONLY, true],
  ['owner', 'view', 'purged', ALL, false],
  ['owner', 'download', 'available', ALL, true],
  ['owner', 'download', 'available', NO_DOWNLOAD, false],
  ['owner', 'download', 'available', VIEW_ONLY, false],
  ['owner', 'download', 'deleted', ALL, false],
  ['owner', 'softDelete', 'available', ALL, true],
  ['owner', 'softDelete', 'available', VIEW_ONLY, false],
  ['owner', 'restore', 'deleted', ALL, true],
  ['owner', 'purge', 'deleted', ALL, true],
  ['owner', 'purge', 'deleted', NO_DOWNLOAD, true],
  ['owner', 'purge', 'deleted', VIEW_ONLY, false],
  ['owner', 'delete', 'available', ALL, false],
  ['owner', 'reassign', 'available', ALL, false],
  // Other users see nothing of someone else's recording.
  ['other', 'view', 'available', ALL, false],
  ['other', 'download', 'available', ALL, false],
  ['other', 'softDelete', 'available', ALL, false],
];

const PLAY_ONLY: ShareGrant = { shareId: 's1', downloadEnabled: false };
const WITH_DOWNLOAD: ShareGrant = { shareId: 's2', downloadEnabled: true };
const NO_SHARING: AccessSettings = { ...ALL, shareRecordingsEnabled: false };

// A share: recipient ('other') × operation × status × share → allowed (as 'share'); and sharing,
// listing and revoking shares by role and owner.
const shareTable: Array<
  [Who, RecordingOperation, RecordingStatus, ShareGrant | null, AccessSettings, boolean]
> = [
  ['other', 'view', 'available', PLAY_ONLY, ALL, true],
  ['other', 'play', 'available', PLAY_ONLY, ALL, true],
  ['other', 'download', 'available', PLAY_ONLY, ALL, false],
  ['other', 'download', 'available', WITH_DOWNLOAD, ALL, true],
  ['other', 'view', 'deleted', WITH_DOWNLOAD, ALL, false],
  ['other', 'play', 'deleted', WITH_DOWNLOAD, ALL, false],
  ['other', 'view', 'purged', WITH_DOWNLOAD, ALL, false],
  ['other', 'softDelete', 'available', WITH_DOWNLOAD, ALL, false],
  ['other', 'purge', 'available', WITH_DOWNLOAD, ALL, false],
  ['other', 'delete', 'available', WITH_DOWNLOAD, ALL, false],
  ['other', 'reassign', 'available', WITH_DOWNLOAD, ALL, false],
  ['other', 'share', 'available', WITH_DOWNLOAD, ALL, false],
  ['other', 'listShares', 'available', WITH_DOWNLOAD, ALL, false],
  ['other', 'revokeShare', 'available', WITH_DOWNLOAD, ALL, false],
  ['other', 'play', 'available', null, ALL, false],
  ['owner', 'share', 'available', null, ALL, true],
  ['owner', 'share', 'available', null, NO_SHARING, false],
  ['owner', 'share', 'deleted', null, ALL, false],
  ['owner', 'listShares', 'available', null, NO_SHARING, true],
  ['owner', 'revokeShare', 'available', null, NO_SHARING, true],
  ['owner', 'play', 'available', null, NO_DOWNLOAD, false],
  ['fullAdmin', 'share', 'available', null, ALL, false],
  ['fullAdmin', 'listShares', 'available', null, ALL, true],
  ['fullAdmin', 'revokeShare', 'available', null, ALL, true],
  ['fullAdmin', 'play', 'available', null, ALL, false],
  ['readOnlyAdmin', 'listShares', 'available', null, ALL, true],
  ['readOnlyAdmin', 'revokeShare', 'available', null, ALL, false],
  ['complianceOfficer', 'share', 'available', null, ALL, false],
  ['complianceOfficer', 'listShares', 'available', null, ALL, true],
  ['complianceOfficer', 'revokeShare', 'available', null, ALL, true],
  ['complianceOfficer', 'play', 'available', null, NONE, true],
];

describe('recording access through a share, and managing shares', () => {
  it.each(shareTable)(
    '%s %s on a %s recording (share %j, owner access %j): %s',
    (who, op, status, share, access, allowed) => {
      const decision = decideRecordingAccess(
        actorFor(who),
        op,
        { orgId: 'org-a', ownerId: 'me', status },
        access,
        share,
      );
      expect(decision.allowed).toBe(allowed);
      if (allowed && who === 'other') expect(decision).toEqual({ allowed: true, as: 'share' });
    },
  );

  it('a share the owner holds is ignored: the owner acts as owner', () => {
    const d = decideRecordingAccess(
      actor(['user']),
      'download',
      { orgId: 'org-a', ownerId: 'me', status: 'available' },
      NO_DOWNLOAD,
      WITH_DOWNLOAD,
    );
    expect(d.allowed).toBe(false);
  });

  it('sharing refused by the access settings says SHARING_NOT_ALLOWED', () => {
    const d = decideRecordingAccess(
      actor(['user']),
      'share',
      { orgId: 'org-a', ownerId: 'me', status: 'available' },
      NO_SHARING,
    );
    expect(d).toMatchObject({ allowed: false, hidden: false, code: 'SHARING_NOT_ALLOWED' });
  });
});

describe('recording access: who × operation × status × owner access settings', () => {
  it.each(table)(
    '%s %s on a %s recording (owner access %j): %s',
    (who, op, status, access, allowed) => {
      const decision = decideRecordingAccess(
        actorFor(who),
        op,
        { orgId: 'org-a', ownerId: 'me', status },
        access,
      );
      expect(decision.allowed).toBe(allowed);
    },
  );

  it('nobody acts on a recording of another org, and it stays hidden', () => {
    for (const role of ['fullAdmin', 'complianceOfficer', 'user'] as const) {
      for (const op of RECORDING_OPERATIONS) {
        const d = decideRecordingAccess(
          actor([role], 'me', 'org-a'),
          op,
          { orgId: 'org-b', ownerId: 'me', status: 'available' },
          ALL,
        );
        expect(d).toMatchObject({ allowed: false, hidden: true });
      }
    }
  });

  it('a recording the actor may not see is hidden (404); one they see but may not touch is not', () => {
    const other = decideRecordingAccess(
      actor(['user'], 'someone'),
      'download',
      { orgId: 'org-a', ownerId: 'me', status: 'available' },
      ALL,
    );
    expect(other).toMatchObject({ allowed: false, hidden: true });
    const admin = decideRecordingAccess(
      actor(['fullAdmin']),
      'download',
      { orgId: 'org-a', ownerId: 'x', status: 'available' },
      ALL,
    );
    expect(admin).toMatchObject({ allowed: false, hidden: false });
  });

  it('an administrator who owns a recording downloads it as its owner, not as admin', () => {
    const d = decideRecordingAccess(
      actor(['fullAdmin']),
      'download',
      { orgId: 'org-a', ownerId: 'me', status: 'available' },
      ALL,
    );
    expect(d).toEqual({ allowed: true, as: 'owner' });
  });

  it('users list their own recordings only with viewAndPlayRecordingsEnabled', () => {
    expect(canListOwnRecordings(ALL)).toBe(true);
    expect(canListOwnRecordings(NONE)).toBe(false);
  });
});
