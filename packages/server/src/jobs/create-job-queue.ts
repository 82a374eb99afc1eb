// Picks the job queue driver from the configuration (CALLVAULT_QUEUE): the embedded driver on the
// app's database by default, pg-boss when asked for (PostgreSQL only).
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { DatabaseHandle } from '../db/database.js';
import { AppError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import { createEmbeddedJobQueue } from './embedded-job-queue.js';
import type { JobQueue } from './job-queue.js';
import { createPgBossJobQueue } from './pg-boss-job-queue.js';

export interface CreateJobQueueOptions {
  readonly config: Pick<Config, 'queue'>;
  readonly database: DatabaseHandle;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Idle poll interval of this process's workers (default 1 s). */
  readonly pollIntervalMs?: number;
}

export function createJobQueue(options: CreateJobQueueOptions): JobQueue {
  const { config, database, logger, clock, pollIntervalMs } = options;
  switch (config.queue) {
    case 'embedded':
      return createEmbeddedJobQueue({ db: database.db, logger, clock, pollIntervalMs });
    case 'pg-boss':
      if (database.dialect !== 'postgres') {
        throw new AppError(
          'VALIDATION_FAILED',
          'CALLVAULT_QUEUE=pg-boss needs CALLVAULT_DATABASE_URL=postgres://…',
        );
      }
      return createPgBossJobQueue({ db: database.db, logger, clock, pollIntervalMs });
  }
}
