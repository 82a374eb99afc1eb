// Every job of the application, registered in one place so `serve` (worker role) and
// `callvault jobs run NAME` know the same set. Features add their registration here.
import type { Db } from '../db/database.js';
import { registerHousekeepingJobs } from '../housekeeping/housekeeping.jobs.js';
import type { JobQueue } from './job-queue.js';

export interface JobDeps {
  readonly db: Db;
}

export async function registerApplicationJobs(queue: JobQueue, deps: JobDeps): Promise<void> {
  await registerHousekeepingJobs(queue, deps);
}
