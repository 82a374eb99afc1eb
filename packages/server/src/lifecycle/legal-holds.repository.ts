// The only SQL of legal holds, and the "is it held?" questions the catalogue and the retention job
// ask before destroying anything. A recording is held while an unreleased hold names it, its
// current owner, or its whole org.
import type { LegalHoldScope } from '@callvault/shared';
import { sql, type Expression, type Selectable, type SqlBool } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import type { LegalHoldsTable } from '../db/schema.js';

export interface LegalHoldRecord {
  readonly id: string;
  readonly orgId: string;
  readonly scope: LegalHoldScope;
  readonly recordingId: string | null;
  readonly ownerId: string | null;
  readonly ownerType: string | null;
  readonly reason: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly releasedBy: string | null;
  readonly releasedAt: string | null;
  readonly releaseReason: string | null;
}

function toHold(row: Selectable<LegalHoldsTable>): LegalHoldRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    scope: row.scope as LegalHoldScope,
    recordingId: row.recording_id,
    ownerId: row.owner_id,
    ownerType: row.owner_type,
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: row.created_at,
    releasedBy: row.released_by,
    releasedAt: row.released_at,
    releaseReason: row.release_reason,
  };
}

export async function insertLegalHold(db: DbOrTrx, h: LegalHoldRecord): Promise<void> {
  await db
    .insertInto('legal_holds')
    .values({
      id: h.id,
      org_id: h.orgId,
      scope: h.scope,
      recording_id: h.recordingId,
      owner_id: h.ownerId,
      owner_type: h.ownerType,
      reason: h.reason,
      created_by: h.createdBy,
      created_at: h.createdAt,
      released_by: h.releasedBy,
      released_at: h.releasedAt,
      release_reason: h.releaseReason,
    })
    .execute();
}

export async function findLegalHoldById(
  db: DbOrTrx,
  orgId: string,
  id: string,
): Promise<LegalHoldRecord | null> {
  const row = await db
    .selectFrom('legal_holds')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toHold(row) : null;
}

export async function listLegalHoldsOfOrg(
  db: DbOrTrx,
  orgId: string,
  status: 'active' | 'released' | 'all',
): Promise<LegalHoldRecord[]> {
  let q = db.selectFrom('legal_holds').selectAll().where('org_id', '=', orgId);
  if (status === 'active') q = q.where('released_at', 'is', null);
  if (status === 'released') q = q.where('released_at', 'is not', null);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  return rows.map(toHold);
}

/** Releases a hold once: false when it was already released. */
export async function releaseLegalHoldRow(
  db: DbOrTrx,
  id: string,
  release: { by: string; at: string; reason: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable('legal_holds')
    .set({ released_by: release.by, released_at: release.at, release_reason: release.reason })
    .where('id', '=', id)
    .where('released_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * SQL true when an active hold covers the recording row `r` (an alias of `recordings` in the
 * outer query): the condition the retention query and the checks below share.
 */
export function heldCondition(alias: string): Expression<SqlBool> {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  return sql<SqlBool>`exists (select 1 from legal_holds h where h.org_id = ${col('org_id')} and h.released_at is null and (h.scope = 'org' or (h.scope = 'owner' and h.owner_id = ${col('owner_id')}) or (h.scope = 'recording' and h.recording_id = ${col('id')})))`;
}

/** The ids among `ids` (recordings of one org) that an active hold covers. */
export async function findHeldRecordingIds(
  db: DbOrTrx,
  orgId: string,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('recordings as r')
    .select('r.id')
    .where('r.org_id', '=', orgId)
    .where('r.id', 'in', [...ids])
    .where(heldCondition('r'))
    .execute();
  return new Set(rows.map((r) => r.id));
}

/** Whether a held recording (in any status) still points at this audio object. */
export async function isAudioHeld(db: DbOrTrx, audioId: string): Promise<boolean> {
  const row = await db
    .selectFrom('recordings as r')
    .select('r.id')
    .where('r.audio_id', '=', audioId)
    .where(heldCondition('r'))
    .executeTakeFirst();
  return row !== undefined;
}
