import type { CallingLicense, Person, Role } from '@callvault/shared';
import type { DbOrTrx } from '../db/database.js';
import { parseJsonColumn, toJsonColumn } from '../db/json.js';
import { afterCursor, likePrefix, likes, toPage, type Page } from '../db/paging.js';
import type { Selectable } from 'kysely';
import type { PeopleTable } from '../db/schema.js';

export interface PersonRecord extends Person {
  readonly partnerId: string | null;
}

function toPerson(row: Selectable<PeopleTable>): PersonRecord {
  return {
    id: row.id,
    emails: parseJsonColumn<string[]>(row.emails),
    displayName: row.display_name,
    firstName: row.first_name,
    lastName: row.last_name,
    extension: row.extension,
    phoneNumbers: parseJsonColumn<Person['phoneNumbers']>(row.phone_numbers),
    sipAddresses: row.sip_address ? [row.sip_address] : [],
    locationId: row.location_id,
    orgId: row.org_id,
    callingLicense: row.calling_license as CallingLicense,
    announcementLanguage: row.announcement_language,
    roles: parseJsonColumn<Role[]>(row.roles),
    created: row.created_at,
    lastModified: row.updated_at,
    partnerId: row.partner_id,
  };
}

function toRow(
  p: PersonRecord,
): Omit<Selectable<PeopleTable>, 'password_hash' | 'must_change_password' | 'console_language'> {
  return {
    id: p.id,
    org_id: p.orgId,
    location_id: p.locationId,
    email: (p.emails[0] ?? '').toLowerCase(),
    emails: toJsonColumn(p.emails.map((e) => e.toLowerCase())),
    display_name: p.displayName,
    first_name: p.firstName,
    last_name: p.lastName,
    extension: p.extension,
    phone_numbers: toJsonColumn(p.phoneNumbers),
    sip_address: p.sipAddresses[0] ?? null,
    calling_license: p.callingLicense,
    announcement_language: p.announcementLanguage,
    roles: toJsonColumn(p.roles),
    partner_id: p.partnerId,
    created_at: p.created,
    updated_at: p.lastModified,
  };
}

export async function insertPerson(db: DbOrTrx, person: PersonRecord): Promise<void> {
  await db.insertInto('people').values(toRow(person)).execute();
}

export async function updatePerson(db: DbOrTrx, person: PersonRecord): Promise<void> {
  const { id: _id, created_at: _created, ...changes } = toRow(person);
  await db.updateTable('people').set(changes).where('id', '=', person.id).execute();
}

export async function deletePerson(db: DbOrTrx, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('person_id', '=', id).execute();
  await db.deleteFrom('api_tokens').where('person_id', '=', id).execute();
  await db.deleteFrom('people').where('id', '=', id).execute();
}

export async function findPersonById(
  db: DbOrTrx,
  orgId: string,
  id: string,
): Promise<PersonRecord | null> {
  const row = await db
    .selectFrom('people')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toPerson(row) : null;
}

/** Any org: used by authentication, which starts from an email or a credential. */
export async function findPersonByEmail(db: DbOrTrx, email: string): Promise<PersonRecord | null> {
  const row = await db
    .selectFrom('people')
    .selectAll()
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
  return row ? toPerson(row) : null;
}

export async function findPersonByIdAnyOrg(db: DbOrTrx, id: string): Promise<PersonRecord | null> {
  const row = await db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toPerson(row) : null;
}

export interface PeopleFilter {
  readonly orgId: string;
  readonly email?: string | undefined;
  readonly displayName?: string | undefined;
  readonly locationId?: string | undefined;
  readonly cursor?: string | undefined;
  readonly limit: number;
}

export async function listPeople(db: DbOrTrx, f: PeopleFilter): Promise<Page<PersonRecord>> {
  let q = db.selectFrom('people').selectAll().where('org_id', '=', f.orgId);
  if (f.email !== undefined) q = q.where('email', '=', f.email.trim().toLowerCase());
  if (f.displayName !== undefined) q = q.where(likes('display_name', likePrefix(f.displayName)));
  if (f.locationId !== undefined) q = q.where('location_id', '=', f.locationId);
  if (f.cursor !== undefined) q = q.where(afterCursor('display_name', f.cursor));
  const rows = await q
    .orderBy('display_name')
    .orderBy('id')
    .limit(f.limit + 1)
    .execute();
  return toPage(rows.map(toPerson), f.limit, (p) => [p.displayName, p.id]);
}

export async function countPeople(db: DbOrTrx): Promise<number> {
  const row = await db
    .selectFrom('people')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function findPasswordHash(
  db: DbOrTrx,
  personId: string,
): Promise<{ hash: string | null; mustChange: boolean } | null> {
  const row = await db
    .selectFrom('people')
    .select(['password_hash', 'must_change_password'])
    .where('id', '=', personId)
    .executeTakeFirst();
  return row ? { hash: row.password_hash, mustChange: row.must_change_password === 1 } : null;
}

/** The console language the person chose, or null when they have not chosen one. */
export async function findConsoleLanguage(db: DbOrTrx, personId: string): Promise<string | null> {
  const row = await db
    .selectFrom('people')
    .select('console_language')
    .where('id', '=', personId)
    .executeTakeFirst();
  return row?.console_language ?? null;
}

export async function setConsoleLanguage(
  db: DbOrTrx,
  personId: string,
  language: string | null,
): Promise<void> {
  await db
    .updateTable('people')
    .set({ console_language: language })
    .where('id', '=', personId)
    .execute();
}

export async function setPasswordHash(
  db: DbOrTrx,
  personId: string,
  hash: string,
  mustChange: boolean,
  at: Date,
): Promise<void> {
  await db
    .updateTable('people')
    .set({
      password_hash: hash,
      must_change_password: mustChange ? 1 : 0,
      updated_at: at.toISOString(),
    })
    .where('id', '=', personId)
    .execute();
}
