// Storage usage and quota (SPEC §3.1, §6): exact bytes per org (kept by the
// catalogue in org_usage), the quota (default 100 GiB), notifications when usage crosses 80, 90
// and 100 % upward (an audit event `quota.threshold`, a `storageQuota` webhook, and the `level`
// the console shows as a banner), and the org's retention and quota policy.
//
// At 100 % nothing is dropped: audio that was captured is always stored (the call has happened
// and may be evidence), the recording carries a `quotaExceeded` note in its metadata with the
// org's failureBehavior, and `isOverQuota` lets the decision side apply that failure behaviour to
// new calls (see docs/adr/0005-recordings-lifecycle.md).
import {
  QUOTA_THRESHOLDS,
  type RecordingPolicy,
  type RecordingPolicyUpdate,
  type Usage,
} from '@callvault/shared';
import { audit, diffFields } from '../audit/audit.service.js';
import type { Clock } from '../clock.js';
import type { Db, DbOrTrx, Trx } from '../db/database.js';
import type { JobQueue } from '../jobs/index.js';
import type { OutboxConsumer } from '../events/outbox.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import {
  findOrgSettings,
  saveOrgSettings,
} from '../recording-settings/recording-settings.repository.js';
import { RECORDING_STORED } from '../recordings/recording-events.js';
import { findOrgUsage } from '../recordings/recordings.repository.js';
import {
  createWebhookOutbox,
  enqueueWebhookDeliveries,
  type WebhookOutbox,
} from '../webhooks/webhooks.service.js';
import {
  findQuotaNotificationLevel,
  lowerQuotaNotificationLevel,
  raiseQuotaNotificationLevel,
} from './quota.repository.js';

export interface UsageDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly queue?: JobQueue | null;
}

/** The highest threshold (80, 90, 100) that `bytesUsed` has reached, or 0; exact integers. */
export function quotaLevelOf(bytesUsed: number, quotaBytes: number): number {
  const used = BigInt(Math.max(0, bytesUsed)) * 100n;
  let level = 0;
  for (const t of QUOTA_THRESHOLDS) if (used >= BigInt(t) * BigInt(quotaBytes)) level = t;
  return level;
}

/** bytesUsed / quotaBytes as a percentage with two decimals. */
export function percentOf(bytesUsed: number, quotaBytes: number): number {
  return Number(((BigInt(bytesUsed) * 10_000n) / BigInt(quotaBytes)).toString()) / 100;
}

export async function computeUsage(db: DbOrTrx, orgId: string): Promise<Usage> {
  const usage = await findOrgUsage(db, orgId);
  const { quotaBytes } = await findOrgSettings(db, orgId);
  return {
    bytesUsed: usage.bytesUsed,
    quotaBytes,
    recordings: usage.recordings,
    percent: percentOf(usage.bytesUsed, quotaBytes),
    level: quotaLevelOf(usage.bytesUsed, quotaBytes),
    overQuota: usage.bytesUsed >= quotaBytes,
  };
}

/** `GET /api/usage` */
export async function getUsage(deps: UsageDeps, actor: Actor): Promise<Usage> {
  assertCan(actor, 'recordingSettings.read', { orgId: actor.orgId });
  return computeUsage(deps.db, actor.orgId);
}

/** For the decision and SIPREC side: is the org at or over its quota? */
export async function isOverQuota(db: DbOrTrx, orgId: string): Promise<boolean> {
  return (await computeUsage(db, orgId)).overQuota;
}

/**
 * Compares usage with the level last notified, inside the transaction that changed usage or the
 * quota: each threshold crossed upward gets one audit event and one webhook event; a fall below a
 * threshold re-arms it.
 */
export async function noteUsageChange(
  trx: Trx,
  clock: Clock,
  orgId: string,
  outbox: WebhookOutbox,
): Promise<void> {
  const usage = await computeUsage(trx, orgId);
  const notified = await findQuotaNotificationLevel(trx, orgId);
  const at = clock.now().toISOString();
  if (usage.level < notified) {
    await lowerQuotaNotificationLevel(trx, orgId, usage.level, at);
    return;
  }
  if (usage.level === notified) return;
  if (!(await raiseQuotaNotificationLevel(trx, orgId, usage.level, at))) return;
  for (const threshold of QUOTA_THRESHOLDS) {
    if (threshold <= notified || threshold > usage.level) continue;
    const details = {
      threshold,
      bytesUsed: usage.bytesUsed,
      quotaBytes: usage.quotaBytes,
      percent: usage.percent,
      recordings: usage.recordings,
    };
    await audit(
      trx,
      clock,
      null,
      'quota.threshold',
      { type: 'organization', id: orgId },
      details,
      orgId,
    );
    await outbox.add({
      resource: 'storageQuota',
      event: 'updated',
      actorId: null,
      data: { id: orgId, ...details },
      attributes: {},
    });
  }
}

/**
 * A stored recording may cross a threshold: the notices follow the `recording.stored` event, in
 * one transaction with the claim, so a second run notices nothing twice (and noteUsageChange
 * itself notices each threshold once).
 */
export const recordingStoredUsage: OutboxConsumer = {
  name: 'usage',
  topic: RECORDING_STORED,
  async handle(ctx, event, claim) {
    const deliveries = await ctx.db.transaction().execute(async (trx) => {
      if (!(await claim(trx))) return [];
      const outbox = createWebhookOutbox(trx, ctx.clock, event.orgId);
      await noteUsageChange(trx, ctx.clock, event.orgId, outbox);
      return outbox.deliveryIds;
    });
    await enqueueWebhookDeliveries(ctx.queue, deliveries);
  },
};

// Retention and quota policy ---------------------------------------------------------------------

export async function getRecordingPolicy(deps: UsageDeps, actor: Actor): Promise<RecordingPolicy> {
  assertCan(actor, 'recordingSettings.read', { orgId: actor.orgId });
  const s = await findOrgSettings(deps.db, actor.orgId);
  return { retentionDays: s.retentionDays, quotaBytes: s.quotaBytes };
}

/** `PUT /api/recording-policy`: full administrators change retention and quota; audited. */
export async function updateRecordingPolicy(
  deps: UsageDeps,
  actor: Actor,
  body: RecordingPolicyUpdate,
): Promise<RecordingPolicy> {
  assertCan(actor, 'recordingSettings.write', { orgId: actor.orgId });
  const { policy, deliveries } = await deps.db.transaction().execute(async (trx) => {
    const before = await findOrgSettings(trx, actor.orgId);
    const after = {
      ...before,
      retentionDays: body.retentionDays ?? before.retentionDays,
      quotaBytes: body.quotaBytes ?? before.quotaBytes,
    };
    await saveOrgSettings(trx, actor.orgId, after, deps.clock.now());
    await audit(
      trx,
      deps.clock,
      actor,
      'recordingPolicy.updated',
      { type: 'organization', id: actor.orgId },
      diffFields(
        { retentionDays: before.retentionDays, quotaBytes: before.quotaBytes },
        { retentionDays: after.retentionDays, quotaBytes: after.quotaBytes },
      ),
    );
    // A smaller quota can cross a threshold without a byte being stored.
    const outbox = createWebhookOutbox(trx, deps.clock, actor.orgId);
    await noteUsageChange(trx, deps.clock, actor.orgId, outbox);
    return {
      policy: { retentionDays: after.retentionDays, quotaBytes: after.quotaBytes },
      deliveries: outbox.deliveryIds,
    };
  });
  await enqueueWebhookDeliveries(deps.queue, deliveries);
  return policy;
}
