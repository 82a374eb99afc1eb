// The only SQL of the event outbox: events written in a change's transaction, and the consumers
// that have handled each.
import type { DbOrTrx, Trx } from '../db/database.js';
import { parseJsonColumn, toJsonColumn } from '../db/json.js';

export interface OutboxEventRecord {
  readonly id: string;
  readonly topic: string;
  readonly orgId: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
  readonly completedAt: string | null;
}

export async function insertOutboxEvent(
  trx: Trx,
  event: Omit<OutboxEventRecord, 'completedAt'>,
): Promise<void> {
  await trx
    .insertInto('outbox_events')
    .values({
      id: event.id,
      topic: event.topic,
      org_id: event.orgId,
      payload: toJsonColumn(event.payload),
      created_at: event.createdAt,
      completed_at: null,
    })
    .execute();
}

export async function findOutboxEvent(db: DbOrTrx, id: string): Promise<OutboxEventRecord | null> {
  const row = await db
    .selectFrom('outbox_events')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    topic: row.topic,
    orgId: row.org_id,
    payload: parseJsonColumn<Record<string, unknown>>(row.payload),
    createdAt: row.created_at,
    completedAt: row.completed_at,
  };
}

/** Events some consumer has not handled yet, created before `before`, oldest first. */
export async function findOpenOutboxEventIds(
  db: DbOrTrx,
  before: string,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('outbox_events')
    .select('id')
    .where('completed_at', 'is', null)
    .where('created_at', '<', before)
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

export async function findConsumersOf(db: DbOrTrx, eventId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('outbox_consumptions')
    .select('consumer')
    .where('event_id', '=', eventId)
    .execute();
  return new Set(rows.map((r) => r.consumer));
}

export async function hasConsumed(
  db: DbOrTrx,
  eventId: string,
  consumer: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('outbox_consumptions')
    .select('consumer')
    .where('event_id', '=', eventId)
    .where('consumer', '=', consumer)
    .executeTakeFirst();
  return row !== undefined;
}

/** Records that `consumer` handled the event; a second insert violates the primary key. */
export async function insertConsumption(
  trx: Trx,
  eventId: string,
  consumer: string,
  at: string,
): Promise<void> {
  await trx
    .insertInto('outbox_consumptions')
    .values({ event_id: eventId, consumer, consumed_at: at })
    .execute();
}

export async function markOutboxEventCompleted(db: DbOrTrx, id: string, at: string): Promise<void> {
  await db
    .updateTable('outbox_events')
    .set({ completed_at: at })
    .where('id', '=', id)
    .where('completed_at', 'is', null)
    .execute();
}
