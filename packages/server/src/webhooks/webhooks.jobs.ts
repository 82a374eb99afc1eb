// The webhook jobs: `webhook-deliver` posts one delivery and is retried with backoff by the queue;
// `webhook-sweep` (every minute) enqueues deliveries committed without a job (written by a
// process without a queue, such as `callvault import`, or a crash between commit and enqueue).
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { JobQueue } from '../jobs/index.js';
import { attemptWebhookDelivery } from './webhook-delivery.service.js';
import { findPendingDeliveryIds } from './webhooks.repository.js';
import { enqueueWebhookDeliveries, WEBHOOK_DELIVER_JOB } from './webhooks.service.js';

export const WEBHOOK_SWEEP_JOB = 'webhook-sweep';
/** Deliveries younger than this are left to the job enqueued right after their commit. */
const SWEEP_GRACE_MS = 60_000;

export interface WebhookJobOptions {
  /** Retries after the first attempt (default 5: about 15 minutes of backoff in all). */
  readonly retryLimit?: number;
  /** First retry delay, doubled each time (default 30 s). */
  readonly retryBackoffMs?: number;
  readonly allowLoopbackTargets?: boolean;
  readonly timeoutMs?: number;
}

export async function registerWebhookJobs(
  queue: JobQueue,
  deps: { readonly db: Db; readonly clock: Clock },
  options: WebhookJobOptions = {},
): Promise<void> {
  const retryLimit = options.retryLimit ?? 5;
  await queue.register<{ deliveryId?: unknown }>(
    WEBHOOK_DELIVER_JOB,
    async (job) => {
      const id = job.payload.deliveryId;
      if (typeof id !== 'string') return;
      const outcome = await attemptWebhookDelivery(
        {
          db: deps.db,
          clock: deps.clock,
          allowLoopbackTargets: options.allowLoopbackTargets,
          timeoutMs: options.timeoutMs,
        },
        id,
        job.attempt > retryLimit,
      );
      // Throwing hands the delivery back to the queue, which retries it after the backoff.
      if (outcome === 'retry') throw new Error(`webhook delivery ${id} failed; will retry`);
    },
    { concurrency: 4, retryLimit, retryBackoffMs: options.retryBackoffMs ?? 30_000 },
  );
  await queue.register(WEBHOOK_SWEEP_JOB, async (job) => {
    const before = new Date(job.now.getTime() - SWEEP_GRACE_MS).toISOString();
    await enqueueWebhookDeliveries(queue, await findPendingDeliveryIds(deps.db, before, 1000));
  });
  await queue.schedule(WEBHOOK_SWEEP_JOB, 60_000);
}
