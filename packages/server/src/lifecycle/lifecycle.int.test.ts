// The lifecycle on the database under test (SQLite or PostgreSQL), through the API where there is
// one: legal holds role by role, held recordings never purged or deleted, the retention job run
// with a fixed `now` (boundary table, idempotent, per-owner holds, deferred audio release), the
// retention and quota policy, and quota notifications at 80/90/100 %.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenByEmail } from '../auth/auth.service.js';
import { createEmbeddedJobQueue, type JobQueue } from '../jobs/index.js';
import { registerApplicationJobs, runJobWithFanOut } from '../app/register-jobs.js';
import { createLogger } from '../observability/logger.js';
import type { RecordingOwner } from '../recordings/recordings.model.js';
import { findAudioObjectById, findRecordingById } from '../recordings/recordings.repository.js';
import { storeRecording } from '../recordings/recording-store.service.js';
import { drainTestOutbox } from '../testing/outbox.js';
import { recordingCreatedWebhooks } from '../recordings/recording-events.js';
import { recordingStoredUsage } from './usage.service.js';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';
import { transcriptBlobKey } from '../transcription/transcription.service.js';
import {
  findTranscriptByRecordingId,
  insertTranscript,
} from '../transcription/transcripts.repository.js';
import { isOverQuota } from './usage.service.js';

const DAY = 86_400_000;
let t: TestApp;
let queue: JobQueue;
const tokens = { admin: '', co: '', alice: '', bob: '', readOnly: '' };

function owner(email: string): RecordingOwner {
  const p = t.seed.people.find((x) => x.email === email);
  if (!p) throw new Error(email);
  return { type: 'user', id: p.id, email, name: email, locationId: p.locationId };
}

let fill = 0;
const bytes = (n: number): Buffer => {
  fill++;
  return Buffer.alloc(n, fill % 251);
};

async function store(email: string, timeRecorded: string, size = 1000) {
  const stored = await storeRecording(
    { db: t.db.db, clock: t.clock, blobStore: t.blobStore },
    {
      orgId: t.seed.orgId,
      audio: bytes(size),
      format: 'OGG',
      durationMs: 1000,
      channels: 2,
      sampleRate: 48000,
      owners: [owner(email)],
      timeRecorded,
      source: 'recorder',
    },
  );
  // The quota notices and webhooks that follow a stored recording happen now, as a worker would
  // run them (the bytes stored here are no audio to draw peaks of).
  await drainTestOutbox({ db: t.db.db, clock: t.clock, blobStore: t.blobStore }, [
    recordingStoredUsage,
    recordingCreatedWebhooks,
  ]);
  const recording = stored.recordings[0];
  if (!recording) throw new Error('nothing stored');
  return { recording, audio: stored.audio };
}

const call = (
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  token: string,
  body?: unknown,
) =>
  t.app.inject({
    method,
    url,
    headers: bearer(token),
    ...(body !== undefined ? { payload: body as object } : {}),
  });

async function auditCount(action: string, targetId?: string): Promise<number> {
  let q = t.db.db.selectFrom('audit_events').select('id').where('action', '=', action);
  if (targetId !== undefined) q = q.where('target_id', '=', targetId);
  return (await q.execute()).length;
}

async function statusOf(id: string): Promise<string | undefined> {
  return (await findRecordingById(t.db.db, t.seed.orgId, id))?.status;
}

async function runRetention(now: Date): Promise<void> {
  const result = await runJobWithFanOut(queue, 'retention', now, { pollMs: 20 });
  expect(result.failed).toBe(0);
}

