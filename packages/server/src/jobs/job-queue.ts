// The job queue port (STYLE.md: "Jobs are small, idempotent and retry-safe"). Two drivers
// implement it and pass the same contract suite (job-queue.contract.ts): the embedded driver on
// the app's own database (SQLite or PostgreSQL) and pg-boss on PostgreSQL.
//
// Delivery is at least once. A handler can run more than once for the same job: after a thrown
// error or a timeout (retries), when a worker dies and its lease or expiry runs out, or when a
// handler ignores its abort signal. Handlers must therefore be idempotent — check whether the work
// is already done (for example "recording already encoded") before doing it, and write results so
// that writing them twice is harmless. The queue does not do this for them.
import { AppError } from '../errors.js';

export const JOB_STATES = ['queued', 'active', 'retry', 'completed', 'failed'] as const;
/**
 * queued: waiting for its first attempt (possibly until runAt) · active: a worker runs it ·
 * retry: an attempt failed and another is due after the backoff · completed · failed: the last
 * allowed attempt failed.
 */
export type JobState = (typeof JOB_STATES)[number];

/** Payloads are JSON objects; they are stored as JSON and arrive as plain data. */
export type JobPayload = Record<string, unknown>;

export interface JobContext<P extends JobPayload = JobPayload> {
  readonly id: string;
  readonly name: string;
  readonly payload: P;
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
  /**
   * True when no retry follows if this attempt fails (the job then ends `failed`): a handler that
   * keeps a failure provisional while retries continue makes it final here.
   */
  readonly lastAttempt: boolean;
  /** Aborted when the attempt times out, the lease is lost or the queue stops without waiting. */
  readonly signal: AbortSignal;
  /** The present for this run: the queue's clock, or the instant given to runOnce. */
  readonly now: Date;
}

export type JobHandler<P extends JobPayload = JobPayload> = (job: JobContext<P>) => Promise<void>;

export interface HandlerOptions {
  /** Jobs of this name run at most this many at a time in this process (default 1). */
  readonly concurrency?: number;
  /** Retries after the first attempt before the job is `failed` (default 3). */
  readonly retryLimit?: number;
  /** Delay before the first retry; each later retry waits twice as long (default 10 s). */
  readonly retryBackoffMs?: number;
  /**
   * No retry waits longer than this, however many came before (default 15 min, or retryBackoffMs
   * when that is longer).
   */
  readonly retryMaxDelayMs?: number;
  /** An attempt running longer fails with a timeout and its signal is aborted (default 15 min). */
  readonly timeoutMs?: number;
}

export interface EnqueueOptions {
  /**
   * While a job with this name and key is queued, active or waiting to retry, enqueueing again
   * returns that job's id instead of adding another.
   */
  readonly singletonKey?: string;
  /** Not before this instant. */
  readonly runAt?: Date;
  /** Higher runs first among due jobs of the same name (default 0). */
  readonly priority?: number;
}

/** How often a scheduled job runs: at the start of every UTC hour or day, or every N ms. */
export type ScheduleEvery = 'hourly' | 'daily' | number;

export interface JobInfo {
  readonly id: string;
  readonly name: string;
  readonly state: JobState;
  /** Attempts started so far. */
  readonly attempts: number;
  /** The message of the most recent failed attempt, kept after a later success. */
  readonly lastError: string | null;
  readonly payload: JobPayload;
  readonly createdAt: Date;
  /** When the job completed or finally failed. */
  readonly completedAt: Date | null;
}

export type JobStateCounts = Record<JobState, number>;

export interface JobCounts {
  readonly total: JobStateCounts;
  readonly byName: Readonly<Record<string, JobStateCounts>>;
}

export interface StopOptions {
  /**
   * Wait at most this long for active jobs (default: until they finish). Jobs still running then
   * have their signal aborted and are left to the lease/expiry, so another worker retries them.
   */
  readonly timeoutMs?: number;
}

export interface JobQueue {
  /** Which driver this is, for health output and logs. */
  readonly driver: 'embedded' | 'pg-boss';
  /** Declares how to run jobs of `name` in this process (before or after start()). */
  register<P extends JobPayload>(
    name: string,
    handler: JobHandler<P>,
    options?: HandlerOptions,
  ): Promise<void>;
  /** Adds a job and returns its id (or the pending job's id for a repeated singletonKey). */
  enqueue(name: string, payload: JobPayload, options?: EnqueueOptions): Promise<string>;
  /**
   * Runs `name` periodically with `payload`. Every process may declare the same schedule; each
   * period still produces one job. The handler must be registered where workers run.
   */
  schedule(name: string, every: ScheduleEvery, payload?: JobPayload): Promise<void>;
  /** Starts this process's workers (and schedules). Enqueueing works without it. */
  start(): Promise<void>;
  /** Stops taking jobs and waits for the active ones (see StopOptions). */
  stop(options?: StopOptions): Promise<void>;
  /**
   * Runs a scheduled job's handler once in the caller, now, with the schedule's payload and `now`
   * as the handler's present (`callvault jobs run NAME --now ISO`). Not recorded as a job; the
   * handler's error is thrown.
   */
  runOnce(name: string, options?: { readonly now?: Date }): Promise<void>;
  getJob(id: string): Promise<JobInfo | null>;
  counts(): Promise<JobCounts>;
}

