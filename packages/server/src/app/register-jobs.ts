// Every job of the application, registered in one place so `serve` (worker role) and
// `callvault jobs run NAME` know the same set. Features add their registration here.
import { registerCaptureJobs, type CaptureFinalizePayload } from '../capture/capture.jobs.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import {
  OUTBOX_CONSUME_JOB,
  OUTBOX_DISPATCH_JOB,
  OUTBOX_SWEEP_JOB,
  registerOutboxJobs,
} from '../events/outbox.jobs.js';
import { registerHousekeepingJobs } from '../housekeeping/housekeeping.jobs.js';
import {
  registerLifecycleJobs,
  RETENTION_JOB,
  RETENTION_ORG_JOB,
} from '../lifecycle/lifecycle.jobs.js';
import { registerPeaksJob } from '../recordings/recording-peaks.service.js';
import { phoneNumberOfAor } from '../siprec/party-lookups.js';
import type { BlobStore } from '../storage/blob-store.js';
import {
  registerTranscriptionJobs,
  TRANSCRIBE_JOB,
  TRANSCRIBE_SWEEP_JOB,
} from '../transcription/transcription.jobs.js';
import type { Transcriber } from '../transcription/transcriber.js';
import { registerWebhookJobs } from '../webhooks/webhooks.jobs.js';
import type { Logger } from '../observability/logger.js';
import type { JobQueue, JobRetryPolicy } from '../jobs/job-queue.js';
import { OUTBOX_CONSUMERS } from './recording-stored-consumers.js';

export interface JobDeps {
  readonly db: Db;
  readonly clock: Clock;
  /** The (encrypting) blob store: retention removes audio. */
  readonly blobStore: BlobStore;
  /** The transcription engine; without it this process does not transcribe. */
  readonly transcriber?: Transcriber;
  readonly logger?: Logger;
  /** Told of a capture finalize that a full disk held back (the process's finalize sweep). */
  readonly onCaptureFinalizeDeferred?: (payload: CaptureFinalizePayload) => void;
  /**
   * How long finalize, peaks, transcription and webhook jobs keep retrying (Config.jobRetry;
   * default DEFAULT_JOB_RETRY_POLICY: 10 s doubling to 15 min, for 24 h).
   */
  readonly retry?: JobRetryPolicy;
  /** The process's data dir: where a worker rebuilds shipped journals to finalize them. */
  readonly dataDir?: string;
  /** Told when a capture finalize ended for good (the process's finalize backlog). */
  readonly onCaptureFinalizeSettled?: (dir: string) => void;
}

export async function registerApplicationJobs(queue: JobQueue, deps: JobDeps): Promise<void> {
  await registerHousekeepingJobs(queue, deps);
  await registerLifecycleJobs(queue, deps);
  await registerWebhookJobs(queue, deps);
  await registerCaptureJobs(queue, {
    ...deps,
    phoneNumberOfAor,
    ...(deps.logger ? { logger: deps.logger.child({ module: 'capture' }) } : {}),
    ...(deps.onCaptureFinalizeDeferred ? { onDeferred: deps.onCaptureFinalizeDeferred } : {}),
    ...(deps.onCaptureFinalizeSettled ? { onSettled: deps.onCaptureFinalizeSettled } : {}),
  });
  await registerPeaksJob(queue, deps);
  await registerOutboxJobs(queue, deps, OUTBOX_CONSUMERS);
  if (deps.transcriber) {
    await registerTranscriptionJobs(queue, { ...deps, transcriber: deps.transcriber });
  }
}

/** The jobs a scheduled job enqueues, which `callvault jobs run` waits for. */
export const FAN_OUT_JOBS: Readonly<Record<string, readonly string[]>> = {
  [RETENTION_JOB]: [RETENTION_ORG_JOB],
  // `callvault jobs run transcribe-sweep` returns once the recordings it found are transcribed.
  [TRANSCRIBE_SWEEP_JOB]: [TRANSCRIBE_JOB],
  // `callvault jobs run outbox-sweep` returns once the open events' consumers have run.
  [OUTBOX_SWEEP_JOB]: [OUTBOX_DISPATCH_JOB, OUTBOX_CONSUME_JOB],
};

export interface FanOutResult {
  readonly failed: number;
}

/**
 * Runs a scheduled job once as of `now` and then, in this process, the jobs it fanned out, until
 * none of them is pending (`callvault jobs run retention --now ISO` purges before it returns).
 * Other workers may take part of the work; the result counts the fanned-out jobs that failed.
 */
export async function runJobWithFanOut(
  queue: JobQueue,
  name: string,
  now: Date,
  options: { readonly pollMs?: number; readonly timeoutMs?: number } = {},
): Promise<FanOutResult> {
  const children = FAN_OUT_JOBS[name] ?? [];
  const failedBefore = await failedCount(queue, children);
  await queue.runOnce(name, { now });
  if (children.length === 0) return { failed: 0 };
  await queue.start();
  try {
    const deadline = Date.now() + (options.timeoutMs ?? 3_600_000);
    for (;;) {
      const counts = await queue.counts();
      const pending = children.reduce((n, child) => {
        const c = counts.byName[child];
        return n + (c ? c.queued + c.active + c.retry : 0);
      }, 0);
      if (pending === 0) break;
      if (Date.now() > deadline) throw new Error(`${name}: ${pending} jobs still pending`);
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
    }
  } finally {
    await queue.stop();
  }
  return { failed: (await failedCount(queue, children)) - failedBefore };
}

async function failedCount(queue: JobQueue, names: readonly string[]): Promise<number> {
  const counts = await queue.counts();
  return names.reduce((n, child) => n + (counts.byName[child]?.failed ?? 0), 0);
}
