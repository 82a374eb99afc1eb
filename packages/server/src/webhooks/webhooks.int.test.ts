// Webhooks on the database under test: `/v1/webhooks` role by role (Webex's ownedBy: org-wide for
// administrators and compliance officers, a person's own recordings for everyone), Link paging,
// PUT of a GET body, target URL rules, and real deliveries to a receiver on 127.0.0.1 — the Webex
// envelope with its sub-types, the X-Spark-Signature checked with the secret, filters, retries
// with backoff, and the delivery status shown by the API.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock, systemClock } from '../clock.js';
import { EncryptedBlobStore, MasterKeyring, generateMasterKey } from '../crypto/index.js';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import { buildApp } from '../app/build-app.js';
import type { AppInstance } from '../http/types.js';
import { createEmbeddedJobQueue, type JobQueue } from '../jobs/index.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import type { RecordingOwner } from '../recordings/recordings.model.js';
import { storeRecording } from '../recordings/recording-store.service.js';
import { FsBlobStore } from '../storage/fs-blob-store.js';
import { bearer } from '../testing/test-app.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { attemptWebhookDelivery } from './webhook-delivery.service.js';
import { registerWebhookJobs } from './webhooks.jobs.js';
import { registerOutboxJobs } from '../events/outbox.jobs.js';
import { recordingStoredUsage } from '../lifecycle/usage.service.js';
import { recordingCreatedWebhooks } from '../recordings/recording-events.js';

interface Received {
  readonly body: string;
  readonly headers: http.IncomingHttpHeaders;
}

let db: TestDatabase;
let seed: DemoSeed;
let app: AppInstance;
let queue: JobQueue;
let blobStore: EncryptedBlobStore;
let receiver: http.Server;
let target = '';
const clock = fixedClock(new Date('2026-03-02T10:00:00.000Z'));
const received: Received[] = [];
/** Status codes the receiver answers with, in order; 200 once they run out. */
let answers: number[] = [];

function owner(email: string): RecordingOwner {
  const p = seed.people.find((x) => x.email === email);
  if (!p) throw new Error(email);
  return { type: 'user', id: p.id, email, name: email, locationId: p.locationId };
}

const call = (
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  token: string,
  body?: unknown,
) =>
  app.inject({
    method,
    url,
    headers: bearer(token),
    ...(body !== undefined ? { payload: body as object } : {}),
  });

async function store(email: string, size = 500) {
  // Each event gets its own instant, so "newest delivery" is well defined.
  clock.advance(1000);
  const stored = await storeRecording(
    { db: db.db, clock, blobStore, queue },
    {
      orgId: seed.orgId,
      audio: Buffer.from(crypto.randomBytes(size)),
      format: 'OGG',
      durationMs: 1000,
      channels: 2,
      sampleRate: 48000,
      owners: [owner(email)],
      timeRecorded: '2026-03-01T09:00:00.000Z',
      source: 'recorder',
    },
  );
  return stored.recordings[0]?.id ?? '';
}