beforeAll(async () => {
  t = await createTestApp();
  tokens.admin = t.seed.admin.token;
  tokens.co = t.seed.complianceOfficer.token;
  for (const name of ['alice', 'bob'] as const) {
    tokens[name] = t.seed.people.find((p) => p.email === `${name}@example.com`)?.token ?? '';
  }
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
      expiresInMs: 86_400_000,
    })
  ).token;
  queue = createEmbeddedJobQueue({
    db: t.db.db,
    clock: t.clock,
    logger: createLogger({ level: 'silent' }),
    pollIntervalMs: 20,
  });
  await registerApplicationJobs(queue, { db: t.db.db, clock: t.clock, blobStore: t.blobStore });
});
afterAll(async () => {
  await queue.stop();
  await t.close();
});

describe(`legal holds API on ${testDialect}`, () => {
  it.each([
    ['admin', 201],
    ['co', 201],
    ['readOnly', 403],
    ['alice', 403],
  ] as const)('%s places an org hold → %i', async (who, status) => {
    const res = await call('POST', '/api/legal-holds', tokens[who], {
      scope: 'org',
      reason: `litigation ${who}`,
    });
    expect(res.statusCode).toBe(status);
    if (status === 201) {
      expect(res.json()).toMatchObject({ scope: 'org', status: 'active', releasedBy: null });
      expect(await auditCount('legalHold.created', res.json<{ id: string }>().id)).toBe(1);
    }
  });

  it.each([
    ['admin', 200],
    ['co', 200],
    ['readOnly', 200],
    ['alice', 403],
  ] as const)('%s lists holds → %i', async (who, status) => {
    expect((await call('GET', '/api/legal-holds', tokens[who])).statusCode).toBe(status);
  });

  it('refuses a hold without a reason, on an unknown recording or on a stranger', async () => {
    const noReason = await call('POST', '/api/legal-holds', tokens.co, {
      scope: 'org',
      reason: ' ',
    });
    expect(noReason.statusCode).toBe(400);
    const missing = await call('POST', '/api/legal-holds', tokens.co, { scope: 'org' });
    expect(missing.statusCode).toBe(400);
    const unknown = await call('POST', '/api/legal-holds', tokens.co, {
      scope: 'recording',
      recordingId: 'nope',
      reason: 'x',
    });
    expect(unknown.statusCode).toBe(404);
    const stranger = await call('POST', '/api/legal-holds', tokens.co, {
      scope: 'owner',
      ownerId: 'not-a-person',
      reason: 'x',
    });
    expect(stranger.statusCode).toBe(400);
    const mixed = await call('POST', '/api/legal-holds', tokens.co, {
      scope: 'org',
      ownerId: owner('bob@example.com').id,
      reason: 'x',
    });
    expect(mixed.statusCode).toBe(400);
  });

  it('releasing keeps the hold with who and when; a second release conflicts; readers cannot', async () => {
    const active = (await call('GET', '/api/legal-holds', tokens.admin)).json<{
      items: Array<{ id: string }>;
    }>().items;
    expect(active).toHaveLength(2);
    for (const hold of active) {
      expect(
        (await call('POST', `/api/legal-holds/${hold.id}/release`, tokens.readOnly, {})).statusCode,
      ).toBe(403);
      const res = await call('POST', `/api/legal-holds/${hold.id}/release`, tokens.co, {
        reason: 'case closed',
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        status: 'released',
        releasedBy: t.seed.complianceOfficer.id,
        released: t.clock.now().toISOString(),
        releaseReason: 'case closed',
      });
      expect(await auditCount('legalHold.released', hold.id)).toBe(1);
      const again = await call('POST', `/api/legal-holds/${hold.id}/release`, tokens.co, {});
      expect(again.statusCode).toBe(409);
    }
    expect(
      (await call('GET', '/api/legal-holds', tokens.admin)).json<{ items: unknown[] }>().items,
    ).toHaveLength(0);
    const released = await call('GET', '/api/legal-holds?status=released', tokens.readOnly);
    expect(released.json<{ items: unknown[] }>().items).toHaveLength(2);
  });

  it('names the held owner by their display name, in the answer and in the list', async () => {
    const bobId = owner('bob@example.com').id;
    const res = await call('POST', '/api/legal-holds', tokens.co, {
      scope: 'owner',
      ownerId: bobId,
      reason: 'named owner',
    });
    expect(res.json()).toMatchObject({ ownerId: bobId, ownerName: 'Bob Berg' });
    const { items: list } = (await call('GET', '/api/legal-holds', tokens.co)).json<{
      items: Array<{ ownerId: string | null; ownerName: string | null; scope: string }>;
    }>();
    const held = list.filter((h) => h.ownerId === bobId);
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((h) => h.ownerName === 'Bob Berg')).toBe(true);
    expect(list.filter((h) => h.scope === 'org').every((h) => h.ownerName === null)).toBe(true);
    const id = res.json<{ id: string }>().id;
    expect(
      (await call('POST', `/api/legal-holds/${id}/release`, tokens.co, {})).json(),
    ).toMatchObject({ status: 'released', ownerName: 'Bob Berg' });
  });
});

