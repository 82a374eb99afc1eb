// The embedded job queue on the database under test (CALLVAULT_TEST_DB = sqlite | postgres): the
// shared contract, then what only this driver promises (schedules run here, one job per period).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { openDatabase } from '../db/database.js';
import { createLogger, moduleLogger } from '../observability/logger.js';
import { captureLines } from '../testing/capture-lines.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { createEmbeddedJobQueue, deriveScheduledJobId } from './embedded-job-queue.js';
import { describeJobQueueContract, type JobQueueHarness } from './job-queue.contract.js';
import type { JobQueue } from './job-queue.js';

const fast = { pollIntervalMs: 25, leaseMs: 300 };

async function createEmbeddedHarness(): Promise<JobQueueHarness> {
  const t = await createTestDatabase();
  return {
    open: () => {
      // Each instance gets its own connection, as a separate process would.
      const handle = openDatabase(t.config);
      let closed = false;
      return Promise.resolve({
        queue: createEmbeddedJobQueue({ db: handle.db, ...fast }),
        closeConnection: async () => {
          if (closed) return;
          closed = true;
          await handle.close();
        },
      });
    },
    reset: async () => {
      await t.db.deleteFrom('jobs').execute();
    },
    dispose: async () => {
      await t.drop();
    },
  };
}

describeJobQueueContract(`embedded on ${testDialect}`, createEmbeddedHarness);

describe(`embedded job queue on ${testDialect}`, () => {
  let t: TestDatabase;
  let queues: JobQueue[];

  beforeEach(async () => {
    t = await createTestDatabase();
    queues = [];
  });
  afterEach(async () => {
    for (const q of queues) await q.stop({ timeoutMs: 0 });
    await t.drop();
  });

  it('logs a failed attempt as one valid JSON line with a single "module" key', async () => {
    const { stream, lines } = captureLines();
    // As runtime.ts wires it: the queue gets a logger already bound to module "jobs".
    const logger = moduleLogger(createLogger({ destination: stream }), 'jobs');
    const q = createEmbeddedJobQueue({ db: t.db, logger, pollIntervalMs: 20 });
    queues.push(q);
    await q.register('always-fails', () => Promise.reject(new Error('boom')), { retryLimit: 0 });
    await q.enqueue('always-fails', {});
    await q.start();
    await expect
      .poll(() => lines.some((l) => l.includes('job attempt failed')), { timeout: 5000 })
      .toBe(true);
    const line = lines.find((l) => l.includes('job attempt failed')) ?? '';
    expect(line.split('"module":').length - 1).toBe(1);
    expect(JSON.parse(line)).toMatchObject({ module: 'jobs', level: 40, job: 'always-fails' });
  });

  it('enqueues one job per schedule period, however many processes declare the schedule', async () => {
    const clock = fixedClock(new Date('2030-05-01T10:15:00.000Z'));
    const runs: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      const q = createEmbeddedJobQueue({ db: t.db, clock, pollIntervalMs: 20 });
      queues.push(q);
      await q.register('hourly-report', (job) => {
        runs.push(job.now.toISOString());
        return Promise.resolve();
      });
      await q.schedule('hourly-report', 'hourly', { kind: 'report' });
      await q.start();
    }
    const firstId = deriveScheduledJobId('hourly-report', new Date('2030-05-01T10:00:00.000Z'));
    await waitUntil(async () => (await queues[0]!.getJob(firstId))?.state === 'completed');
    await sleep(150);
    expect(runs).toHaveLength(1);

    clock.set(new Date('2030-05-01T11:00:05.000Z'));
    const secondId = deriveScheduledJobId('hourly-report', new Date('2030-05-01T11:00:00.000Z'));
    await waitUntil(async () => (await queues[0]!.getJob(secondId))?.state === 'completed');
    await sleep(150);
    expect(runs).toEqual(['2030-05-01T10:15:00.000Z', '2030-05-01T11:00:05.000Z']);
    expect((await queues[0]!.getJob(secondId))?.payload).toEqual({ kind: 'report' });
  });

  it('backs off exponentially on the injected clock', async () => {
    const clock = fixedClock(new Date('2030-01-01T00:00:00.000Z'));
    const q = createEmbeddedJobQueue({ db: t.db, clock, pollIntervalMs: 20 });
    queues.push(q);
    const attempts: string[] = [];
    await q.register(
      'backoff',
      (job) => {
        attempts.push(job.now.toISOString());
        return Promise.reject(new Error('again'));
      },
      { retryLimit: 3, retryBackoffMs: 60_000 },
    );
    await q.start();
    const id = await q.enqueue('backoff', {});
    // Retries are due 1, 2 and 4 minutes after each failure; move the clock just short of each.
    for (const [waitMs, expected] of [
      [60_000, 2],
      [120_000, 3],
      [240_000, 4],
    ] as const) {
      await waitUntil(() => attempts.length === expected - 1);
      await waitUntil(async () => (await q.getJob(id))?.state === 'retry');
      clock.advance(waitMs - 1000);
      await sleep(100);
      expect(attempts).toHaveLength(expected - 1);
      clock.advance(1000);
      await waitUntil(() => attempts.length === expected);
    }
    await waitUntil(async () => (await q.getJob(id))?.state === 'failed');
    expect(attempts).toEqual([
      '2030-01-01T00:00:00.000Z',
      '2030-01-01T00:01:00.000Z',
      '2030-01-01T00:03:00.000Z',
      '2030-01-01T00:07:00.000Z',
    ]);
  });

  it('deletes finished jobs once they are older than keepFinishedMs', async () => {
    const clock = fixedClock(new Date('2030-01-01T00:00:00.000Z'));
    const q = createEmbeddedJobQueue({
      db: t.db,
      clock,
      pollIntervalMs: 20,
      keepFinishedMs: 3_600_000,
    });
    queues.push(q);
    await q.register('short-lived', () => Promise.resolve());
    await q.start();
    const id = await q.enqueue('short-lived', {});
    await waitUntil(async () => (await q.getJob(id))?.state === 'completed');
    clock.advance(3_600_000 + 61_000);
    await q.enqueue('short-lived', {});
    await waitUntil(async () => (await q.getJob(id)) === null);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitUntil(probe: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(10);
  }
}
