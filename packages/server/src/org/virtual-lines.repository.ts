import type { DbOrTrx } from '../db/database.js';
import { afterCursor, likePrefix, likes, toPage, type Page } from '../db/paging.js';
import type { VirtualLinesTable } from '../db/schema.js';

export interface VirtualLineRecord {
  readonly id: string;
  readonly orgId: string;
  readonly locationId: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly displayName: string;
  readonly extension: string | null;
  readonly phoneNumber: string | null;
  readonly announcementLanguage: string;
  readonly created: string;
}

function toRecord(row: VirtualLinesTable): VirtualLineRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    locationId: row.location_id,
    firstName: row.first_name,
    lastName: row.last_name,
    displayName: row.display_name,
    extension: row.extension,
    phoneNumber: row.phone_number,
    announcementLanguage: row.announcement_language,
    created: row.created_at,
  };
}

function toRow(v: VirtualLineRecord, at: Date): VirtualLinesTable {
  return {
    id: v.id,
    org_id: v.orgId,
    location_id: v.locationId,
    first_name: v.firstName,
    last_name: v.lastName,
    display_name: v.displayName,
    extension: v.extension,
    phone_number: v.phoneNumber,
    announcement_language: v.announcementLanguage,
    created_at: v.created,
    updated_at: at.toISOString(),
  };
}

export async function insertVirtualLine(
  db: DbOrTrx,
  v: VirtualLineRecord,
  at: Date,
): Promise<void> {
  await db.insertInto('virtual_lines').values(toRow(v, at)).execute();
}

export async function updateVirtualLine(
  db: DbOrTrx,
  v: VirtualLineRecord,
  at: Date,
): Promise<void> {
  const { id: _id, created_at: _c, ...changes } = toRow(v, at);
  await db.updateTable('virtual_lines').set(changes).where('id', '=', v.id).execute();
}

export async function deleteVirtualLine(db: DbOrTrx, id: string): Promise<void> {
  await db.deleteFrom('virtual_lines').where('id', '=', id).execute();
}

export async function findVirtualLineById(
  db: DbOrTrx,
  orgId: string,
  id: string,
): Promise<VirtualLineRecord | null> {
  const row = await db
    .selectFrom('virtual_lines')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

export async function listVirtualLines(
  db: DbOrTrx,
  f: {
    orgId: string;
    name?: string | undefined;
    locationId?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  },
): Promise<Page<VirtualLineRecord>> {
  let q = db.selectFrom('virtual_lines').selectAll().where('org_id', '=', f.orgId);
  if (f.name !== undefined) q = q.where(likes('display_name', likePrefix(f.name)));
  if (f.locationId !== undefined) q = q.where('location_id', '=', f.locationId);
  if (f.cursor !== undefined) q = q.where(afterCursor('display_name', f.cursor));
  const rows = await q
    .orderBy('display_name')
    .orderBy('id')
    .limit(f.limit + 1)
    .execute();
  return toPage(rows.map(toRecord), f.limit, (v) => [v.displayName, v.id]);
}
