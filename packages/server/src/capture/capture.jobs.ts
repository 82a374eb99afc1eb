// The finalize job and crash recovery of media capture (SPEC §5). A closed session's journal is
// finalized through the job queue; at `serve` start every journal of a session that never
// closed (the process died) is finalized as `recovered`.
import type { JobQueue } from '../jobs/job-queue.js';
import type { Logger } from '../observability/logger.js';
import type { RecordingStoreDeps } from '../recordings/recordings.service.js';
import { listClosedUnfinalizedJournals, listUnfinishedJournals } from './capture-journal.js';
import { createConnectionErrorLog, isConnectionLoss } from '../db/connection-loss.js';
import { finalizeCapturedSession, type FinalizeResult } from './capture-finalize.js';

export const CAPTURE_FINALIZE_JOB = 'capture-finalize';

export interface CaptureJobDeps extends RecordingStoreDeps {
  readonly logger?: Logger;
}

export async function registerCaptureJobs(queue: JobQueue, deps: CaptureJobDeps): Promise<void> {
  await queue.register<{ dir: string; recovered?: boolean }>(
    CAPTURE_FINALIZE_JOB,
    async (job) => {
      const result = await finalizeUntilDatabaseAnswers(
        () =>
          finalizeCapturedSession({ ...deps, queue: deps.queue ?? queue }, job.payload.dir, {
            recovered: job.payload.recovered === true,
          }),
        { signal: job.signal, logger: deps.logger, dir: job.payload.dir },
      );
      if (result.kind === 'failed') {
        deps.logger?.error({ dir: job.payload.dir, reason: result.reason }, 'recording failed');
        // The job fails with the reason (visible in the queue); the journal stays for an operator.
        throw new Error(`recording failed: ${result.reason}`);
      }
      if (result.kind === 'gone') {
        deps.logger?.info({ dir: job.payload.dir }, 'already finalized by an earlier run');
        return;
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

/**
 * Runs a finalize again while it fails on a lost database connection (every few seconds, until
 * the job's signal is aborted by its timeout or a lost lease): the journal is intact, the
 * finalize is idempotent (it finds recordings an earlier run stored), and a failure would leave
 * the call to an operator although nothing is wrong with it.
 */
export async function finalizeUntilDatabaseAnswers(
  finalize: () => Promise<FinalizeResult>,
  options: {
    signal: AbortSignal;
    logger?: Logger | undefined;
    dir: string;
    delaysMs?: readonly number[];
  },
): Promise<FinalizeResult> {
  const delays = options.delaysMs ?? [1000, 2000, 5000];
  for (let attempt = 0; ; attempt++) {
    try {
      return await finalize();
    } catch (err) {
      if (!isConnectionLoss(err) || options.signal.aborted) throw err;
      if (attempt === 0) {
        options.logger?.warn(
          { err, dir: options.dir },
          'finalize waits for the database; the journal is kept and finalized when it answers',
        );
      }
      const delay = delays[Math.min(attempt, delays.length - 1)] ?? 5000;
      await new Promise<void>((resolve) => {
        const onAbort = (): void => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          options.signal.removeEventListener('abort', onAbort);
          resolve();
        }, delay);
        options.signal.addEventListener('abort', onAbort, { once: true });
      });
      if (options.signal.aborted) throw err;
    }
  }
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

/**
 * Crash recovery at start: every unfinished journal is finalized as `recovered`, and every closed
 * one that was never finalized is queued again (a job still queued or running for it is not
 * doubled: the directory is the singleton key). Returns how many unfinished journals there were.
 */
export async function recoverUnfinishedJournals(
  queue: JobQueue,
  dataDir: string,
  logger?: Logger,
): Promise<number> {
  const dirs = listUnfinishedJournals(dataDir);
  for (const dir of dirs) await enqueueCaptureFinalize(queue, dir, true);
  if (dirs.length > 0) logger?.warn({ count: dirs.length }, 'recovering unfinished recordings');
  const closed = listClosedUnfinalizedJournals(dataDir);
  for (const dir of closed) await enqueueCaptureFinalize(queue, dir);
  if (closed.length > 0) {
    logger?.warn({ count: closed.length }, 'finalizing recordings of calls that ended unfinalized');
  }
  return dirs.length;
}

export interface FinalizeEnqueuer {
  /**
   * Queues the finalize of a closed session's journal. While the database is away it resolves at
   * once and keeps the directory, trying again every `retryMs` until the job is queued: the
   * call's end (BYE answered, ports freed) never waits for the database, and nothing is lost.
   */
  enqueue(dir: string): Promise<void>;
  /** Journals waiting for the database to take their finalize job. */
  readonly pending: number;
  /** Stops retrying; what is still pending is queued by the next start's recovery. */
  stop(): void;
}

export function createFinalizeEnqueuer(
  queue: JobQueue,
  options: { logger?: Logger; retryMs?: number } = {},
): FinalizeEnqueuer {
  const retryMs = options.retryMs ?? 2000;
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const outage = createConnectionErrorLog({
    logger: options.logger ?? null,
    message: 'a finalize job cannot be queued: the database is unavailable; retrying',
  });

  const flush = async (): Promise<void> => {
    timer = null;
    for (const dir of [...pending]) {
      try {
        await enqueueCaptureFinalize(queue, dir);
        pending.delete(dir);
      } catch (err) {
        if (!isConnectionLoss(err)) {
          // Not the database being away: the next start's recovery queues it.
          pending.delete(dir);
          options.logger?.error({ err, dir }, 'the finalize job could not be queued');
        } else {
          outage.report(err);
        }
      }
    }
    if (pending.size === 0) outage.recovered();
    schedule();
  };
  const schedule = (): void => {
    if (stopped || timer || pending.size === 0) return;
    timer = setTimeout(() => void flush(), retryMs);
    timer.unref();
  };

  return {
    async enqueue(dir) {
      try {
        await enqueueCaptureFinalize(queue, dir);
      } catch (err) {
        if (!isConnectionLoss(err)) throw err;
        outage.report(err);
        pending.add(dir);
        schedule();
      }
    },
    get pending() {
      return pending.size;
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
