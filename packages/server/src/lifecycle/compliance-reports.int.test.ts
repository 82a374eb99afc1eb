// The console's compliance reports on the database under test (SQLite or PostgreSQL), through the
// API: audit chain verification and the CSV export of filtered events (both audited, role by role),
// usage by location and owner type, the daily usage history, the quota thresholds with the
// storageQuota webhooks told of each crossing, and the retention purge preview with legal holds.
import { sql } from 'kysely';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenByEmail } from '../auth/auth.service.js';
import type { RecordingOwner } from '../recordings/recordings.model.js';
import { storeRecording } from '../recordings/recording-store.service.js';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { drainTestOutbox } from '../testing/outbox.js';
import { testDialect } from '../testing/test-database.js';
import { recordingStoredUsage } from './usage.service.js';

const DAY = 86_400_000;
let t: TestApp;
const tokens = { admin: '', co: '', alice: '', readOnly: '' };

const call = (method: 'GET' | 'POST' | 'PUT', url: string, token: string, body?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: bearer(token),
    ...(body !== undefined ? { payload: body as object } : {}),
  });

function owner(email: string): RecordingOwner {
  const p = t.seed.people.find((x) => x.email === email);
  if (!p) throw new Error(email);
  return { type: 'user', id: p.id, email, name: email, locationId: p.locationId };
}

let fill = 0;
async function store(owners: RecordingOwner[], timeRecorded: string, size: number) {
  fill++;
  const stored = await storeRecording(
    { db: t.db.db, clock: t.clock, blobStore: t.blobStore },
    {
      orgId: t.seed.orgId,
      audio: Buffer.alloc(size, fill % 251),
      format: 'OGG',
      durationMs: 1000,
      channels: 2,
      sampleRate: 48000,
      owners,
      timeRecorded,
      source: 'recorder',
    },
  );
  await drainTestOutbox({ db: t.db.db, clock: t.clock, blobStore: t.blobStore }, [
    recordingStoredUsage,
  ]);
  return stored;
}

beforeAll(async () => {
  t = await createTestApp();
  tokens.admin = t.seed.admin.token;
  tokens.co = t.seed.complianceOfficer.token;
  tokens.alice = t.seed.people.find((p) => p.email === 'alice@example.com')?.token ?? '';
  const created = await call('POST', '/v1/people', tokens.admin, {
    emails: ['reader@example.com'],
    displayName: 'Rita Reader',
    firstName: 'Rita',
    lastName: 'Reader',
    roles: ['readOnlyAdmin'],
  });
  expect(created.statusCode).toBe(200);
  tokens.readOnly = (
    await createTokenByEmail({ db: t.db.db, clock: t.clock }, 'reader@example.com', {
      name: 'test',
      expiresInMs: DAY,
    })
  ).token;
});

afterAll(async () => {
  await t.close();
});

async function auditCount(action: string): Promise<number> {
  return (
    await t.db.db.selectFrom('audit_events').select('id').where('action', '=', action).execute()
  ).length;
}

