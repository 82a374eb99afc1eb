// The outbox dispatcher on the JobQueue (STYLE.md habit 9): `outbox-dispatch` fans one event out
// into one `outbox-consume` job per consumer that has not handled it, each retried with the
// application's backoff like any job; `outbox-sweep` (every minute) dispatches events that were
// committed without a dispatch (a process without a queue, or a crash right after the commit).
import {
  DEFAULT_JOB_RETRY_POLICY,
  retryOptionsFor,
  type JobQueue,
  type JobRetryPolicy,
} from '../jobs/job-queue.js';
import {
  pendingConsumersOf,
  runOutboxConsumer,
  type OutboxConsumer,
  type OutboxContext,
} from './outbox.js';
import { findOpenOutboxEventIds, findOutboxEvent } from './outbox.repository.js';

export const OUTBOX_DISPATCH_JOB = 'outbox-dispatch';
export const OUTBOX_CONSUME_JOB = 'outbox-consume';
export const OUTBOX_SWEEP_JOB = 'outbox-sweep';
/** Events younger than this are left to the dispatch enqueued right after their commit. */
const SWEEP_GRACE_MS = 30_000;
const SWEEP_BATCH = 500;

/**
 * Asks for an event's consumers to run. Never fails the change that wrote it: without a queue, or
 * when enqueueing fails, the sweep dispatches the event.
 */
export async function enqueueOutboxDispatch(
  queue: JobQueue | null | undefined,
  eventId: string,
): Promise<void> {
  if (!queue) return;
  await queue
    .enqueue(OUTBOX_DISPATCH_JOB, { eventId }, { singletonKey: eventId })
    .catch(() => undefined);
}

/** Enqueues a consume job for each consumer of the event that has not handled it. */
export async function dispatchOutboxEvent(
  queue: JobQueue,
  ctx: OutboxContext,
  consumers: readonly OutboxConsumer[],
  eventId: string,
): Promise<number> {
  const event = await findOutboxEvent(ctx.db, eventId);
  if (!event || event.completedAt !== null) return 0;
  const pending = await pendingConsumersOf(ctx.db, consumers, event);
  for (const consumer of pending) {
    await queue.enqueue(
      OUTBOX_CONSUME_JOB,
      { eventId, consumer: consumer.name },
      { singletonKey: `${eventId}:${consumer.name}` },
    );
  }
  return pending.length;
}

/**
 * Runs every open event's consumers in this process, one after the other, until none is left or
 * only failing ones are; returns the failures. For commands and tests that have no worker.
 */
export async function drainOutbox(
  ctx: OutboxContext,
  consumers: readonly OutboxConsumer[],
): Promise<
  Array<{ readonly eventId: string; readonly consumer: string; readonly error: unknown }>
> {
  const failures: Array<{ eventId: string; consumer: string; error: unknown }> = [];
  const far = new Date(ctx.clock.now().getTime() + 365 * 86_400_000).toISOString();
  for (const eventId of await findOpenOutboxEventIds(ctx.db, far, Number.MAX_SAFE_INTEGER)) {
    const event = await findOutboxEvent(ctx.db, eventId);
    if (!event) continue;
    for (const consumer of await pendingConsumersOf(ctx.db, consumers, event)) {
      try {
        await runOutboxConsumer(ctx, consumers, eventId, consumer.name);
      } catch (error) {
        failures.push({ eventId, consumer: consumer.name, error });
      }
    }
  }
  return failures;
}

export async function registerOutboxJobs(
  queue: JobQueue,
  deps: Omit<OutboxContext, 'queue'> & { readonly retry?: JobRetryPolicy },
  consumers: readonly OutboxConsumer[],
): Promise<void> {
  const ctx: OutboxContext = { db: deps.db, clock: deps.clock, blobStore: deps.blobStore, queue };
  await queue.register<{ eventId?: unknown }>(OUTBOX_DISPATCH_JOB, async (job) => {
    const { eventId } = job.payload;
    if (typeof eventId !== 'string') return;
    await dispatchOutboxEvent(queue, ctx, consumers, eventId);
  });
  await queue.register<{ eventId?: unknown; consumer?: unknown }>(
    OUTBOX_CONSUME_JOB,
    async (job) => {
      const { eventId, consumer } = job.payload;
      if (typeof eventId !== 'string' || typeof consumer !== 'string') return;
      // Throwing hands the consumer back to the queue, which retries it after the backoff.
      await runOutboxConsumer(ctx, consumers, eventId, consumer);
    },
    { concurrency: 2, ...retryOptionsFor(deps.retry ?? DEFAULT_JOB_RETRY_POLICY) },
  );
  await queue.register(OUTBOX_SWEEP_JOB, async (job) => {
    const before = new Date(job.now.getTime() - SWEEP_GRACE_MS).toISOString();
    for (const id of await findOpenOutboxEventIds(deps.db, before, SWEEP_BATCH)) {
      await enqueueOutboxDispatch(queue, id);
    }
  });
  await queue.schedule(OUTBOX_SWEEP_JOB, 60_000);
}
