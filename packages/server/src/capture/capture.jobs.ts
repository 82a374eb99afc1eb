// The finalize job and crash recovery of media capture (SPEC §5). A closed session's journal is
// finalized through the job queue; at `serve` start every journal of a session that never
// closed (the process died) is finalized as `recovered`, and every closed one that was never
// finalized (the process stopped first, or a full disk held it back) is finalized. A finalize
// that a full disk held back is enqueued again by the sweep once the disk has room.
import { isStorageFullError } from '../errors.js';
import {
  DEFAULT_JOB_RETRY_POLICY,
  FinalJobError,
  retryOptionsFor,
  type JobContext,
  type JobQueue,
  type JobRetryPolicy,
} from '../jobs/job-queue.js';
import type { Logger } from '../observability/logger.js';
import type { RecordingStoreDeps } from '../recordings/recording-store.service.js';
import {
  clearFailedFile,
  journalExists,
  listPendingJournals,
  readSessionFile,
  type CaptureSessionFile,
} from '@callvault/recorder';
import {
  deleteShippedJournal,
  materializeShippedJournal,
  shippedJournalDir,
  shippedJournalName,
} from './shipped-journals.js';
import { createConnectionErrorLog, isConnectionLoss } from '../db/connection-loss.js';
import {
  finalizeCapturedSession,
  type FinalizeDeps,
  type FinalizeResult,
} from './capture-finalize.js';
import { markFinalizeError } from './capture-failure-catalogue.js';

export const CAPTURE_FINALIZE_JOB = 'capture-finalize';

export type CaptureFinalizePayload = {
  /** The journal directory on the recorder's disk, or `journals/<key>` for a shipped journal. */
  readonly dir: string;
  /**
   * The key of a journal shipped to the blob store (shipped-journals.ts): the worker rebuilds it
   * in its own data dir and finalizes it there, on any machine.
   */
  readonly shipped?: string;
  readonly recovered?: boolean;
  /** The session when its session.json could not be written (a full disk). */
  readonly session?: CaptureSessionFile;
};

export interface CaptureJobDeps
  extends RecordingStoreDeps, Pick<FinalizeDeps, 'phoneNumberOfAor' | 'encode'> {
  readonly logger?: Logger;
  /** Told of a finalize a full disk held back (the sweep enqueues it again when there is room). */
  readonly onDeferred?: (payload: CaptureFinalizePayload) => void;
  /** How long a finalize that failed at the store keeps retrying (default 24 h). */
  readonly retry?: JobRetryPolicy;
  /** This process's data dir: where shipped journals are rebuilt to be finalized. */
  readonly dataDir?: string;
  /** Told when a journal's finalize ended for good (stored, stored before, or failed). */
  readonly onSettled?: (dir: string) => void;
}

/** A shipped journal rebuilt in this process's data dir, or why there is nothing to finalize. */
async function rebuildShippedJournal(
  deps: CaptureJobDeps,
  key: string,
): Promise<{ dir: string; closed: boolean } | null> {
  if (deps.dataDir === undefined) {
    throw new Error('this process has no data dir to rebuild shipped journals in');
  }
  const dir = shippedJournalDir(deps.dataDir, key);
  const rebuilt = await materializeShippedJournal(deps.blobStore, key, dir);
  if (rebuilt.kind === 'absent') return null;
  let closed = false;
  try {
    closed = readSessionFile(dir).closed !== undefined;
  } catch {
    // No or no readable session.json: finalize catalogues it as unreadable.
  }
  return { dir, closed };
}

/**
 * Finalize retries with backoff for the policy's horizon when the store, the disk or the encoder
 * failed: the journal stays, the call is listed as failed-and-retrying, and storing is
 * idempotent, so the retry that succeeds stores each recording once and resolves the listing. The
 * last attempt makes such a failure final. Other failures (no media, no owner) are final at once.
 */
