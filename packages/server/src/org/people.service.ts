// People (SPEC §2): the users of an org, with their licence, numbers, language and roles.
import type { Person, PersonCreate, PersonUpdate, Role } from '@callvault/shared';
import { audit, diffFields } from '../audit/audit.service.js';
import type { Page } from '../db/paging.js';
import { canonicalSipAddress } from './sip-address.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { Actor } from '../policy/actor.js';
import {
  assertCan,
  assertMayChangeRoles,
  recordingAccessChange,
  validateRoleSet,
} from '../policy/policy.js';
import {
  createWebhookOutbox,
  enqueueWebhookDeliveries,
  type WebhookOutbox,
} from '../webhooks/webhooks.service.js';
import { deleteDirectoryEntries, replaceDirectoryEntries } from './directory-entries.repository.js';
import { requireLocation, DEFAULT_LANGUAGE, type OrgDeps } from './org-deps.js';
import {
  deletePerson,
  findPersonByEmail,
  findPersonById,
  insertPerson,
  listPeople,
  updatePerson,
  type PersonRecord,
} from './people.repository.js';
import type { Trx } from '../db/database.js';

export function presentPerson(p: PersonRecord): Person {
  const { partnerId: _partnerId, ...person } = p;
  return person;
}

function checkRoles(actor: Actor | null, roles: readonly Role[]): Role[] {
  const problem = validateRoleSet(roles);
  if (problem) throw new AppError('VALIDATION_FAILED', `roles: ${problem}`);
  if (actor && roles.includes('partnerAdmin') && !actor.roles.includes('partnerAdmin')) {
    throw new AppError('FORBIDDEN', 'Only a partner administrator can grant partnerAdmin');
  }
  // Everyone is a user of their own recordings (User Hub), whatever else they administer.
  return roles.includes('user') ? [...roles] : [...roles, 'user'];
}

export async function listOrgPeople(
  deps: OrgDeps,
  actor: Actor,
  q: {
    email?: string | undefined;
    displayName?: string | undefined;
    locationId?: string | undefined;
    cursor?: string | undefined;
    max: number;
  },
): Promise<Page<Person>> {
  assertCan(actor, 'person.read', { orgId: actor.orgId });
  const page = await listPeople(deps.db, { orgId: actor.orgId, ...q, limit: q.max });
  return { items: page.items.map(presentPerson), nextCursor: page.nextCursor };
}

export async function getPerson(deps: OrgDeps, actor: Actor, id: string): Promise<Person> {
  const person = await findPersonById(deps.db, actor.orgId, id);
  if (!person) throw notFound('Person');
  assertCan(actor, 'person.read', { orgId: person.orgId, ownerId: person.id });
  return presentPerson(person);
}

export async function getMe(deps: OrgDeps, actor: Actor): Promise<Person> {
  const person = await findPersonById(deps.db, actor.homeOrgId, actor.personId);
  if (!person) throw notFound('Person');
  return presentPerson(person);
}

/**
 * Tells of a person gaining or losing a role that opens recordings, in the transaction that made
 * the change: an audit event about that person (`person.recordingAccessGranted` / `…Revoked`) and a
 * `recordingAccess` webhook event (`created` / `deleted`), the same way usage thresholds are
 * notified. Who granted it is in both; an operator's CLI change has no actor.
 */
async function noteRecordingAccessChange(
  trx: Trx,
  deps: OrgDeps,
  actor: Actor | null,
  person: PersonRecord,
  before: readonly Role[],
  outbox: WebhookOutbox,
): Promise<void> {
  const { granted, revoked } = recordingAccessChange(before, person.roles);
  const changes = [
    ...granted.map((role) => ({ role, granted: true })),
    ...revoked.map((role) => ({ role, granted: false })),
  ];
  for (const { role, granted: isGrant } of changes) {
    const details = {
      role,
      personId: person.id,
      email: person.emails[0] ?? '',
      displayName: person.displayName,
      by: actor?.personId ?? null,
    };
    await audit(
      trx,
      deps.clock,
      actor,
      isGrant ? 'person.recordingAccessGranted' : 'person.recordingAccessRevoked',
      { type: 'person', id: person.id },
      details,
      person.orgId,
    );
    await outbox.add({
      resource: 'recordingAccess',
      event: isGrant ? 'created' : 'deleted',
      actorId: actor?.personId ?? null,
      data: { id: person.id, ...details },
      attributes: {},
    });
  }
}