async function waitFor(count: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (received.length < count) {
    if (Date.now() > deadline) throw new Error(`got ${received.length} of ${count} deliveries`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function waitForIdle(): Promise<void> {
  for (;;) {
    const c = (await queue.counts()).byName['webhook-deliver'];
    if (!c || c.queued + c.active + c.retry === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  seed = await runDemoSeed({ db: db.db, clock });
  blobStore = new EncryptedBlobStore(new FsBlobStore(path.join(db.dataDir, 'blobs')), {
    keyring: new MasterKeyring(generateMasterKey()),
  });
  receiver = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      received.push({ body, headers: req.headers });
      res.statusCode = answers.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  // The queue runs on real time: a retry is due 50 ms after a failure.
  queue = createEmbeddedJobQueue({
    db: db.db,
    clock: systemClock,
    logger: createLogger({ level: 'silent' }),
    pollIntervalMs: 20,
  });
  // Short backoff so a retry happens within the test; the schedule is the real one.
  await registerWebhookJobs(
    queue,
    { db: db.db, clock: systemClock },
    { retryLimit: 2, retryBackoffMs: 50, allowLoopbackTargets: true },
  );
  // A stored recording's webhook and quota events follow its `recording.stored` event.
  await registerOutboxJobs(queue, { db: db.db, clock: systemClock, blobStore }, [
    recordingCreatedWebhooks,
    recordingStoredUsage,
  ]);
  app = await buildApp({
    db: db.db,
    dialect: db.dialect,
    clock,
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics({ defaultMetrics: false }),
    dataDir: db.dataDir,
    blobStore,
    webRoot: null,
    queue,
    builtinSiprecUri: 'sip:callvault@127.0.0.1:5060',
    allowLoopbackWebhookTargets: true,
  });
  await app.ready();
  await queue.start();
});
afterAll(async () => {
  await queue.stop();
  await app.close();
  await new Promise((r) => receiver.close(r));
  await db.drop();
});
beforeEach(async () => {
  await waitForIdle();
  received.length = 0;
  answers = [];
});

describe(`/v1/webhooks on ${testDialect}`, () => {
  const body = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    targetUrl: 'https://hooks.example.com/callvault',
    resource: 'convergedRecordings',
    event: 'created',
    ...extra,
  });

  it('full administrators manage every webhook of the org; others see only their own', async () => {
    const alice = seed.people.find((p) => p.email === 'alice@example.com')?.token ?? '';
    const created = await call(
      'POST',
      '/v1/webhooks',
      seed.admin.token,
      body('crm', { secret: 's3' }),
    );
    expect(created.statusCode).toBe(200);
    const hook = created.json<{ id: string }>();
    expect(hook).toMatchObject({
      name: 'crm',
      resource: 'convergedRecordings',
      event: 'created',
      ownedBy: 'org',
      status: 'active',
      orgId: seed.orgId,
      createdBy: seed.admin.id,
      secret: 's3',
    });
    const listed = await call('GET', '/v1/webhooks', seed.admin.token);
    expect(listed.json<{ items: Array<{ id: string }> }>().items.map((w) => w.id)).toContain(
      hook.id,
    );
    const put = await call('PUT', `/v1/webhooks/${hook.id}`, seed.admin.token, {
      name: 'crm2',
      targetUrl: 'https://hooks.example.com/v2',
      status: 'inactive',
    });
    expect(put.json()).toMatchObject({ name: 'crm2', status: 'inactive', secret: 's3' });
    // Another person's webhook does not exist for a user, to read, change or remove.
    expect((await call('GET', `/v1/webhooks/${hook.id}`, alice)).statusCode).toBe(404);
    expect(
      (await call('PUT', `/v1/webhooks/${hook.id}`, alice, { name: 'x', targetUrl: target }))
        .statusCode,
    ).toBe(404);
    expect((await call('DELETE', `/v1/webhooks/${hook.id}`, alice)).statusCode).toBe(404);
    const alicesList = await call('GET', '/v1/webhooks', alice);
    expect(
      alicesList.json<{ items: Array<{ id: string }> }>().items.map((w) => w.id),
    ).not.toContain(hook.id);
    expect((await call('DELETE', `/v1/webhooks/${hook.id}`, seed.admin.token)).statusCode).toBe(
      204,
    );
    expect((await call('GET', `/v1/webhooks/${hook.id}`, seed.admin.token)).statusCode).toBe(404);
    const actions = await db.db
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('target_id', '=', hook.id)
      .orderBy('seq')
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      'webhook.created',
      'webhook.updated',
      'webhook.deleted',
    ]);
    expect(actions.map((a) => a.details).join('')).not.toContain('s3');
  });

  it.each([
    ['ftp://example.com/x', /http and https/],
    ['http://169.254.169.254/latest/meta-data', /link-local/],
    ['http://user:pw@example.com/', /credentials/],
    ['http://[::]/', /unspecified/],
    ['not a url', /not a URL/],
  ])('refuses the target %s', async (url, why) => {
    const res = await call(
      'POST',
      '/v1/webhooks',
      seed.admin.token,
      body('bad', { targetUrl: url }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toMatch(why);
  });

  it('refuses an unknown filter key', async () => {
    const res = await call(
      'POST',
      '/v1/webhooks',
      seed.admin.token,
      body('f', { filter: 'color=red' }),
    );
    expect(res.statusCode).toBe(400);
  });
});

describe(`deliveries on ${testDialect}`, () => {
  let hookId = '';

  it('a stored recording is posted as a Webex envelope signed with the secret', async () => {
    const created = await call('POST', '/v1/webhooks', seed.admin.token, {
      name: 'receiver',
      targetUrl: target,
      resource: 'convergedRecordings',
      event: 'all',
      filter: `ownerEmail=${encodeURIComponent('alice@example.com')}`,
      secret: 'correct horse',
    });
    expect(created.statusCode).toBe(200);
    hookId = created.json<{ id: string }>().id;
    const alice = seed.people.find((p) => p.email === 'alice@example.com');
    if (!alice) throw new Error('alice');
    const id = await store('alice@example.com');
    await store('bob@example.com'); // filtered out
    await waitFor(1);
    await waitForIdle();
    expect(received).toHaveLength(1);
    const got = received[0];
    if (!got) throw new Error('no delivery');
    const expected = crypto.createHmac('sha1', 'correct horse').update(got.body).digest('hex');
    expect(got.headers['x-spark-signature']).toBe(expected);
    const envelope = JSON.parse(got.body) as Record<string, unknown>;
    expect(envelope).toMatchObject({
      id: hookId,
      name: 'receiver',
      targetUrl: target,
      resource: 'convergedRecordings',
      event: 'created',
      orgId: seed.orgId,
      createdBy: seed.admin.id,
      ownedBy: 'org',
      status: 'active',
      // The owner is the actor of a new recording, as in Webex's own recording events.
      actorId: alice.id,
      data: { id, ownerEmail: 'alice@example.com', status: 'available' },
    });
    expect(envelope).not.toHaveProperty('eventSubType');
    expect(typeof envelope.appId).toBe('string');
    expect(typeof envelope.created).toBe('string');
    const shown = await call('GET', `/v1/webhooks/${hookId}`, seed.admin.token);
    expect(shown.json()).toMatchObject({
      lastDelivery: { status: 'delivered', code: 200, attempts: 1 },
    });
  });

  it('recycle bin, restore and purge are posted as updated with Webex sub-types and the actor', async () => {
    const id = await store('alice@example.com');
    await waitFor(1);
    const alice = seed.people.find((p) => p.email === 'alice@example.com');
    const ids = { recordingIds: [id] };
    expect(
      (await call('POST', '/v1/convergedRecordings/softDelete', alice?.token ?? '', ids))
        .statusCode,
    ).toBe(204);
    expect(
      (await call('POST', '/v1/convergedRecordings/restore', alice?.token ?? '', ids)).statusCode,
    ).toBe(204);
    expect(
      (await call('POST', '/v1/convergedRecordings/softDelete', alice?.token ?? '', ids))
        .statusCode,
    ).toBe(204);
    expect(
      (await call('POST', '/v1/convergedRecordings/purge', alice?.token ?? '', ids)).statusCode,
    ).toBe(204);
    await waitFor(5);
    await waitForIdle();
    // Each change is its own delivery job; order them by the change they report.
    const events = received
      .map(
        (r) =>
          JSON.parse(r.body) as {
            event: string;
            eventSubType?: string;
            actorId: string;
            data: { status: string };
          },
      )
      .map((e) => [e.event, e.eventSubType ?? null, e.data.status, e.actorId]);
    expect(events).toHaveLength(5);
    expect(events).toEqual(
      expect.arrayContaining([
        ['created', null, 'available', alice?.id],
        ['updated', 'TRASH', 'deleted', alice?.id],
        ['updated', 'RESTORE', 'available', alice?.id],
        ['updated', 'PURGE', 'purged', alice?.id],
      ]),
    );
    expect(events.filter((e) => e[1] === 'TRASH')).toHaveLength(2);
    // The delivery log shows the sub-type too.
    const log = await call('GET', `/api/webhooks/${hookId}/deliveries`, seed.admin.token);
    const subTypes = log
      .json<{ items: Array<{ eventSubType: string | null; dataId: string }> }>()
      .items.filter((d) => d.dataId === id)
      .map((d) => d.eventSubType);
    expect(subTypes.sort()).toEqual([null, 'PURGE', 'RESTORE', 'TRASH', 'TRASH'].sort());
  });

  it('a failing receiver is retried with backoff; the attempts and codes are visible', async () => {
    answers = [500];
    await store('alice@example.com');
    await waitFor(2);
    await waitForIdle();
    const list = await call('GET', `/api/webhooks/${hookId}/deliveries`, seed.admin.token);
    expect(list.statusCode).toBe(200);
    const newest = list.json<{ items: Array<Record<string, unknown>> }>().items[0];
    expect(newest).toMatchObject({ status: 'delivered', attempts: 2, code: 200, lastError: null });
    // The same body (and so the same signature) was sent both times.
    expect(received[0]?.body).toBe(received[1]?.body);
  });

  it('after the last retry the delivery is failed with the last answer', async () => {
    answers = [503, 503, 503];
    await store('alice@example.com');
    await waitFor(3);
    await waitForIdle();
    const shown = await call('GET', `/v1/webhooks/${hookId}`, seed.admin.token);
    expect(shown.json()).toMatchObject({
      lastDelivery: { status: 'failed', code: 503, attempts: 3 },
    });
  });

  it('without the loopback allowance a delivery to 127.0.0.1 is refused at connect time', async () => {
    await store('alice@example.com');
    await waitFor(1);
    await waitForIdle();
    // Re-create the pending case by hand and attempt it without the allowance.
    const row = await db.db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('webhook_id', '=', hookId)
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    await db.db
      .updateTable('webhook_deliveries')
      .set({ status: 'pending' })
      .where('id', '=', row.id)
      .execute();
    const outcome = await attemptWebhookDelivery({ db: db.db, clock }, row.id, true);
    expect(outcome).toBe('failed');
    const after = await db.db
      .selectFrom('webhook_deliveries')
      .select(['last_error', 'status'])
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(after.status).toBe('failed');
    expect(after.last_error).toMatch(/loopback/);
    expect(received).toHaveLength(1);
  });

  it('an inactive webhook gets nothing', async () => {
    await call('PUT', `/v1/webhooks/${hookId}`, seed.admin.token, {
      name: 'receiver',
      targetUrl: target,
      status: 'inactive',
    });
    await store('alice@example.com');
    await new Promise((r) => setTimeout(r, 200));
    await waitForIdle();
    expect(received).toHaveLength(0);
  });

  it('a quota threshold is posted to storageQuota webhooks', async () => {
    const created = await call('POST', '/v1/webhooks', seed.admin.token, {
      name: 'quota',
      targetUrl: target,
      resource: 'storageQuota',
      event: 'all',
    });
    expect(created.statusCode).toBe(200);
    const res = await call('PUT', '/api/recording-policy', seed.admin.token, {
      quotaBytes: 1_048_576,
    });
    expect(res.statusCode).toBe(200);
    // About 96 % of the quota at once: 80 and 90 % are both crossed, each posted once.
    await store('alice@example.com', 1_000_000);
    await waitFor(2);
    await waitForIdle();
    const bodies = received.map(
      (r) => JSON.parse(r.body) as { resource: string; event: string; data: { threshold: number } },
    );
    // The two deliveries are separate jobs and may arrive in either order.
    const posted = bodies
      .map((b): [string, string, number] => [b.resource, b.event, b.data.threshold])
      .sort((a, b) => a[2] - b[2]);
    expect(posted).toEqual([
      ['storageQuota', 'updated', 80],
      ['storageQuota', 'updated', 90],
    ]);
  });
});

describe(`Webex webhook ownership, paging and PUT on ${testDialect}`, () => {
  const token = (email: string) => seed.people.find((p) => p.email === email)?.token ?? '';
  const personId = (email: string) => seed.people.find((p) => p.email === email)?.id ?? '';
  const hook = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    targetUrl: target,
    resource: 'convergedRecordings',
    event: 'all',
    ...extra,
  });
  interface Envelope {
    id: string;
    event: string;
    eventSubType?: string;
    ownedBy: string;
    data: { id: string; ownerEmail: string };
  }
  const envelopes = () => received.map((r) => JSON.parse(r.body) as Envelope);

  beforeAll(async () => {
    // Start from no webhooks: the deliveries below are this block's only.
    await waitForIdle();
    const all = await call('GET', '/v1/webhooks', seed.admin.token);
    for (const w of all.json<{ items: Array<{ id: string }> }>().items) {
      await call('DELETE', `/v1/webhooks/${w.id}`, seed.admin.token);
    }
  });

  it('GET /v1/webhooks pages with max and the Link header to the end', async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4, 5]) {
      // Oldest first: each one made a second after the one before.
      clock.advance(1000);
      const res = await call(
        'POST',
        '/v1/webhooks',
        seed.admin.token,
        // No recording is stored before they are removed: nothing is posted to them.
        hook(`page-${n}`, { targetUrl: 'https://hooks.example.com/p' }),
      );
      expect(res.statusCode).toBe(200);
      ids.push(res.json<{ id: string }>().id);
    }
    const seen: string[] = [];
    let url: string | null = '/v1/webhooks?max=2';
    let pages = 0;
    while (url !== null) {
      const res = await call('GET', url, seed.admin.token);
      expect(res.statusCode).toBe(200);
      const items = res.json<{ items: Array<{ id: string }> }>().items;
      expect(items.length).toBeLessThanOrEqual(2);
      seen.push(...items.map((w) => w.id));
      pages++;
      const link = res.headers.link;
      const next = typeof link === 'string' ? /<([^>]+)>; rel="next"/.exec(link)?.[1] : undefined;
      url = next !== undefined ? new URL(next).pathname + new URL(next).search : null;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
    // The last page has no Link; a full page of everything has none either.
    const whole = await call('GET', '/v1/webhooks', seed.admin.token);
    expect(whole.headers.link).toBeUndefined();
    for (const id of ids) await call('DELETE', `/v1/webhooks/${id}`, seed.admin.token);
  });

  it('PUT takes back the body of a GET: read-only and unchangeable fields are ignored', async () => {
    const created = await call(
      'POST',
      '/v1/webhooks',
      seed.admin.token,
      hook('round-trip', {
        event: 'created',
        filter: 'ownerType=user',
        secret: 'sekrit',
        targetUrl: 'https://hooks.example.com/rt',
      }),
    );
    const id = created.json<{ id: string }>().id;
    const got = (await call('GET', `/v1/webhooks/${id}`, seed.admin.token)).json<
      Record<string, unknown>
    >();
    const res = await call('PUT', `/v1/webhooks/${id}`, seed.admin.token, {
      ...got,
      name: 'round-trip 2',
      // Fields a PUT cannot change, sent changed: Webex ignores them, so does Callvault.
      resource: 'storageQuota',
      event: 'deleted',
      filter: 'ownerType=place',
      created: '2000-01-01T00:00:00.000Z',
      orgId: 'somewhere-else',
      id: 'another-id',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ...got, name: 'round-trip 2' });
    const again = await call('GET', `/v1/webhooks/${id}`, seed.admin.token);
    expect(again.json()).toEqual({ ...got, name: 'round-trip 2' });
    // What a PUT does change is still checked.
    const bad = await call('PUT', `/v1/webhooks/${id}`, seed.admin.token, {
      ...got,
      status: 'paused',
    });
    expect(bad.statusCode).toBe(400);
    await call('DELETE', `/v1/webhooks/${id}`, seed.admin.token);
  });

  it('a compliance officer makes org-wide recording webhooks, and only those', async () => {
    const co = seed.complianceOfficer.token;
    const quota = await call('POST', '/v1/webhooks', co, hook('q', { resource: 'storageQuota' }));
    expect(quota.statusCode).toBe(403);
    const created = await call('POST', '/v1/webhooks', co, hook('co-org', { secret: 'c0' }));
    expect(created.statusCode).toBe(200);
    const coHook = created.json<{ id: string; ownedBy: string; createdBy: string }>();
    expect(coHook).toMatchObject({ ownedBy: 'org', createdBy: seed.complianceOfficer.id });
    // The compliance officer lists and reads their own webhook (with its secret), nobody else's.
    const listed = await call('GET', '/v1/webhooks', co);
    expect(listed.json<{ items: Array<{ id: string; secret?: string }> }>().items).toEqual([
      expect.objectContaining({ id: coHook.id, secret: 'c0' }),
    ]);
    // Every owner's recordings reach it.
    const a = await store('alice@example.com');
    const b = await store('bob@example.com');
    await waitFor(2);
    await waitForIdle();
    expect(
      envelopes()
        .map((e) => [e.id, e.ownedBy, e.event, e.data.id])
        .sort(),
    ).toEqual(
      [
        [coHook.id, 'org', 'created', a],
        [coHook.id, 'org', 'created', b],
      ].sort(),
    );
    // Once the person is no longer a compliance officer, their org-wide webhook tells nothing.
    received.length = 0;
    await db.db
      .updateTable('people')
      .set({ roles: JSON.stringify(['user']) })
      .where('id', '=', seed.complianceOfficer.id)
      .execute();
    try {
      await store('bob@example.com');
      await new Promise((r) => setTimeout(r, 300));
      await waitForIdle();
      expect(received).toHaveLength(0);
    } finally {
      await db.db
        .updateTable('people')
        .set({ roles: JSON.stringify(['complianceOfficer']) })
        .where('id', '=', seed.complianceOfficer.id)
        .execute();
    }
    expect((await call('DELETE', `/v1/webhooks/${coHook.id}`, co)).statusCode).toBe(204);
  });

  it('a user subscribes to their own recordings only, with the sub-types of their changes', async () => {
    const alice = token('alice@example.com');
    // Not org-wide, not another resource, not another owner's recordings.
    const org = await call('POST', '/v1/webhooks', alice, hook('org', { ownedBy: 'org' }));
    expect(org.statusCode).toBe(403);
    expect(org.json()).toMatchObject({ errors: [expect.objectContaining({ errorCode: 403001 })] });
    for (const refused of [
      hook('others', { filter: `ownerEmail=${encodeURIComponent('bob@example.com')}` }),
      hook('others', { filter: `ownerId=${personId('bob@example.com')}` }),
      hook('quota', { resource: 'storageQuota' }),
    ]) {
      const res = await call('POST', '/v1/webhooks', alice, refused);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({
        errors: [expect.objectContaining({ errorCode: 403006 })],
      });
    }
    // Her own id in either form, or her email, narrows to what the webhook covers anyway.
    const ownFilter = await call(
      'POST',
      '/v1/webhooks',
      alice,
      hook('own filter', {
        filter: `ownerEmail=${encodeURIComponent('ALICE@example.com')}`,
      }),
    );
    expect(ownFilter.statusCode).toBe(200);
    await call('DELETE', `/v1/webhooks/${ownFilter.json<{ id: string }>().id}`, alice);

    const created = await call('POST', '/v1/webhooks', alice, hook('mine', { secret: 'a1' }));
    expect(created.statusCode).toBe(200);
    const mine = created.json<{ id: string; ownedBy: string }>();
    expect(mine.ownedBy).toBe('creator');
    // An administrator sees it among the org's webhooks.
    const adminList = await call('GET', '/v1/webhooks', seed.admin.token);
    expect(adminList.json<{ items: Array<{ id: string }> }>().items.map((w) => w.id)).toContain(
      mine.id,
    );
    // Making it org-wide takes a role she does not have.
    const widen = await call('PUT', `/v1/webhooks/${mine.id}`, alice, {
      name: 'mine',
      targetUrl: target,
      ownedBy: 'org',
    });
    expect(widen.statusCode).toBe(403);

    const own = await store('alice@example.com');
    await store('bob@example.com');
    await waitFor(1);
    await waitForIdle();
    const ids = { recordingIds: [own] };
    for (const step of ['softDelete', 'restore', 'softDelete', 'purge']) {
      const res = await call('POST', `/v1/convergedRecordings/${step}`, alice, ids);
      expect(res.statusCode).toBe(204);
    }
    await waitFor(5);
    await waitForIdle();
    const got = envelopes();
    expect(got.every((e) => e.id === mine.id && e.ownedBy === 'creator')).toBe(true);
    expect(got.every((e) => e.data.ownerEmail === 'alice@example.com')).toBe(true);
    expect(got.map((e) => `${e.event}/${e.eventSubType ?? '-'}`).sort()).toEqual(
      ['created/-', 'updated/TRASH', 'updated/RESTORE', 'updated/TRASH', 'updated/PURGE'].sort(),
    );
    const signed = received.every(
      (r) =>
        r.headers['x-spark-signature'] ===
        crypto.createHmac('sha1', 'a1').update(r.body).digest('hex'),
    );
    expect(signed).toBe(true);
    expect((await call('DELETE', `/v1/webhooks/${mine.id}`, alice)).statusCode).toBe(204);
  });
});
