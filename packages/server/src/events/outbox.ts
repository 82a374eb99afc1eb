// A transactional outbox for domain events (STYLE.md: side effects written with the change). A
// change writes its event with `writeOutboxEvent` in its own transaction; consumers are plain
// values each feature exports, assembled at the composition root (app/register-jobs.ts), so the
// feature that publishes an event knows none of the features that react to it. The dispatcher
// (outbox.jobs.ts) runs each consumer as its own job, retried as jobs are; `claim` makes each
// consumer's effect happen once however often it runs.
import crypto from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Db, Trx } from '../db/database.js';
import { isUniqueViolation } from '../db/json.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { BlobStore } from '../storage/blob-store.js';
import {
  findConsumersOf,
  findOutboxEvent,
  hasConsumed,
  insertConsumption,
  insertOutboxEvent,
  markOutboxEventCompleted,
  type OutboxEventRecord,
} from './outbox.repository.js';

export type OutboxEvent = OutboxEventRecord;

/** What every consumer may use; `queue` is absent where no job queue runs (`callvault import`). */
export interface OutboxContext {
  readonly db: Db;
  readonly clock: Clock;
  readonly blobStore: BlobStore;
  readonly queue: JobQueue | null;
}

/**
 * Claims the event for the consumer inside the consumer's own transaction: true the first time,
 * false when it was handled already (the consumer then changes nothing). Two runs racing both see
 * true, and the second commit fails on the claim's primary key, which rolls its effect back.
 */
export type OutboxClaim = (trx: Trx) => Promise<boolean>;

export interface OutboxConsumer {
  /** Unique among the consumers of one topic; stored with each claim. */
  readonly name: string;
  readonly topic: string;
  /** A consumer that only enqueues jobs waits for a process with a queue. */
  readonly needsQueue?: boolean;
  /**
   * Handles one event. A consumer that writes rows claims in the transaction that writes them; one
   * whose effect lies elsewhere (a blob, a job) makes that effect idempotent and claims after it.
   * Throwing leaves the event unclaimed for this consumer, so the job retries it.
   */
  handle(ctx: OutboxContext, event: OutboxEvent, claim: OutboxClaim): Promise<void>;
}

/** Writes one event in the caller's transaction; returns its id, for the dispatch after commit. */
export async function writeOutboxEvent(
  trx: Trx,
  clock: Clock,
  event: {
    readonly topic: string;
    readonly orgId: string;
    readonly payload: Record<string, unknown>;
  },
): Promise<string> {
  const id = crypto.randomUUID();
  await insertOutboxEvent(trx, { id, ...event, createdAt: clock.now().toISOString() });
  return id;
}

export function consumersOf(
  consumers: readonly OutboxConsumer[],
  topic: string,
): readonly OutboxConsumer[] {
  return consumers.filter((c) => c.topic === topic);
}

/** Marks the event done once every consumer of its topic has claimed it. */
async function completeIfDone(
  ctx: OutboxContext,
  consumers: readonly OutboxConsumer[],
  event: OutboxEvent,
): Promise<void> {
  const done = await findConsumersOf(ctx.db, event.id);
  if (consumersOf(consumers, event.topic).every((c) => done.has(c.name))) {
    await markOutboxEventCompleted(ctx.db, event.id, ctx.clock.now().toISOString());
  }
}

/**
 * Runs one consumer on one event unless it has handled it already. Returns false when the event is
 * gone or the consumer has nothing to do here (it needs a queue and there is none).
 */
export async function runOutboxConsumer(
  ctx: OutboxContext,
  consumers: readonly OutboxConsumer[],
  eventId: string,
  consumerName: string,
): Promise<boolean> {
  const event = await findOutboxEvent(ctx.db, eventId);
  if (!event) return false;
  const consumer = consumersOf(consumers, event.topic).find((c) => c.name === consumerName);
  if (!consumer) return false;
  if (consumer.needsQueue === true && !ctx.queue) return false;
  if (!(await hasConsumed(ctx.db, event.id, consumer.name))) {
    const claim: OutboxClaim = async (trx) => {
      if (await hasConsumed(trx, event.id, consumer.name)) return false;
      await insertConsumption(trx, event.id, consumer.name, ctx.clock.now().toISOString());
      return true;
    };
    try {
      await consumer.handle(ctx, event, claim);
    } catch (error) {
      // Another run claimed it first and committed: that run's effect is the one that counts.
      if (!(isUniqueViolation(error) && (await hasConsumed(ctx.db, event.id, consumer.name)))) {
        throw error;
      }
    }
  }
  await completeIfDone(ctx, consumers, event);
  return true;
}

/** The consumers of an event that have not handled it yet. */
export async function pendingConsumersOf(
  db: Db,
  consumers: readonly OutboxConsumer[],
  event: OutboxEvent,
): Promise<OutboxConsumer[]> {
  const done = await findConsumersOf(db, event.id);
  return consumersOf(consumers, event.topic).filter((c) => !done.has(c.name));
}
