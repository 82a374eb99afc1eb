// The in-process worker both drivers share: polling with a short interval and immediate wake-up,
// per-name concurrency, timeouts and abort signals, lease renewal, graceful stop and runOnce.
// A driver supplies only the storage side (JobStore): how to claim, complete and fail.
import crypto from 'node:crypto';
import type { Clock } from '../clock.js';
import {
  createConnectionErrorLog,
  isConnectionLoss,
  type ConnectionErrorLog,
} from '../db/connection-loss.js';
import { notFound } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import {
  assertJobName,
  describeError,
  FinalJobError,
  resolveHandlerOptions,
  type HandlerOptions,
  type JobHandler,
  type JobPayload,
  type StopOptions,
} from './job-queue.js';

export interface Registration {
  readonly name: string;
  readonly handler: JobHandler;
  readonly options: Required<HandlerOptions>;
}

/** A job a worker has taken and must complete or fail. */
export interface ClaimedJob {
  readonly id: string;
  readonly name: string;
  readonly payload: JobPayload;
  /** 1-based number of this attempt. */
  readonly attempt: number;
  /** No retry follows if this attempt fails. */
  readonly lastAttempt: boolean;
  /** The message of the previous failed attempt, if any (drivers may keep it after success). */
  readonly previousError: string | null;
}

export interface JobStore {
  /** Work done once per poll before claiming (reaping expired leases, schedules, clean-up). */
  beforeClaim(now: Date): Promise<void>;
  /** Atomically takes up to `limit` due jobs of `registration.name` for this worker. */
  claim(registration: Registration, limit: number, now: Date): Promise<ClaimedJob[]>;
  complete(job: ClaimedJob, now: Date): Promise<void>;
  /**
   * Records a failed attempt: retried per the registration's options while retries are left,
   * unless `final` (the handler threw FinalJobError), which ends the job `failed` at once.
   */
  fail(
    job: ClaimedJob,
    registration: Registration,
    error: string,
    now: Date,
    final: boolean,
  ): Promise<void>;
  /** Extends this worker's lease; false when the job is no longer ours. Null: no leases. */
  readonly renewLease: ((job: ClaimedJob, now: Date) => Promise<boolean>) | null;
  /** How often renewLease runs while a handler is active. */
  readonly leaseRenewEveryMs: number;
}

export interface JobRunnerOptions {
  readonly store: JobStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly pollIntervalMs: number;
}

interface ActiveRun {
  readonly job: ClaimedJob;
  readonly registration: Registration;
  readonly controller: AbortController;
  /** Settles when the attempt's outcome is recorded (or abandoned at stop). */
  readonly recorded: Promise<void>;
  /** Settles when the handler itself returns; the concurrency slot is held until then. */
  readonly finished: Promise<void>;
  outcomeRecorded: boolean;
}

export class JobRunner {
  private readonly registrations = new Map<string, Registration>();
  private readonly active = new Set<ActiveRun>();
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private tickInFlight: Promise<void> | null = null;
  /**
   * What the next poll claims for: every registration, or only the names woken since the last
   * poll (an enqueue here, a run that freed a slot). A busy process enqueues and finishes jobs
   * many times a second; claiming every name on each of those wake-ups cost a query per
   * registered name each time. Every name is still polled at least every pollIntervalMs (due
   * retries, other processes' jobs, expired leases, schedules).
   */
  private pending: Set<string> | 'all' | null = null;
  private lastFullPoll = Number.NEGATIVE_INFINITY;
  /** While the database is away every poll fails: logged once per outage, not once a second. */
  private readonly outage: ConnectionErrorLog;

  constructor(private readonly options: JobRunnerOptions) {
    this.outage = createConnectionErrorLog({
      logger: options.logger,
      message: 'the job queue cannot reach the database; jobs wait until it is back',
    });
  }

  register(name: string, handler: JobHandler, options?: HandlerOptions): Registration {
    assertJobName(name);
    const registration = { name, handler, options: resolveHandlerOptions(options) };
    this.registrations.set(name, registration);
    this.wake();
    return registration;
  }

  registrationOf(name: string): Registration | undefined {
    return this.registrations.get(name);
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.wake();
  }

