// Webhooks with Webex's shape (`/v1/webhooks`; SPEC §9.1): administrators create,
// list, change and remove them; catalogue changes add one delivery row per matching webhook in the
// change's own transaction (createWebhookOutbox), and a `webhook-deliver` job posts each one
// (webhook-delivery.service.ts). Every change to a webhook is audited.
import crypto from 'node:crypto';
import type {
  Webhook,
  WebhookCreate,
  WebhookDelivery,
  WebhookEvent,
  WebhookResource,
  WebhookUpdate,
} from '@callvault/shared';
import { audit } from '../audit/audit.service.js';
import type { Clock } from '../clock.js';
import type { Db, Trx } from '../db/database.js';
import { toJsonColumn } from '../db/json.js';
import { invalid, notFound } from '../errors.js';
import { normaliseUuid, uuidOfId } from '../ids.js';
import type { JobQueue } from '../jobs/index.js';
import type { Actor } from '../policy/actor.js';
import { assertCan, can } from '../policy/policy.js';
import { validateTargetUrl } from './target-url.js';
import {
  deleteWebhookRow,
  findActiveWebhooks,
  findLastDelivery,
  findWebhookById,
  insertWebhook,
  insertWebhookDelivery,
  listDeliveriesOfWebhook,
  listWebhooksOfOrg,
  updateWebhookRow,
  type WebhookDeliveryRecord,
  type WebhookRecord,
} from './webhooks.repository.js';

export const WEBHOOK_DELIVER_JOB = 'webhook-deliver';

/** Webex ids are base64 of `ciscospark://us/<TYPE>/<uuid>`; the app id names Callvault itself. */
export const CALLVAULT_APP_ID = Buffer.from('ciscospark://us/APPLICATION/callvault').toString(
  'base64url',
);

function newWebhookId(type: 'WEBHOOK' | 'WEBHOOK_DELIVERY'): string {
  return Buffer.from(`ciscospark://us/${type}/${crypto.randomUUID()}`).toString('base64url');
}

export interface WebhookDeps {
  readonly db: Db;
  readonly clock: Clock;
  /** Tests post to a receiver on 127.0.0.1; never set from configuration (target-url.ts). */
  readonly allowLoopbackTargets?: boolean;
}

// Filters ----------------------------------------------------------------------------------------

/** The attributes a `convergedRecordings` filter may test; the others take no filter. */
const FILTER_KEYS: Readonly<Record<WebhookResource, readonly string[]>> = {
  convergedRecordings: ['ownerId', 'ownerEmail', 'ownerType', 'locationId', 'status'],
  storageQuota: [],
  recordingAccess: [],
};

/** Webex's filter syntax: `key=value` pairs joined by `&`, values URL-encoded. */
export function parseWebhookFilter(
  resource: WebhookResource,
  text: string | null | undefined,
): Map<string, string> {
  const pairs = new Map<string, string>();
  if (text === undefined || text === null || text.trim() === '') return pairs;
  for (const part of text.split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw invalid(`filter: "${part}" is not key=value`);
    const key = part.slice(0, eq);
    let value: string;
    try {
      value = decodeURIComponent(part.slice(eq + 1));
    } catch {
      throw invalid(`filter: the value of ${key} is not URL-encoded correctly`);
    }
    if (!FILTER_KEYS[resource].includes(key)) {
      const allowed = FILTER_KEYS[resource];
      throw invalid(
        allowed.length === 0
          ? `filter: ${resource} webhooks take no filter`
          : `filter: unknown key ${key}; use ${allowed.join(', ')}`,
      );
    }
    if (pairs.has(key)) throw invalid(`filter: ${key} is given twice`);
    pairs.set(key, value);
  }
  return pairs;
}

export function matchesWebhookFilter(
  filter: ReadonlyMap<string, string>,
  attributes: Readonly<Record<string, string | null | undefined>>,
): boolean {
  for (const [key, want] of filter) {
    const have = attributes[key];
    if (have === null || have === undefined) return false;
    const same =
      key === 'ownerEmail'
        ? have.toLowerCase() === want.toLowerCase()
        : key === 'ownerId' || key === 'locationId'
          ? // Either form names the owner or location: Callvault's Webex id or the plain UUID.
            uuidOfId(have) === (normaliseUuid(want) ?? uuidOfId(want))
          : have === want;
    if (!same) return false;
  }
  return true;
}

