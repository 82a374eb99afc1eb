// The finalize job and crash recovery of media capture (SPEC §5). A closed session's journal is
// finalized through the job queue; at `serve` start every journal of a session that never
// closed (the process died) is finalized as `recovered`.
import type { JobQueue } from '../jobs/job-queue.js';
import type { Logger } from '../observability/logger.js';
import type { RecordingStoreDeps } from '../recordings/recordings.service.js';
import { listUnfinishedJournals } from './capture-journal.js';
import { finalizeCapturedSession } from './capture-finalize.js';

export const CAPTURE_FINALIZE_JOB = 'capture-finalize';

export interface CaptureJobDeps extends RecordingStoreDeps {
  readonly logger?: Logger;
}

export async function registerCaptureJobs(queue: JobQueue, deps: CaptureJobDeps): Promise<void> {
  await queue.register<{ dir: string; recovered?: boolean }>(
    CAPTURE_FINALIZE_JOB,
    async (job) => {
      const result = await finalizeCapturedSession(
        { ...deps, queue: deps.queue ?? queue },
        job.payload.dir,
        { recovered: job.payload.recovered === true },
      );
      if (result.kind === 'failed') {
        deps.logger?.error({ dir: job.payload.dir, reason: result.reason }, 'recording failed');
        // The job fails with the reason (visible in the queue); the journal stays for an operator.
        throw new Error(`recording failed: ${result.reason}`);
      }
      deps.logger?.info(
        { recordings: result.recordingIds, durationMs: result.durationMs },
        'recording stored',
      );
    },
    // Finalize is not retried: a failure is written next to the journal and kept for an operator.
    { concurrency: 2, retryLimit: 0, timeoutMs: 30 * 60_000 },
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
