// The one contract every JobQueue driver passes (STYLE.md habit 3). Real time, short intervals:
// drivers are configured by their harness to poll every few tens of milliseconds.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { FinalJobError, type JobContext, type JobPayload, type JobQueue } from './job-queue.js';

export interface JobQueueInstance {
  readonly queue: JobQueue;
  /** Closes this instance's database connection (idempotent); used to simulate a crash. */
  closeConnection(): Promise<void>;
}

/** One store per test file (creating databases is slow); emptied between tests. */
export interface JobQueueHarness {
  /** A queue as another process would open it: its own connection to the same store. */
  open(): Promise<JobQueueInstance>;
  /** Forgets every job and schedule (the test's instances are already stopped and closed). */
  reset(): Promise<void>;
  /** Removes the store. */
  dispose(): Promise<void>;
}

async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function describeJobQueueContract(
  driver: string,
  createHarness: () => Promise<JobQueueHarness>,
): void {
  describe(`JobQueue contract: ${driver}`, () => {
    let harness: JobQueueHarness;
    let instances: JobQueueInstance[];
    let queue: JobQueue;

    async function open(): Promise<JobQueueInstance> {
      const instance = await harness.open();
      instances.push(instance);
      return instance;
    }

    beforeAll(async () => {
      harness = await createHarness();
    });

    afterAll(async () => {
      await harness?.dispose();
    });

    beforeEach(async () => {
      instances = [];
      queue = (await open()).queue;
    });

    afterEach(async () => {
      for (const instance of instances) {
        await instance.queue.stop({ timeoutMs: 0 });
        await instance.closeConnection();
      }
      await harness.reset();
    });

    it('runs an enqueued job once with its payload, then reports it completed', async () => {
      const seen: Array<JobContext> = [];
      await queue.register('greet', (job) => {
        seen.push(job);
        return Promise.resolve();
      });
      await queue.start();
      const id = await queue.enqueue('greet', { who: 'Ada', n: 1, tags: ['x'] });

      const info = await waitFor(async () => {
        const job = await queue.getJob(id);
        return job?.state === 'completed' ? job : null;
      }, 'completion');
      await sleep(200);
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ id, name: 'greet', attempt: 1 });
      expect(seen[0]!.payload).toEqual({ who: 'Ada', n: 1, tags: ['x'] });
      expect(seen[0]!.signal.aborted).toBe(false);
      expect(seen[0]!.now).toBeInstanceOf(Date);
      expect(info).toMatchObject({ id, name: 'greet', state: 'completed', attempts: 1 });
      expect(info.lastError).toBeNull();
      expect(info.payload).toEqual({ who: 'Ada', n: 1, tags: ['x'] });
      expect(info.createdAt).toBeInstanceOf(Date);
      expect(info.completedAt!.getTime()).toBeGreaterThanOrEqual(info.createdAt.getTime());
    });

    it('retries a failing job after the backoff, then marks it failed with the last error', async () => {
      const attempts: Array<{ attempt: number; at: number }> = [];
      await queue.register(
        'flaky',
        (job) => {
          attempts.push({ attempt: job.attempt, at: Date.now() });
          return Promise.reject(new Error(`boom ${job.attempt}`));
        },
        { retryLimit: 1, retryBackoffMs: 1000 },
      );
      await queue.start();
      const id = await queue.enqueue('flaky', {});

      const waiting = await waitFor(async () => {
        const job = await queue.getJob(id);
        return job?.state === 'retry' ? job : null;
      }, 'the retry state');
      expect(waiting).toMatchObject({ attempts: 1, lastError: 'boom 1', completedAt: null });

      const failed = await waitFor(async () => {
        const job = await queue.getJob(id);
        return job?.state === 'failed' ? job : null;
      }, 'the failed state');
      expect(failed).toMatchObject({ attempts: 2, lastError: 'boom 2' });
      expect(failed.completedAt).toBeInstanceOf(Date);
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
      // Timers may fire a little early; the backoff must still be clearly respected.
      expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950);
      await sleep(300);
      expect(attempts).toHaveLength(2);
    });

    it('doubles the retry delay up to retryMaxDelayMs and tells the handler which attempt is the last', async () => {
      const attempts: Array<{ attempt: number; lastAttempt: boolean; at: number }> = [];
      await queue.register(
        'backoff',
        (job) => {
          attempts.push({ attempt: job.attempt, lastAttempt: job.lastAttempt, at: Date.now() });
          return Promise.reject(new Error(`down ${job.attempt}`));
        },
        { retryLimit: 3, retryBackoffMs: 400, retryMaxDelayMs: 600 },
      );
      await queue.start();
      const id = await queue.enqueue('backoff', {});
      const failed = await waitFor(async () => {
        const job = await queue.getJob(id);
        return job?.state === 'failed' ? job : null;
      }, 'the failed state');
      expect(failed).toMatchObject({ attempts: 4, lastError: 'down 4' });
      expect(attempts.map((a) => [a.attempt, a.lastAttempt])).toEqual([
        [1, false],
        [2, false],
        [3, false],
        [4, true],
      ]);
      const gaps = attempts.slice(1).map((a, i) => a.at - attempts[i]!.at);
      // 400 ms, then 800 ms capped to 600, then 1600 ms capped to 600.
      expect(gaps[0]).toBeGreaterThanOrEqual(370);
      expect(gaps[1]).toBeGreaterThanOrEqual(570);
      expect(gaps[2]).toBeGreaterThanOrEqual(570);
      expect(gaps[2]).toBeLessThan(1300);

      const seen: boolean[] = [];
      await queue.register(
        'once-seen',
        (job) => {
          seen.push(job.lastAttempt);
          return Promise.resolve();
        },
        { retryLimit: 0 },
      );
      await queue.enqueue('once-seen', {});
      await waitFor(() => seen.length === 1, 'the single attempt');
      expect(seen).toEqual([true]);
    });

    it('fails a job at once, retries left or not, when its handler throws FinalJobError', async () => {
      const attempts: number[] = [];
      await queue.register(
        'hopeless',
        (job) => {
          attempts.push(job.attempt);
          return Promise.reject(new FinalJobError('the input can never work'));
        },
        { retryLimit: 5, retryBackoffMs: 0 },
      );
      await queue.start();
      const id = await queue.enqueue('hopeless', {});
      const failed = await waitFor(async () => {
        const job = await queue.getJob(id);
        return job?.state === 'failed' ? job : null;
      }, 'the failed state');
      expect(failed).toMatchObject({ attempts: 1, lastError: 'the input can never work' });
      await sleep(300);
      expect(attempts).toEqual([1]);
    });

    it('keeps the error of a failed attempt after a later attempt succeeds', async () => {
      await queue.register(
        'second-time-lucky',
        (job) =>
          job.attempt === 1 ? Promise.reject(new Error('not yet')) : Promise.resolve(undefined),
        { retryLimit: 2, retryBackoffMs: 0 },
      );
      await queue.start();
      const id = await queue.enqueue('second-time-lucky', {});
      const done = await waitFor(async () => {
        const job = await queue.getJob(id);
        return job?.state === 'completed' ? job : null;
      }, 'completion');
      expect(done).toMatchObject({ attempts: 2, lastError: 'not yet' });
    });

    it('returns the pending job for a repeated singletonKey and a new job once it has finished', async () => {
      const first = await queue.enqueue('encode', { recording: 'r1' }, { singletonKey: 'r1' });
      const again = await queue.enqueue('encode', { recording: 'r1' }, { singletonKey: 'r1' });
      const other = await queue.enqueue('encode', { recording: 'r2' }, { singletonKey: 'r2' });
      const sameKeyOtherName = await queue.enqueue('transcribe', {}, { singletonKey: 'r1' });
      expect(again).toBe(first);
      expect(other).not.toBe(first);
      expect(sameKeyOtherName).not.toBe(first);
      const concurrent = await Promise.all(
        Array.from({ length: 5 }, () => queue.enqueue('encode', {}, { singletonKey: 'r3' })),
      );
      expect(new Set(concurrent).size).toBe(1);

      const runs: string[] = [];
      await queue.register('encode', (job) => {
        runs.push(String(job.payload.recording));
        return Promise.resolve();
      });
      await queue.start();
      await waitFor(async () => (await queue.getJob(first))?.state === 'completed', 'completion');
      await waitFor(
        async () => (await queue.getJob(concurrent[0]!))?.state === 'completed',
        'completion',
      );
      expect(runs.filter((r) => r === 'r1')).toHaveLength(1);

      const later = await queue.enqueue('encode', { recording: 'r1' }, { singletonKey: 'r1' });
      expect(later).not.toBe(first);
    });

    it('does not run a job before its runAt', async () => {
      const ran: number[] = [];
      await queue.register('later', () => {
        ran.push(Date.now());
        return Promise.resolve();
      });
      await queue.start();
      const runAt = new Date(Date.now() + 1500);
      const id = await queue.enqueue('later', {}, { runAt });
      await sleep(700);
      expect(ran).toHaveLength(0);
      expect((await queue.getJob(id))?.state).toBe('queued');
      await waitFor(async () => (await queue.getJob(id))?.state === 'completed', 'completion');
      expect(ran[0]!).toBeGreaterThanOrEqual(runAt.getTime() - 50);
    });

    it('runs higher-priority due jobs first', async () => {
      await queue.enqueue('ordered', { p: 'low' }, { priority: 0 });
      await queue.enqueue('ordered', { p: 'high' }, { priority: 10 });
      const order: string[] = [];
      await queue.register('ordered', (job) => {
        order.push(String(job.payload.p));
        return Promise.resolve();
      });
      await queue.start();
      await waitFor(() => order.length === 2, 'both jobs');
      expect(order).toEqual(['high', 'low']);
    });

    it('never runs more jobs of a name at once than its concurrency', async () => {
      let running = 0;
      let peak = 0;
      let done = 0;
      await queue.register(
        'slow',
        async () => {
          running += 1;
          peak = Math.max(peak, running);
          await sleep(150);
          running -= 1;
          done += 1;
        },
        { concurrency: 2 },
      );
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) ids.push(await queue.enqueue('slow', { i }));
      await queue.start();
      await waitFor(() => done === 5, 'all jobs');
      expect(peak).toBe(2);
      await waitFor(async () => {
        const states = await Promise.all(ids.map(async (id) => (await queue.getJob(id))?.state));
        return states.every((s) => s === 'completed');
      }, 'all completed');
    });

    it('stop() waits for active jobs to finish and records their outcome', async () => {
      let started = false;
      let finished = false;
      await queue.register('busy', async () => {
        started = true;
        await sleep(400);
        finished = true;
      });
      await queue.start();
      const id = await queue.enqueue('busy', {});
      await waitFor(() => started, 'the handler to start');
      await queue.stop();
      expect(finished).toBe(true);
      expect((await queue.getJob(id))?.state).toBe('completed');
    });

    it('stop({ timeoutMs }) aborts a job that outlives it and hands it back for a retry', async () => {
      let signal: AbortSignal | null = null;
      await queue.register(
        'stuck',
        (job) => {
          signal = job.signal;
          return new Promise(() => undefined);
        },
        { retryBackoffMs: 60_000 },
      );
      await queue.start();
      const id = await queue.enqueue('stuck', {});
      await waitFor(() => signal !== null, 'the handler to start');
      const before = Date.now();
      await queue.stop({ timeoutMs: 100 });
      expect(Date.now() - before).toBeLessThan(5000);
      expect(signal!.aborted).toBe(true);
      const info = await queue.getJob(id);
      expect(info).toMatchObject({ state: 'retry', attempts: 1 });
      expect(info?.lastError).toMatch(/stopped/);
    });

    it('aborts and fails an attempt that runs longer than timeoutMs', async () => {
      let signal: AbortSignal | null = null;
      await queue.register(
        'too-slow',
        (job) => {
          signal = job.signal;
          return new Promise((resolve) => job.signal.addEventListener('abort', () => resolve()));
        },
        { timeoutMs: 1000, retryLimit: 0 },
      );
      await queue.start();
      const id = await queue.enqueue('too-slow', {});
      const failed = await waitFor(async () => {
        const job = await queue.getJob(id);
        return job?.state === 'failed' ? job : null;
      }, 'the timeout');
      expect(signal!.aborted).toBe(true);
      expect(failed.lastError).toMatch(/timed out/);
    });

    it('picks up a job again when the worker holding it dies', async () => {
      const doomed = await open();
      let claimedByDoomed = false;
      await doomed.queue.register(
        'survive',
        (job) => {
          claimedByDoomed = true;
          return new Promise((resolve) => job.signal.addEventListener('abort', () => resolve()));
        },
        { timeoutMs: 1000, retryBackoffMs: 0 },
      );
      await doomed.queue.start();
      const id = await doomed.queue.enqueue('survive', { file: 'a.wav' });
      await waitFor(() => claimedByDoomed, 'the first worker to claim the job');
      // The process "dies": it keeps no connection and never reports back.
      await doomed.closeConnection();

      const rescued: Array<JobContext> = [];
      await queue.register(
        'survive',
        (job) => {
          rescued.push(job);
          return Promise.resolve();
        },
        { timeoutMs: 1000, retryBackoffMs: 0 },
      );
      await queue.start();
      const info = await waitFor(async () => {
        const job = await queue.getJob(id);
        return job?.state === 'completed' ? job : null;
      }, 'another worker to finish the job');
      expect(rescued).toHaveLength(1);
      expect(rescued[0]).toMatchObject({ id, attempt: 2, payload: { file: 'a.wav' } });
      expect(info.attempts).toBe(2);
    });

    it('runOnce runs a scheduled job in the caller with the given now and payload', async () => {
      const runs: Array<{ payload: JobPayload; now: Date; attempt: number }> = [];
      await queue.register('retention', (job) => {
        runs.push({ payload: job.payload, now: job.now, attempt: job.attempt });
        return Promise.resolve();
      });
      await queue.schedule('retention', 'daily', { scope: 'all' });
      const now = new Date('2031-02-03T04:05:06.000Z');
      await queue.runOnce('retention', { now });
      expect(runs).toEqual([{ payload: { scope: 'all' }, now, attempt: 1 }]);

      await queue.register('broken', () => Promise.reject(new Error('disk full')));
      await queue.schedule('broken', 'hourly');
      await expect(queue.runOnce('broken', { now })).rejects.toThrow('disk full');
      await expect(queue.runOnce('never-scheduled', { now })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    });

    it('counts jobs by state, in total and per name', async () => {
      await queue.enqueue('count-a', {});
      await queue.enqueue('count-a', {});
      await queue.enqueue('count-b', {});
      let counts = await queue.counts();
      expect(counts.total).toEqual({ queued: 3, active: 0, retry: 0, completed: 0, failed: 0 });
      expect(counts.byName['count-a']).toEqual({
        queued: 2,
        active: 0,
        retry: 0,
        completed: 0,
        failed: 0,
      });

      await queue.register('count-b', () => Promise.reject(new Error('no')), { retryLimit: 0 });
      await queue.start();
      await waitFor(
        async () => (await queue.counts()).byName['count-b']?.failed === 1,
        'the failure to be counted',
      );
      counts = await queue.counts();
      expect(counts.total).toMatchObject({ queued: 2, failed: 1 });
    });

    it('answers null for an unknown job and refuses bad names', async () => {
      expect(await queue.getJob('00000000-0000-4000-8000-000000000000')).toBeNull();
      expect(await queue.getJob('not-an-id')).toBeNull();
      await expect(queue.enqueue('bad name!', {})).rejects.toBeInstanceOf(AppError);
      await expect(
        queue.register('ok', () => Promise.resolve(), { concurrency: 0 }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    });
  });
}