/** Inserts a person; shared by the API (with an actor) and the demo seed / first start (without). */
export async function insertNewPerson(
  trx: Trx,
  deps: OrgDeps,
  actor: Actor | null,
  orgId: string,
  input: PersonCreate,
  partnerId: string | null = null,
  outbox: WebhookOutbox = createWebhookOutbox(trx, deps.clock, orgId),
): Promise<PersonRecord> {
  const emails = input.emails.map((e) => e.trim().toLowerCase());
  const primary = emails[0] ?? '';
  if (await findPersonByEmail(trx, primary)) {
    throw new AppError('EMAIL_IN_USE', `A person with email ${primary} already exists`);
  }
  const location = input.locationId ? await requireLocation(trx, orgId, input.locationId) : null;
  const firstName = input.firstName?.trim() ?? '';
  const lastName = input.lastName?.trim() ?? '';
  const now = deps.clock.now().toISOString();
  const person: PersonRecord = {
    id: newId('PEOPLE'),
    emails,
    displayName:
      input.displayName?.trim() ||
      `${firstName} ${lastName}`.trim() ||
      primary.split('@')[0] ||
      primary,
    firstName,
    lastName,
    extension: input.extension ?? null,
    phoneNumbers: input.phoneNumbers ?? [],
    sipAddresses: input.sipAddress ? [canonicalSipAddress(input.sipAddress)] : [],
    locationId: location?.id ?? null,
    orgId,
    callingLicense: input.callingLicense ?? 'none',
    announcementLanguage:
      input.announcementLanguage ?? location?.announcementLanguage ?? DEFAULT_LANGUAGE,
    roles: checkRoles(actor, input.roles ?? ['user']),
    created: now,
    lastModified: now,
    partnerId,
  };
  await insertPerson(trx, person);
  await replaceDirectoryEntries(trx, orgId, 'person', person.id, {
    extension: person.extension,
    numbers: person.phoneNumbers.map((n) => n.value),
  });
  await audit(
    trx,
    deps.clock,
    actor,
    'person.created',
    { type: 'person', id: person.id },
    { after: presentPerson(person) },
    orgId,
  );
  await noteRecordingAccessChange(trx, deps, actor, person, [], outbox);
  return person;
}

export async function createPerson(
  deps: OrgDeps,
  actor: Actor,
  input: PersonCreate,
): Promise<Person> {
  assertCan(actor, 'person.write', { orgId: actor.orgId });
  const { person, deliveries } = await deps.db.transaction().execute(async (trx) => {
    const outbox = createWebhookOutbox(trx, deps.clock, actor.orgId);
    const person = await insertNewPerson(trx, deps, actor, actor.orgId, input, null, outbox);
    return { person, deliveries: outbox.deliveryIds };
  });
  await enqueueWebhookDeliveries(deps.queue, deliveries);
  return presentPerson(person);
}

