// Vendor-change jobs (Webex's /v1/telephony/config/jobs/callRecording): each vendor change is
// recorded as a completed job naming the users it affects and those the vendor cannot record.
import type { CallRecordingJob } from '@callvault/shared';
import type { CallingLicense } from '@callvault/shared';
import type { Trx } from '../db/database.js';
import { ERROR_NUMBER, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { OrgDeps } from '../org/org-deps.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import { licenseProblem } from './recording-settings.model.js';
import {
  findJob,
  insertJob,
  listJobs,
  nextJobInstance,
  type CallRecordingJobRow,
  type JobError,
} from './call-recording-jobs.repository.js';
import { listEntitiesWithSettings, listLocationSettings } from './recording-settings.repository.js';
import { loadVendors } from './vendor-registry.js';

// Vendor-change jobs ---------------------------------------------------------------------------

/**
 * Records a vendor change as a completed job (Webex's `jobs/callRecording`). Callvault applies the
 * change in the request's transaction; the job reports what it meant: the locations whose vendor
 * it sets, the users (people, workspaces, virtual lines with recording on) there, and those the
 * vendor cannot record (licence rules, SPEC §2) as the job's errors.
 */
export async function recordVendorJob(
  deps: OrgDeps,
  trx: Trx,
  actor: Actor,
  change: { locationId: string | null; vendorId: string; trackingId: string },
): Promise<string> {
  const vendors = await loadVendors(trx, actor.orgId);
  const vendor = vendors.get(change.vendorId);
  const locations =
    change.locationId !== null
      ? [change.locationId]
      : (await listLocationSettings(trx, actor.orgId))
          .filter((l) => l.settings.vendorId === null)
          .map((l) => l.locationId);
  const affected = new Set(locations);
  const users = (await listEntitiesWithSettings(trx, actor.orgId)).filter(
    (e) =>
      e.settings.enabled &&
      (e.locationId === null ? change.locationId === null : affected.has(e.locationId)),
  );
  const errors: JobError[] = [];
  for (const u of users) {
    const problem = licenseProblem(u.kind, toLicense(u.license), vendor?.builtIn ?? false);
    if (problem) errors.push({ item: u.id, locationId: u.locationId ?? '', description: problem });
  }
  const now = deps.clock.now().toISOString();
  const id = newId('JOB');
  await insertJob(trx, {
    id,
    orgId: actor.orgId,
    instanceId: await nextJobInstance(trx, actor.orgId),
    locationId: change.locationId,
    vendorId: change.vendorId,
    sourceUserId: actor.personId,
    trackingId: change.trackingId,
    status: 'COMPLETED',
    counts: {
      totalNumberOfLocations: locations.length,
      totalNumberOfUsers: users.length,
      failedUsers: errors.length,
      updatedUsers: users.length - errors.length,
    },
    errors,
    created: now,
    completed: now,
  });
  return id;
}

function toLicense(value: string | null): CallingLicense | null {
  return value === 'professional' || value === 'basic' || value === 'none' ? value : null;
}

function presentJob(job: CallRecordingJobRow): CallRecordingJob {
  const start = job.created;
  const end = job.completed ?? job.created;
  const elapsed = `${Math.max(0, Date.parse(end) - Date.parse(start))} ms`;
  const exitCode =
    job.status === 'COMPLETED' ? 'COMPLETED' : job.status === 'FAILED' ? 'FAILED' : 'UNKNOWN';
  return {
    name: 'callrecording',
    id: job.id,
    trackingId: job.trackingId,
    sourceUserId: job.sourceUserId,
    sourceCustomerId: job.orgId,
    targetCustomerId: job.orgId,
    instanceId: job.instanceId,
    jobExecutionStatus: [
      {
        id: job.instanceId,
        startTime: start,
        endTime: end,
        lastUpdated: end,
        statusMessage: job.status,
        exitCode,
        createdTime: start,
        timeElapsed: elapsed,
        stepExecutionStatuses: [
          {
            id: 1,
            startTime: start,
            endTime: end,
            lastUpdated: end,
            statusMessage: job.status,
            exitCode,
            name: 'callRecordingVendorUpdate',
            timeElapsed: elapsed,
          },
        ],
      },
    ],
    latestExecutionStatus: job.status,
    ...(job.locationId !== null ? { locationId: job.locationId } : {}),
    vendorId: job.vendorId,
    counts: job.counts,
  };
}

export async function listCallRecordingJobs(
  deps: OrgDeps,
  actor: Actor,
  page: { start: number; max: number },
): Promise<{ items: CallRecordingJob[] }> {
  assertCan(actor, 'recordingSettings.read', { orgId: actor.orgId });
  return { items: (await listJobs(deps.db, actor.orgId, page)).map(presentJob) };
}

async function requireJob(deps: OrgDeps, actor: Actor, jobId: string) {
  assertCan(actor, 'recordingSettings.read', { orgId: actor.orgId });
  const job = await findJob(deps.db, actor.orgId, jobId);
  if (!job) throw notFound('Job');
  return job;
}

export async function getCallRecordingJob(
  deps: OrgDeps,
  actor: Actor,
  jobId: string,
): Promise<CallRecordingJob> {
  return presentJob(await requireJob(deps, actor, jobId));
}

export async function getCallRecordingJobErrors(deps: OrgDeps, actor: Actor, jobId: string) {
  const job = await requireJob(deps, actor, jobId);
  return {
    items: job.errors.map((e, i) => ({
      itemNumber: i + 1,
      item: e.item,
      error: {
        key: '400',
        message: [
          {
            description: e.description,
            code: String(ERROR_NUMBER.LICENSE_REQUIRED),
            locationId: e.locationId,
          },
        ],
      },
      trackingId: job.trackingId,
    })),
  };
}