describe(`held recordings on ${testDialect}`, () => {
  it('a purge keeps held audio, a compliance officer still lists it, a delete is refused; after the release retention gives the audio back', async () => {
    const { recording, audio } = await store('alice@example.com', '2026-03-01T09:00:00.000Z');
    const hold = await call('POST', '/api/legal-holds', tokens.co, {
      scope: 'recording',
      recordingId: recording.id,
      reason: 'subpoena 12',
    });
    expect(hold.statusCode).toBe(201);
    const ids = { recordingIds: [recording.id] };
    expect(
      (await call('POST', '/v1/convergedRecordings/softDelete', tokens.admin, ids)).statusCode,
    ).toBe(204);
    expect(
      (await call('POST', '/v1/convergedRecordings/purge', tokens.admin, ids)).statusCode,
    ).toBe(204);
    expect(await statusOf(recording.id)).toBe('purged');
    expect(await findAudioObjectById(t.db.db, audio.id)).not.toBeNull();
    expect(await t.blobStore.head(audio.blobKey)).not.toBeNull();

    const listed = await call(
      'GET',
      '/v1/admin/convergedRecordings?status=purged&from=2026-02-28T00:00:00Z&to=2026-03-02T00:00:00Z',
      tokens.co,
    );
    expect(listed.statusCode).toBe(200);
    expect(listed.json<{ items: Array<{ id: string }> }>().items.map((r) => r.id)).toContain(
      recording.id,
    );

    const del = await call('DELETE', `/v1/convergedRecordings/${recording.id}`, tokens.co, {
      reason: 'test',
    });
    expect(del.statusCode).toBe(409);
    expect(del.json<{ message: string }>().message).toMatch(/legal hold/);

    // Retention while held changes nothing.
    await runRetention(t.clock.now());
    expect(await findAudioObjectById(t.db.db, audio.id)).not.toBeNull();

    const holdId = hold.json<{ id: string }>().id;
    expect(
      (await call('POST', `/api/legal-holds/${holdId}/release`, tokens.co, {})).statusCode,
    ).toBe(200);
    await runRetention(t.clock.now());
    expect(await findAudioObjectById(t.db.db, audio.id)).toBeNull();
    expect(await t.blobStore.head(audio.blobKey)).toBeNull();
    expect(await auditCount('recording.audioReleased', audio.id)).toBe(1);
    const gone = await call('DELETE', `/v1/convergedRecordings/${recording.id}`, tokens.co, {
      reason: 'test',
    });
    expect(gone.statusCode).toBe(204);
  });

  it('retention removes a transcript with its recording; a held one stays until the hold is released', async () => {
    const addTranscript = async (id: string): Promise<string> => {
      const key = transcriptBlobKey(t.seed.orgId, id);
      await t.blobStore.put(key, Buffer.from('{"segments":[]}', 'utf8'));
      await insertTranscript(t.db.db, {
        recordingId: id,
        orgId: t.seed.orgId,
        status: 'completed',
        reason: null,
        engine: 'pocketsphinx',
        language: 'en',
        blobKey: key,
        text: 'hello there',
        wordCount: 2,
        createdAt: t.clock.now().toISOString(),
      });
      return key;
    };
    // Recorded more than the default 365 days before now: due.
    const old = new Date(t.clock.now().getTime() - 400 * DAY).toISOString();
    const free = await store('bob@example.com', old);
    const held = await store('bob@example.com', old);
    const freeKey = await addTranscript(free.recording.id);
    const heldKey = await addTranscript(held.recording.id);
    const hold = await call('POST', '/api/legal-holds', tokens.co, {
      scope: 'recording',
      recordingId: held.recording.id,
      reason: 'inquiry 7',
    });
    expect(hold.statusCode).toBe(201);
    // A purge by hand while held keeps the transcript as evidence.
    const ids = { recordingIds: [held.recording.id] };
    expect(
      (await call('POST', '/v1/convergedRecordings/softDelete', tokens.admin, ids)).statusCode,
    ).toBe(204);
    expect(
      (await call('POST', '/v1/convergedRecordings/purge', tokens.admin, ids)).statusCode,
    ).toBe(204);

    await runRetention(t.clock.now());
    expect(await statusOf(free.recording.id)).toBe('purged');
    expect(await findTranscriptByRecordingId(t.db.db, free.recording.id)).toBeNull();
    expect(await t.blobStore.head(freeKey)).toBeNull();
    const purgedEvent = await t.db.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'recording.purged')
      .where('target_id', '=', free.recording.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(purgedEvent.details)).toMatchObject({
      by: 'retention',
      transcriptRemoved: true,
    });
    expect(await findTranscriptByRecordingId(t.db.db, held.recording.id)).not.toBeNull();
    expect(await t.blobStore.head(heldKey)).not.toBeNull();

    const holdId = hold.json<{ id: string }>().id;
    expect(
      (await call('POST', `/api/legal-holds/${holdId}/release`, tokens.co, {})).statusCode,
    ).toBe(200);
    await runRetention(t.clock.now());
    expect(await findTranscriptByRecordingId(t.db.db, held.recording.id)).toBeNull();
    expect(await t.blobStore.head(heldKey)).toBeNull();
    expect(await auditCount('recording.transcriptReleased', held.recording.id)).toBe(1);
  });

  it('a bulk delete deletes what is not held and reports the held one', async () => {
    const a = await store('alice@example.com', '2026-03-01T10:00:00.000Z');
    const b = await store('alice@example.com', '2026-03-01T11:00:00.000Z');
    const hold = await call('POST', '/api/legal-holds', tokens.co, {
      scope: 'recording',
      recordingId: b.recording.id,
      reason: 'hr case',
    });
    const res = await call('POST', '/api/recordings/bulk', tokens.co, {
      action: 'delete',
      ids: [a.recording.id, b.recording.id],
      reason: 'cleanup',
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      changed: string[];
      failed: Array<{ id: string; errorCode: string }>;
    }>();
    expect(body.changed).toEqual([a.recording.id]);
    expect(body.failed).toEqual([
      expect.objectContaining({ id: b.recording.id, errorCode: 'CONFLICT' }),
    ]);
    expect(await statusOf(b.recording.id)).toBe('available');
    await call('POST', `/api/legal-holds/${hold.json<{ id: string }>().id}/release`, tokens.co, {});
  });
});

