// The only SQL of webhooks: the webhooks themselves and their delivery rows.
import type {
  RecordingEventSubType,
  Role,
  WebhookDeliveryStatus,
  WebhookEvent,
  WebhookOwner,
  WebhookResource,
  WebhookStatus,
} from '@callvault/shared';
import type { Selectable } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import { parseJsonColumn } from '../db/json.js';
import { afterCursor, toPage, type Page } from '../db/paging.js';
import type { WebhookDeliveriesTable, WebhooksTable } from '../db/schema.js';

export interface WebhookRecord {
  readonly id: string;
  readonly orgId: string;
  readonly name: string;
  readonly targetUrl: string;
  readonly resource: WebhookResource;
  readonly event: WebhookEvent;
  readonly filter: string | null;
  readonly secret: string | null;
  readonly status: WebhookStatus;
  readonly ownedBy: WebhookOwner;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** An active webhook with the current roles of its creator (null: the person is gone). */
export interface ActiveWebhookRecord extends WebhookRecord {
  readonly creatorRoles: readonly Role[] | null;
}

export interface WebhookDeliveryRecord {
  readonly id: string;
  readonly orgId: string;
  readonly webhookId: string;
  readonly resource: WebhookResource;
  readonly event: string;
  readonly eventSubType: RecordingEventSubType | null;
  readonly actorId: string | null;
  /** JSON text: the envelope's `data`. */
  readonly data: string;
  readonly status: WebhookDeliveryStatus;
  readonly attempts: number;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly createdAt: string;
  readonly lastAttemptAt: string | null;
  readonly deliveredAt: string | null;
}

function toWebhook(row: Selectable<WebhooksTable>): WebhookRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    targetUrl: row.target_url,
    resource: row.resource as WebhookResource,
    event: row.event as WebhookEvent,
    filter: row.filter,
    secret: row.secret,
    status: row.status as WebhookStatus,
    ownedBy: row.owned_by as WebhookOwner,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toDelivery(row: Selectable<WebhookDeliveriesTable>): WebhookDeliveryRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    webhookId: row.webhook_id,
    resource: row.resource as WebhookResource,
    event: row.event,
    eventSubType: row.event_sub_type as RecordingEventSubType | null,
    actorId: row.actor_id,
    data: row.data,
    status: row.status as WebhookDeliveryStatus,
    attempts: Number(row.attempts),
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: row.created_at,
    lastAttemptAt: row.last_attempt_at,
    deliveredAt: row.delivered_at,
  };
}

export async function insertWebhook(db: DbOrTrx, w: WebhookRecord): Promise<void> {
  await db
    .insertInto('webhooks')
    .values({
      id: w.id,
      org_id: w.orgId,
      name: w.name,
      target_url: w.targetUrl,
      resource: w.resource,
      event: w.event,
      filter: w.filter,
      secret: w.secret,
      status: w.status,
      owned_by: w.ownedBy,
      created_by: w.createdBy,
      created_at: w.createdAt,
      updated_at: w.updatedAt,
    })
    .execute();
}

export async function updateWebhookRow(db: DbOrTrx, w: WebhookRecord): Promise<void> {
  await db
    .updateTable('webhooks')
    .set({
      name: w.name,
      target_url: w.targetUrl,
      secret: w.secret,
      status: w.status,
      owned_by: w.ownedBy,
      updated_at: w.updatedAt,
    })
    .where('id', '=', w.id)
    .execute();
}

export async function deleteWebhookRow(db: DbOrTrx, id: string): Promise<void> {
  await db.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
  await db.deleteFrom('webhooks').where('id', '=', id).execute();
}

export async function findWebhookById(
  db: DbOrTrx,
  orgId: string,
  id: string,
): Promise<WebhookRecord | null> {
  const row = await db
    .selectFrom('webhooks')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toWebhook(row) : null;
}

export async function findWebhookByIdAnyOrg(
  db: DbOrTrx,
  id: string,
): Promise<WebhookRecord | null> {
  const row = await db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toWebhook(row) : null;
}

