// Finds the entity a call party refers to: by id, email / SIP address, extension or phone number.
import type { PartyRef } from '@callvault/shared';
import type { DbOrTrx } from '../db/database.js';
import { normalizeNumber, type EntityType } from './directory-entries.repository.js';
import { parseJsonColumn } from '../db/json.js';
import { dialPlanCountry } from './dial-plan.js';
import { canonicalSipAddress } from './sip-address.js';

export interface DirectoryHit {
  readonly type: EntityType;
  readonly id: string;
}

/** A party reference; `sipAddress` is compared in canonical form only (no e-mail folding). */
export type DirectoryRef = PartyRef & { readonly sipAddress?: string };

export async function findEntityByParty(
  db: DbOrTrx,
  orgId: string,
  ref: DirectoryRef,
): Promise<DirectoryHit | null> {
  if (ref.id) {
    const id = ref.id;
    for (const [type, table] of [
      ['person', 'people'],
      ['workspace', 'workspaces'],
      ['virtualLine', 'virtual_lines'],
      ['callFeature', 'call_features'],
    ] as const) {
      const row = await db
        .selectFrom(table)
        .select('id')
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .executeTakeFirst();
      if (row) return { type, id: row.id };
    }
    return null;
  }
  if (ref.email || ref.sipAddress) {
    // A person's e-mail is stored lower-cased; SIP addresses in canonical form (sip-address.ts).
    const address = (ref.sipAddress ?? ref.email ?? '').trim();
    const email = (ref.email ?? address)
      .trim()
      .toLowerCase()
      .replace(/^sips?:/, '');
    const sipAddress = canonicalSipAddress(address);
    const person = await db
      .selectFrom('people')
      .select('id')
      .where('org_id', '=', orgId)
      .where((eb) => eb.or([eb('email', '=', email), eb('sip_address', '=', sipAddress)]))
      .executeTakeFirst();
    if (person) return { type: 'person', id: person.id };
    const ws = await db
      .selectFrom('workspaces')
      .select('id')
      .where('org_id', '=', orgId)
      .where('sip_address', '=', sipAddress)
      .executeTakeFirst();
    return ws ? { type: 'workspace', id: ws.id } : null;
  }
  const lookup = async (
    kind: 'extension' | 'number',
    value: string,
  ): Promise<DirectoryHit | null> => {
    const row = await db
      .selectFrom('directory_entries')
      .select(['entity_type', 'entity_id'])
      .where('org_id', '=', orgId)
      .where('kind', '=', kind)
      .where('value', '=', value)
      .executeTakeFirst();
    return row ? { type: row.entity_type as EntityType, id: row.entity_id } : null;
  };
  if (ref.extension) return lookup('extension', ref.extension.trim());
  if (ref.number) return lookup('number', normalizeNumber(ref.number));
  return null;
}

const TABLES = {
  person: 'people',
  workspace: 'workspaces',
  virtualLine: 'virtual_lines',
  callFeature: 'call_features',
} as const;

/** The location an entity belongs to (null for a person without one). */
export async function findEntityLocationId(db: DbOrTrx, hit: DirectoryHit): Promise<string | null> {
  const row = await db
    .selectFrom(TABLES[hit.type])
    .select('location_id')
    .where('id', '=', hit.id)
    .executeTakeFirst();
  return row?.location_id ?? null;
}

/** The dial-plan country (address.country) of the entity's location, or null. */
export async function findEntityCountry(db: DbOrTrx, hit: DirectoryHit): Promise<string | null> {
  const locationId = await findEntityLocationId(db, hit);
  if (locationId === null) return null;
  const row = await db
    .selectFrom('locations')
    .select('address')
    .where('id', '=', locationId)
    .executeTakeFirst();
  return row ? dialPlanCountry(parseJsonColumn<{ country?: string }>(row.address).country) : null;
}

/** The distinct dial-plan countries of the org's locations. */
export async function listLocationCountries(db: DbOrTrx, orgId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('locations')
    .select('address')
    .where('org_id', '=', orgId)
    .execute();
  const countries = rows.flatMap((r) => {
    const c = dialPlanCountry(parseJsonColumn<{ country?: string }>(r.address).country);
    return c ? [c] : [];
  });
  return [...new Set(countries)].sort();
}

/** The announcement language of any entity that can answer a call. */
export async function findAnnouncementLanguage(
  db: DbOrTrx,
  hit: DirectoryHit,
): Promise<string | null> {
  const table = {
    person: 'people',
    workspace: 'workspaces',
    virtualLine: 'virtual_lines',
    callFeature: 'call_features',
  } as const;
  const row = await db
    .selectFrom(table[hit.type])
    .select('announcement_language')
    .where('id', '=', hit.id)
    .executeTakeFirst();
  return row?.announcement_language ?? null;
}
