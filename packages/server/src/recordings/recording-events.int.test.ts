// What follows a stored recording, on the database under test: storeRecording commits the rows and
// one `recording.stored` event together, and the outbox dispatcher runs each consumer (webhooks,
// quota notices, peaks, transcription) as its own retried job. A process that dies right after the
// commit, or a consumer that throws, loses no side effect; a consumer that runs twice does nothing
// twice.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { runOutboxConsumer, type OutboxContext } from '../events/outbox.js';
import {
  OUTBOX_CONSUME_JOB,
  OUTBOX_DISPATCH_JOB,
  OUTBOX_SWEEP_JOB,
  registerOutboxJobs,
} from '../events/outbox.jobs.js';
import { createEmbeddedJobQueue, type JobQueue } from '../jobs/index.js';
import { OUTBOX_CONSUMERS } from '../app/recording-stored-consumers.js';
import { createLogger } from '../observability/logger.js';
import type { Actor } from '../policy/actor.js';
import {
  findOrgSettings,
  saveOrgSettings,
} from '../recording-settings/recording-settings.repository.js';
import type { BlobData, BlobPutOptions, BlobStore } from '../storage/blob-store.js';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';
import { TRANSCRIBE_JOB } from '../transcription/transcription.jobs.js';
import { createWebhook } from '../webhooks/webhooks.service.js';
import { RECORDING_STORED } from './recording-events.js';
import { storeRecording } from './recording-store.service.js';
import type { RecordingOwner } from './recordings.model.js';
import { findOrgUsage } from './recordings.repository.js';
import { makeTestAudio } from './test-audio.js';
import { peaksBlobKey } from './waveform-peaks.js';

let t: TestApp;
let queue: JobQueue | null = null;
const logger = createLogger({ level: 'silent' });

function owner(email: string): RecordingOwner {
  const p = t.seed.people.find((x) => x.email === email);
  if (!p) throw new Error(email);
  return { type: 'user', id: p.id, email, name: email, locationId: p.locationId };
}

/** A blob store whose next `failures` peaks writes fail, as a store that is briefly away. */
function flakyPeaksStore(inner: BlobStore, failures: number) {
  const state = { peaksPuts: 0, failures };
  const store: BlobStore = {
    put(key: string, data: BlobData, options?: BlobPutOptions) {
      if (key.endsWith('.peaks.json')) {
        state.peaksPuts++;
        if (state.failures > 0) {
          state.failures--;
          return Promise.reject(new Error('the blob store is away'));
        }
      }
      return inner.put(key, data, options);
    },
    get: (key, options) => inner.get(key, options),
    getStream: (key, range, options) => inner.getStream(key, range, options),
    head: (key) => inner.head(key),
    delete: (key) => inner.delete(key),
    list: (prefix) => inner.list(prefix),
    check: () => inner.check(),
  };
  return { store, state };
}

async function store(
  blobStore: BlobStore,
  withQueue: JobQueue | null,
  email = 'alice@example.com',
) {
  const stored = await storeRecording(
    { db: t.db.db, clock: t.clock, blobStore, queue: withQueue },
    {
      orgId: t.seed.orgId,
      audio: makeTestAudio('ogg', 1),
      format: 'OGG',
      durationMs: 1000,
      channels: 2,
      sampleRate: 48000,
      owners: [owner(email)],
      timeRecorded: '2026-03-02T09:00:00.000Z',
      source: 'recorder',
    },
  );
  const recording = stored.recordings[0];
  if (!recording) throw new Error('nothing stored');
  return { recording, audio: stored.audio };
}

async function startQueue(blobStore: BlobStore): Promise<JobQueue> {
  const q = createEmbeddedJobQueue({ db: t.db.db, clock: systemClock, logger, pollIntervalMs: 20 });
  // Retries a few milliseconds apart, so the test sees one within its time.
  await registerOutboxJobs(
    q,
    {
      db: t.db.db,
      clock: t.clock,
      blobStore,
      retry: { baseMs: 20, maxDelayMs: 40, horizonMs: 400 },
    },
    OUTBOX_CONSUMERS,
  );
  queue = q;
  return q;
}

