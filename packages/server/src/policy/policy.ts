// Authorisation rules (SPEC §1) as data: which role may take which action on a resource of its org.
// Pure; services call `can`/`assertCan` before they touch anything. The console only hides what
// this already forbids.
import type { Role, WebhookOwner, WebhookResource } from '@callvault/shared';
import { AppError } from '../errors.js';
import type { Actor } from './actor.js';

export const ACTIONS = [
  'org.read',
  'org.update',
  'location.read',
  'location.write',
  'person.read',
  'person.write',
  'workspace.read',
  'workspace.write',
  'virtualLine.read',
  'virtualLine.write',
  'callFeature.read',
  'callFeature.write',
  'audit.read',
  'session.read',
  'recordingSettings.read',
  'recordingSettings.write',
  'trunk.read',
  'trunk.write',
  'decision.request',
  // Recordings (SPEC §7): what a role may do with any recording of its org. What an owner may do
  // with their own recordings depends on their access settings: policy/recording-access.ts.
  'recording.search',
  'recording.searchPurged',
  'recording.play',
  'recording.manage',
  'recording.reassign',
  // Reassigning an unattributed recording (no entity matched the call) to its owner.
  'recording.attribute',
  'recording.deletePermanently',
  // Ending someone's share of a recording (the owner always may: policy/recording-access.ts).
  'recording.revokeShare',
  // Lifecycle (SPEC §6, §9.1): legal holds and webhooks.
  'legalHold.read',
  'legalHold.manage',
  'webhook.read',
  'webhook.write',
  // Org-wide `convergedRecordings` webhooks only (compliance officers, WH-GUIDE's "Compliance
  // Officer level webhooks"); `webhook.write` covers them and every other resource.
  'webhook.writeRecordings',
  // Webex's Compliance Events API (`/v1/events`): what happened to the org's recordings.
  'complianceEvent.read',
  // Live calls (SPEC §4): the recording state of calls being recorded now, and their
  // controls. A user reads and controls their own calls only (see `can`); administrators and
  // compliance officers read the states of their org's calls, and control none of them.
  'liveCall.read',
  'liveCall.control',
] as const;
export type Action = (typeof ACTIONS)[number];

const READ_DIRECTORY: readonly Action[] = [
  'org.read',
  'recordingSettings.read',
  'trunk.read',
  'location.read',
  'person.read',
  'workspace.read',
  'virtualLine.read',
  'callFeature.read',
];
const WRITE_DIRECTORY: readonly Action[] = [
  'org.update',
  'recordingSettings.write',
  'trunk.write',
  // Call systems ask for recording decisions with an administrator's integration token.
  'decision.request',
  'location.write',
  'person.write',
  'workspace.write',
  'virtualLine.write',
  'callFeature.write',
];

// Administrators manage recordings but never play or download them (STYLE habit 8).
const MANAGE_RECORDINGS: readonly Action[] = [
  'recording.search',
  'recording.manage',
  'recording.reassign',
  'recording.attribute',
  'recording.revokeShare',
];

// Holds stop purging; webhooks send recording events out of Callvault.
const MANAGE_LIFECYCLE: readonly Action[] = [
  'legalHold.read',
  'legalHold.manage',
  'webhook.read',
  'webhook.write',
];

/** What each role may do within the org it acts on. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Action[]>> = {
  fullAdmin: [
    ...READ_DIRECTORY,
    ...WRITE_DIRECTORY,
    'audit.read',
    'session.read',
    'liveCall.read',
    ...MANAGE_RECORDINGS,
    ...MANAGE_LIFECYCLE,
  ],
  partnerAdmin: [
    ...READ_DIRECTORY,
    ...WRITE_DIRECTORY,
    'audit.read',
    'session.read',
    'liveCall.read',
    ...MANAGE_RECORDINGS,
    ...MANAGE_LIFECYCLE,
  ],
  readOnlyAdmin: [
    ...READ_DIRECTORY,
    'audit.read',
    'session.read',
    'liveCall.read',
    'recording.search',
    'legalHold.read',
    'webhook.read',
  ],
  // Compliance officers search recordings by owner, so they read the directory; they change no
  // settings. They play and download every recording and delete permanently; they reassign only
  // unattributed recordings (they can listen to tell whose call it was).
  complianceOfficer: [
    ...READ_DIRECTORY,
    'audit.read',
    'recording.search',
    'recording.searchPurged',
    'recording.play',
    'recording.attribute',
    'recording.deletePermanently',
    'recording.revokeShare',
    'liveCall.read',
    // Holds are a compliance tool first; compliance officers place and release them too.
    'legalHold.read',
    'legalHold.manage',
    'webhook.writeRecordings',
    'complianceEvent.read',
  ],
  user: [],
};

export interface Resource {
  readonly orgId: string;
  /** The person the resource belongs to, for "own" rules (a user reading themself). */
  readonly ownerId?: string | null;
  /**
   * For a live call of a virtual line: the people who have that line on their phone as a
   * secondary line. They read and control its calls as their own (Webex `lineOwnerId`).
   */
  readonly lineHolderIds?: readonly string[];
}