describe(`recording policy on ${testDialect}`, () => {
  it.each([
    ['admin', 200],
    ['co', 403],
    ['readOnly', 403],
    ['alice', 403],
  ] as const)('%s sets retention → %i', async (who, status) => {
    const res = await call('PUT', '/api/recording-policy', tokens[who], { retentionDays: 30 });
    expect(res.statusCode).toBe(status);
  });

  it.each([0, 3651, 1.5])('retentionDays %d is refused', async (days) => {
    const res = await call('PUT', '/api/recording-policy', tokens.admin, { retentionDays: days });
    expect(res.statusCode).toBe(400);
  });

  it('the change is audited with before and after, and shows in the Webex settings', async () => {
    const events = await t.db.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'recordingPolicy.updated')
      .execute();
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]?.details ?? '{}')).toEqual({
      before: { retentionDays: 365 },
      after: { retentionDays: 30 },
    });
    const webex = await call('GET', '/v1/telephony/config/callRecording', tokens.admin);
    expect(webex.json()).toMatchObject({ retentionDays: 30 });
    expect((await call('GET', '/api/recording-policy', tokens.readOnly)).json()).toEqual({
      retentionDays: 30,
      quotaBytes: 107374182400,
    });
  });
});

describe(`retention job on ${testDialect} (retention 30 days)`, () => {
  const now = new Date('2026-06-01T12:00:00.000Z');
  const at = (ms: number): string => new Date(now.getTime() - ms).toISOString();
  // [time recorded, purged by a run at `now`?]
  const table: Array<[string, string, boolean]> = [
    ['one day old', at(DAY), false],
    ['30 days less 1 ms', at(30 * DAY - 1), false],
    ['exactly 30 days', at(30 * DAY), false],
    ['30 days and 1 ms', at(30 * DAY + 1), true],
    ['a year old', at(365 * DAY), true],
  ];
  const made = new Map<string, string>();
  let bobOld = '';

  beforeAll(async () => {
    for (const [name, time] of table) {
      made.set(name, (await store('alice@example.com', time)).recording.id);
    }
    bobOld = (await store('bob@example.com', at(100 * DAY))).recording.id;
    const hold = await call('POST', '/api/legal-holds', tokens.admin, {
      scope: 'owner',
      ownerId: owner('bob@example.com').id,
      reason: 'bob under investigation',
    });
    expect(hold.statusCode).toBe(201);
    await runRetention(now);
  });

  it.each(table)('%s (%s): purged %s', async (name, _time, purged) => {
    expect(await statusOf(made.get(name) ?? '')).toBe(purged ? 'purged' : 'available');
  });

  it('purges are audited by the system with the retention that applied', async () => {
    const id = made.get('30 days and 1 ms') ?? '';
    const rows = await t.db.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'recording.purged')
      .where('target_id', '=', id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.actor_type).toBe('system');
    expect(JSON.parse(rows[0]?.details ?? '{}')).toMatchObject({
      by: 'retention',
      retentionDays: 30,
      cutoff: at(30 * DAY),
      audioRemoved: true,
    });
  });

  it('an owner hold keeps every recording of that owner', async () => {
    expect(await statusOf(bobOld)).toBe('available');
  });

  it('a retention purge is a compliance event: updated with the PURGE sub-type, by nobody', async () => {
    const id = made.get('a year old') ?? '';
    const res = await call(
      'GET',
      `/v1/events?resource=convergedRecordings&serviceType=calling&type=updated`,
      tokens.co,
    );
    expect(res.statusCode).toBe(200);
    const events = res
      .json<{
        items: Array<{
          eventSubType?: string;
          actorId: string;
          data: { id: string; status: string };
        }>;
      }>()
      .items.filter((e) => e.data.id === id);
    expect(events).toEqual([
      expect.objectContaining({
        eventSubType: 'PURGE',
        actorId: '',
        data: expect.objectContaining({ status: 'purged' }),
      }),
    ]);
  });

  it('running again purges nothing twice', async () => {
    const before = await auditCount('recording.purged');
    await runRetention(now);
    expect(await auditCount('recording.purged')).toBe(before);
  });
});

