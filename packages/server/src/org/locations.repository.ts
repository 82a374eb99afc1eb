import type { Location } from '@callvault/shared';
import type { DbOrTrx } from '../db/database.js';
import type { LocationsTable } from '../db/schema.js';
import { parseJsonColumn, toJsonColumn } from '../db/json.js';
import { likePrefix, likes } from '../db/paging.js';

function toLocation(row: LocationsTable): Location {
  return {
    id: row.id,
    name: row.name,
    orgId: row.org_id,
    timeZone: row.time_zone,
    announcementLanguage: row.announcement_language,
    address: parseJsonColumn<Location['address']>(row.address),
  };
}

export async function insertLocation(db: DbOrTrx, loc: Location, at: Date): Promise<void> {
  await db
    .insertInto('locations')
    .values({
      id: loc.id,
      org_id: loc.orgId,
      name: loc.name,
      time_zone: loc.timeZone,
      announcement_language: loc.announcementLanguage,
      address: toJsonColumn(loc.address),
      created_at: at.toISOString(),
    })
    .execute();
}

export async function updateLocation(db: DbOrTrx, loc: Location): Promise<void> {
  await db
    .updateTable('locations')
    .set({
      name: loc.name,
      time_zone: loc.timeZone,
      announcement_language: loc.announcementLanguage,
      address: toJsonColumn(loc.address),
    })
    .where('id', '=', loc.id)
    .execute();
}

export async function findLocationById(
  db: DbOrTrx,
  orgId: string,
  id: string,
): Promise<Location | null> {
  const row = await db
    .selectFrom('locations')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toLocation(row) : null;
}

export async function findLocationByName(
  db: DbOrTrx,
  orgId: string,
  name: string,
): Promise<Location | null> {
  const row = await db
    .selectFrom('locations')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('name', '=', name)
    .executeTakeFirst();
  return row ? toLocation(row) : null;
}

export async function listLocations(
  db: DbOrTrx,
  orgId: string,
  name?: string,
): Promise<Location[]> {
  let q = db.selectFrom('locations').selectAll().where('org_id', '=', orgId);
  if (name !== undefined) q = q.where(likes('name', likePrefix(name)));
  const rows = await q.orderBy('name').orderBy('id').execute();
  return rows.map(toLocation);
}

/** How many people, workspaces, virtual lines and call features a location still holds. */
export async function countLocationMembers(db: DbOrTrx, locationId: string): Promise<number> {
  let total = 0;
  for (const table of ['people', 'workspaces', 'virtual_lines', 'call_features'] as const) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as('n'))
      .where('location_id', '=', locationId)
      .executeTakeFirstOrThrow();
    total += Number(row.n);
  }
  return total;
}

/** Deletes an empty location with its own recording settings. */
export async function deleteLocation(db: DbOrTrx, id: string): Promise<void> {
  await db.deleteFrom('location_recording_settings').where('location_id', '=', id).execute();
  await db.deleteFrom('locations').where('id', '=', id).execute();
}
