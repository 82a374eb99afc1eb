// Runs what the outbox's consumers would do in a worker, in this process and now, for tests that
// store recordings without a job queue and then look at the side effects.
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { OutboxConsumer } from '../events/outbox.js';
import { drainOutbox } from '../events/outbox.jobs.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { OUTBOX_CONSUMERS } from '../app/recording-stored-consumers.js';
import type { BlobStore } from '../storage/blob-store.js';

export async function drainTestOutbox(
  deps: {
    readonly db: Db;
    readonly clock: Clock;
    readonly blobStore: BlobStore;
    readonly queue?: JobQueue | null;
  },
  consumers: readonly OutboxConsumer[] = OUTBOX_CONSUMERS,
): Promise<void> {
  const failures = await drainOutbox({ ...deps, queue: deps.queue ?? null }, consumers);
  if (failures.length > 0) {
    const [first] = failures;
    throw new Error(`${failures.length} outbox consumers failed; first: ${first?.consumer}`, {
      cause: first?.error,
    });
  }
}