  /**
   * Polls now instead of at the next interval: for `name` only (a job of it was just enqueued in
   * this process, or one of its runs ended), or for every name.
   */
  wake(name?: string): void {
    if (!this.running) return;
    if (name === undefined || this.pending === 'all') this.pending = 'all';
    else if (this.pending === null) this.pending = new Set([name]);
    else this.pending.add(name);
    if (this.tickInFlight) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), 0);
  }

  async stop(options: StopOptions = {}): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // A poll in progress may still claim jobs; let it finish so they are counted below.
    if (this.tickInFlight) await this.tickInFlight;
    const runs = [...this.active];
    const allDone = Promise.all(runs.map((r) => Promise.all([r.finished, r.recorded]))).then(
      () => 'done' as const,
    );
    if (options.timeoutMs === undefined) {
      await allDone;
      return;
    }
    let timeout: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timeout = setTimeout(() => resolve('timeout'), options.timeoutMs);
    });
    const result = await Promise.race([allDone, timedOut]);
    clearTimeout(timeout);
    if (result === 'done') return;
    // Hand unfinished jobs back so another worker retries them; their handlers are told to stop.
    await Promise.all(
      runs
        .filter((r) => !r.outcomeRecorded)
        .map(async (r) => {
          r.controller.abort(new Error('job queue stopped before the job finished'));
          r.outcomeRecorded = true;
          await this.recordSafely(() =>
            this.options.store.fail(
              r.job,
              r.registration,
              'job queue stopped before the job finished',
              this.options.clock.now(),
              false,
            ),
          );
        }),
    );
  }

  /** Runs `name`'s handler here and now, outside the queue; its error is thrown. */
  async runNow(name: string, payload: JobPayload, now: Date): Promise<void> {
    const registration = this.registrations.get(name);
    if (!registration) throw notFound(`job handler ${name}`);
    await registration.handler({
      id: crypto.randomUUID(),
      name,
      payload,
      attempt: 1,
      // Run outside the queue, its error goes to the caller: nothing retries it.
      lastAttempt: true,
      signal: new AbortController().signal,
      now,
    });
  }

  private tick(): void {
    this.timer = null;
    if (!this.running || this.tickInFlight) return;
    const now = performance.now();
    const scope =
      this.pending === null || now - this.lastFullPoll >= this.options.pollIntervalMs
        ? 'all'
        : this.pending;
    this.pending = null;
    if (scope === 'all') this.lastFullPoll = now;
    this.tickInFlight = this.poll(scope)
      .then(
        () => this.outage.recovered(),
        (error: unknown) => {
          if (isConnectionLoss(error)) this.outage.report(error, 'poll');
          else this.options.logger.error({ err: error }, 'job queue poll failed');
        },
      )
      .finally(() => {
        this.tickInFlight = null;
        if (!this.running) return;
        // Woken meanwhile: at once; else the next poll of every name when it is due.
        const untilFullPoll = this.lastFullPoll + this.options.pollIntervalMs - performance.now();
        this.timer = setTimeout(
          () => this.tick(),
          this.pending !== null ? 0 : Math.max(0, untilFullPoll),
        );
      });
  }

  private async poll(scope: ReadonlySet<string> | 'all'): Promise<void> {
    // Reaping leases, schedules and clean-up belong to the regular poll of every name.
    if (scope === 'all') await this.options.store.beforeClaim(this.options.clock.now());
    for (const registration of this.registrations.values()) {
      if (!this.running) return;
      if (scope !== 'all' && !scope.has(registration.name)) continue;
      const busy = [...this.active].filter((r) => r.registration.name === registration.name).length;
      const free = registration.options.concurrency - busy;
      if (free <= 0) continue;
      const jobs = await this.options.store.claim(registration, free, this.options.clock.now());
      for (const job of jobs) this.startRun(registration, job);
    }
  }

  private startRun(registration: Registration, job: ClaimedJob): void {
    const { clock, store, logger } = this.options;
    const controller = new AbortController();
    const { timeoutMs } = registration.options;
    const started = Promise.resolve().then(() =>
      registration.handler({
        id: job.id,
        name: job.name,
        payload: job.payload,
        attempt: job.attempt,
        lastAttempt: job.lastAttempt,
        signal: controller.signal,
        now: clock.now(),
      }),
    );
    const finished = started.then(
      () => undefined,
      () => undefined,
    );

    let timeout: NodeJS.Timeout | undefined;
    const outcome = new Promise<{ ok: true } | { ok: false; error: string; final: boolean }>(
      (resolve) => {
        timeout = setTimeout(() => {
          const message = `job timed out after ${timeoutMs} ms`;
          controller.abort(new Error(message));
          resolve({ ok: false, error: message, final: false });
        }, timeoutMs);
        started.then(
          () => resolve({ ok: true }),
          (error: unknown) =>
            resolve({
              ok: false,
              error: describeError(error),
              final: error instanceof FinalJobError,
            }),
        );
      },
    );

    let heartbeat: NodeJS.Timeout | undefined;
    if (store.renewLease) {
      const renew = store.renewLease;
      heartbeat = setInterval(() => {
        renew(job, clock.now()).then(
          (stillOurs) => {
            if (!stillOurs && !controller.signal.aborted) {
              logger.warn({ jobId: job.id, job: job.name }, 'job lease lost; aborting handler');
              controller.abort(new Error('job lease lost to another worker'));
            }
          },
          (error: unknown) => {
            if (isConnectionLoss(error)) this.outage.report(error, 'lease renewal');
            else logger.warn({ err: error, jobId: job.id }, 'job lease renewal failed');
          },
        );
      }, store.leaseRenewEveryMs);
    }

    const run: ActiveRun = {
      job,
      registration,
      controller,
      finished,
      outcomeRecorded: false,
      recorded: outcome.then(async (result) => {
        clearTimeout(timeout);
        clearInterval(heartbeat);
        if (run.outcomeRecorded) return;
        run.outcomeRecorded = true;
        const now = clock.now();
        if (result.ok) {
          await this.recordSafely(() => store.complete(job, now));
        } else {
          logger.warn(
            { jobId: job.id, job: job.name, attempt: job.attempt, error: result.error },
            'job attempt failed',
          );
          await this.recordSafely(() =>
            store.fail(job, registration, result.error, now, result.final),
          );
        }
      }),
    };
    this.active.add(run);
    void Promise.all([finished, run.recorded]).then(() => {
      this.active.delete(run);
      // A slot of this name is free again.
      this.wake(registration.name);
    });
  }

  private async recordSafely(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      // The lease (embedded) or expiry (pg-boss) brings the job back; nothing is lost.
      if (isConnectionLoss(error)) this.outage.report(error, 'job outcome');
      else this.options.logger.error({ err: error }, 'could not record a job outcome');
    }
  }
}
