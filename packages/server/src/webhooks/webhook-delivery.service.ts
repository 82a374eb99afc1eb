// Posting one webhook delivery: the Webex envelope, signed as Webex signs it
// (`X-Spark-Signature`: HMAC-SHA1 of the body under the webhook secret, hex), sent to the
// webhook's target with the address guard of target-url.ts, redirects not followed. Each attempt
// is recorded on the delivery row; the job queue retries a failed attempt with backoff and the
// last allowed attempt marks the delivery failed.
import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { guardedLookup, validateTargetUrl, type TargetPolicy } from './target-url.js';
import {
  findWebhookByIdAnyOrg,
  findWebhookDeliveryById,
  recordDeliveryAttempt,
  skipDelivery,
  type WebhookDeliveryRecord,
  type WebhookRecord,
} from './webhooks.repository.js';
import { CALLVAULT_APP_ID } from './webhooks.service.js';

export const SIGNATURE_HEADER = 'X-Spark-Signature';
const DEFAULT_TIMEOUT_MS = 10_000;
/** Receivers' answers are not used; reading a little keeps the connection tidy. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface WebhookDeliveryDeps {
  readonly db: Db;
  readonly clock: Clock;
  readonly allowLoopbackTargets?: boolean;
  readonly timeoutMs?: number;
}

/**
 * The Webex webhook envelope for one delivery. `eventSubType` (TRASH, RESTORE, PURGE) sits beside
 * `event`, as in the recording events Webex sends its own client; it is absent otherwise.
 */
export function buildWebhookEnvelope(
  hook: WebhookRecord,
  delivery: WebhookDeliveryRecord,
): Record<string, unknown> {
  return {
    id: hook.id,
    name: hook.name,
    targetUrl: hook.targetUrl,
    resource: delivery.resource,
    event: delivery.event,
    ...(delivery.eventSubType !== null ? { eventSubType: delivery.eventSubType } : {}),
    ...(hook.filter !== null ? { filter: hook.filter } : {}),
    orgId: hook.orgId,
    createdBy: hook.createdBy,
    appId: CALLVAULT_APP_ID,
    ownedBy: hook.ownedBy,
    status: hook.status,
    created: hook.createdAt,
    actorId: delivery.actorId ?? '',
    data: JSON.parse(delivery.data) as unknown,
  };
}

/** Webex: HMAC-SHA1 of the raw body with the webhook secret, lowercase hex. */
export function signWebhookBody(secret: string, body: string): string {
  return crypto.createHmac('sha1', secret).update(body).digest('hex');
}

interface PostResult {
  readonly code: number | null;
  readonly error: string | null;
}

function postJson(
  url: URL,
  body: string,
  headers: Record<string, string>,
  policy: TargetPolicy,
  timeoutMs: number,
): Promise<PostResult> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(policy),
        timeout: timeoutMs,
      },
      (response) => {
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) response.destroy();
        });
        response.on('close', () => resolve({ code: response.statusCode ?? null, error: null }));
        response.on('error', () => resolve({ code: response.statusCode ?? null, error: null }));
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error) => resolve({ code: null, error: error.message }));
    request.end(body);
  });
}

export type DeliveryOutcome = 'delivered' | 'retry' | 'failed' | 'skipped' | 'done-before';

/**
 * Makes one attempt at a delivery. `final`: no retry follows, so a failure ends the delivery as
 * failed. Safe to run twice: a delivery that is no longer pending is left alone.
 */
export async function attemptWebhookDelivery(
  deps: WebhookDeliveryDeps,
  deliveryId: string,
  final: boolean,
): Promise<DeliveryOutcome> {
  const delivery = await findWebhookDeliveryById(deps.db, deliveryId);
  if (!delivery || delivery.status !== 'pending') return 'done-before';
  const hook = await findWebhookByIdAnyOrg(deps.db, delivery.webhookId);
  if (!hook || hook.status !== 'active') {
    await skipDelivery(deps.db, deliveryId, 'the webhook is inactive');
    return 'skipped';
  }
  const policy = { allowLoopback: deps.allowLoopbackTargets === true };
  const body = JSON.stringify(buildWebhookEnvelope(hook, delivery));
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'Callvault-Webhooks/1',
    'x-callvault-delivery': delivery.id,
  };
  if (hook.secret !== null) headers[SIGNATURE_HEADER] = signWebhookBody(hook.secret, body);
  let result: PostResult;
  try {
    result = await postJson(
      validateTargetUrl(hook.targetUrl, policy),
      body,
      headers,
      policy,
      deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    );
  } catch (error) {
    result = { code: null, error: error instanceof Error ? error.message : String(error) };
  }
  const ok = result.code !== null && result.code >= 200 && result.code < 300;
  const outcome: DeliveryOutcome = ok ? 'delivered' : final ? 'failed' : 'retry';
  await recordDeliveryAttempt(deps.db, deliveryId, {
    status: outcome === 'retry' ? 'pending' : outcome,
    code: result.code,
    error: ok ? null : (result.error ?? `the target answered ${String(result.code)}`),
    at: deps.clock.now().toISOString(),
  });
  return outcome;
}
