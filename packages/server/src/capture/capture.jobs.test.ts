import { describe, expect, it } from 'vitest';
import type { JobQueue } from '../jobs/job-queue.js';
import type { FinalizeResult } from './capture-finalize.js';
import { createFinalizeEnqueuer, finalizeUntilDatabaseAnswers } from './capture.jobs.js';

const refused = (): Error =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** A queue whose enqueue fails with `failures` (in order) before it accepts jobs. */
function fakeQueue(failures: Error[]): { queue: JobQueue; accepted: string[] } {
  const accepted: string[] = [];
  const queue = {
    enqueue: (_name: string, payload: { dir: string }) => {
      const failure = failures.shift();
      if (failure) return Promise.reject(failure);
      accepted.push(payload.dir);
      return Promise.resolve(`job-${accepted.length}`);
    },
  } as unknown as JobQueue;
  return { queue, accepted };
}

const until = async (probe: () => boolean): Promise<void> => {
  const deadline = Date.now() + 2000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('createFinalizeEnqueuer', () => {
  it('a call that ends while the database is away is not held up: its finalize is queued once the database answers', async () => {
    const { queue, accepted } = fakeQueue([refused(), refused(), refused()]);
    const enqueuer = createFinalizeEnqueuer(queue, { retryMs: 10 });
    await enqueuer.enqueue('/journal/a');
    expect(enqueuer.pending).toBe(1);
    expect(accepted).toEqual([]);
    await until(() => enqueuer.pending === 0);
    expect(accepted).toEqual(['/journal/a']);
    enqueuer.stop();
  });

  it('queues at once when the database answers, and passes other errors to the caller', async () => {
    const { queue, accepted } = fakeQueue([]);
    const enqueuer = createFinalizeEnqueuer(queue, { retryMs: 10 });
    await enqueuer.enqueue('/journal/b');
    expect(accepted).toEqual(['/journal/b']);
    const broken = fakeQueue([new Error('job name refused')]);
    await expect(createFinalizeEnqueuer(broken.queue).enqueue('/journal/c')).rejects.toThrow(
      'job name refused',
    );
  });

  it('stop() ends the retrying; what is pending is left to the next start', async () => {
    const { queue, accepted } = fakeQueue([refused(), refused()]);
    const enqueuer = createFinalizeEnqueuer(queue, { retryMs: 10 });
    await enqueuer.enqueue('/journal/d');
    enqueuer.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(enqueuer.pending).toBe(1);
    expect(accepted).toEqual([]);
  });
});

describe('finalizeUntilDatabaseAnswers', () => {
  const stored: FinalizeResult = { kind: 'stored', recordingIds: ['r1'], durationMs: 1000 };

  it('runs the finalize again while it loses the database, then returns its result', async () => {
    let runs = 0;
    const result = await finalizeUntilDatabaseAnswers(
      () => (++runs < 3 ? Promise.reject(refused()) : Promise.resolve(stored)),
      { signal: new AbortController().signal, dir: '/journal/a', delaysMs: [1] },
    );
    expect(result).toBe(stored);
    expect(runs).toBe(3);
  });

  it('gives up with the connection error when the job is aborted (timeout, lost lease)', async () => {
    const controller = new AbortController();
    let runs = 0;
    const error = refused();
    const done = finalizeUntilDatabaseAnswers(
      () => {
        runs++;
        return Promise.reject(error);
      },
      { signal: controller.signal, dir: '/journal/a', delaysMs: [60_000] },
    );
    await until(() => runs === 1);
    controller.abort();
    await expect(done).rejects.toBe(error);
    expect(runs).toBe(1);
  });

  it('does not retry an error of the recording itself', async () => {
    let runs = 0;
    await expect(
      finalizeUntilDatabaseAnswers(
        () => {
          runs++;
          return Promise.reject(new Error('encoder error'));
        },
        { signal: new AbortController().signal, dir: '/journal/a', delaysMs: [1] },
      ),
    ).rejects.toThrow('encoder error');
    expect(runs).toBe(1);
  });
});