export async function registerCaptureJobs(queue: JobQueue, deps: CaptureJobDeps): Promise<void> {
  await queue.register<CaptureFinalizePayload>(
    CAPTURE_FINALIZE_JOB,
    async (job) => {
      try {
        await finalizeJob(job);
        deps.onSettled?.(job.payload.dir);
      } catch (error) {
        // A final failure (catalogued) ends the finalize; one that is retried keeps it open.
        if (error instanceof FinalJobError || job.lastAttempt) deps.onSettled?.(job.payload.dir);
        throw error;
      }
    },
    {
      concurrency: 2,
      timeoutMs: 30 * 60_000,
      ...retryOptionsFor(deps.retry ?? DEFAULT_JOB_RETRY_POLICY),
    },
  );

  async function finalizeJob(job: JobContext<CaptureFinalizePayload>): Promise<void> {
    const finalizeDeps = { ...deps, queue: deps.queue ?? queue };
    const shipped = job.payload.shipped;
    let dir = job.payload.dir;
    let recovered = job.payload.recovered === true;
    if (shipped !== undefined) {
      const rebuilt = await rebuildShippedJournal(deps, shipped);
      if (!rebuilt) {
        deps.logger?.info({ journal: shipped }, 'no shipped journal left: finalized before');
        return;
      }
      dir = rebuilt.dir;
      // A session that never closed (its recorder was killed or lost): what was shipped.
      recovered ||= !rebuilt.closed;
    }
    let result: FinalizeResult;
    try {
      result = await finalizeUntilDatabaseAnswers(
        () =>
          finalizeCapturedSession(finalizeDeps, dir, {
            recovered,
            retrying: !job.lastAttempt,
            ...(job.payload.session ? { session: job.payload.session } : {}),
          }),
        { signal: job.signal, logger: deps.logger, dir },
      );
    } catch (error) {
      // The catalogue's database refused the write (its disk is full): the journal is whole,
      // and finalize runs again once there is room.
      if (isStorageFullError(error)) deps.onDeferred?.(job.payload);
      // Retried like a passing failure; after the last attempt it is catalogued as final.
      if (!job.lastAttempt) throw error;
      result = await markFinalizeError(finalizeDeps, dir, error);
    }
    // Stored (now or before): the shipped copy goes. A failed journal stays where it was
    // rebuilt (for an operator's retry) and in the store.
    if (shipped !== undefined && (result.kind === 'stored' || result.kind === 'done-before')) {
      await deleteShippedJournal(deps.blobStore, shipped);
    }
    switch (result.kind) {
      case 'deferred':
        deps.logger?.warn({ dir: job.payload.dir, reason: result.reason }, 'finalize deferred');
        deps.onDeferred?.(job.payload);
        throw new Error(`finalize deferred: ${result.reason}`);
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
  }
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
  session?: CaptureSessionFile,
): Promise<void> {
  await queue.enqueue(
    CAPTURE_FINALIZE_JOB,
    { dir, ...(recovered ? { recovered: true } : {}), ...(session ? { session } : {}) },
    { singletonKey: dir },
  );
}

/**
 * Enqueues the finalize of a journal shipped to the blob store: any worker rebuilds and
 * finalizes it (`recovered` also when its session never closed). One job per journal at a time.
 */
export async function enqueueShippedFinalize(
  queue: JobQueue,
  key: string,
  recovered = false,
): Promise<void> {
  const dir = shippedJournalName(key);
  await queue.enqueue(
    CAPTURE_FINALIZE_JOB,
    { dir, shipped: key, ...(recovered ? { recovered: true } : {}) },
    { singletonKey: dir },
  );
}

/**
 * At start: every journal not finalized yet is finalized: one whose session never closed (a
 * crash) as `recovered`, a closed one (the process stopped before its finalize ran, or a full
 * disk held it back) as it ended. A closed journal whose job is still queued is not queued twice.
 */
export async function recoverUnfinishedJournals(
  queue: JobQueue,
  dataDir: string,
  logger?: Logger,
): Promise<number> {
  const pending = listPendingJournals(dataDir);
  for (const j of pending) await enqueueCaptureFinalize(queue, j.dir, j.recovered);
  if (pending.length > 0) {
    logger?.warn(
      { count: pending.length, recovered: pending.filter((j) => j.recovered).length },
      'finalizing the recordings left unfinished',
    );
  }
  return pending.length;
}

export interface FinalizeSweep {
  /** Remembers a finalize a full disk held back. */
  defer(payload: CaptureFinalizePayload): void;
  /** Finalizes held-back journals again when `hasRoom` says so; returns how many were queued. */
  sweep(): Promise<number>;
  readonly deferred: number;
  start(intervalMs?: number): void;
  stop(): void;
}

/**
 * Finalize jobs a full disk held back, enqueued again once the disk has room (no restart
 * needed). Held in memory: after a restart, start-up recovery finds the same journals on disk.
 */
export function createFinalizeSweep(options: {
  readonly queue: JobQueue;
  readonly hasRoom: () => Promise<boolean>;
  readonly logger?: Logger;
}): FinalizeSweep {
  const held = new Map<string, CaptureFinalizePayload>();
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  const sweep = async (): Promise<number> => {
    if (running || held.size === 0 || !(await options.hasRoom())) return 0;
    running = true;
    try {
      let queued = 0;
      for (const [dir, payload] of [...held]) {
        held.delete(dir);
        try {
          if (payload.shipped !== undefined) {
            await enqueueShippedFinalize(options.queue, payload.shipped, payload.recovered);
          } else {
            await enqueueCaptureFinalize(options.queue, dir, payload.recovered, payload.session);
          }
          queued++;
        } catch (err) {
          // The queue (its database) refused: kept for the next sweep.
          held.set(dir, payload);
          options.logger?.error({ err, dir }, 'a held-back finalize could not be enqueued');
        }
      }
      if (queued > 0)
        options.logger?.info({ queued }, 'disk has room: finalizing held-back journals');
      return queued;
    } finally {
      running = false;
    }
  };
  return {
    defer(payload) {
      held.set(payload.dir, payload);
    },
    sweep,
    get deferred() {
      return held.size;
    },
    start(intervalMs = 5_000) {
      if (timer) return;
      timer = setInterval(() => void sweep(), intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

export interface FinalizeEnqueuer {
  /**
   * Queues the finalize of a closed session's journal. While the database is away it resolves at
   * once and keeps the directory, trying again every `retryMs` until the job is queued: the
   * call's end (BYE answered, ports freed) never waits for the database, and nothing is lost.
   */
  enqueue(dir: string, session?: CaptureSessionFile): Promise<void>;
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
  // Each waiting journal with the session the recorder handed over (when session.json could not
  // be written beside it).
  const pending = new Map<string, CaptureSessionFile | undefined>();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const outage = createConnectionErrorLog({
    logger: options.logger ?? null,
    message: 'a finalize job cannot be queued: the database is unavailable; retrying',
  });

  const flush = async (): Promise<void> => {
    timer = null;
    for (const [dir, session] of [...pending]) {
      try {
        await enqueueCaptureFinalize(queue, dir, false, session);
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
    async enqueue(dir, session) {
      try {
        await enqueueCaptureFinalize(queue, dir, false, session);
      } catch (err) {
        if (!isConnectionLoss(err)) throw err;
        outage.report(err);
        pending.set(dir, session);
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

/** The failed journal is on this process's disk, where its finalize can run again. */
export function isJournalOnThisServer(dir: string): boolean {
  return journalExists(dir);
}

/**
 * Finalizes a failed journal again (an operator's retry, after the disk was freed or the encoder
 * fixed): its failed.json goes, so recovery no longer skips it, and the job is queued.
 */
export async function retryCaptureFinalize(queue: JobQueue, dir: string): Promise<void> {
  clearFailedFile(dir);
  await enqueueCaptureFinalize(queue, dir);
}
