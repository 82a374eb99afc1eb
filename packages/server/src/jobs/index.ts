// The job queue: one JobQueue port, an embedded driver on the app's database and a pg-boss driver.
export {
  assertJobName,
  computeRetryDelayMs,
  DEFAULT_HANDLER_OPTIONS,
  DEFAULT_JOB_RETRY_POLICY,
  FinalJobError,
  retryOptionsFor,
  JOB_STATES,
  startOfSchedulePeriod,
  type EnqueueOptions,
  type HandlerOptions,
  type JobContext,
  type JobCounts,
  type JobHandler,
  type JobInfo,
  type JobPayload,
  type JobQueue,
  type JobRetryPolicy,
  type JobState,
  type JobStateCounts,
  type ScheduleEvery,
  type StopOptions,
} from './job-queue.js';
export { createJobQueue, type CreateJobQueueOptions } from './create-job-queue.js';
export { createEmbeddedJobQueue, type EmbeddedJobQueueOptions } from './embedded-job-queue.js';
export { createPgBossJobQueue, type PgBossJobQueueOptions } from './pg-boss-job-queue.js';
