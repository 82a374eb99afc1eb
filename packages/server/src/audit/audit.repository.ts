// The audit log: append-only and hash-chained. Each event's hash covers the previous hash and the
// canonical form of the event; `audit_head` holds the newest (seq, hash) so removing events at the
// tail is detected as well as altering or removing any in the middle.
import crypto from 'node:crypto';
import { sql } from 'kysely';
import { dialectOf, type Db, type DbOrTrx, type Trx } from '../db/database.js';
import { likePrefix, likes } from '../db/paging.js';
import type { AuditEventsTable } from '../db/schema.js';
import { newId } from '../ids.js';
import { canonicalJson } from './canonical-json.js';

export const GENESIS_HASH = '0'.repeat(64);
// Any constant will do; it names the one lock every audit writer takes on PostgreSQL.
const AUDIT_LOCK_KEY = 7_315_001;

export type ActorType = 'person' | 'system' | 'anonymous';

export interface AuditEventInput {
  readonly orgId: string | null;
  readonly actorType: ActorType;
  readonly actorId: string | null;
  readonly action: string;
  readonly targetType?: string | null;
  readonly targetId?: string | null;
  readonly clientIp?: string | null;
  readonly details?: Record<string, unknown>;
  readonly at: Date;
}

export interface AuditEvent {
  readonly seq: number;
  readonly id: string;
  readonly orgId: string | null;
  readonly actorType: string;
  readonly actorId: string | null;
  readonly action: string;
  readonly targetType: string | null;
  readonly targetId: string | null;
  readonly clientIp: string | null;
  readonly details: Record<string, unknown>;
  readonly createdAt: string;
  readonly prevHash: string;
  readonly hash: string;
}

type Row = Omit<AuditEventsTable, 'hash'>;

/** The hash of one stored row: sha256(prev_hash LF canonical(row without hashes)). */
export function computeAuditHash(row: Row): string {
  const body = canonicalJson({
    seq: Number(row.seq),
    id: row.id,
    orgId: row.org_id,
    actorType: row.actor_type,
    actorId: row.actor_id,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    clientIp: row.client_ip,
    details: row.details,
    createdAt: row.created_at,
  });
  return crypto.createHash('sha256').update(`${row.prev_hash}\n${body}`).digest('hex');
}

/**
 * Appends one event inside the caller's transaction, so the event exists exactly when the change
 * it records does.
 */
export async function insertAuditEvent(trx: Trx, input: AuditEventInput): Promise<AuditEvent> {
  if (dialectOf(trx) === 'postgres') {
    await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`.execute(trx);
  }
  const head = await trx
    .selectFrom('audit_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .executeTakeFirst();
  const row: Row = {
    seq: Number(head?.seq ?? 0) + 1,
    id: newId('AUDIT_EVENT'),
    org_id: input.orgId,
    actor_type: input.actorType,
    actor_id: input.actorId,
    action: input.action,
    target_type: input.targetType ?? null,
    target_id: input.targetId ?? null,
    client_ip: input.clientIp ?? null,
    details: canonicalJson(input.details ?? {}),
    created_at: input.at.toISOString(),
    prev_hash: head?.hash ?? GENESIS_HASH,
  };
  const hash = computeAuditHash(row);
  await trx
    .insertInto('audit_events')
    .values({ ...row, hash })
    .execute();
  if (head) {
    await trx.updateTable('audit_head').set({ seq: row.seq, hash }).where('id', '=', 1).execute();
  } else {
    await trx.insertInto('audit_head').values({ id: 1, seq: row.seq, hash }).execute();
  }
  return toEvent({ ...row, hash });
}

function toEvent(row: AuditEventsTable): AuditEvent {
  return {
    seq: Number(row.seq),
    id: row.id,
    orgId: row.org_id,
    actorType: row.actor_type,
    actorId: row.actor_id,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    clientIp: row.client_ip,
    details: JSON.parse(row.details) as Record<string, unknown>,
    createdAt: row.created_at,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export interface AuditQuery {
  readonly orgId: string;
  readonly action?: string | undefined;
  readonly actorId?: string | undefined;
  readonly targetId?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** Return events with seq below this (newest first paging). */
  readonly beforeSeq?: number | undefined;
  readonly limit: number;
}

export async function listAuditEvents(db: DbOrTrx, q: AuditQuery): Promise<AuditEvent[]> {
  let query = db.selectFrom('audit_events').selectAll().where('org_id', '=', q.orgId);
  if (q.action !== undefined) {
    // `recording.*` style prefixes are handy for operators; anything else is an exact match.
    query = q.action.endsWith('*')
      ? query.where(likes('action', likePrefix(q.action.slice(0, -1))))
      : query.where('action', '=', q.action);
  }
  if (q.actorId !== undefined) query = query.where('actor_id', '=', q.actorId);
  if (q.targetId !== undefined) query = query.where('target_id', '=', q.targetId);
  if (q.from !== undefined) query = query.where('created_at', '>=', q.from);
  if (q.to !== undefined) query = query.where('created_at', '<', q.to);
  if (q.beforeSeq !== undefined) query = query.where('seq', '<', q.beforeSeq);
  const rows = await query.orderBy('seq', 'desc').limit(q.limit).execute();
  return rows.map(toEvent);
}

/** The org an event belongs to (null: an event of no org), or undefined when there is no such event. */
export async function findAuditEventOrg(
  db: DbOrTrx,
  id: string,
): Promise<string | null | undefined> {
  const row = await db
    .selectFrom('audit_events')
    .select('org_id')
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? row.org_id : undefined;
}

export type AuditVerification =
  | { readonly ok: true; readonly events: number }
  | {
      readonly ok: false;
      readonly events: number;
      readonly seq: number;
      readonly id: string | null;
      readonly reason: string;
    };

/** Walks the whole chain in order and reports the first event that does not hold. */
export async function verifyAuditChain(db: Db): Promise<AuditVerification> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  const batch = 2000;
  for (;;) {
    const rows = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(batch)
      .execute();
    for (const raw of rows) {
      const row = { ...raw, seq: Number(raw.seq) };
      const fail = (reason: string): AuditVerification & { ok: false } => ({
        ok: false,
        events: expectedSeq - 1,
        seq: row.seq,
        id: row.id,
        reason,
      });
      if (row.seq !== expectedSeq) {
        return { ...fail(`event ${expectedSeq} is missing`), seq: expectedSeq, id: null };
      }
      if (row.prev_hash !== prevHash) return fail('prev_hash does not match the event before it');
      if (computeAuditHash(row) !== row.hash) return fail('hash does not match the event content');
      prevHash = row.hash;
      expectedSeq += 1;
    }
    if (rows.length < batch) break;
  }
  const head = await db.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirst();
  const last = expectedSeq - 1;
  if ((head ? Number(head.seq) : 0) !== last || (head?.hash ?? GENESIS_HASH) !== prevHash) {
    return {
      ok: false,
      events: last,
      seq: head ? Number(head.seq) : last,
      id: null,
      reason: `the chain ends at event ${last} but the head records event ${head ? Number(head.seq) : 0}: events were removed`,
    };
  }
  return { ok: true, events: last };
}
