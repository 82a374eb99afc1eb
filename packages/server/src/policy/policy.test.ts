import type { Role } from '@callvault/shared';
import { describe, expect, it } from 'vitest';
import type { Actor } from './actor.js';
import {
  ACTIONS,
  assertMayChangeRoles,
  can,
  mayChangeRoles,
  mayOwnWebhook,
  recordingAccessChange,
  validateRoleSet,
  type Action,
} from './policy.js';

const actor = (roles: Role[], orgId = 'org-a', personId = 'p1'): Actor => ({
  personId,
  email: 'x@example.com',
  displayName: 'X',
  homeOrgId: 'org-a',
  orgId,
  roles,
  partnerId: null,
  via: 'token',
  clientIp: null,
});

// actor × action on a resource of the actor's own org → allowed?
const table: Array<[Role, Action, boolean]> = [
  ['fullAdmin', 'person.write', true],
  ['fullAdmin', 'person.read', true],
  ['fullAdmin', 'audit.read', true],
  ['partnerAdmin', 'person.write', true],
  ['readOnlyAdmin', 'person.read', true],
  ['readOnlyAdmin', 'person.write', false],
  ['readOnlyAdmin', 'location.write', false],
  ['readOnlyAdmin', 'audit.read', true],
  ['complianceOfficer', 'person.read', true],
  ['complianceOfficer', 'person.write', false],
  ['complianceOfficer', 'org.update', false],
  ['complianceOfficer', 'audit.read', true],
  ['user', 'person.read', false],
  ['user', 'person.write', false],
  ['user', 'workspace.read', false],
  ['user', 'audit.read', false],
  ['readOnlyAdmin', 'session.read', true],
  ['complianceOfficer', 'session.read', false],
  ['user', 'session.read', false],
  ['user', 'org.read', true],
  ['fullAdmin', 'legalHold.manage', true],
  ['partnerAdmin', 'legalHold.manage', true],
  ['complianceOfficer', 'legalHold.manage', true],
  ['complianceOfficer', 'legalHold.read', true],
  ['readOnlyAdmin', 'legalHold.read', true],
  ['readOnlyAdmin', 'legalHold.manage', false],
  ['user', 'legalHold.read', false],
  ['user', 'legalHold.manage', false],
  ['fullAdmin', 'webhook.write', true],
  ['readOnlyAdmin', 'webhook.read', true],
  ['readOnlyAdmin', 'webhook.write', false],
  ['complianceOfficer', 'webhook.read', false],
  ['complianceOfficer', 'webhook.write', false],
  ['user', 'webhook.read', false],
  ['complianceOfficer', 'webhook.writeRecordings', true],
  ['fullAdmin', 'webhook.writeRecordings', false],
  ['readOnlyAdmin', 'webhook.writeRecordings', false],
  ['user', 'webhook.writeRecordings', false],
  // Webex's Compliance Events API is for compliance officers only.
  ['complianceOfficer', 'complianceEvent.read', true],
  ['fullAdmin', 'complianceEvent.read', false],
  ['partnerAdmin', 'complianceEvent.read', false],
  ['readOnlyAdmin', 'complianceEvent.read', false],
  ['user', 'complianceEvent.read', false],
];

describe('policy: role × action within the actor’s org', () => {
  it.each(table)('%s may %s: %s', (role, action, allowed) => {
    expect(can(actor([role]), action, { orgId: 'org-a' })).toBe(allowed);
  });

  it('no role may act on another org’s resource', () => {
    for (const role of [
      'fullAdmin',
      'partnerAdmin',
      'readOnlyAdmin',
      'complianceOfficer',
    ] as const) {
      for (const action of ACTIONS) {
        expect(can(actor([role]), action, { orgId: 'org-b' })).toBe(false);
      }
    }
  });

  it('a user reads their own person record but nobody else’s', () => {
    expect(can(actor(['user']), 'person.read', { orgId: 'org-a', ownerId: 'p1' })).toBe(true);
    expect(can(actor(['user']), 'person.read', { orgId: 'org-a', ownerId: 'p2' })).toBe(false);
  });

  it('a user reads and controls the live calls of their own line and of a virtual line they have as a secondary line, no other', () => {
    const user = actor(['user']);
    for (const action of ['liveCall.read', 'liveCall.control'] as const) {
      expect(can(user, action, { orgId: 'org-a', ownerId: 'p1' })).toBe(true);
      expect(can(user, action, { orgId: 'org-a', ownerId: 'vl1', lineHolderIds: ['p1'] })).toBe(
        true,
      );
      expect(can(user, action, { orgId: 'org-a', ownerId: 'vl1', lineHolderIds: ['p2'] })).toBe(
        false,
      );
      expect(can(user, action, { orgId: 'org-a', ownerId: 'p2' })).toBe(false);
      expect(can(user, action, { orgId: 'org-b', ownerId: 'vl1', lineHolderIds: ['p1'] })).toBe(
        false,
      );
    }
    expect(can(actor(['fullAdmin']), 'liveCall.control', { orgId: 'org-a', ownerId: 'p2' })).toBe(
      false,
    );
  });

  it('a partner admin acting on a customer org may manage it but roles still bind', () => {
    const partner = actor(['partnerAdmin'], 'org-c');
    expect(can(partner, 'person.write', { orgId: 'org-c' })).toBe(true);
    expect(can(partner, 'person.write', { orgId: 'org-a' })).toBe(false);
  });

  it('a partner administrator cannot be a compliance officer', () => {
    expect(validateRoleSet(['partnerAdmin', 'complianceOfficer'])).toMatch(/cannot/);
    expect(validateRoleSet(['fullAdmin', 'complianceOfficer'])).toBeNull();
  });
});