export function can(actor: Actor, action: Action, resource: Resource): boolean {
  if (resource.orgId !== actor.orgId) return false;
  if (action === 'person.read' && resource.ownerId === actor.personId) return true;
  // SPEC §1: a user starts/stops/pauses/resumes (and watches) their own live recording only.
  if (
    (action === 'liveCall.read' || action === 'liveCall.control') &&
    (resource.ownerId === actor.personId || resource.lineHolderIds?.includes(actor.personId))
  ) {
    return true;
  }
  if (action === 'org.read' && actor.orgId === actor.homeOrgId) return true;
  return actor.roles.some((role) => ROLE_PERMISSIONS[role].includes(action));
}

/**
 * May a person with `roles` own a webhook on `resource` (Webex `ownedBy`)? `org` webhooks tell
 * about every recording of the org: administrators make them for any resource, compliance
 * officers for `convergedRecordings`. Anyone may make a `creator` webhook on
 * `convergedRecordings`, which tells only about their own recordings. Asked when a webhook is
 * made or changed, and again for each event, so a person who loses the role stops receiving.
 */
export function mayOwnWebhook(
  roles: readonly Role[],
  resource: WebhookResource,
  ownedBy: WebhookOwner,
): boolean {
  if (ownedBy === 'creator') return resource === 'convergedRecordings';
  const has = (action: Action) => roles.some((role) => ROLE_PERMISSIONS[role].includes(action));
  return (
    has('webhook.write') || (resource === 'convergedRecordings' && has('webhook.writeRecordings'))
  );
}

export function assertCan(actor: Actor, action: Action, resource: Resource): void {
  if (!can(actor, action, resource)) {
    throw new AppError('FORBIDDEN', `Your role does not allow ${action} in this organization`);
  }
}

/** May this role set be given at all? A partner admin is never a compliance officer (SPEC §1). */
export function validateRoleSet(roles: readonly Role[]): string | null {
  if (roles.includes('partnerAdmin') && roles.includes('complianceOfficer')) {
    return 'a partner administrator cannot be a compliance officer';
  }
  return null;
}

/** Roles that open the org's recordings (play, download, transcripts) to whoever holds them. */
export const RECORDING_ACCESS_ROLES: readonly Role[] = ['complianceOfficer'];

function sameRoles(a: readonly Role[], b: readonly Role[]): boolean {
  // Everyone is a user (people.service adds it), so `user` alone never makes a difference.
  const set = (roles: readonly Role[]): Set<Role> => new Set([...roles, 'user']);
  const x = set(a);
  const y = set(b);
  return x.size === y.size && [...x].every((r) => y.has(r));
}

/**
 * May `actor` change the roles of person `personId` from `before` to `after`? Nobody changes their
 * own roles, in either direction: an administrator cannot make themself a compliance officer (and
 * open every recording to themself), nor drop or add any other role. So a role that grants
 * recording access always comes from another administrator, or from the operator's CLI (no
 * actor). Sending one's own unchanged roles back is no change and allowed.
 */
export function mayChangeRoles(
  actor: Actor | null,
  personId: string,
  before: readonly Role[],
  after: readonly Role[],
): boolean {
  if (actor === null || sameRoles(before, after)) return true;
  return actor.personId !== personId;
}

export function assertMayChangeRoles(
  actor: Actor | null,
  personId: string,
  before: readonly Role[],
  after: readonly Role[],
): void {
  if (!mayChangeRoles(actor, personId, before, after)) {
    throw new AppError(
      'OWN_ROLES_UNCHANGEABLE',
      'You cannot change your own roles; another administrator can (or an operator with `callvault roles`)',
    );
  }
}

/** Did going from `before` to `after` grant or remove a role that opens recordings? */
export function recordingAccessChange(
  before: readonly Role[],
  after: readonly Role[],
): { readonly granted: Role[]; readonly revoked: Role[] } {
  return {
    granted: RECORDING_ACCESS_ROLES.filter((r) => after.includes(r) && !before.includes(r)),
    revoked: RECORDING_ACCESS_ROLES.filter((r) => before.includes(r) && !after.includes(r)),
  };
}
