// The embedded job queue (the default on SQLite and PostgreSQL): jobs are rows of the app's own
// `jobs` table and an in-process worker claims them. Several processes may share one database;
// a claim is a single conditional UPDATE, and a worker holds a lease it renews while the handler
// runs, so the job of a worker that crashed becomes due again once its lease runs out.
import crypto from 'node:crypto';
import { systemClock, type Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { parseJsonColumn, toJsonColumn } from '../db/json.js';
import { AppError, notFound } from '../errors.js';
import { createLogger, moduleLogger, type Logger } from '../observability/logger.js';
import {
  assertJobName,
  assertScheduleEvery,
  computeRetryDelayMs,
  DEFAULT_HANDLER_OPTIONS,
  emptyStateCounts,
  JOB_STATES,
  startOfSchedulePeriod,
  type EnqueueOptions,
  type HandlerOptions,
  type JobCounts,
  type JobHandler,
  type JobInfo,
  type JobPayload,
  type JobQueue,
  type JobState,
  type JobStateCounts,
  type ScheduleEvery,
  type StopOptions,
} from './job-queue.js';
import { JobRunner, type ClaimedJob, type JobStore, type Registration } from './job-runner.js';
import {
  claimNextJob,
  completeJob,
  countJobsByNameAndState,
  deleteFinishedJobsBefore,
  failJobAttempt,
  findJobRowById,
  findPendingJobIdBySingletonKey,
  insertJobUnlessPresent,
  releaseExpiredLeases,
  renewJobLease,
  type JobRow,
} from './embedded-jobs.repository.js';

export interface EmbeddedJobQueueOptions {
  readonly db: Db;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** How often an idle worker looks for due jobs (default 1 s); enqueue here wakes it at once. */
  readonly pollIntervalMs?: number;
  /** How long a claim holds without renewal (default 30 s); renewed every third of it. */
  readonly leaseMs?: number;
  /** Identifies this worker in `locked_by` (default: random). */
  readonly workerId?: string;
  /** Completed and failed jobs are deleted this long after they finish (default 7 days). */
  readonly keepFinishedMs?: number;
}

interface Schedule {
  readonly every: ScheduleEvery;
  readonly payload: JobPayload;
  lastPeriod: number | null;
}

const CLEAN_UP_EVERY_MS = 60_000;

export function createEmbeddedJobQueue(options: EmbeddedJobQueueOptions): JobQueue {
  return new EmbeddedJobQueue(options);
}

class EmbeddedJobQueue implements JobQueue {
  readonly driver = 'embedded' as const;
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly workerId: string;
  private readonly leaseMs: number;
  private readonly keepFinishedMs: number;
  private readonly schedules = new Map<string, Schedule>();
  private readonly runner: JobRunner;
  private lastCleanUp = 0;

  constructor(options: EmbeddedJobQueueOptions) {
    this.db = options.db;
    this.clock = options.clock ?? systemClock;
    this.workerId = options.workerId ?? `worker-${crypto.randomUUID()}`;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.keepFinishedMs = options.keepFinishedMs ?? 7 * 86_400_000;
    const store: JobStore = {
      beforeClaim: (now) => this.beforeClaim(now),
      claim: (registration, limit, now) => this.claim(registration, limit, now),
      complete: (job, now) => this.complete(job, now),
      fail: (job, registration, error, now, final) =>
        this.fail(job, registration, error, now, final),
      renewLease: (job, now) => renewJobLease(this.db, job.id, this.workerId, this.leaseUntil(now)),
      leaseRenewEveryMs: Math.max(1, Math.floor(this.leaseMs / 3)),
    };
    this.runner = new JobRunner({
      store,
      clock: this.clock,
      logger: moduleLogger(options.logger ?? createLogger({ level: 'silent' }), 'jobs', {
        worker: this.workerId,
      }),
      pollIntervalMs: options.pollIntervalMs ?? 1000,
    });
  }

  register<P extends JobPayload>(
    name: string,
    handler: JobHandler<P>,
    options?: HandlerOptions,
  ): Promise<void> {
    // Through a promise so a bad name or option rejects rather than throws.
    return Promise.resolve().then(() => {
      this.runner.register(name, handler as JobHandler, options);
    });
  }

  async enqueue(name: string, payload: JobPayload, options: EnqueueOptions = {}): Promise<string> {
    assertJobName(name);
    const priority = options.priority ?? 0;
    if (!Number.isInteger(priority)) {
      throw new AppError('VALIDATION_FAILED', 'job priority must be an integer');
    }
    const now = this.clock.now();
    const runAt = options.runAt && options.runAt > now ? options.runAt : now;
    const row = {
      name,
      payload: toJsonColumn(payload),
      singletonKey: options.singletonKey ?? null,
      priority,
      runAt: runAt.toISOString(),
      retryLimit:
        this.runner.registrationOf(name)?.options.retryLimit ?? DEFAULT_HANDLER_OPTIONS.retryLimit,
      createdAt: now.toISOString(),
    };
    // With a singleton key the unique index decides; the pending job it collided with may finish
    // between our insert and our look-up, in which case inserting again is right.
    for (let round = 0; round < 5; round += 1) {
      const id = crypto.randomUUID();
      if (await insertJobUnlessPresent(this.db, { ...row, id })) {
        this.runner.wake(name);
        return id;
      }
      if (row.singletonKey === null) continue;
      const existing = await findPendingJobIdBySingletonKey(this.db, name, row.singletonKey);
      if (existing !== null) return existing;
    }
    throw new AppError(
      'CONFLICT',
      `could not enqueue job ${name}: its singleton key kept changing`,
    );
  }

  schedule(name: string, every: ScheduleEvery, payload: JobPayload = {}): Promise<void> {
    return Promise.resolve().then(() => {
      assertJobName(name);
      assertScheduleEvery(every);
      this.schedules.set(name, { every, payload, lastPeriod: null });
      this.runner.wake();
    });
  }

  start(): Promise<void> {
    this.runner.start();
    return Promise.resolve();
  }

  stop(options?: StopOptions): Promise<void> {
    return this.runner.stop(options);
  }

  async runOnce(name: string, options: { readonly now?: Date } = {}): Promise<void> {
    const schedule = this.schedules.get(name);
    if (!schedule) throw notFound(`scheduled job ${name}`);
    await this.runner.runNow(name, schedule.payload, options.now ?? this.clock.now());
  }

  async getJob(id: string): Promise<JobInfo | null> {
    const row = await findJobRowById(this.db, id);
    return row ? toJobInfo(row) : null;
  }

  async counts(): Promise<JobCounts> {
    const total = emptyStateCounts();
    const byName: Record<string, JobStateCounts> = {};
    for (const { name, state, count } of await countJobsByNameAndState(this.db)) {
      if (!isJobState(state)) continue;
      total[state] += count;
      (byName[name] ??= emptyStateCounts())[state] += count;
    }
    return { total, byName };
  }

  private leaseUntil(now: Date): string {
    return new Date(now.getTime() + this.leaseMs).toISOString();
  }

  private async beforeClaim(now: Date): Promise<void> {
    const released = await releaseExpiredLeases(this.db, now.toISOString());
    if (released > 0) this.runner.wake();
    await this.enqueueDueSchedules(now);
    if (now.getTime() - this.lastCleanUp >= CLEAN_UP_EVERY_MS) {
      this.lastCleanUp = now.getTime();
      await deleteFinishedJobsBefore(
        this.db,
        new Date(now.getTime() - this.keepFinishedMs).toISOString(),
      );
    }
  }

  /**
   * One job per schedule period. Its id is derived from the name and period, so every process
   * that declares the schedule inserts the same row and only the first insert counts.
   */
  private async enqueueDueSchedules(now: Date): Promise<void> {
    for (const [name, schedule] of this.schedules) {
      const period = startOfSchedulePeriod(schedule.every, now);
      if (schedule.lastPeriod === period.getTime()) continue;
      await insertJobUnlessPresent(this.db, {
        id: deriveScheduledJobId(name, period),
        name,
        payload: toJsonColumn(schedule.payload),
        singletonKey: null,
        priority: 0,
        runAt: now.toISOString(),
        retryLimit:
          this.runner.registrationOf(name)?.options.retryLimit ??
          DEFAULT_HANDLER_OPTIONS.retryLimit,
        createdAt: now.toISOString(),
      });
      schedule.lastPeriod = period.getTime();
    }
  }

  private async claim(registration: Registration, limit: number, now: Date): Promise<ClaimedJob[]> {
    const jobs: ClaimedJob[] = [];
    while (jobs.length < limit) {
      const row = await claimNextJob(this.db, {
        name: registration.name,
        workerId: this.workerId,
        now: now.toISOString(),
        lockedUntil: this.leaseUntil(now),
        retryLimit: registration.options.retryLimit,
      });
      if (!row) break;
      jobs.push({
        id: row.id,
        name: row.name,
        payload: parseJsonColumn<JobPayload>(row.payload),
        attempt: row.attempts,
        lastAttempt: row.attempts > registration.options.retryLimit,
        previousError: row.last_error,
      });
    }
    return jobs;
  }

  private async complete(job: ClaimedJob, now: Date): Promise<void> {
    if (!(await completeJob(this.db, job.id, this.workerId, now.toISOString()))) {
      throw new Error(`job ${job.id} finished after its lease was lost; another worker retries it`);
    }
  }

  private async fail(
    job: ClaimedJob,
    registration: Registration,
    error: string,
    now: Date,
    final: boolean,
  ): Promise<void> {
    const { retryLimit, retryBackoffMs, retryMaxDelayMs } = registration.options;
    const delayMs = computeRetryDelayMs(retryBackoffMs, job.attempt, retryMaxDelayMs);
    const retryAt =
      !final && job.attempt <= retryLimit ? new Date(now.getTime() + delayMs).toISOString() : null;
    const recorded = await failJobAttempt(this.db, {
      id: job.id,
      workerId: this.workerId,
      error,
      now: now.toISOString(),
      retryAt,
    });
    if (!recorded) {
      throw new Error(`job ${job.id} failed after its lease was lost; another worker retries it`);
    }
  }
}

function isJobState(state: string): state is JobState {
  return (JOB_STATES as readonly string[]).includes(state);
}

function toJobInfo(row: JobRow): JobInfo {
  return {
    id: row.id,
    name: row.name,
    state: isJobState(row.state) ? row.state : 'failed',
    attempts: row.attempts,
    lastError: row.last_error,
    payload: parseJsonColumn<JobPayload>(row.payload),
    createdAt: new Date(row.created_at),
    completedAt: row.completed_at === null ? null : new Date(row.completed_at),
  };
}

/** A UUID-shaped id fixed by (name, period), so the same period cannot be enqueued twice. */
export function deriveScheduledJobId(name: string, period: Date): string {
  const hex = crypto
    .createHash('sha256')
    .update(`schedule:${name}:${period.toISOString()}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
