// Webhooks with Webex's shape (`/v1/webhooks`; SPEC §9.1). Webex's `ownedBy`: administrators make
// `org` webhooks on any resource, compliance officers `org` webhooks on convergedRecordings, and
// anyone a `creator` webhook on their own recordings (policy.ts mayOwnWebhook). Catalogue changes
// add one delivery row per matching webhook in the change's own transaction (createWebhookOutbox),
// and a `webhook-deliver` job posts each one (webhook-delivery.service.ts). Every change to a
// webhook is audited.
import crypto from 'node:crypto';
import type {
  RecordingEventSubType,
  Webhook,
  WebhookCreate,
  WebhookDelivery,
  WebhookEvent,
  WebhookOwner,
  WebhookResource,
  WebhookUpdate,
} from '@callvault/shared';
import { audit } from '../audit/audit.service.js';
import type { Clock } from '../clock.js';
import type { Db, Trx } from '../db/database.js';
import { toJsonColumn } from '../db/json.js';
import type { Page } from '../db/paging.js';
import { AppError, forbidden, invalid, notFound } from '../errors.js';
import { normaliseUuid, uuidOfId } from '../ids.js';
import type { JobQueue } from '../jobs/index.js';
import type { Actor } from '../policy/actor.js';
import { can, mayOwnWebhook } from '../policy/policy.js';
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
  type ActiveWebhookRecord,
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

/** Whether a recording's owner is `personId` (either id form). */
function isOwnedBy(ownerId: string | null | undefined, personId: string): boolean {
  return ownerId !== null && ownerId !== undefined && uuidOfId(ownerId) === uuidOfId(personId);
}

// The outbox ------------------------------------------------------------------------------------