// who changes whose roles, from → to → allowed? `self` is the actor's own record (p1).
const roleChanges: Array<[string, 'self' | 'other' | 'cli', Role[], Role[], boolean]> = [
  [
    'an admin makes themself a compliance officer',
    'self',
    ['fullAdmin', 'user'],
    ['fullAdmin', 'complianceOfficer', 'user'],
    false,
  ],
  [
    'an admin removes their own compliance officer role',
    'self',
    ['fullAdmin', 'complianceOfficer', 'user'],
    ['fullAdmin', 'user'],
    false,
  ],
  ['an admin drops their own admin role', 'self', ['fullAdmin', 'user'], ['user'], false],
  [
    'an admin swaps their own admin role',
    'self',
    ['fullAdmin', 'user'],
    ['readOnlyAdmin', 'user'],
    false,
  ],
  [
    'an admin sends their own roles back unchanged',
    'self',
    ['fullAdmin', 'user'],
    ['fullAdmin', 'user'],
    true,
  ],
  ['… in another order, without user', 'self', ['fullAdmin', 'user'], ['fullAdmin'], true],
  [
    'an admin makes someone else a compliance officer',
    'other',
    ['user'],
    ['complianceOfficer', 'user'],
    true,
  ],
  [
    'an admin removes someone else’s compliance officer role',
    'other',
    ['complianceOfficer', 'user'],
    ['user'],
    true,
  ],
  ['an admin makes someone else an admin', 'other', ['user'], ['fullAdmin', 'user'], true],
  [
    'the CLI makes a person a compliance officer',
    'cli',
    ['fullAdmin', 'user'],
    ['fullAdmin', 'complianceOfficer', 'user'],
    true,
  ],
];

describe('policy: nobody changes their own roles', () => {
  it.each(roleChanges)('%s (%s): %s', (_what, who, before, after, allowed) => {
    const admin = actor(['fullAdmin']);
    const by = who === 'cli' ? null : admin;
    const target = who === 'other' ? 'p2' : 'p1';
    expect(mayChangeRoles(by, target, before, after)).toBe(allowed);
    if (allowed) expect(() => assertMayChangeRoles(by, target, before, after)).not.toThrow();
    else
      expect(() => assertMayChangeRoles(by, target, before, after)).toThrow(
        expect.objectContaining({ code: 'OWN_ROLES_UNCHANGEABLE' }),
      );
  });

  it('names the recording-access roles granted and revoked', () => {
    expect(recordingAccessChange(['user'], ['complianceOfficer', 'user'])).toEqual({
      granted: ['complianceOfficer'],
      revoked: [],
    });
    expect(recordingAccessChange(['complianceOfficer', 'user'], ['fullAdmin', 'user'])).toEqual({
      granted: [],
      revoked: ['complianceOfficer'],
    });
    expect(recordingAccessChange(['user'], ['fullAdmin', 'readOnlyAdmin', 'user'])).toEqual({
      granted: [],
      revoked: [],
    });
  });
});

describe('policy: who may own a webhook (Webex ownedBy)', () => {
  it.each([
    // [roles, resource, ownedBy, allowed]
    [['fullAdmin'], 'convergedRecordings', 'org', true],
    [['fullAdmin'], 'storageQuota', 'org', true],
    [['partnerAdmin'], 'recordingAccess', 'org', true],
    [['complianceOfficer'], 'convergedRecordings', 'org', true],
    [['complianceOfficer'], 'storageQuota', 'org', false],
    [['complianceOfficer'], 'recordingAccess', 'org', false],
    [['readOnlyAdmin'], 'convergedRecordings', 'org', false],
    [['user'], 'convergedRecordings', 'org', false],
    [[], 'convergedRecordings', 'org', false],
    [['user'], 'convergedRecordings', 'creator', true],
    [['readOnlyAdmin'], 'convergedRecordings', 'creator', true],
    [['user'], 'storageQuota', 'creator', false],
    [['fullAdmin'], 'recordingAccess', 'creator', false],
  ] as const)('%j on %s owned by %s: %s', (roles, resource, ownedBy, allowed) => {
    expect(mayOwnWebhook(roles, resource, ownedBy)).toBe(allowed);
  });
});
