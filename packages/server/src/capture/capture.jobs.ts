// The finalize job and crash recovery of media capture (SPEC §5). A closed session's journal is
// finalized through the job queue; at `serve` start every journal of a session that never
// closed (the process died) is finalized as `recovered`.
import {
  DEFAULT_JOB_RETRY_POLICY,
  FinalJobError,
  retryOptionsFor,
  type JobQueue,
  type JobRetryPolicy,
} from '../jobs/job-queue.js';
import type { Logger } from '../observability/logger.js';
import type { RecordingStoreDeps } from '../recordings/recordings.service.js';
import { listUnfinishedJournals } from './capture-journal.js';
import { finalizeCapturedSession, markFinalizeError } from './capture-finalize.js';

export const CAPTURE_FINALIZE_JOB = 'capture-finalize';

export interface CaptureJobDeps extends RecordingStoreDeps {
  readonly logger?: Logger;
  /** How long a finalize that failed at the store keeps retrying (default 24 h). */
  readonly retry?: JobRetryPolicy;
}

/**
 * Finalize retries with backoff for the policy's horizon when the store, the disk or the encoder
 * failed: the journal stays, the call is listed as failed-and-retrying, and storing is
 * idempotent, so the retry that succeeds stores each recording once and resolves the listing. The
 * last attempt makes such a failure final. Other failures (no media, no owner) are final at once.
 */
export async function registerCaptureJobs(queue: JobQueue, deps: CaptureJobDeps): Promise<void> {
  await queue.register<{ dir: string; recovered?: boolean }>(
    CAPTURE_FINALIZE_JOB,
    async (job) => {
      const finalizeDeps = { ...deps, queue: deps.queue ?? queue };
      let result;
      try {
        result = await finalizeCapturedSession(finalizeDeps, job.payload.dir, {
          recovered: job.payload.recovered === true,
          retrying: !job.lastAttempt,
        });
      } catch (error) {
        // Retried like a passing failure; after the last attempt it is catalogued as final.
        if (!job.lastAttempt) throw error;
        result = await markFinalizeError(finalizeDeps, job.payload.dir, error);
      }
      switch (result.kind) {
        case 'failed':
          deps.logger?.error({ dir: job.payload.dir, reason: result.reason }, 'recording failed');
          // The job fails with the reason (visible in the queue), without retries: the failure is
          // final and catalogued, and the journal stays for an operator.
          throw new FinalJobError(`recording failed: ${result.reason}`);
        case 'retrying':
          deps.logger?.warn(
            { dir: job.payload.dir, reason: result.reason, attempt: job.attempt },
            'recording not stored yet; retrying',
          );
          throw new Error(`recording not stored yet (${result.code}): ${result.reason}`);
        case 'done-before':
          deps.logger?.info({ dir: job.payload.dir }, 'recording was stored by an earlier attempt');
          return;
        case 'stored':
          deps.logger?.info(
            { recordings: result.recordingIds, durationMs: result.durationMs },
            'recording stored',
          );
      }
    },
    {
      concurrency: 2,
      timeoutMs: 30 * 60_000,
      ...retryOptionsFor(deps.retry ?? DEFAULT_JOB_RETRY_POLICY),
    },
  );
}

/** Enqueues the finalize job of a closed session's journal directory. */
export async function enqueueCaptureFinalize(
  queue: JobQueue,
  dir: string,
  recovered = false,
): Promise<void> {
  await queue.enqueue(
    CAPTURE_FINALIZE_JOB,
    { dir, ...(recovered ? { recovered: true } : {}) },
    { singletonKey: dir },
  );
}

/** Crash recovery at start: every unfinished journal is finalized as `recovered`. */
export async function recoverUnfinishedJournals(
  queue: JobQueue,
  dataDir: string,
  logger?: Logger,
): Promise<number> {
  const dirs = listUnfinishedJournals(dataDir);
  for (const dir of dirs) await enqueueCaptureFinalize(queue, dir, true);
  if (dirs.length > 0) logger?.warn({ count: dirs.length }, 'recovering unfinished recordings');
  return dirs.length;
}
