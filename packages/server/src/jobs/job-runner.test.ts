// The shared worker against an in-memory store: what the contract cannot easily provoke on a real
// database (a lease taken over by another worker, a store that cannot record an outcome).
import { describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { createLogger } from '../observability/logger.js';
import type { ClaimedJob, JobStore, Registration } from './job-runner.js';
import { JobRunner } from './job-runner.js';

interface FakeStore extends JobStore {
  readonly pending: ClaimedJob[];
  readonly outcomes: string[];
  leaseHeld: boolean;
  failWrites: boolean;
}

function createFakeStore(): FakeStore {
  const store: FakeStore = {
    pending: [],
    outcomes: [],
    leaseHeld: true,
    failWrites: false,
    beforeClaim: () => Promise.resolve(),
    claim: (registration: Registration, limit: number) => {
      const taken: ClaimedJob[] = [];
      for (let i = 0; i < store.pending.length && taken.length < limit;) {
        if (store.pending[i]!.name === registration.name) taken.push(...store.pending.splice(i, 1));
        else i += 1;
      }
      return Promise.resolve(taken);
    },
    complete: (job) => {
      if (store.failWrites) return Promise.reject(new Error('database gone'));
      store.outcomes.push(`completed ${job.id}`);
      return Promise.resolve();
    },
    fail: (job, _registration, error) => {
      if (store.failWrites) return Promise.reject(new Error('database gone'));
      store.outcomes.push(`failed ${job.id}: ${error}`);
      return Promise.resolve();
    },
    renewLease: () => Promise.resolve(store.leaseHeld),
    leaseRenewEveryMs: 10,
  };
  return store;
}

function createRunner(store: JobStore, pollIntervalMs = 10): JobRunner {
  return new JobRunner({
    store,
    clock: systemClock,
    logger: createLogger({ level: 'silent' }),
    pollIntervalMs,
  });
}

const job = (id: string, name = 'work'): ClaimedJob => ({
  id,
  name,
  payload: {},
  attempt: 1,
  lastAttempt: false,
  previousError: null,
});

async function waitUntil(probe: () => boolean): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('JobRunner', () => {
  it('aborts a handler whose lease another worker has taken, and records the failed attempt', async () => {
    const store = createFakeStore();
    store.pending.push(job('j1'));
    const runner = createRunner(store);
    let reason: unknown = null;
    runner.register('work', ({ signal }) => {
      return new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          reason = signal.reason;
          reject(signal.reason as Error);
        });
      });
    });
    runner.start();
    await waitUntil(() => store.pending.length === 0);
    store.leaseHeld = false;
    await waitUntil(() => store.outcomes.length === 1);
    expect(String(reason)).toMatch(/lease lost/);
    expect(store.outcomes).toEqual(['failed j1: job lease lost to another worker']);
    await runner.stop();
  });

  it('keeps working when an outcome cannot be recorded', async () => {
    const store = createFakeStore();
    store.failWrites = true;
    store.pending.push(job('j1'), job('j2'));
    const runner = createRunner(store);
    const ran: string[] = [];
    runner.register('work', ({ id }) => {
      ran.push(id);
      return Promise.resolve();
    });
    runner.start();
    await waitUntil(() => ran.length === 2);
    await runner.stop();
    expect(ran).toEqual(['j1', 'j2']);
    expect(store.outcomes).toEqual([]);
  });

  it('claims only for registered names and never beyond free slots', async () => {
    const store = createFakeStore();
    const limits: number[] = [];
    const claim = store.claim.bind(store);
    store.claim = (registration, limit, now) => {
      limits.push(limit);
      return claim(registration, limit, now);
    };
    store.pending.push(job('a1'), job('other', 'unregistered'), job('a2'), job('a3'));
    const runner = createRunner(store);
    const release: Array<() => void> = [];
    runner.register('work', () => new Promise<void>((resolve) => release.push(resolve)), {
      concurrency: 2,
    });
    runner.start();
    await waitUntil(() => release.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(release).toHaveLength(2);
    expect(Math.max(...limits)).toBe(2);
    release.splice(0).forEach((r) => r());
    await waitUntil(() => release.length === 1);
    release[0]!();
    await waitUntil(() => store.outcomes.length === 3);
    expect(store.pending.map((j) => j.id)).toEqual(['other']);
    await runner.stop();
  });

  it('a wake-up for one name claims for that name only; every name is polled each interval', async () => {
    const store = createFakeStore();
    const polls: string[] = [];
    let reaps = 0;
    const claim = store.claim.bind(store);
    store.claim = (registration, limit, now) => {
      polls.push(registration.name);
      return claim(registration, limit, now);
    };
    store.beforeClaim = () => {
      reaps += 1;
      return Promise.resolve();
    };
    const runner = createRunner(store, 1500);
    const ran: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      runner.register(name, ({ id }) => {
        ran.push(id);
        return Promise.resolve();
      });
    }
    runner.start();
    // The first poll takes every name (and reaps).
    await waitUntil(() => polls.length === 3);
    expect(reaps).toBe(1);
    polls.length = 0;
    // Jobs of `b` enqueued here: only `b` is claimed for, at once, and again when each run ends.
    store.pending.push(job('b1', 'b'), job('b2', 'b'));
    runner.wake('b');
    await waitUntil(() => ran.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(new Set(polls)).toEqual(new Set(['b']));
    expect(reaps).toBe(1);
    // A job of `c` nobody woke for (another process's): the next poll of every name finds it.
    store.pending.push(job('c1', 'c'));
    await waitUntil(() => ran.includes('c1'));
    expect(reaps).toBe(2);
    expect(polls).toEqual(expect.arrayContaining(['a', 'b', 'c']));
    await runner.stop();
  });
});
