// The retention jobs: `retention` runs daily (and by `callvault jobs run retention --now ISO`)
// and fans out one `retention-org` job per organization, each carrying the run's `now` so a run
// for a given instant purges exactly what was due then.
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { JobQueue } from '../jobs/index.js';
import type { BlobStore } from '../storage/blob-store.js';
import { listOrganizationIds } from './retention.repository.js';
import { applyRetention } from './retention.service.js';

export const RETENTION_JOB = 'retention';
export const RETENTION_ORG_JOB = 'retention-org';

export interface LifecycleJobDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly blobStore: BlobStore;
}

export async function registerLifecycleJobs(
  queue: JobQueue,
  deps: LifecycleJobDeps,
): Promise<void> {
  await queue.register(RETENTION_JOB, async (job) => {
    const now = job.now.toISOString();
    for (const orgId of await listOrganizationIds(deps.db)) {
      // One pending job per org: a run that overlaps a retrying one adds nothing.
      await queue.enqueue(RETENTION_ORG_JOB, { orgId, now }, { singletonKey: orgId });
    }
  });
  await queue.register<{ orgId?: unknown; now?: unknown }>(
    RETENTION_ORG_JOB,
    async (job) => {
      const { orgId, now } = job.payload;
      if (typeof orgId !== 'string') return;
      const at = typeof now === 'string' ? new Date(now) : job.now;
      await applyRetention({ ...deps, queue }, orgId, Number.isNaN(at.getTime()) ? job.now : at);
    },
    { concurrency: 2, retryLimit: 5, retryBackoffMs: 60_000 },
  );
  await queue.schedule(RETENTION_JOB, 'daily');
}