export interface WebhookEventInput {
  readonly resource: WebhookResource;
  readonly event: Exclude<WebhookEvent, 'all'>;
  /** Webex's sub-type of an `updated` recording event (TRASH, RESTORE, PURGE). */
  readonly subType?: RecordingEventSubType;
  readonly actorId: string | null;
  /** The envelope's `data`: at least the id of what changed. */
  readonly data: { readonly id: string } & Record<string, unknown>;
  /** What filters test (owner, location, status); `ownerId` also scopes `creator` webhooks. */
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
  const hooks = new Map<WebhookResource, Promise<ActiveWebhookRecord[]>>();
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
        // Only while the creator may still own it: one who lost the role, or is gone, gets nothing.
        if (hook.creatorRoles === null) continue;
        if (!mayOwnWebhook(hook.creatorRoles, hook.resource, hook.ownedBy)) continue;
        if (hook.ownedBy === 'creator' && !isOwnedBy(event.attributes.ownerId, hook.createdBy)) {
          continue;
        }
        if (!matchesWebhookFilter(parseWebhookFilter(hook.resource, hook.filter), event.attributes))
          continue;
        const id = newWebhookId('WEBHOOK_DELIVERY');
        await insertWebhookDelivery(trx, {
          id,
          orgId,
          webhookId: hook.id,
          resource: event.resource,
          event: event.event,
          eventSubType: event.subType ?? null,
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
    ownedBy: w.ownedBy,
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
    eventSubType: d.eventSubType,
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

/** Administrators see and manage every webhook of the org; others their own. */
const managesAll = (actor: Actor) => can(actor, 'webhook.write', org(actor));
const readsAll = (actor: Actor) => can(actor, 'webhook.read', org(actor));
const isCreator = (actor: Actor, w: WebhookRecord) => w.createdBy === actor.personId;

/** A webhook the actor may see: any of the org's for administrators, else one they made. */
async function requireVisibleWebhook(
  db: Db | Trx,
  actor: Actor,
  id: string,
): Promise<WebhookRecord> {
  const hook = await findWebhookById(db, actor.orgId, id);
  if (!hook || !(readsAll(actor) || isCreator(actor, hook))) throw notFound('Webhook');
  return hook;
}

async function requireChangeableWebhook(
  db: Db | Trx,
  actor: Actor,
  id: string,
): Promise<WebhookRecord> {
  const hook = await requireVisibleWebhook(db, actor, id);
  if (!(managesAll(actor) || isCreator(actor, hook))) {
    throw forbidden('Your role does not allow webhook.write in this organization');
  }
  return hook;
}

/**
 * The ownership a new or changed webhook gets: the one asked for, checked; without one, `org` for
 * those who may make it (administrators, as before Webex's `ownedBy` was taken; compliance
 * officers for recordings), else `creator`.
 */
function ownershipFor(
  actor: Actor,
  resource: WebhookResource,
  asked: WebhookOwner | undefined,
): WebhookOwner {
  const owner = asked ?? (mayOwnWebhook(actor.roles, resource, 'org') ? 'org' : 'creator');
  if (owner === 'org' && !mayOwnWebhook(actor.roles, resource, 'org')) {
    throw forbidden(
      resource === 'convergedRecordings'
        ? 'Only administrators and compliance officers may create org-wide recording webhooks; use ownedBy "creator" for your own recordings'
        : `Only administrators may create ${resource} webhooks`,
    );
  }
  if (owner === 'creator' && !mayOwnWebhook(actor.roles, resource, 'creator')) {
    throw new AppError(
      'WEBHOOK_SCOPE_FORBIDDEN',
      `A webhook of your own (ownedBy "creator") covers your own recordings only; ${resource} is not one`,
    );
  }
  return owner;
}

/** A `creator` webhook's filter may narrow to the creator's recordings, never name another owner. */
function assertOwnScope(actor: Actor, filter: ReadonlyMap<string, string>): void {
  const ownerId = filter.get('ownerId');
  if (
    ownerId !== undefined &&
    uuidOfId(actor.personId) !== (normaliseUuid(ownerId) ?? uuidOfId(ownerId))
  ) {
    throw new AppError(
      'WEBHOOK_SCOPE_FORBIDDEN',
      'A webhook of your own (ownedBy "creator") cannot subscribe to the recordings of another owner (filter ownerId)',
    );
  }
  const ownerEmail = filter.get('ownerEmail');
  if (ownerEmail !== undefined && ownerEmail.toLowerCase() !== actor.email.toLowerCase()) {
    throw new AppError(
      'WEBHOOK_SCOPE_FORBIDDEN',
      'A webhook of your own (ownedBy "creator") cannot subscribe to the recordings of another owner (filter ownerEmail)',
    );
  }
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
    ownedBy: w.ownedBy,
    hasSecret: w.secret !== null,
  };
}

export async function createWebhook(
  deps: WebhookDeps,
  actor: Actor,
  body: WebhookCreate,
): Promise<Webhook> {
  const ownedBy = ownershipFor(actor, body.resource, body.ownedBy);
  validateTargetUrl(body.targetUrl, { allowLoopback: deps.allowLoopbackTargets === true });
  const filter = parseWebhookFilter(body.resource, body.filter);
  if (ownedBy === 'creator') assertOwnScope(actor, filter);
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
    ownedBy,
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

/** `GET /v1/webhooks`: administrators list the org's webhooks, others their own; Link paging. */
export async function listWebhooks(
  deps: WebhookDeps,
  actor: Actor,
  page: { max: number; cursor?: string | undefined; ownedBy?: WebhookOwner | undefined },
): Promise<Page<Webhook>> {
  const all = readsAll(actor);
  const hooks = await listWebhooksOfOrg(deps.db, actor.orgId, {
    ...(all ? {} : { createdBy: actor.personId }),
    ownedBy: page.ownedBy,
    cursor: page.cursor,
    limit: page.max,
  });
  const items: Webhook[] = [];
  for (const h of hooks.items) {
    const showSecret = managesAll(actor) || isCreator(actor, h);
    items.push(presentWebhook(h, showSecret, await findLastDelivery(deps.db, h.id)));
  }
  return { items, nextCursor: hooks.nextCursor };
}

export async function getWebhook(deps: WebhookDeps, actor: Actor, id: string): Promise<Webhook> {
  const hook = await requireVisibleWebhook(deps.db, actor, id);
  return presentWebhook(
    hook,
    managesAll(actor) || isCreator(actor, hook),
    await findLastDelivery(deps.db, hook.id),
  );
}

/**
 * `PUT /v1/webhooks/{id}`: name, targetUrl, secret, ownedBy and status change; Webex ignores every
 * other field, so a body read with GET can be sent back changed in place.
 */
export async function updateWebhook(
  deps: WebhookDeps,
  actor: Actor,
  id: string,
  body: WebhookUpdate,
): Promise<Webhook> {
  validateTargetUrl(body.targetUrl, { allowLoopback: deps.allowLoopbackTargets === true });
  const updated = await deps.db.transaction().execute(async (trx) => {
    const before = await requireChangeableWebhook(trx, actor, id);
    let ownedBy = before.ownedBy;
    if (body.ownedBy !== undefined && body.ownedBy !== before.ownedBy) {
      // The ownership is the creator's to change: it decides whose recordings the webhook tells.
      if (!isCreator(actor, before)) {
        throw forbidden('Only the creator of a webhook may change its ownedBy');
      }
      ownedBy = ownershipFor(actor, before.resource, body.ownedBy);
      if (ownedBy === 'creator') {
        assertOwnScope(actor, parseWebhookFilter(before.resource, before.filter));
      }
    }
    const after: WebhookRecord = {
      ...before,
      name: body.name,
      targetUrl: body.targetUrl,
      secret: body.secret ?? before.secret,
      status: body.status ?? before.status,
      ownedBy,
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
  await deps.db.transaction().execute(async (trx) => {
    const hook = await requireChangeableWebhook(trx, actor, id);
    await deleteWebhookRow(trx, id);
    await audit(
      trx,
      deps.clock,
      actor,
      'webhook.deleted',
      { type: 'webhook', id: hook.id },
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
  const hook = await requireVisibleWebhook(deps.db, actor, id);
  return (await listDeliveriesOfWebhook(deps.db, hook.id, max)).map(presentDelivery);
}