describe(`quota on ${testDialect}`, () => {
  const QUOTA = 10 * 1_048_576;
  const time = '2026-03-02T09:00:00.000Z';

  async function usage(token = tokens.admin) {
    const res = await call('GET', '/api/usage', token);
    expect(res.statusCode).toBe(200);
    return res.json<{
      bytesUsed: number;
      quotaBytes: number;
      recordings: number;
      percent: number;
      level: number;
      overQuota: boolean;
    }>();
  }
  /** Stores one recording that brings usage to `percent` of the quota. */
  async function fillTo(percent: number) {
    const { bytesUsed } = await usage();
    return store('alice@example.com', time, Math.ceil((QUOTA * percent) / 100) - bytesUsed);
  }
  const thresholds = async (): Promise<number[]> =>
    (
      await t.db.db
        .selectFrom('audit_events')
        .select('details')
        .where('action', '=', 'quota.threshold')
        .orderBy('seq')
        .execute()
    ).map((r) => (JSON.parse(r.details) as { threshold: number }).threshold);

  it.each([
    ['admin', 200],
    ['co', 200],
    ['readOnly', 200],
    ['alice', 403],
  ] as const)('%s reads usage → %i', async (who, status) => {
    expect((await call('GET', '/api/usage', tokens[who])).statusCode).toBe(status);
  });

  it('usage is exact: the default quota, bytes and recordings of the catalogue', async () => {
    const u = await usage();
    expect(u.quotaBytes).toBe(107374182400);
    const before = u.bytesUsed;
    await store('alice@example.com', time, 12_345);
    const after = await usage();
    expect(after.bytesUsed - before).toBe(12_345);
    expect(after.recordings - u.recordings).toBe(1);
    expect(after.level).toBe(0);
  });

  it('crossing 80, 90 and 100 % notifies once each; at 100 % the recording is kept with a note', async () => {
    expect(
      (await call('PUT', '/api/recording-policy', tokens.admin, { quotaBytes: QUOTA })).statusCode,
    ).toBe(200);
    expect(await thresholds()).toEqual([]);
    await fillTo(81);
    expect(await thresholds()).toEqual([80]);
    expect((await usage()).level).toBe(80);
    await fillTo(85);
    expect(await thresholds()).toEqual([80]);
    await fillTo(92);
    expect(await thresholds()).toEqual([80, 90]);
    expect(await isOverQuota(t.db.db, t.seed.orgId)).toBe(false);
    const over = await fillTo(101);
    expect(await thresholds()).toEqual([80, 90, 100]);
    const u = await usage(tokens.co);
    expect(u).toMatchObject({ level: 100, overQuota: true, quotaBytes: QUOTA });
    expect(u.percent).toBeGreaterThanOrEqual(101);
    expect(await isOverQuota(t.db.db, t.seed.orgId)).toBe(true);
    const stored = await findRecordingById(t.db.db, t.seed.orgId, over.recording.id);
    expect(stored?.status).toBe('available');
    expect(stored?.metadata.quotaExceeded).toMatchObject({
      quotaBytes: QUOTA,
      failureBehavior: 'PROCEED_WITH_CALL_NO_ANNOUNCEMENT',
    });
    // Nothing was dropped: the audio reads back.
    expect((await t.blobStore.get(over.audio.blobKey)).byteLength).toBe(over.audio.sizeBytes);
    await store('alice@example.com', time, 10);
    expect(await thresholds()).toEqual([80, 90, 100]);
  });

  it('a raised quota re-arms the thresholds; crossing again notifies again', async () => {
    const { bytesUsed } = await usage();
    await call('PUT', '/api/recording-policy', tokens.admin, { quotaBytes: bytesUsed * 2 });
    expect((await usage()).level).toBe(0);
    await call('PUT', '/api/recording-policy', tokens.admin, { quotaBytes: QUOTA * 100 });
    await call('PUT', '/api/recording-policy', tokens.admin, {
      quotaBytes: Math.max(1_048_576, Math.floor(bytesUsed / 0.85)),
    });
    expect(await thresholds()).toEqual([80, 90, 100, 80]);
  });
});
