// The reports behind the console's usage and retention pages: usage by location and owner type,
// the daily history, each quota threshold with when it was last crossed and which storageQuota
// webhooks were told, and a preview of the next retention purge. Reads only; every caller needs
// `recordingSettings.read` on their org (administrators and compliance officers).
import {
  QUOTA_THRESHOLDS,
  type QuotaThresholds,
  type RetentionPreview,
  type UsageBreakdown,
  type UsageHistory,
} from '@callvault/shared';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import { findOrgSettings } from '../recording-settings/recording-settings.repository.js';
import { retentionCutoff } from './retention.service.js';
import {
  countRetentionDue,
  findLastThresholdCrossings,
  findQuotaDeliveriesSince,
  findUsageByLocation,
  findUsageByOwnerType,
  findUsageHistory,
} from './usage-report.repository.js';
import { computeUsage, type UsageDeps } from './usage.service.js';

const DAY_MS = 86_400_000;
export const DEFAULT_HISTORY_DAYS = 90;

const canRead = (actor: Actor) =>
  assertCan(actor, 'recordingSettings.read', { orgId: actor.orgId });

/** `GET /api/usage/breakdown` */
export async function getUsageBreakdown(deps: UsageDeps, actor: Actor): Promise<UsageBreakdown> {
  canRead(actor);
  const [byLocation, byOwnerType] = await Promise.all([
    findUsageByLocation(deps.db, actor.orgId),
    findUsageByOwnerType(deps.db, actor.orgId),
  ]);
  return {
    byLocation: byLocation.map((g) => ({
      locationId: g.key,
      locationName: g.name,
      bytes: g.bytes,
      recordings: g.recordings,
    })),
    byOwnerType: byOwnerType.map((g) => ({
      ownerType: g.key ?? 'unattributed',
      bytes: g.bytes,
      recordings: g.recordings,
    })),
  };
}

/**
 * `GET /api/usage/history`: one entry per UTC day, oldest first, ending today. A day without a
 * change carries the usage of the day before; days before the first record are null (unknown).
 */
export async function getUsageHistory(
  deps: UsageDeps,
  actor: Actor,
  days = DEFAULT_HISTORY_DAYS,
): Promise<UsageHistory> {
  canRead(actor);
  const today = deps.clock.now();
  const dayOf = (offset: number) =>
    new Date(today.getTime() - offset * DAY_MS).toISOString().slice(0, 10);
  const fromDay = dayOf(days - 1);
  const [{ before, rows }, settings] = await Promise.all([
    findUsageHistory(deps.db, actor.orgId, fromDay),
    findOrgSettings(deps.db, actor.orgId),
  ]);
  const byDay = new Map(rows.map((r) => [r.day, r]));
  let carried = before;
  const out: UsageHistory['days'] = [];
  for (let offset = days - 1; offset >= 0; offset--) {
    const day = dayOf(offset);
    carried = byDay.get(day) ?? carried;
    out.push({
      day,
      bytesUsed: carried?.bytesUsed ?? null,
      recordings: carried?.recordings ?? null,
    });
  }
  return { quotaBytes: settings.quotaBytes, days: out };
}

/** `GET /api/usage/thresholds` */
export async function getQuotaThresholds(deps: UsageDeps, actor: Actor): Promise<QuotaThresholds> {
  canRead(actor);
  const usage = await computeUsage(deps.db, actor.orgId);
  const crossings = await findLastThresholdCrossings(deps.db, actor.orgId);
  const oldest = [...crossings.values()].map((c) => c.at).sort()[0];
  const deliveries =
    oldest === undefined ? [] : await findQuotaDeliveriesSince(deps.db, actor.orgId, oldest);
  return {
    level: usage.level,
    thresholds: QUOTA_THRESHOLDS.map((threshold) => {
      const crossing = crossings.get(threshold) ?? null;
      // The webhook events of a crossing are written after its audit event, in its transaction;
      // later crossings of the same threshold would be newer audit events.
      const recipients =
        crossing === null
          ? []
          : deliveries
              .filter((d) => d.threshold === threshold && d.createdAt >= crossing.at)
              .map((d) => ({
                webhookId: d.webhookId,
                webhookName: d.webhookName,
                targetUrl: d.targetUrl,
                status:
                  d.status as QuotaThresholds['thresholds'][number]['recipients'][number]['status'],
                delivered: d.delivered,
              }));
      return {
        threshold,
        reached: usage.level >= threshold,
        lastCrossed: crossing?.at ?? null,
        auditEventId: crossing?.auditEventId ?? null,
        recipients,
      };
    }),
  };
}

/** `GET /api/recording-policy/retention-preview`: what the next purge would remove. */
export async function previewRetention(
  deps: UsageDeps,
  actor: Actor,
  retentionDays?: number,
): Promise<RetentionPreview> {
  canRead(actor);
  const days = retentionDays ?? (await findOrgSettings(deps.db, actor.orgId)).retentionDays;
  const cutoff = retentionCutoff(deps.clock.now(), days).toISOString();
  const { due, held } = await countRetentionDue(deps.db, actor.orgId, cutoff);
  return { retentionDays: days, cutoff, recordings: due, held };
}