// The outbox ------------------------------------------------------------------------------------

export interface WebhookEventInput {
  readonly resource: WebhookResource;
  readonly event: Exclude<WebhookEvent, 'all'>;
  readonly actorId: string | null;
  /** The envelope's `data`: at least the id of what changed. */
  readonly data: { readonly id: string } & Record<string, unknown>;
  /** What filters test (owner, location, status). */
  readonly attributes: Readonly<Record<string, string | null | undefined>>;
}

export interface WebhookOutbox {
  /** Adds a delivery row for each active webhook of the org that wants this event. */
  add(event: WebhookEventInput): Promise<void>;
  /** The deliveries added so far; enqueue them once the transaction has committed. */
  readonly deliveryIds: readonly string[];
}

/** The webhook events of one transaction of one org. Webhooks are read once per resource. */
export function createWebhookOutbox(trx: Trx, clock: Clock, orgId: string): WebhookOutbox {
  const hooks = new Map<WebhookResource, Promise<WebhookRecord[]>>();
  const deliveryIds: string[] = [];
  return {
    deliveryIds,
    async add(event) {
      let pending = hooks.get(event.resource);
      if (!pending) {
        pending = findActiveWebhooks(trx, orgId, event.resource);
        hooks.set(event.resource, pending);
      }
      for (const hook of await pending) {
        if (hook.event !== 'all' && hook.event !== event.event) continue;
        if (!matchesWebhookFilter(parseWebhookFilter(hook.resource, hook.filter), event.attributes))
          continue;
        const id = newWebhookId('WEBHOOK_DELIVERY');
        await insertWebhookDelivery(trx, {
          id,
          orgId,
          webhookId: hook.id,
          resource: event.resource,
          event: event.event,
          actorId: event.actorId,
          data: toJsonColumn(event.data),
          createdAt: clock.now().toISOString(),
        });
        deliveryIds.push(id);
      }
    },
  };
}

/**
 * Enqueues the delivery jobs of committed deliveries. Without a queue in this process (the import
 * command) the minute sweep enqueues them; a failure here is recovered the same way.
 */
export async function enqueueWebhookDeliveries(
  queue: JobQueue | null | undefined,
  deliveryIds: readonly string[],
): Promise<void> {
  if (!queue) return;
  for (const id of deliveryIds) {
    await queue
      .enqueue(WEBHOOK_DELIVER_JOB, { deliveryId: id }, { singletonKey: id })
      .catch(() => undefined);
  }
}

// Presenting -------------------------------------------------------------------------------------

function presentWebhook(
  w: WebhookRecord,
  showSecret: boolean,
  last: WebhookDeliveryRecord | null,
): Webhook {
  return {
    id: w.id,
    name: w.name,
    targetUrl: w.targetUrl,
    resource: w.resource,
    event: w.event,
    ...(w.filter !== null ? { filter: w.filter } : {}),
    ...(showSecret && w.secret !== null ? { secret: w.secret } : {}),
    orgId: w.orgId,
    createdBy: w.createdBy,
    appId: CALLVAULT_APP_ID,
    ownedBy: 'org',
    status: w.status,
    created: w.createdAt,
    ...(last
      ? {
          lastDelivery: {
            status: last.status,
            code: last.lastStatusCode,
            at: last.lastAttemptAt,
            attempts: last.attempts,
          },
        }
      : {}),
  };
}

function presentDelivery(d: WebhookDeliveryRecord): WebhookDelivery {
  let dataId: string | null = null;
  try {
    const data = JSON.parse(d.data) as { id?: unknown };
    if (typeof data.id === 'string') dataId = data.id;
  } catch {
    dataId = null;
  }
  return {
    id: d.id,
    webhookId: d.webhookId,
    resource: d.resource,
    event: d.event,
    dataId,
    status: d.status,
    attempts: d.attempts,
    code: d.lastStatusCode,
    lastError: d.lastError,
    created: d.createdAt,
    lastAttempt: d.lastAttemptAt,
    delivered: d.deliveredAt,
  };
}

// CRUD -------------------------------------------------------------------------------------------

const org = (actor: Actor) => ({ orgId: actor.orgId });

async function requireWebhook(db: Db | Trx, actor: Actor, id: string): Promise<WebhookRecord> {
  const hook = await findWebhookById(db, actor.orgId, id);
  if (!hook) throw notFound('Webhook');
  return hook;
}

