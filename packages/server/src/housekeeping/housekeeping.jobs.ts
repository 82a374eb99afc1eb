// Small periodic jobs that keep the installation tidy.
import { deleteExpiredSessions } from '../auth/credentials.repository.js';
import type { Db } from '../db/database.js';
import type { JobQueue } from '../jobs/index.js';

export const SESSION_SWEEP_JOB = 'session-sweep';

/** Expired console sessions are removed every hour (they are refused when expired anyway). */
export async function registerHousekeepingJobs(queue: JobQueue, deps: { db: Db }): Promise<void> {
  await queue.register(SESSION_SWEEP_JOB, async (job) => {
    await deleteExpiredSessions(deps.db, job.now.toISOString());
  });
  await queue.schedule(SESSION_SWEEP_JOB, 'hourly');
}