describe(`audit export and verification on ${testDialect}`, () => {
  it.each([
    ['admin', 200],
    ['co', 200],
    ['readOnly', 200],
    ['alice', 403],
  ] as const)('%s verifies the chain → %i', async (who, status) => {
    expect((await call('POST', '/api/audit/verify', tokens[who])).statusCode).toBe(status);
  });

  it('verify reports an intact chain and is itself audited', async () => {
    const before = await auditCount('audit.verified');
    const res = await call('POST', '/api/audit/verify', tokens.co);
    expect(res.statusCode).toBe(200);
    const body = res.json<{ intact: boolean; events: number; firstBroken: unknown }>();
    expect(body).toMatchObject({ intact: true, firstBroken: null });
    expect(body.events).toBeGreaterThan(0);
    expect(await auditCount('audit.verified')).toBe(before + 1);
  });

  it('the CSV export holds exactly the filtered rows, newest first, details as JSON', async () => {
    t.clock.advance(1000);
    // Three events of one target, one of them with a reason shaped like a formula.
    for (const reason of ['first', '=HYPERLINK("http://x")', 'third']) {
      const res = await call('POST', '/api/legal-holds', tokens.co, { scope: 'org', reason });
      expect(res.statusCode).toBe(201);
      t.clock.advance(1000);
    }
    const list = await call('GET', '/api/audit?action=legalHold.created&max=100', tokens.co);
    const listed = list.json<{ items: Array<{ seq: number; action: string }> }>().items;
    expect(listed).toHaveLength(3);

    const exported = await call('GET', '/api/audit/export?action=legalHold.*', tokens.co);
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toMatch(/^text\/csv/);
    expect(exported.headers['content-disposition']).toMatch(/attachment; filename="audit-.*\.csv"/);
    const rows = parse<Record<string, string>>(exported.body, { columns: true });
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'seq',
      'created',
      'action',
      'actorType',
      'actorId',
      'targetType',
      'targetId',
      'clientIp',
      'details',
      'hash',
    ]);
    expect(rows.map((r) => Number(r.seq))).toEqual(listed.map((e) => e.seq));
    expect(rows.every((r) => r.action === 'legalHold.created')).toBe(true);
    expect(rows.every((r) => r.actorId === t.seed.complianceOfficer.id)).toBe(true);
    // Details are the event's JSON, read back as it was written.
    const reasons = rows.map((r) => (JSON.parse(r.details ?? '') as { reason: string }).reason);
    expect(reasons).toEqual(['third', '=HYPERLINK("http://x")', 'first']);

    // A time window narrows it further; no match gives the header alone.
    const from = new Date(t.clock.now().getTime() - 2500).toISOString();
    const windowed = await call(
      'GET',
      `/api/audit/export?action=legalHold.created&from=${encodeURIComponent(from)}`,
      tokens.co,
    );
    expect(parse(windowed.body, { columns: true })).toHaveLength(2);
    const none = await call('GET', '/api/audit/export?targetId=nothing-here', tokens.co);
    expect(none.body.trim().split('\r\n')).toHaveLength(1);
  });

  it('exports page through the whole log and are audited', async () => {
    const before = await auditCount('audit.exported');
    const res = await call('GET', '/api/audit/export', tokens.admin);
    const rows = parse<Record<string, string>>(res.body, { columns: true });
    const seqs = rows.map((r) => Number(r.seq));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(rows[0]?.action).toBe('audit.exported');
    expect(await auditCount('audit.exported')).toBe(before + 1);
    expect((await call('GET', '/api/audit/export', tokens.alice)).statusCode).toBe(403);
  });

  it('verify names the first broken event of the org after tampering', async () => {
    const row = await t.db.db
      .selectFrom('audit_events')
      .select(['seq', 'id'])
      .where('org_id', '=', t.seed.orgId)
      .where('action', '=', 'legalHold.created')
      .orderBy('seq')
      .executeTakeFirstOrThrow();
    await sql`update audit_events set details = ${'{"tampered":true}'} where seq = ${row.seq}`.execute(
      t.db.db,
    );
    const res = await call('POST', '/api/audit/verify', tokens.co);
    expect(res.json()).toMatchObject({
      intact: false,
      firstBroken: { seq: Number(row.seq), id: row.id, reason: expect.stringMatching(/hash/) },
    });
  });
});

