// The SQL of the usage and retention reports the console shows: bytes and recordings by location
// and by owner type, the daily usage history, the quota threshold crossings with the webhooks told
// of them, and what the next retention purge would remove. Read only.
import { sql, type SqlBool } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import { heldCondition } from './legal-holds.repository.js';

export interface UsageGroupRow {
  readonly key: string | null;
  readonly bytes: number;
  readonly recordings: number;
}

/**
 * Bytes of the distinct audio each group's recordings point at (audio objects exist exactly while
 * their bytes count towards usage, also for purged recordings kept by a hold), and the group's
 * recordings that are not purged.
 */
async function findUsageGroups(
  db: DbOrTrx,
  orgId: string,
  column: 'location_id' | 'owner_type',
): Promise<UsageGroupRow[]> {
  const byteRows = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('recordings')
        .select([`${column} as key`, 'audio_id'])
        .distinct()
        .where('org_id', '=', orgId)
        .where('audio_id', 'is not', null)
        .as('g'),
    )
    .innerJoin('audio_objects as a', 'a.id', 'g.audio_id')
    .select(['g.key', (eb) => eb.fn.sum<string | number>('a.size_bytes').as('bytes')])
    .groupBy('g.key')
    .execute();
  const countRows = await db
    .selectFrom('recordings')
    .select([`${column} as key`, (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('org_id', '=', orgId)
    .where('status', '<>', 'purged')
    .groupBy(column)
    .execute();
  const groups = new Map<string | null, { bytes: number; recordings: number }>();
  const entry = (key: string | null) => {
    let g = groups.get(key);
    if (!g) {
      g = { bytes: 0, recordings: 0 };
      groups.set(key, g);
    }
    return g;
  };
  for (const r of byteRows) entry(r.key).bytes = Number(r.bytes);
  for (const r of countRows) entry(r.key).recordings = Number(r.n);
  return [...groups.entries()]
    .map(([key, g]) => ({ key, ...g }))
    .sort((a, b) => b.bytes - a.bytes || (a.key ?? '').localeCompare(b.key ?? ''));
}

export async function findUsageByLocation(
  db: DbOrTrx,
  orgId: string,
): Promise<Array<UsageGroupRow & { readonly name: string | null }>> {
  const groups = await findUsageGroups(db, orgId, 'location_id');
  const locations = await db
    .selectFrom('locations')
    .select(['id', 'name'])
    .where('org_id', '=', orgId)
    .execute();
  const names = new Map(locations.map((l) => [l.id, l.name]));
  return groups.map((g) => ({ ...g, name: g.key === null ? null : (names.get(g.key) ?? null) }));
}

export function findUsageByOwnerType(db: DbOrTrx, orgId: string): Promise<UsageGroupRow[]> {
  return findUsageGroups(db, orgId, 'owner_type');
}

export interface UsageHistoryRow {
  readonly day: string;
  readonly bytesUsed: number;
  readonly recordings: number;
}

/**
 * The history rows from `fromDay` on, preceded by the last row before it (the usage that stood
 * on `fromDay` if nothing changed that day).
 */
export async function findUsageHistory(
  db: DbOrTrx,
  orgId: string,
  fromDay: string,
): Promise<{ before: UsageHistoryRow | null; rows: UsageHistoryRow[] }> {
  const toRow = (r: { day: string; bytes_used: number | string; recordings: number | string }) => ({
    day: r.day,
    bytesUsed: Number(r.bytes_used),
    recordings: Number(r.recordings),
  });
  const before = await db
    .selectFrom('org_usage_history')
    .select(['day', 'bytes_used', 'recordings'])
    .where('org_id', '=', orgId)
    .where('day', '<', fromDay)
    .orderBy('day', 'desc')
    .limit(1)
    .executeTakeFirst();
  const rows = await db
    .selectFrom('org_usage_history')
    .select(['day', 'bytes_used', 'recordings'])
    .where('org_id', '=', orgId)
    .where('day', '>=', fromDay)
    .orderBy('day')
    .execute();
  return { before: before ? toRow(before) : null, rows: rows.map(toRow) };
}

export interface ThresholdCrossingRow {
  readonly auditEventId: string;
  readonly threshold: number;
  readonly at: string;
}

/** The newest upward crossing of each threshold (the `quota.threshold` audit events). */
export async function findLastThresholdCrossings(
  db: DbOrTrx,
  orgId: string,
): Promise<Map<number, ThresholdCrossingRow>> {
  const rows = await db
    .selectFrom('audit_events')
    .select(['id', 'details', 'created_at'])
    .where('org_id', '=', orgId)
    .where('action', '=', 'quota.threshold')
    .orderBy('seq', 'desc')
    .limit(200)
    .execute();
  const last = new Map<number, ThresholdCrossingRow>();
  for (const r of rows) {
    const threshold = Number((JSON.parse(r.details) as { threshold?: unknown }).threshold);
    if (!Number.isInteger(threshold) || last.has(threshold)) continue;
    last.set(threshold, { auditEventId: r.id, threshold, at: r.created_at });
  }
  return last;
}

export interface QuotaDeliveryRow {
  readonly threshold: number;
  readonly createdAt: string;
  readonly webhookId: string;
  readonly webhookName: string;
  readonly targetUrl: string;
  readonly status: string;
  readonly delivered: string | null;
}

/** The org's `storageQuota` webhook deliveries made at or after `since`, newest first. */
export async function findQuotaDeliveriesSince(
  db: DbOrTrx,
  orgId: string,
  since: string,
): Promise<QuotaDeliveryRow[]> {
  const rows = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .select([
      'd.data',
      'd.created_at',
      'd.status',
      'd.delivered_at',
      'w.id as webhook_id',
      'w.name',
      'w.target_url',
    ])
    .where('d.org_id', '=', orgId)
    .where('d.resource', '=', 'storageQuota')
    .where('d.created_at', '>=', since)
    .orderBy('d.created_at', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    threshold: Number((JSON.parse(r.data) as { threshold?: unknown }).threshold),
    createdAt: r.created_at,
    webhookId: r.webhook_id,
    webhookName: r.name,
    targetUrl: r.target_url,
    status: r.status,
    delivered: r.delivered_at,
  }));
}

/**
 * What a retention run as of `cutoff` would do: the recordings it would purge (not purged, made
 * before the cutoff, not held — the same condition as findExpiredRecordings) and those a hold keeps.
 */
export async function countRetentionDue(
  db: DbOrTrx,
  orgId: string,
  cutoff: string,
): Promise<{ due: number; held: number }> {
  const base = db
    .selectFrom('recordings as r')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('r.org_id', '=', orgId)
    .where('r.time_recorded', '<', cutoff)
    .where('r.status', 'in', ['available', 'deleted']);
  const due = await base.where(sql<SqlBool>`not ${heldCondition('r')}`).executeTakeFirstOrThrow();
  const held = await base.where(heldCondition('r')).executeTakeFirstOrThrow();
  return { due: Number(due.n), held: Number(held.n) };
}
