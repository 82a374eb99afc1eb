// Webhooks on the database under test: `/v1/webhooks` role by role, target URL rules, and real
// deliveries to a receiver on 127.0.0.1 — the Webex envelope, the X-Spark-Signature checked with
// the secret, filters, retries with backoff, and the delivery status shown by the API.
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

  it('full administrators manage webhooks; read-only and others may not create', async () => {
    const alice = seed.people.find((p) => p.email === 'alice@example.com')?.token ?? '';
    expect((await call('POST', '/v1/webhooks', alice, body('a'))).statusCode).toBe(403);
    expect(
      (await call('POST', '/v1/webhooks', seed.complianceOfficer.token, body('a'))).statusCode,
    ).toBe(403);
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
    expect((await call('GET', `/v1/webhooks/${hook.id}`, alice)).statusCode).toBe(403);
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
      actorId: '',
      data: { id, ownerEmail: 'alice@example.com', status: 'available' },
    });
    expect(typeof envelope.appId).toBe('string');
    expect(typeof envelope.created).toBe('string');
    const shown = await call('GET', `/v1/webhooks/${hookId}`, seed.admin.token);
    expect(shown.json()).toMatchObject({
      lastDelivery: { status: 'delivered', code: 200, attempts: 1 },
    });
  });

  it('recycle bin and purge are posted as updated and deleted with the actor', async () => {
    const id = await store('alice@example.com');
    await waitFor(1);
    const alice = seed.people.find((p) => p.email === 'alice@example.com');
    const ids = { recordingIds: [id] };
    expect(
      (await call('POST', '/v1/convergedRecordings/softDelete', alice?.token ?? '', ids))
        .statusCode,
    ).toBe(204);
    expect(
      (await call('POST', '/v1/convergedRecordings/purge', alice?.token ?? '', ids)).statusCode,
    ).toBe(204);
    await waitFor(3);
    const events = received.map(
      (r) => JSON.parse(r.body) as { event: string; actorId: string; data: { status: string } },
    );
    expect(events.map((e) => [e.event, e.data.status])).toEqual([
      ['created', 'available'],
      ['updated', 'deleted'],
      ['deleted', 'purged'],
    ]);
    expect(events[1]?.actorId).toBe(alice?.id);
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