/**
 * Thrown by a handler whose job cannot succeed however often it is tried (the input is bad, the
 * failure is recorded elsewhere): the job ends `failed` now, whatever retries it had left.
 */
export class FinalJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FinalJobError';
  }
}

export const DEFAULT_HANDLER_OPTIONS: Required<HandlerOptions> = Object.freeze({
  concurrency: 1,
  retryLimit: 3,
  retryBackoffMs: 10_000,
  retryMaxDelayMs: 15 * 60_000,
  timeoutMs: 15 * 60_000,
});

const JOB_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/** Job names double as pg-boss queue names and parts of ids, so both drivers accept the same few. */
export function assertJobName(name: string): void {
  if (!JOB_NAME.test(name)) {
    throw new AppError(
      'VALIDATION_FAILED',
      `job name "${name}" must be 1–63 letters, digits, "-" or "_", starting with a letter or digit`,
    );
  }
}

export function resolveHandlerOptions(options: HandlerOptions = {}): Required<HandlerOptions> {
  const given = stripUndefined(options);
  const resolved = { ...DEFAULT_HANDLER_OPTIONS, ...given };
  // Without a ceiling of its own, a backoff longer than the default ceiling is its own ceiling.
  if (given.retryMaxDelayMs === undefined) {
    resolved.retryMaxDelayMs = Math.max(resolved.retryMaxDelayMs, resolved.retryBackoffMs);
  }
  const problems: string[] = [];
  if (!Number.isInteger(resolved.concurrency) || resolved.concurrency < 1) {
    problems.push('concurrency must be an integer ≥ 1');
  }
  if (!Number.isInteger(resolved.retryLimit) || resolved.retryLimit < 0) {
    problems.push('retryLimit must be an integer ≥ 0');
  }
  if (!(resolved.retryBackoffMs >= 0)) problems.push('retryBackoffMs must be ≥ 0');
  if (!(resolved.retryMaxDelayMs >= resolved.retryBackoffMs)) {
    problems.push('retryMaxDelayMs must be ≥ retryBackoffMs');
  }
  if (!(resolved.timeoutMs > 0)) problems.push('timeoutMs must be > 0');
  if (problems.length > 0) {
    throw new AppError('VALIDATION_FAILED', 'invalid job handler options', problems);
  }
  return resolved;
}

export function assertScheduleEvery(every: ScheduleEvery): void {
  if (every === 'hourly' || every === 'daily') return;
  if (!Number.isInteger(every) || every <= 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      `schedule every "${String(every)}" must be hourly, daily or a positive whole number of ms`,
    );
  }
}

/**
 * Exponential backoff: the first retry waits `backoffMs`, each later one twice the one before, but
 * never more than `maxDelayMs`.
 */
export function computeRetryDelayMs(
  backoffMs: number,
  failedAttempt: number,
  maxDelayMs = Number.POSITIVE_INFINITY,
): number {
  return Math.min(maxDelayMs, backoffMs * 2 ** Math.min(16, Math.max(0, failedAttempt - 1)));
}

/** How long jobs whose work must not be lost keep retrying (Config.jobRetry). */
export interface JobRetryPolicy {
  /** The first retry's delay; each later one doubles… */
  readonly baseMs: number;
  /** …up to this… */
  readonly maxDelayMs: number;
  /** …until the delays add up to this horizon. */
  readonly horizonMs: number;
}

/** Callvault's default: 10 s doubling to at most 15 min, for 24 hours (101 retries). */
export const DEFAULT_JOB_RETRY_POLICY: JobRetryPolicy = Object.freeze({
  baseMs: 10_000,
  maxDelayMs: 15 * 60_000,
  horizonMs: 24 * 3_600_000,
});

/**
 * Handler options that retry with the policy's backoff for as many retries as fit in its horizon:
 * the last retry starts no later than `horizonMs` after the first failure (attempt times aside).
 */
export function retryOptionsFor(
  policy: JobRetryPolicy,
): Required<Pick<HandlerOptions, 'retryLimit' | 'retryBackoffMs' | 'retryMaxDelayMs'>> {
  let retries = 0;
  let waited = 0;
  for (;;) {
    const next = computeRetryDelayMs(policy.baseMs, retries + 1, policy.maxDelayMs);
    if (waited + next > policy.horizonMs) break;
    waited += next;
    retries += 1;
  }
  return {
    retryLimit: Math.max(1, retries),
    retryBackoffMs: policy.baseMs,
    retryMaxDelayMs: policy.maxDelayMs,
  };
}

/** The start of the period `at` falls in: UTC hour, UTC day, or a multiple of N ms since epoch. */
export function startOfSchedulePeriod(every: ScheduleEvery, at: Date): Date {
  const period = every === 'hourly' ? 3_600_000 : every === 'daily' ? 86_400_000 : every;
  return new Date(Math.floor(at.getTime() / period) * period);
}

export function emptyStateCounts(): JobStateCounts {
  return { queued: 0, active: 0, retry: 0, completed: 0, failed: 0 };
}

/** A thrown value as the text stored in lastError. */
export function describeError(error: unknown): string {
  const text =
    error instanceof Error ? error.message || error.name : `non-Error thrown: ${String(error)}`;
  return text.length > 4000 ? `${text.slice(0, 4000)}…` : text;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
