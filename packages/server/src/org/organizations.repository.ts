import type { Organization } from '@callvault/shared';
import type { DbOrTrx } from '../db/database.js';

export interface OrganizationRow extends Organization {
  readonly partnerId: string | null;
}

export async function insertOrganization(
  db: DbOrTrx,
  org: { id: string; name: string; partnerId: string | null; at: Date },
): Promise<void> {
  await db
    .insertInto('organizations')
    .values({
      id: org.id,
      name: org.name,
      partner_id: org.partnerId,
      created_at: org.at.toISOString(),
    })
    .execute();
}

export async function findOrganizationById(
  db: DbOrTrx,
  id: string,
): Promise<OrganizationRow | null> {
  const row = await db
    .selectFrom('organizations')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row
    ? { id: row.id, displayName: row.name, created: row.created_at, partnerId: row.partner_id }
    : null;
}

export async function findOrganizationByName(
  db: DbOrTrx,
  name: string,
): Promise<OrganizationRow | null> {
  const row = await db
    .selectFrom('organizations')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst();
  return row
    ? { id: row.id, displayName: row.name, created: row.created_at, partnerId: row.partner_id }
    : null;
}

export async function listOrganizationsByPartner(
  db: DbOrTrx,
  partnerId: string,
): Promise<OrganizationRow[]> {
  const rows = await db
    .selectFrom('organizations')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .orderBy('name')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    displayName: row.name,
    created: row.created_at,
    partnerId: row.partner_id,
  }));
}

export async function insertPartner(
  db: DbOrTrx,
  p: { id: string; name: string; at: Date },
): Promise<void> {
  await db
    .insertInto('partners')
    .values({ id: p.id, name: p.name, created_at: p.at.toISOString() })
    .execute();
}

export async function findPartnerByName(db: DbOrTrx, name: string): Promise<{ id: string } | null> {
  return (
    (await db.selectFrom('partners').select('id').where('name', '=', name).executeTakeFirst()) ??
    null
  );
}