/** Oldest first by (created_at, id); `createdBy` narrows to one person's webhooks. */
export async function listWebhooksOfOrg(
  db: DbOrTrx,
  orgId: string,
  page: {
    createdBy?: string | undefined;
    ownedBy?: WebhookOwner | undefined;
    cursor?: string | undefined;
    limit: number;
  },
): Promise<Page<WebhookRecord>> {
  let q = db.selectFrom('webhooks').selectAll().where('org_id', '=', orgId);
  if (page.createdBy !== undefined) q = q.where('created_by', '=', page.createdBy);
  if (page.ownedBy !== undefined) q = q.where('owned_by', '=', page.ownedBy);
  if (page.cursor !== undefined) q = q.where(afterCursor('created_at', page.cursor));
  const rows = await q
    .orderBy('created_at')
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
  return toPage(rows.map(toWebhook), page.limit, (w) => [w.createdAt, w.id]);
}

/**
 * Active webhooks of an org for one resource, with their creators' roles (the event, filter and
 * ownership are matched by the caller).
 */
export async function findActiveWebhooks(
  db: DbOrTrx,
  orgId: string,
  resource: WebhookResource,
): Promise<ActiveWebhookRecord[]> {
  const rows = await db
    .selectFrom('webhooks')
    .leftJoin('people', 'people.id', 'webhooks.created_by')
    .selectAll('webhooks')
    .select('people.roles as creator_roles')
    .where('webhooks.org_id', '=', orgId)
    .where('webhooks.resource', '=', resource)
    .where('webhooks.status', '=', 'active')
    .execute();
  return rows.map((row) => ({
    ...toWebhook(row),
    creatorRoles: row.creator_roles === null ? null : parseJsonColumn<Role[]>(row.creator_roles),
  }));
}

export async function insertWebhookDelivery(
  db: DbOrTrx,
  d: Pick<
    WebhookDeliveryRecord,
    | 'id'
    | 'orgId'
    | 'webhookId'
    | 'resource'
    | 'event'
    | 'eventSubType'
    | 'actorId'
    | 'data'
    | 'createdAt'
  >,
): Promise<void> {
  await db
    .insertInto('webhook_deliveries')
    .values({
      id: d.id,
      org_id: d.orgId,
      webhook_id: d.webhookId,
      resource: d.resource,
      event: d.event,
      event_sub_type: d.eventSubType,
      actor_id: d.actorId,
      data: d.data,
      status: 'pending',
      attempts: 0,
      created_at: d.createdAt,
    })
    .execute();
}

export async function findWebhookDeliveryById(
  db: DbOrTrx,
  id: string,
): Promise<WebhookDeliveryRecord | null> {
  const row = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toDelivery(row) : null;
}

/** Records one attempt; `status` stays pending while retries remain. */
export async function recordDeliveryAttempt(
  db: DbOrTrx,
  id: string,
  attempt: {
    status: WebhookDeliveryStatus;
    code: number | null;
    error: string | null;
    at: string;
  },
): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      status: attempt.status,
      attempts: eb('attempts', '+', 1),
      last_status_code: attempt.code,
      last_error: attempt.error,
      last_attempt_at: attempt.at,
      ...(attempt.status === 'delivered' ? { delivered_at: attempt.at } : {}),
    }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/** Ends a pending delivery without an attempt (its webhook was deactivated). */
export async function skipDelivery(db: DbOrTrx, id: string, why: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'skipped', last_error: why })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

export async function listDeliveriesOfWebhook(
  db: DbOrTrx,
  webhookId: string,
  limit: number,
): Promise<WebhookDeliveryRecord[]> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('webhook_id', '=', webhookId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toDelivery);
}

/** The newest delivery that has been attempted or ended, for `lastDelivery`. */
export async function findLastDelivery(
  db: DbOrTrx,
  webhookId: string,
): Promise<WebhookDeliveryRecord | null> {
  const row = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('webhook_id', '=', webhookId)
    .where('last_attempt_at', 'is not', null)
    .orderBy('last_attempt_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row ? toDelivery(row) : null;
}

/** Pending deliveries created before `before`: the sweep enqueues their jobs again. */
export async function findPendingDeliveryIds(
  db: DbOrTrx,
  before: string,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('status', '=', 'pending')
    .where('created_at', '<', before)
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}
