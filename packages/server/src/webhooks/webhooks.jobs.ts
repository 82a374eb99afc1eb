// The webhook jobs: `webhook-deliver` posts one delivery and is retried with backoff by the queue;
// `webhook-sweep` (every minute) enqueues deliveries committed without a job (written by a
// process without a queue, such as `callvault import`, or a crash between commit and enqueue).
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import {
  DEFAULT_JOB_RETRY_POLICY,
  retryOptionsFor,
  type JobQueue,
  type JobRetryPolicy,
} from '../jobs/index.js';
import { attemptWebhookDelivery } from './webhook-delivery.service.js';
import { findPendingDeliveryIds } from './webhooks.repository.js';
import { enqueueWebhookDeliveries, WEBHOOK_DELIVER_JOB } from './webhooks.service.js';

export const WEBHOOK_SWEEP_JOB = 'webhook-sweep';
/** Deliveries younger than this are left to the job enqueued right after their commit. */
const SWEEP_GRACE_MS = 60_000;

export interface WebhookJobOptions {
  /** Retries after the first attempt (default: as many as DEFAULT_JOB_RETRY_POLICY holds). */
  readonly retryLimit?: number;
  /** First retry delay, doubled each time (default: the policy's). */
  readonly retryBackoffMs?: number;
  /** The longest wait between two attempts (default: the policy's). */
  readonly retryMaxDelayMs?: number;
  readonly allowLoopbackTargets?: boolean;
  readonly timeoutMs?: number;
}

export async function registerWebhookJobs(
  queue: JobQueue,
  deps: { readonly db: Db; readonly clock: Clock; readonly retry?: JobRetryPolicy },
  options: WebhookJobOptions = {},
): Promise<void> {
  const retry = retryOptionsFor(deps.retry ?? DEFAULT_JOB_RETRY_POLICY);
  // A delivery row is sent until it is delivered or given up; a retry re-reads it first.
  const retryOptions = {
    retryLimit: options.retryLimit ?? retry.retryLimit,
    retryBackoffMs: options.retryBackoffMs ?? retry.retryBackoffMs,
    retryMaxDelayMs: options.retryMaxDelayMs ?? retry.retryMaxDelayMs,
  };
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
        job.lastAttempt,
      );
      // Throwing hands the delivery back to the queue, which retries it after the backoff.
      if (outcome === 'retry') throw new Error(`webhook delivery ${id} failed; will retry`);
    },
    { concurrency: 4, ...retryOptions },
  );
  await queue.register(WEBHOOK_SWEEP_JOB, async (job) => {
    const before = new Date(job.now.getTime() - SWEEP_GRACE_MS).toISOString();
    await enqueueWebhookDeliveries(queue, await findPendingDeliveryIds(deps.db, before, 1000));
  });
  await queue.schedule(WEBHOOK_SWEEP_JOB, 60_000);
}
