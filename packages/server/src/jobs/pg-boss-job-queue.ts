// The job queue on pg-boss 10 (CALLVAULT_QUEUE=pg-boss, PostgreSQL only), for many worker
// processes. pg-boss keeps jobs in its own schema and talks to PostgreSQL through the app's
// Kysely pool. It stores jobs, claims them (FOR UPDATE SKIP LOCKED), schedules retries with
// backoff, expires jobs of dead workers and runs cron schedules; the shared JobRunner does the
// in-process part (polling, concurrency, timeouts, abort signals, graceful stop) as for the
// embedded driver.
//
// Mapping of our options: retryLimit → retryLimit; the backoff (doubling from retryBackoffMs, capped
// at retryMaxDelayMs) is ours: after pg-boss records a failed attempt as `retry`, fail() sets the
// job's start_after to our delay in milliseconds. pg-boss's own delay (retryDelay, whole seconds,
// no doubling) then only applies to a job it expires itself; timeoutMs → expireInSeconds (+1 s),
// which is also how long a dead worker's job stays active before it is retried;
// runAt → startAfter; priority → priority; schedule → pg-boss cron in UTC. pg-boss compares
// times with the database clock, not the injected Clock.
import { CompiledQuery, sql } from 'kysely';
import PgBoss from 'pg-boss';
import { createConnectionErrorLog, isConnectionLoss } from '../db/connection-loss.js';
import { systemClock, type Clock } from '../clock.js';
import { dialectOf, type Db, type DbOrTrx } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import { createLogger, moduleLogger, type Logger } from '../observability/logger.js';
import {
  assertJobName,
  assertScheduleEvery,
  computeRetryDelayMs,
  DEFAULT_HANDLER_OPTIONS,
  emptyStateCounts,
  resolveHandlerOptions,
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

export interface PgBossJobQueueOptions {
  /** The app's database handle; must be PostgreSQL. */
  readonly db: Db;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** PostgreSQL schema pg-boss owns (default `pgboss`). */
  readonly schema?: string;
  /** How often an idle worker looks for due jobs (default 1 s); enqueue here wakes it at once. */
  readonly pollIntervalMs?: number;
  /** How often pg-boss expires jobs of dead workers and archives old ones (default 60 s). */
  readonly maintenanceIntervalSeconds?: number;
}

/** pg-boss 10 job states → ours. A cancelled job will not run again, so it counts as failed. */
const STATE_FROM_PG_BOSS: Record<string, JobState> = {
  created: 'queued',
  retry: 'retry',
  active: 'active',
  completed: 'completed',
  cancelled: 'failed',
  failed: 'failed',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_EXPIRE_SECONDS = 24 * 3600 - 1;

export function createPgBossJobQueue(options: PgBossJobQueueOptions): JobQueue {
  if (dialectOf(options.db) !== 'postgres') {
    throw new AppError('VALIDATION_FAILED', 'the pg-boss job queue needs a PostgreSQL database');
  }
  return new PgBossJobQueue(options);
}

/** pg-boss reads and writes through this: the app's pool, or a transaction of it. */
function toPgBossDb(db: DbOrTrx): PgBoss.Db {
  return {
    executeSql: async (text: string, values?: unknown[]) => {
      const result = await db.executeQuery(CompiledQuery.raw(text, values ?? []));
      return { rows: result.rows };
    },
  };
}

/**
 * pg-boss retry and expiry settings for a handler's options. pg-boss's exponential backoff has no
 * ceiling, so it stays off: fail() schedules each retry itself (see above).
 */
export function toPgBossRetryOptions(
  options: Required<HandlerOptions>,
): Required<Pick<PgBoss.Queue, 'retryLimit' | 'retryDelay' | 'retryBackoff' | 'expireInSeconds'>> {
  return {
    retryLimit: options.retryLimit,
    retryDelay: Math.round(options.retryBackoffMs / 1000),
    retryBackoff: false,
    // One second more than the timeout, so the worker's own timeout reports the failure first.
    expireInSeconds: Math.min(MAX_EXPIRE_SECONDS, Math.ceil(options.timeoutMs / 1000) + 1),
  };
}

/**
 * pg-boss schedules are cron expressions with minute resolution: hourly and daily run at the
 * start of the UTC hour and day; an interval must be whole minutes dividing an hour, or whole
 * hours dividing a day.
 */
export function toCronExpression(every: ScheduleEvery): string {
  assertScheduleEvery(every);
  if (every === 'hourly') return '0 * * * *';
  if (every === 'daily') return '0 0 * * *';
  const minutes = every / 60_000;
  if (Number.isInteger(minutes) && minutes >= 1 && minutes <= 60 && 60 % minutes === 0) {
    return minutes === 60 ? '0 * * * *' : `*/${minutes} * * * *`;
  }
  const hours = every / 3_600_000;
  if (Number.isInteger(hours) && hours >= 1 && hours <= 24 && 24 % hours === 0) {
    return hours === 24 ? '0 0 * * *' : `0 */${hours} * * *`;
  }
  throw new AppError(
    'VALIDATION_FAILED',
    `a pg-boss schedule of every ${every} ms is not whole minutes dividing an hour or whole hours dividing a day`,
  );
}

/** The error text we or pg-boss stored in a job's output. */
function readLastError(output: unknown): string | null {
  if (typeof output !== 'object' || output === null) return null;
  const o = output as { lastError?: unknown; message?: unknown; value?: unknown };
  if (typeof o.lastError === 'string') return o.lastError;
  if (typeof o.message === 'string') return o.message;
  if (typeof o.value === 'string') return o.value;
  if (typeof o.value === 'object' && o.value !== null) {
    const message = (o.value as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return null;
}

interface PgBossJobRow {
  id: string;
  name: string;
  state: string;
  retry_count: number;
  started_on: Date | null;
  output: unknown;
  data: JobPayload | null;
  created_on: Date;
  completed_on: Date | null;
}

class PgBossJobQueue implements JobQueue {
  readonly driver = 'pg-boss' as const;
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly schema: string;
  private readonly boss: PgBoss;
  private readonly runner: JobRunner;
  private readonly schedules = new Map<string, JobPayload>();
  private readonly queues = new Map<string, Promise<void>>();
  private bossStarted: Promise<void> | null = null;

  constructor(options: PgBossJobQueueOptions) {
    this.db = options.db;
    this.clock = options.clock ?? systemClock;
    this.logger = moduleLogger(options.logger ?? createLogger({ level: 'silent' }), 'jobs', {
      driver: 'pg-boss',
    });
    this.schema = options.schema ?? 'pgboss';
    this.boss = new PgBoss({
      db: toPgBossDb(this.db),
      schema: this.schema,
      migrate: true,
      supervise: true,
      schedule: true,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 60,
    });
    // pg-boss's maintenance, supervision and cron run on timers and report failures as 'error'
    // events (a listener is required: without one an error would end the process). While the
    // database is away every timer fails: that is logged once per outage, other errors each time.
    const outage = createConnectionErrorLog({
      logger: this.logger,
      message: 'pg-boss cannot reach the database',
    });
    this.boss.on('error', (error) => {
      if (isConnectionLoss(error)) outage.report(error);
      else this.logger.error({ err: error }, 'pg-boss error');
    });
    const store: JobStore = {
      beforeClaim: () => Promise.resolve(),
      claim: (registration, limit) => this.claim(registration, limit),
      complete: (job) => this.complete(job),
      fail: (job, registration, error, _now, final) => this.fail(job, registration, error, final),
      // pg-boss's expiry (expireInSeconds) plays the role of a lease.
      renewLease: null,
      leaseRenewEveryMs: 0,
    };
    this.runner = new JobRunner({
      store,
      clock: this.clock,
      logger: this.logger,
      pollIntervalMs: options.pollIntervalMs ?? 1000,
    });
  }

  async register<P extends JobPayload>(
    name: string,
    handler: JobHandler<P>,
    options?: HandlerOptions,
  ): Promise<void> {
    const registration = this.runner.register(name, handler as JobHandler, options);
    await this.ensureQueue(name);
    // The queue's settings apply to jobs enqueued by processes that do not register the handler.
    await this.boss.updateQueue(name, {
      name,
      policy: 'standard',
      ...toPgBossRetryOptions(registration.options),
    });
  }

  async enqueue(name: string, payload: JobPayload, options: EnqueueOptions = {}): Promise<string> {
    assertJobName(name);
    if (options.priority !== undefined && !Number.isInteger(options.priority)) {
      throw new AppError('VALIDATION_FAILED', 'job priority must be an integer');
    }
    await this.ensureQueue(name);
    const registration = this.runner.registrationOf(name);
    const sendOptions: PgBoss.SendOptions = {
      ...(registration ? toPgBossRetryOptions(registration.options) : {}),
      ...(options.priority !== undefined ? { priority: options.priority } : {}),
      ...(options.runAt ? { startAfter: options.runAt } : {}),
    };
    const { singletonKey } = options;
    let id: string | null;
    if (singletonKey === undefined) {
      id = await this.boss.send(name, payload, sendOptions);
    } else {
      // pg-boss's own singleton rules depend on the queue policy and never cover "queued or
      // active or retrying"; a transaction-scoped advisory lock per key serialises the
      // look-up-then-insert across every process instead.
      id = await this.db.transaction().execute(async (trx) => {
        await sql`SELECT pg_advisory_xact_lock(hashtext(${`callvault-job:${name}:${singletonKey}`}))`.execute(
          trx,
        );
        const existing = await sql<{ id: string }>`
          SELECT id FROM ${sql.id(this.schema, 'job')}
          WHERE name = ${name} AND singleton_key = ${singletonKey}
            AND state IN ('created', 'retry', 'active')
          LIMIT 1`.execute(trx);
        const found = existing.rows[0];
        if (found) return found.id;
        return this.boss.send(name, payload, { ...sendOptions, singletonKey, db: toPgBossDb(trx) });
      });
    }
    if (id === null) throw new AppError('INTERNAL', `pg-boss did not accept job ${name}`);
    this.runner.wake(name);
    return id;
  }

  async schedule(name: string, every: ScheduleEvery, payload: JobPayload = {}): Promise<void> {
    assertJobName(name);
    const cron = toCronExpression(every);
    await this.ensureQueue(name);
    const registration = this.runner.registrationOf(name);
    await this.boss.schedule(name, cron, payload, {
      tz: 'UTC',
      ...(registration ? toPgBossRetryOptions(registration.options) : {}),
    });
    this.schedules.set(name, payload);
  }

  async start(): Promise<void> {
    await this.startBoss();
    this.runner.start();
  }

  async stop(options?: StopOptions): Promise<void> {
    await this.runner.stop(options);
    if (this.bossStarted === null) return;
    try {
      await this.bossStarted;
      await this.boss.stop({ graceful: true, wait: true, close: false, timeout: 1000 });
    } catch (error) {
      this.logger.error({ err: error }, 'pg-boss did not stop cleanly');
    }
    // A later start() starts pg-boss's maintenance and cron again.
    this.bossStarted = null;
  }

  async runOnce(name: string, options: { readonly now?: Date } = {}): Promise<void> {
    const payload = this.schedules.get(name);
    if (!payload) throw notFound(`scheduled job ${name}`);
    await this.runner.runNow(name, payload, options.now ?? this.clock.now());
  }

  async getJob(id: string): Promise<JobInfo | null> {
    if (!UUID.test(id)) return null;
    await this.startBoss();
    const columns = sql.raw(
      'id, name, state::text AS state, retry_count, started_on, output, data, created_on, completed_on',
    );
    // Finished jobs move to the archive after a while; look in both.
    const result = await sql<PgBossJobRow>`
      SELECT ${columns} FROM ${sql.id(this.schema, 'job')} WHERE id = ${id}::uuid
      UNION ALL
      SELECT ${columns} FROM ${sql.id(this.schema, 'archive')} WHERE id = ${id}::uuid
      LIMIT 1`.execute(this.db);
    const row = result.rows[0];
    if (!row) return null;
    return {
      id: row.id,
      name: row.name,
      state: STATE_FROM_PG_BOSS[row.state] ?? 'failed',
      attempts: row.started_on === null ? 0 : row.retry_count + 1,
      lastError: readLastError(row.output),
      payload: row.data ?? {},
      createdAt: row.created_on,
      completedAt: row.completed_on,
    };
  }

  async counts(): Promise<JobCounts> {
    await this.startBoss();
    const result = await sql<{ name: string; state: string; count: number }>`
      SELECT name, state::text AS state, count(*)::int AS count
      FROM ${sql.id(this.schema, 'job')}
      WHERE left(name, 10) <> '__pgboss__'
      GROUP BY name, state`.execute(this.db);
    const total = emptyStateCounts();
    const byName: Record<string, JobStateCounts> = {};
    for (const { name, state, count } of result.rows) {
      const ours = STATE_FROM_PG_BOSS[state];
      if (!ours) continue;
      total[ours] += count;
      (byName[name] ??= emptyStateCounts())[ours] += count;
    }
    return { total, byName };
  }

  /** Installs or migrates pg-boss's schema and starts its maintenance and cron, once. */
  private startBoss(): Promise<void> {
    this.bossStarted ??= this.boss.start().then(() => undefined);
    return this.bossStarted;
  }

  /** pg-boss 10 refuses jobs for a queue that was never created. */
  private ensureQueue(name: string): Promise<void> {
    let created = this.queues.get(name);
    if (!created) {
      created = this.startBoss().then(() =>
        this.boss.createQueue(name, {
          name,
          policy: 'standard',
          ...toPgBossRetryOptions(resolveHandlerOptions(DEFAULT_HANDLER_OPTIONS)),
        }),
      );
      created.catch(() => this.queues.delete(name));
      this.queues.set(name, created);
    }
    return created;
  }

  private async claim(registration: Registration, limit: number): Promise<ClaimedJob[]> {
    await this.ensureQueue(registration.name);
    const jobs = await this.boss.fetch<JobPayload>(registration.name, {
      batchSize: limit,
      includeMetadata: true,
    });
    // A job keeps the retry settings it was sent with; a job enqueued before this handler was
    // registered (or by an older release) gets the handler's settings now, as the embedded
    // driver does when it claims.
    const wanted = toPgBossRetryOptions(registration.options);
    const stale = jobs
      .filter(
        (job) =>
          job.retryLimit !== wanted.retryLimit ||
          job.retryDelay !== wanted.retryDelay ||
          job.retryBackoff !== wanted.retryBackoff ||
          Number(job.expireInSeconds) !== wanted.expireInSeconds,
      )
      .map((job) => job.id);
    if (stale.length > 0) {
      await sql`
        UPDATE ${sql.id(this.schema, 'job')}
        SET retry_limit = ${wanted.retryLimit}, retry_delay = ${wanted.retryDelay},
          retry_backoff = ${wanted.retryBackoff},
          expire_in = ${wanted.expireInSeconds} * interval '1 second'
        WHERE name = ${registration.name} AND id = ANY(${stale}::uuid[])`.execute(this.db);
    }
    return jobs.map((job) => ({
      id: job.id,
      name: job.name,
      payload: job.data ?? {},
      attempt: job.retryCount + 1,
      lastAttempt: job.retryCount >= wanted.retryLimit,
      previousError: readLastError(job.output),
    }));
  }

  private async complete(job: ClaimedJob): Promise<void> {
    // The output keeps the last failure's message, as lastError does for the embedded driver.
    const output = job.previousError === null ? {} : { lastError: job.previousError };
    const result = (await this.boss.complete(job.name, job.id, output)) as unknown as {
      affected: number;
    };
    if (result.affected === 0) {
      throw new Error(`job ${job.id} finished after pg-boss expired it; it is retried`);
    }
  }

  private async fail(
    job: ClaimedJob,
    registration: Registration,
    error: string,
    final: boolean,
  ): Promise<void> {
    if (final) {
      // pg-boss fails a job for good once its retries are used up: use them up.
      await sql`
        UPDATE ${sql.id(this.schema, 'job')} SET retry_limit = retry_count
        WHERE name = ${job.name} AND id = ${job.id}::uuid AND state = 'active'`.execute(this.db);
    }
    const result = (await this.boss.fail(job.name, job.id, { lastError: error })) as unknown as {
      affected: number;
    };
    if (result.affected === 0) {
      throw new Error(`job ${job.id} failed after pg-boss expired it; it is retried`);
    }
    // Our backoff, in the database's time as pg-boss's own. Should this process die between the
    // two statements, the retry merely comes after pg-boss's constant delay instead.
    const { retryBackoffMs, retryMaxDelayMs } = registration.options;
    const delayMs = computeRetryDelayMs(retryBackoffMs, job.attempt, retryMaxDelayMs);
    await sql`
      UPDATE ${sql.id(this.schema, 'job')}
      SET start_after = now() + ${delayMs} * interval '1 millisecond'
      WHERE name = ${job.name} AND id = ${job.id}::uuid AND state = 'retry'`.execute(this.db);
  }
}