/** Audit details of a webhook: never the secret itself. */
function auditView(w: WebhookRecord): Record<string, unknown> {
  return {
    name: w.name,
    targetUrl: w.targetUrl,
    resource: w.resource,
    event: w.event,
    filter: w.filter,
    status: w.status,
    hasSecret: w.secret !== null,
  };
}

export async function createWebhook(
  deps: WebhookDeps,
  actor: Actor,
  body: WebhookCreate,
): Promise<Webhook> {
  assertCan(actor, 'webhook.write', org(actor));
  validateTargetUrl(body.targetUrl, { allowLoopback: deps.allowLoopbackTargets === true });
  parseWebhookFilter(body.resource, body.filter);
  const now = deps.clock.now().toISOString();
  const hook: WebhookRecord = {
    id: newWebhookId('WEBHOOK'),
    orgId: actor.orgId,
    name: body.name,
    targetUrl: body.targetUrl,
    resource: body.resource,
    event: body.event,
    filter: body.filter !== undefined && body.filter.trim() !== '' ? body.filter : null,
    secret: body.secret ?? null,
    status: 'active',
    createdBy: actor.personId,
    createdAt: now,
    updatedAt: now,
  };
  await deps.db.transaction().execute(async (trx) => {
    await insertWebhook(trx, hook);
    await audit(
      trx,
      deps.clock,
      actor,
      'webhook.created',
      { type: 'webhook', id: hook.id },
      auditView(hook),
    );
  });
  return presentWebhook(hook, true, null);
}

export async function listWebhooks(
  deps: WebhookDeps,
  actor: Actor,
  max: number,
): Promise<Webhook[]> {
  assertCan(actor, 'webhook.read', org(actor));
  const showSecret = can(actor, 'webhook.write', org(actor));
  const hooks = await listWebhooksOfOrg(deps.db, actor.orgId, max);
  const out: Webhook[] = [];
  for (const h of hooks)
    out.push(presentWebhook(h, showSecret, await findLastDelivery(deps.db, h.id)));
  return out;
}

export async function getWebhook(deps: WebhookDeps, actor: Actor, id: string): Promise<Webhook> {
  assertCan(actor, 'webhook.read', org(actor));
  const hook = await requireWebhook(deps.db, actor, id);
  return presentWebhook(
    hook,
    can(actor, 'webhook.write', org(actor)),
    await findLastDelivery(deps.db, hook.id),
  );
}

export async function updateWebhook(
  deps: WebhookDeps,
  actor: Actor,
  id: string,
  body: WebhookUpdate,
): Promise<Webhook> {
  assertCan(actor, 'webhook.write', org(actor));
  validateTargetUrl(body.targetUrl, { allowLoopback: deps.allowLoopbackTargets === true });
  const updated = await deps.db.transaction().execute(async (trx) => {
    const before = await requireWebhook(trx, actor, id);
    const after: WebhookRecord = {
      ...before,
      name: body.name,
      targetUrl: body.targetUrl,
      secret: body.secret ?? before.secret,
      status: body.status ?? before.status,
      updatedAt: deps.clock.now().toISOString(),
    };
    await updateWebhookRow(trx, after);
    await audit(
      trx,
      deps.clock,
      actor,
      'webhook.updated',
      { type: 'webhook', id },
      {
        before: auditView(before),
        after: auditView(after),
        secretChanged: before.secret !== after.secret,
      },
    );
    return after;
  });
  return presentWebhook(updated, true, await findLastDelivery(deps.db, id));
}

export async function deleteWebhook(deps: WebhookDeps, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'webhook.write', org(actor));
  await deps.db.transaction().execute(async (trx) => {
    const hook = await requireWebhook(trx, actor, id);
    await deleteWebhookRow(trx, id);
    await audit(
      trx,
      deps.clock,
      actor,
      'webhook.deleted',
      { type: 'webhook', id },
      auditView(hook),
    );
  });
}

/** `GET /api/webhooks/{id}/deliveries`: newest first. */
export async function listWebhookDeliveries(
  deps: WebhookDeps,
  actor: Actor,
  id: string,
  max: number,
): Promise<WebhookDelivery[]> {
  assertCan(actor, 'webhook.read', org(actor));
  const hook = await requireWebhook(deps.db, actor, id);
  return (await listDeliveriesOfWebhook(deps.db, hook.id, max)).map(presentDelivery);
}
