import type { CallingLicense, Workspace } from '@callvault/shared';
import type { DbOrTrx } from '../db/database.js';
import { parseJsonColumn, toJsonColumn } from '../db/json.js';
import { afterCursor, likePrefix, likes, toPage, type Page } from '../db/paging.js';
import type { WorkspacesTable } from '../db/schema.js';

function toWorkspace(row: WorkspacesTable): Workspace {
  return {
    id: row.id,
    displayName: row.display_name,
    orgId: row.org_id,
    locationId: row.location_id,
    extension: row.extension,
    phoneNumbers: parseJsonColumn<Workspace['phoneNumbers']>(row.phone_numbers),
    sipAddress: row.sip_address,
    callingLicense: row.calling_license as CallingLicense,
    announcementLanguage: row.announcement_language,
    created: row.created_at,
  };
}

function toRow(w: Workspace, at: Date): WorkspacesTable {
  return {
    id: w.id,
    org_id: w.orgId,
    location_id: w.locationId,
    display_name: w.displayName,
    calling_license: w.callingLicense,
    extension: w.extension,
    phone_numbers: toJsonColumn(w.phoneNumbers),
    sip_address: w.sipAddress,
    announcement_language: w.announcementLanguage,
    created_at: w.created,
    updated_at: at.toISOString(),
  };
}

export async function insertWorkspace(db: DbOrTrx, w: Workspace, at: Date): Promise<void> {
  await db.insertInto('workspaces').values(toRow(w, at)).execute();
}

export async function updateWorkspace(db: DbOrTrx, w: Workspace, at: Date): Promise<void> {
  const { id: _id, created_at: _c, ...changes } = toRow(w, at);
  await db.updateTable('workspaces').set(changes).where('id', '=', w.id).execute();
}

export async function deleteWorkspace(db: DbOrTrx, id: string): Promise<void> {
  await db.deleteFrom('workspaces').where('id', '=', id).execute();
}

export async function findWorkspaceById(
  db: DbOrTrx,
  orgId: string,
  id: string,
): Promise<Workspace | null> {
  const row = await db
    .selectFrom('workspaces')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toWorkspace(row) : null;
}

export async function listWorkspaces(
  db: DbOrTrx,
  f: {
    orgId: string;
    displayName?: string | undefined;
    locationId?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  },
): Promise<Page<Workspace>> {
  let q = db.selectFrom('workspaces').selectAll().where('org_id', '=', f.orgId);
  if (f.displayName !== undefined) q = q.where(likes('display_name', likePrefix(f.displayName)));
  if (f.locationId !== undefined) q = q.where('location_id', '=', f.locationId);
  if (f.cursor !== undefined) q = q.where(afterCursor('display_name', f.cursor));
  const rows = await q
    .orderBy('display_name')
    .orderBy('id')
    .limit(f.limit + 1)
    .execute();
  return toPage(rows.map(toWorkspace), f.limit, (w) => [w.displayName, w.id]);
}
