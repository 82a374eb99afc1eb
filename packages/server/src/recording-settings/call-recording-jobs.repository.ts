// Call-recording jobs (Webex `jobs/callRecording`): one row per vendor change, with its counts
// and the users the new vendor cannot record.
import type { DbOrTrx } from '../db/database.js';
import { parseJsonColumn, toJsonColumn } from '../db/json.js';

export interface JobCounts {
  readonly totalNumberOfLocations: number;
  readonly totalNumberOfUsers: number;
  readonly failedUsers: number;
  readonly updatedUsers: number;
}

export interface JobError {
  /** The person, workspace or virtual line. */
  readonly item: string;
  readonly locationId: string;
  readonly description: string;
}

export interface CallRecordingJobRow {
  readonly id: string;
  readonly orgId: string;
  readonly instanceId: number;
  readonly locationId: string | null;
  readonly vendorId: string;
  readonly sourceUserId: string;
  readonly trackingId: string;
  readonly status: 'STARTING' | 'STARTED' | 'COMPLETED' | 'FAILED';
  readonly counts: JobCounts;
  readonly errors: readonly JobError[];
  readonly created: string;
  readonly completed: string | null;
}

type Row = {
  id: string;
  org_id: string;
  instance_id: number | string;
  location_id: string | null;
  vendor_id: string;
  source_user_id: string;
  tracking_id: string;
  status: string;
  counts: string;
  errors: string;
  created_at: string;
  completed_at: string | null;
};

function toJob(r: Row): CallRecordingJobRow {
  return {
    id: r.id,
    orgId: r.org_id,
    instanceId: Number(r.instance_id),
    locationId: r.location_id,
    vendorId: r.vendor_id,
    sourceUserId: r.source_user_id,
    trackingId: r.tracking_id,
    status: r.status as CallRecordingJobRow['status'],
    counts: parseJsonColumn<JobCounts>(r.counts),
    errors: parseJsonColumn<JobError[]>(r.errors),
    created: r.created_at,
    completed: r.completed_at,
  };
}

/** The next instance number of the org's jobs (1 for its first). */
export async function nextJobInstance(db: DbOrTrx, orgId: string): Promise<number> {
  const row = await db
    .selectFrom('call_recording_jobs')
    .select((eb) => eb.fn.max('instance_id').as('last'))
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return Number(row?.last ?? 0) + 1;
}

export async function insertJob(db: DbOrTrx, job: CallRecordingJobRow): Promise<void> {
  await db
    .insertInto('call_recording_jobs')
    .values({
      id: job.id,
      org_id: job.orgId,
      instance_id: job.instanceId,
      location_id: job.locationId,
      vendor_id: job.vendorId,
      source_user_id: job.sourceUserId,
      tracking_id: job.trackingId,
      status: job.status,
      counts: toJsonColumn(job.counts),
      errors: toJsonColumn(job.errors),
      created_at: job.created,
      completed_at: job.completed,
    })
    .execute();
}

/** The org's jobs, newest first. */
export async function listJobs(
  db: DbOrTrx,
  orgId: string,
  page: { start: number; max: number },
): Promise<CallRecordingJobRow[]> {
  const rows = await db
    .selectFrom('call_recording_jobs')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('instance_id', 'desc')
    .limit(page.max)
    .offset(page.start)
    .execute();
  return rows.map(toJob);
}

export async function findJob(
  db: DbOrTrx,
  orgId: string,
  id: string,
): Promise<CallRecordingJobRow | null> {
  const row = await db
    .selectFrom('call_recording_jobs')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toJob(row) : null;
}