export async function changePerson(
  deps: OrgDeps,
  actor: Actor,
  id: string,
  input: PersonUpdate,
): Promise<Person> {
  assertCan(actor, 'person.write', { orgId: actor.orgId });
  const { person, deliveries } = await deps.db.transaction().execute(async (trx) => {
    const before = await findPersonById(trx, actor.orgId, id);
    if (!before) throw notFound('Person');
    const emails = input.emails?.map((e) => e.trim().toLowerCase()) ?? before.emails;
    if (emails[0] !== before.emails[0]) {
      const holder = await findPersonByEmail(trx, emails[0] ?? '');
      if (holder && holder.id !== id)
        throw new AppError('EMAIL_IN_USE', `A person with email ${emails[0]} already exists`);
    }
    const locationId =
      input.locationId === undefined
        ? before.locationId
        : input.locationId === null
          ? null
          : (await requireLocation(trx, actor.orgId, input.locationId)).id;
    const after: PersonRecord = {
      ...before,
      emails,
      displayName: input.displayName?.trim() ?? before.displayName,
      firstName: input.firstName?.trim() ?? before.firstName,
      lastName: input.lastName?.trim() ?? before.lastName,
      extension: input.extension === undefined ? before.extension : input.extension,
      phoneNumbers: input.phoneNumbers ?? before.phoneNumbers,
      sipAddresses:
        input.sipAddress === undefined
          ? before.sipAddresses
          : input.sipAddress
            ? [canonicalSipAddress(input.sipAddress)]
            : [],
      locationId,
      callingLicense: input.callingLicense ?? before.callingLicense,
      announcementLanguage: input.announcementLanguage ?? before.announcementLanguage,
      roles: input.roles ? checkRoles(actor, input.roles) : before.roles,
      lastModified: deps.clock.now().toISOString(),
    };
    assertMayChangeRoles(actor, id, before.roles, after.roles);
    await updatePerson(trx, after);
    await replaceDirectoryEntries(trx, actor.orgId, 'person', id, {
      extension: after.extension,
      numbers: after.phoneNumbers.map((n) => n.value),
    });
    const { lastModified: _a, ...a } = presentPerson(after);
    const { lastModified: _b, ...b } = presentPerson(before);
    await audit(trx, deps.clock, actor, 'person.updated', { type: 'person', id }, diffFields(b, a));
    const outbox = createWebhookOutbox(trx, deps.clock, actor.orgId);
    await noteRecordingAccessChange(trx, deps, actor, after, before.roles, outbox);
    return { person: presentPerson(after), deliveries: outbox.deliveryIds };
  });
  await enqueueWebhookDeliveries(deps.queue, deliveries);
  return person;
}

/**
 * Operator action (`callvault roles`): sets a person's roles in whatever org they are. The way to
 * give an org's only administrator a role they may not give themself; audited and notified like
 * a change through the API.
 */
export async function setRolesByEmail(
  deps: OrgDeps,
  email: string,
  roles: readonly Role[],
): Promise<Person> {
  const { person, deliveries } = await deps.db.transaction().execute(async (trx) => {
    const before = await findPersonByEmail(trx, email.trim().toLowerCase());
    if (!before) throw notFound(`Person with email ${email}`);
    const after: PersonRecord = {
      ...before,
      roles: checkRoles(null, roles),
      lastModified: deps.clock.now().toISOString(),
    };
    await updatePerson(trx, after);
    await audit(
      trx,
      deps.clock,
      null,
      'person.updated',
      { type: 'person', id: before.id },
      diffFields({ roles: before.roles }, { roles: after.roles }),
      before.orgId,
    );
    const outbox = createWebhookOutbox(trx, deps.clock, before.orgId);
    await noteRecordingAccessChange(trx, deps, null, after, before.roles, outbox);
    return { person: presentPerson(after), deliveries: outbox.deliveryIds };
  });
  await enqueueWebhookDeliveries(deps.queue, deliveries);
  return person;
}

export async function removePerson(deps: OrgDeps, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'person.write', { orgId: actor.orgId });
  if (id === actor.personId) throw new AppError('VALIDATION_FAILED', 'You cannot delete yourself');
  await deps.db.transaction().execute(async (trx) => {
    const before = await findPersonById(trx, actor.orgId, id);
    if (!before) throw notFound('Person');
    await deleteDirectoryEntries(trx, id);
    await deletePerson(trx, id);
    await audit(
      trx,
      deps.clock,
      actor,
      'person.deleted',
      { type: 'person', id },
      { before: presentPerson(before) },
    );
  });
}