describe(`usage reports and retention preview on ${testDialect}`, () => {
  const now = () => t.clock.now().getTime();

  it('usage by location and owner type counts the distinct audio of each group', async () => {
    const alice = owner('alice@example.com');
    const bob = owner('bob@example.com');
    const ws = t.seed.workspaces[0];
    if (!ws) throw new Error('no workspace');
    const place: RecordingOwner = {
      type: 'place',
      id: ws.id,
      email: null,
      name: ws.name,
      locationId: alice.locationId,
    };
    const before = (await call('GET', '/api/usage/breakdown', tokens.co)).json<{
      byOwnerType: Array<{ ownerType: string; bytes: number; recordings: number }>;
    }>();
    const userBefore = before.byOwnerType.find((g) => g.ownerType === 'user') ?? {
      bytes: 0,
      recordings: 0,
    };
    const time = new Date(now() - DAY).toISOString();
    // One call recorded for a person and a workspace: one audio object, two recordings.
    await store([alice, place], time, 5000);
    await store([bob], time, 7000);
    const res = await call('GET', '/api/usage/breakdown', tokens.co);
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      byLocation: Array<{ locationId: string | null; locationName: string | null; bytes: number }>;
      byOwnerType: Array<{ ownerType: string; bytes: number; recordings: number }>;
    }>();
    const user = body.byOwnerType.find((g) => g.ownerType === 'user');
    expect(user).toEqual({
      ownerType: 'user',
      bytes: userBefore.bytes + 12_000,
      recordings: userBefore.recordings + 2,
    });
    expect(body.byOwnerType.find((g) => g.ownerType === 'place')).toMatchObject({
      bytes: 5000,
      recordings: 1,
    });
    const loc = body.byLocation.find((g) => g.locationId === alice.locationId);
    expect(loc?.locationName).toBe(t.seed.locations.find((l) => l.id === alice.locationId)?.name);
    const usage = (await call('GET', '/api/usage', tokens.co)).json<{ bytesUsed: number }>();
    // Every audio object belongs to one location here, so the locations add up to usage.
    expect(body.byLocation.reduce((s, g) => s + g.bytes, 0)).toBe(usage.bytesUsed);
    expect((await call('GET', '/api/usage/breakdown', tokens.alice)).statusCode).toBe(403);
  });

  it('the history has one entry per day, carries days without change and ends with today’s usage', async () => {
    const start = now();
    await store([owner('alice@example.com')], new Date(start).toISOString(), 1000);
    t.clock.set(new Date(start + 3 * DAY));
    await store([owner('alice@example.com')], new Date(start + 3 * DAY).toISOString(), 2000);
    const res = await call('GET', '/api/usage/history', tokens.admin);
    expect(res.statusCode).toBe(200);
    const { days, quotaBytes } = res.json<{
      quotaBytes: number;
      days: Array<{ day: string; bytesUsed: number | null; recordings: number | null }>;
    }>();
    expect(quotaBytes).toBeGreaterThan(0);
    expect(days).toHaveLength(90);
    const today = new Date(start + 3 * DAY).toISOString().slice(0, 10);
    expect(days.at(-1)?.day).toBe(today);
    const usage = (await call('GET', '/api/usage', tokens.admin)).json<{
      bytesUsed: number;
      recordings: number;
    }>();
    expect(days.at(-1)).toMatchObject({ bytesUsed: usage.bytesUsed, recordings: usage.recordings });
    // The two days between the stores carry the usage of the first.
    expect(days.at(-2)?.bytesUsed).toBe(usage.bytesUsed - 2000);
    expect(days.at(-3)?.bytesUsed).toBe(usage.bytesUsed - 2000);
    // Long before the first recording nothing was recorded.
    expect(days[0]).toMatchObject({ bytesUsed: null, recordings: null });
    const week = await call('GET', '/api/usage/history?days=7', tokens.admin);
    expect(week.json<{ days: unknown[] }>().days).toHaveLength(7);
    expect((await call('GET', '/api/usage/history?days=0', tokens.admin)).statusCode).toBe(400);
  });

  it('thresholds say when each was crossed and which storageQuota webhooks were told', async () => {
    const hook = await call('POST', '/v1/webhooks', tokens.admin, {
      name: 'Quota alerts',
      targetUrl: 'https://alerts.example.com/quota',
      resource: 'storageQuota',
      event: 'all',
    });
    expect(hook.statusCode).toBe(200);
    const empty = (await call('GET', '/api/usage/thresholds', tokens.co)).json<{
      level: number;
      thresholds: Array<{ threshold: number; reached: boolean; recipients: unknown[] }>;
    }>();
    expect(empty.level).toBe(0);
    expect(empty.thresholds.map((x) => [x.threshold, x.reached, x.recipients.length])).toEqual([
      [80, false, 0],
      [90, false, 0],
      [100, false, 0],
    ]);
    const { bytesUsed } = (await call('GET', '/api/usage', tokens.admin)).json<{
      bytesUsed: number;
    }>();
    // A quota that puts usage at about 85 %: 80 is crossed, 90 not.
    expect(
      (
        await call('PUT', '/api/recording-policy', tokens.admin, {
          quotaBytes: Math.max(1_048_576, Math.floor(bytesUsed / 0.85)),
        })
      ).statusCode,
    ).toBe(200);
    if (bytesUsed / 1_048_576 < 0.8) {
      await store([owner('alice@example.com')], t.clock.now().toISOString(), 900_000);
    }
    const res = await call('GET', '/api/usage/thresholds', tokens.co);
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      level: number;
      thresholds: Array<{
        threshold: number;
        reached: boolean;
        lastCrossed: string | null;
        auditEventId: string | null;
        recipients: Array<{ webhookName: string; targetUrl: string; status: string }>;
      }>;
    }>();
    expect(body.level).toBeGreaterThanOrEqual(80);
    const eighty = body.thresholds[0];
    expect(eighty).toMatchObject({ threshold: 80, reached: true });
    expect(eighty?.lastCrossed).not.toBeNull();
    expect(eighty?.recipients).toEqual([
      expect.objectContaining({
        webhookName: 'Quota alerts',
        targetUrl: 'https://alerts.example.com/quota',
        status: 'pending',
      }),
    ]);
    const event = await t.db.db
      .selectFrom('audit_events')
      .select('action')
      .where('id', '=', eighty?.auditEventId ?? '')
      .executeTakeFirst();
    expect(event?.action).toBe('quota.threshold');
    expect((await call('GET', '/api/usage/thresholds', tokens.alice)).statusCode).toBe(403);
    await call('PUT', '/api/recording-policy', tokens.admin, { quotaBytes: 107374182400 });
  });

  it('the retention preview counts what the next purge removes and what holds keep', async () => {
    const policy = (await call('GET', '/api/recording-policy', tokens.admin)).json<{
      retentionDays: number;
    }>();
    const current = await call('GET', '/api/recording-policy/retention-preview', tokens.co);
    expect(current.json()).toMatchObject({ retentionDays: policy.retentionDays, recordings: 0 });
    // Release the org holds of the export test so only the holds below count.
    const holds = (await call('GET', '/api/legal-holds', tokens.co)).json<{
      items: Array<{ id: string }>;
    }>();
    for (const h of holds.items) {
      await call('POST', `/api/legal-holds/${h.id}/release`, tokens.co, { reason: 'done' });
    }
    const old = new Date(now() - 40 * DAY).toISOString();
    const a = await store([owner('alice@example.com')], old, 300);
    await store([owner('bob@example.com')], old, 300);
    await store([owner('bob@example.com')], old, 300);
    const preview = async (days: number) =>
      (
        await call(
          'GET',
          `/api/recording-policy/retention-preview?retentionDays=${days}`,
          tokens.admin,
        )
      ).json<{ retentionDays: number; cutoff: string; recordings: number; held: number }>();
    expect(await preview(30)).toMatchObject({ retentionDays: 30, recordings: 3, held: 0 });
    expect((await preview(30)).cutoff).toBe(new Date(now() - 30 * DAY).toISOString());
    expect(await preview(60)).toMatchObject({ recordings: 0, held: 0 });
    const recordingId = a.recordings[0]?.id;
    const hold = await call('POST', '/api/legal-holds', tokens.co, {
      scope: 'recording',
      recordingId,
      reason: 'dispute',
    });
    expect(hold.statusCode).toBe(201);
    expect(await preview(30)).toMatchObject({ recordings: 2, held: 1 });
    const bobId = owner('bob@example.com').id;
    await call('POST', '/api/legal-holds', tokens.co, {
      scope: 'owner',
      ownerId: bobId,
      reason: 'investigation',
    });
    expect(await preview(30)).toMatchObject({ recordings: 0, held: 3 });
    expect(
      (await call('GET', '/api/recording-policy/retention-preview?retentionDays=0', tokens.admin))
        .statusCode,
    ).toBe(400);
    expect(
      (await call('GET', '/api/recording-policy/retention-preview', tokens.alice)).statusCode,
    ).toBe(403);
  });
});
