// The only SQL of the Compliance Events API: one row per change to a recording, written in the
// change's transaction (recordings/recording-webhook-events.ts), listed newest first.
import type { Selectable } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import { beforeCursor, toPage, type Page } from '../db/paging.js';
import type { ComplianceEventsTable } from '../db/schema.js';

export interface ComplianceEventRecord {
  readonly id: string;
  readonly orgId: string;
  readonly resource: string;
  readonly type: string;
  readonly subType: string | null;
  readonly serviceType: string;
  readonly actorId: string | null;
  readonly subjectId: string;
  /** JSON text: the resource once the change was made. */
  readonly data: string;
  readonly createdAt: string;
}

function toRecord(row: Selectable<ComplianceEventsTable>): ComplianceEventRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    resource: row.resource,
    type: row.type,
    subType: row.sub_type,
    serviceType: row.service_type,
    actorId: row.actor_id,
    subjectId: row.subject_id,
    data: row.data,
    createdAt: row.created_at,
  };
}

export async function insertComplianceEvent(db: DbOrTrx, e: ComplianceEventRecord): Promise<void> {
  await db
    .insertInto('compliance_events')
    .values({
      id: e.id,
      org_id: e.orgId,
      resource: e.resource,
      type: e.type,
      sub_type: e.subType,
      service_type: e.serviceType,
      actor_id: e.actorId,
      subject_id: e.subjectId,
      data: e.data,
      created_at: e.createdAt,
    })
    .execute();
}

export interface ComplianceEventFilter {
  readonly orgId: string;
  readonly resource?: string | undefined;
  readonly type?: string | undefined;
  readonly serviceType?: string | undefined;
  /** The stored forms of the actor's id (idFormsOf). */
  readonly actorIds?: readonly string[] | undefined;
  /** Inclusive. */
  readonly from?: string | undefined;
  /** Exclusive; none: up to the present. */
  readonly to?: string | undefined;
  readonly cursor?: string | undefined;
  readonly limit: number;
}

/** Newest first, by (created_at, id); the cursor is the last row of the previous page. */
export async function listComplianceEvents(
  db: DbOrTrx,
  f: ComplianceEventFilter,
): Promise<Page<ComplianceEventRecord>> {
  let q = db.selectFrom('compliance_events').selectAll().where('org_id', '=', f.orgId);
  if (f.to !== undefined) q = q.where('created_at', '<', f.to);
  if (f.from !== undefined) q = q.where('created_at', '>=', f.from);
  if (f.resource !== undefined) q = q.where('resource', '=', f.resource);
  if (f.type !== undefined) q = q.where('type', '=', f.type);
  if (f.serviceType !== undefined) q = q.where('service_type', '=', f.serviceType);
  if (f.actorIds !== undefined) {
    if (f.actorIds.length === 0) return { items: [], nextCursor: null };
    q = q.where('actor_id', 'in', [...f.actorIds]);
  }
  if (f.cursor !== undefined) q = q.where(beforeCursor('created_at', f.cursor));
  const rows = await q
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute();
  return toPage(rows.map(toRecord), f.limit, (r) => [r.createdAt, r.id]);
}

export async function findComplianceEventById(
  db: DbOrTrx,
  orgId: string,
  id: string,
): Promise<ComplianceEventRecord | null> {
  const row = await db
    .selectFrom('compliance_events')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}