async function waitForOutbox(q: JobQueue): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const counts = (await q.counts()).byName;
    const pending = [OUTBOX_DISPATCH_JOB, OUTBOX_CONSUME_JOB].reduce((n, name) => {
      const c = counts[name];
      return n + (c ? c.queued + c.active + c.retry : 0);
    }, 0);
    if (pending === 0 && counts[OUTBOX_CONSUME_JOB] !== undefined) return;
    if (Date.now() > deadline) throw new Error(`outbox jobs still pending: ${pending}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const deliveriesOf = async (recordingId: string): Promise<number> =>
  (
    await t.db.db
      .selectFrom('webhook_deliveries')
      .select(['data', 'event'])
      .where('resource', '=', 'convergedRecordings')
      .execute()
  ).filter((d) => d.event === 'created' && d.data.includes(recordingId)).length;

const quotaNotices = async (): Promise<number> =>
  (
    await t.db.db
      .selectFrom('audit_events')
      .select('id')
      .where('action', '=', 'quota.threshold')
      .execute()
  ).length;

async function eventOf(audioId: string) {
  const rows = await t.db.db
    .selectFrom('outbox_events')
    .selectAll()
    .where('topic', '=', RECORDING_STORED)
    .execute();
  const row = rows.find((r) => r.payload.includes(audioId));
  if (!row) throw new Error(`no ${RECORDING_STORED} event for ${audioId}`);
  return row;
}

const transcribeJobsFor = async (recordingId: string): Promise<number> =>
  (await t.db.db.selectFrom('jobs').select(['name', 'payload']).execute()).filter(
    (j) => j.name === TRANSCRIBE_JOB && j.payload.includes(recordingId),
  ).length;

beforeAll(async () => {
  t = await createTestApp();
  const admin: Actor = {
    personId: t.seed.admin.id,
    email: t.seed.admin.email,
    displayName: 'Admin',
    homeOrgId: t.seed.orgId,
    orgId: t.seed.orgId,
    roles: ['fullAdmin'],
    partnerId: null,
    via: 'token',
    clientIp: null,
  };
  // Deliveries are only written here (no delivery job runs), so nothing is posted.
  await createWebhook({ db: t.db.db, clock: t.clock, allowLoopbackTargets: true }, admin, {
    name: 'stored recordings',
    targetUrl: 'http://127.0.0.1:9/hook',
    resource: 'convergedRecordings',
    event: 'created',
  });
});
afterEach(async () => {
  await queue?.stop();
  queue = null;
});
afterAll(async () => {
  await t.close();
});

describe(`recording.stored through the outbox on ${testDialect}`, () => {
  it('a process that dies right after the commit loses no side effect: the sweep dispatches the event', async () => {
    // No queue: the process is gone before anything after the commit could run.
    const { recording, audio } = await store(t.blobStore, null);
    const event = await eventOf(audio.id);
    expect(event.completed_at).toBeNull();
    expect(await deliveriesOf(recording.id)).toBe(0);
    expect(await t.blobStore.head(peaksBlobKey(audio.blobKey))).toBeNull();

    // A worker starts later; its sweep finds the open event.
    const q = await startQueue(t.blobStore);
    await q.runOnce(OUTBOX_SWEEP_JOB, { now: new Date(t.clock.now().getTime() + 120_000) });
    await q.start();
    await waitForOutbox(q);

    expect(await deliveriesOf(recording.id)).toBe(1);
    expect(await t.blobStore.head(peaksBlobKey(audio.blobKey))).not.toBeNull();
    expect(await transcribeJobsFor(recording.id)).toBe(1);
    const consumed = await t.db.db
      .selectFrom('outbox_consumptions')
      .select('consumer')
      .where('event_id', '=', event.id)
      .execute();
    expect(consumed.map((c) => c.consumer).sort()).toEqual([
      'peaks',
      'transcription',
      'usage',
      'webhooks',
    ]);
    expect((await eventOf(audio.id)).completed_at).not.toBeNull();
  });

  it('a consumer that throws is retried by its job until it succeeds; the other consumers are not held back', async () => {
    const flaky = flakyPeaksStore(t.blobStore, 2);
    const q = await startQueue(flaky.store);
    await q.start();
    const { recording, audio } = await store(flaky.store, q);
    await waitForOutbox(q);

    expect(flaky.state.peaksPuts).toBe(3);
    expect(await t.blobStore.head(peaksBlobKey(audio.blobKey))).not.toBeNull();
    expect(await deliveriesOf(recording.id)).toBe(1);
    expect(await transcribeJobsFor(recording.id)).toBe(1);
    expect((await eventOf(audio.id)).completed_at).not.toBeNull();
    // The peaks can be drawn for whoever may play the recording.
    const peaks = await t.app.inject({
      method: 'GET',
      url: `/api/recordings/${recording.id}/peaks`,
      headers: bearer(t.seed.complianceOfficer.token),
    });
    expect(peaks.statusCode).toBe(200);
  });

  it('running a consumer twice, one after the other or at once, does not duplicate its effect', async () => {
    const usageBefore = await quotaNotices();
    // A quota this recording fills past 80 and 90 %, so the usage consumer has notices to give.
    const { bytesUsed } = await findOrgUsage(t.db.db, t.seed.orgId);
    const size = makeTestAudio('ogg', 1).length;
    const settings = await findOrgSettings(t.db.db, t.seed.orgId);
    const quotaBytes = Math.ceil((bytesUsed + size) / 0.95);
    await saveOrgSettings(t.db.db, t.seed.orgId, { ...settings, quotaBytes }, t.clock.now());
    const { recording, audio } = await store(t.blobStore, null);
    const event = await eventOf(audio.id);
    const ctx: OutboxContext = { db: t.db.db, clock: t.clock, blobStore: t.blobStore, queue: null };

    await runOutboxConsumer(ctx, OUTBOX_CONSUMERS, event.id, 'webhooks');
    await runOutboxConsumer(ctx, OUTBOX_CONSUMERS, event.id, 'webhooks');
    expect(await deliveriesOf(recording.id)).toBe(1);

    await Promise.all([
      runOutboxConsumer(ctx, OUTBOX_CONSUMERS, event.id, 'usage'),
      runOutboxConsumer(ctx, OUTBOX_CONSUMERS, event.id, 'usage'),
    ]);
    const notices = await quotaNotices();
    expect(notices).toBe(usageBefore + 2);
    await runOutboxConsumer(ctx, OUTBOX_CONSUMERS, event.id, 'usage');
    expect(await quotaNotices()).toBe(notices);

    await Promise.all([
      runOutboxConsumer(ctx, OUTBOX_CONSUMERS, event.id, 'peaks'),
      runOutboxConsumer(ctx, OUTBOX_CONSUMERS, event.id, 'peaks'),
    ]);
    expect(await t.blobStore.head(peaksBlobKey(audio.blobKey))).not.toBeNull();

    // The same event dispatched again (a sweep racing the first dispatch) changes nothing either.
    const q = await startQueue(t.blobStore);
    await q.start();
    await q.enqueue(OUTBOX_DISPATCH_JOB, { eventId: event.id });
    await q.enqueue(OUTBOX_DISPATCH_JOB, { eventId: event.id });
    await waitForOutbox(q);
    expect(await deliveriesOf(recording.id)).toBe(1);
    expect(await quotaNotices()).toBe(notices);
    expect(await transcribeJobsFor(recording.id)).toBe(1);
    expect((await eventOf(audio.id)).completed_at).not.toBeNull();
  });
});
