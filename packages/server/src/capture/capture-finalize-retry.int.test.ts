// Finalize through the job queue while the blob store is down, on the database under test: the
// call is listed as failed-and-retrying with its journal kept, the retry after the store comes
// back stores every recording exactly once (one audio object, one blob, one quota count per
// segment, also when the outage hit between two segments) and resolves the listing; when the
// retry horizon is spent the failure becomes final as any other.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createRtpJournalWriter,
  parseRtpPacket,
  readPcapUdpDatagrams,
  type RecordingAction,
} from '@callvault/recorder';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { phoneNumberOfAor } from '../siprec/party-lookups.js';
import { systemClock } from '../clock.js';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import { createEmbeddedJobQueue } from '../jobs/embedded-job-queue.js';
import type { JobQueue, JobRetryPolicy } from '../jobs/job-queue.js';
import { findOrgUsage } from '../recordings/recordings.repository.js';
import { audioObjectBlobKeys } from '../recordings/waveform-peaks.js';
import type { BlobData, BlobPutOptions, BlobPutResult, BlobStore } from '../storage/blob-store.js';
import { FsBlobStore } from '../storage/fs-blob-store.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { findRetryingCaptureFailure } from './capture-failures.repository.js';
import { finalizeCapturedSession } from './capture-finalize.js';
import { FAILED_FILE, journalDirFor, writeSessionFile } from '@callvault/recorder';
import {
  CAPTURE_FINALIZE_JOB,
  enqueueCaptureFinalize,
  registerCaptureJobs,
} from './capture.jobs.js';

const PCAP = new URL(
  '../../../recorder/test-fixtures/pcap/conv_2streams_pcmu_10s.pcap',
  import.meta.url,
);

/** The real file-system store, with puts refused while `down` (or after `failAfterPuts` puts). */
class OutageBlobStore implements BlobStore {
  down = false;
  failAfterPuts = Number.POSITIVE_INFINITY;
  puts = 0;
  constructor(private readonly inner: FsBlobStore) {}
  async put(key: string, data: BlobData, options?: BlobPutOptions): Promise<BlobPutResult> {
    if (this.down || this.puts >= this.failAfterPuts) {
      // Drain the source as a real client would before its request fails.
      if (!(data instanceof Uint8Array)) for await (const _ of data) void _;
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    }
    this.puts += 1;
    return this.inner.put(key, data, options);
  }
  get = (key: string) => this.inner.get(key);
  getStream: BlobStore['getStream'] = (key, range) => this.inner.getStream(key, range);
  head = (key: string) => this.inner.head(key);
  delete = (key: string) => this.inner.delete(key);
  list = (prefix: string) => this.inner.list(prefix);
  check = () => this.inner.check();
}

let db: TestDatabase;
let seed: DemoSeed;
let dataDir: string;
let store: OutageBlobStore;
let queue: JobQueue;

async function startQueue(retry: JobRetryPolicy): Promise<void> {
  queue = createEmbeddedJobQueue({ db: db.db, pollIntervalMs: 25, leaseMs: 5_000 });
  await registerCaptureJobs(queue, {
    db: db.db,
    clock: systemClock,
    blobStore: store,
    phoneNumberOfAor,
    retry,
  });
  await queue.start();
}

/** A closed session's journal with one party's 10 s of PCMU; `actions` cut it into recordings. */
function closedSession(id: string, actions?: (t0: number) => RecordingAction[]): string {
  const dir = journalDirFor(dataDir, id);
  fs.mkdirSync(dir, { recursive: true });
  const { datagrams } = readPcapUdpDatagrams(new Uint8Array(fs.readFileSync(PCAP)));
  const writer = createRtpJournalWriter({ file: path.join(dir, 'stream-0.rtpj') });
  let t0: number | null = null;
  let last = 0;
  for (const d of datagrams) {
    const parsed = parseRtpPacket(d.payload);
    if (d.destinationPort !== 6000 || !parsed.ok) continue;
    t0 ??= d.timeMs;
    last = d.timeMs;
    const p = parsed.packet;
    writer.append({
      arrivalMs: d.timeMs,
      sequenceNumber: p.sequenceNumber,
      timestamp: p.timestamp,
      ssrc: p.ssrc,
      payloadType: p.payloadType,
      marker: p.marker,
      payload: p.payload,
    });
  }
  writer.close();
  writeSessionFile(dir, {
    version: 1,
    sessionId: id,
    callId: `${id}@src`,
    orgId: seed.orgId,
    trunkId: seed.trunk.id,
    trunkName: seed.trunk.name,
    startedAt: t0!,
    owners: [{ id: seed.people[0]!.id, kind: 'person', participantId: 'p1', mode: 'Always' }],
    parties: [{ id: 'p1', aor: 'sip:alice@example.com' }],
    streams: [
      {
        index: 0,
        label: '1',
        codecs: [{ payloadType: 0, name: 'PCMU', clockRate: 8000 }],
        telephoneEventPayloadTypes: [],
        journal: 'stream-0.rtpj',
        srtp: false,
      },
    ],
    metadataRevisions: [],
    senders: { '1': 'p1' },
    closed: { endedAt: last, endReason: 'bye', kept: true },
    ...(actions ? { recordingActions: actions(t0!) } : {}),
  });
  return dir;
}

async function waitFor<T>(probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function jobOf(dir: string) {
  const row = await db.db
    .selectFrom('jobs')
    .selectAll()
    .where('name', '=', CAPTURE_FINALIZE_JOB)
    .where('singleton_key', '=', dir)
    .executeTakeFirst();
  return row ?? null;
}

const recordingsOf = (callId: string) =>
  db.db.selectFrom('recordings').selectAll().where('call_id', '=', callId).execute();

async function blobKeys(): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list('')) keys.push(key);
  return keys;
}

beforeAll(async () => {
  db = await createTestDatabase();
  seed = await runDemoSeed({ db: db.db, clock: systemClock });
});

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-retry-'));
  store = new OutageBlobStore(new FsBlobStore(path.join(dataDir, 'blobs')));
});

afterEach(async () => {
  await queue.stop({ timeoutMs: 5_000 });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe(`finalize retries through a blob store outage on ${testDialect}`, () => {
  it('lists the call as retrying, keeps the journal, then stores it once when the store is back and resolves the listing', async () => {
    await startQueue({ baseMs: 200, maxDelayMs: 400, horizonMs: 3_600_000 });
    const usageBefore = await findOrgUsage(db.db, seed.orgId);
    store.down = true;
    const dir = closedSession('outage-1');
    await enqueueCaptureFinalize(queue, dir);

    const listed = await waitFor(() => findRetryingCaptureFailure(db.db, dir));
    expect(listed).toMatchObject({ reason: 'store-error', retrying: true, resolvedAt: null });
    expect(listed.detail).toMatch(/ECONNREFUSED.*retrying/);
    // A few failed attempts: still one listing, the journal as it was, nothing stored.
    await waitFor(async () => ((await jobOf(dir))?.attempts ?? 0) >= 3);
    expect((await jobOf(dir))?.state).not.toBe('failed');
    const rows = await db.db
      .selectFrom('capture_failures')
      .selectAll()
      .where('journal_dir', '=', dir)
      .execute();
    expect(rows).toHaveLength(1);
    expect(fs.existsSync(path.join(dir, 'stream-0.rtpj'))).toBe(true);
    expect(fs.existsSync(path.join(dir, FAILED_FILE))).toBe(false);
    expect(await recordingsOf('outage-1@src')).toHaveLength(0);
    expect(await blobKeys()).toEqual([]);

    store.down = false;
    await waitFor(async () => (await jobOf(dir))?.state === 'completed');
    const recordings = await recordingsOf('outage-1@src');
    expect(recordings).toHaveLength(1);
    expect(Number(recordings[0]!.duration_seconds)).toBe(10);
    // The audio and its waveform, stored once.
    expect(await blobKeys()).toEqual(
      audioObjectBlobKeys(`org/${seed.orgId}/audio/${recordings[0]!.audio_id}`),
    );
    const usage = await findOrgUsage(db.db, seed.orgId);
    expect(usage.recordings - usageBefore.recordings).toBe(1);
    expect(usage.bytesUsed - usageBefore.bytesUsed).toBe(Number(recordings[0]!.size_bytes));
    expect(fs.existsSync(dir)).toBe(false);
    const [resolved] = await db.db
      .selectFrom('capture_failures')
      .selectAll()
      .where('journal_dir', '=', dir)
      .execute();
    expect(resolved).toMatchObject({ retrying: 0 });
    expect(resolved!.resolved_at).not.toBeNull();
    const audits = await db.db
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('target_id', '=', resolved!.id)
      .execute();
    expect(audits.map((a) => a.action).sort()).toEqual([
      'capture.failed',
      'capture.failureResolved',
    ]);
  });

  it('stores a segment stored before the outage once, and the rest after it', async () => {
    await startQueue({ baseMs: 200, maxDelayMs: 400, horizonMs: 3_600_000 });
    const usageBefore = await findOrgUsage(db.db, seed.orgId);
    const owner = seed.people[0]!.id;
    // Two recordings of one call: 0–4 s and 6 s–end; the store fails after the first (its
    // audio and its waveform).
    store.failAfterPuts = 2;
    const dir = closedSession('outage-2', (t0) => [
      { action: 'start', atMs: t0, source: 'system', ownerId: owner },
      { action: 'stop', atMs: t0 + 4000, source: 'api', ownerId: owner },
      { action: 'start', atMs: t0 + 6000, source: 'api', ownerId: owner },
    ]);
    await enqueueCaptureFinalize(queue, dir);
    await waitFor(() => findRetryingCaptureFailure(db.db, dir));
    await waitFor(async () => ((await jobOf(dir))?.attempts ?? 0) >= 2);
    expect(await recordingsOf('outage-2@src')).toHaveLength(1);

    store.failAfterPuts = Number.POSITIVE_INFINITY;
    await waitFor(async () => (await jobOf(dir))?.state === 'completed');
    const recordings = await recordingsOf('outage-2@src');
    expect(recordings.map((r) => Number(r.duration_seconds)).sort()).toEqual([4, 4]);
    expect(new Set(recordings.map((r) => r.audio_id)).size).toBe(2);
    expect((await blobKeys()).sort()).toEqual(
      recordings
        .flatMap((r) => audioObjectBlobKeys(`org/${seed.orgId}/audio/${r.audio_id}`))
        .sort(),
    );
    const usage = await findOrgUsage(db.db, seed.orgId);
    expect(usage.recordings - usageBefore.recordings).toBe(2);
    expect(store.puts).toBe(4);
  });

  it('has nothing to do once the journal is gone, and refuses where the journal folder is not mounted', async () => {
    await startQueue({ baseMs: 200, maxDelayMs: 400, horizonMs: 3_600_000 });
    const deps = { db: db.db, clock: systemClock, blobStore: store, phoneNumberOfAor };
    const dir = closedSession('gone-1');
    expect(await finalizeCapturedSession(deps, dir, { retrying: true })).toMatchObject({
      kind: 'stored',
    });
    // A retry of a job whose completion was lost (its worker died right after).
    expect(await finalizeCapturedSession(deps, dir, { retrying: true })).toEqual({
      kind: 'done-before',
      recordingIds: [],
    });
    expect(await recordingsOf('gone-1@src')).toHaveLength(1);
    await expect(
      finalizeCapturedSession(deps, path.join(dataDir, 'elsewhere', 'journal', 'abc')),
    ).rejects.toThrow(/not on this server/);
  });

  it('catalogues an attempt that throws unforeseen as final once its retries are spent', async () => {
    await startQueue({ baseMs: 100, maxDelayMs: 100, horizonMs: 250 });
    const dir = closedSession('broken-1');
    // A journal the reader cannot open (a folder where the file should be) throws, not fails.
    fs.rmSync(path.join(dir, 'stream-0.rtpj'));
    fs.mkdirSync(path.join(dir, 'stream-0.rtpj'));
    await enqueueCaptureFinalize(queue, dir);
    await waitFor(async () => (await jobOf(dir))?.state === 'failed');
    expect((await jobOf(dir))?.attempts).toBe(3);
    const rows = await db.db
      .selectFrom('capture_failures')
      .selectAll()
      .where('journal_dir', '=', dir)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ reason: 'finalize-error', retrying: 0 });
    expect(rows[0]!.detail).toMatch(/EISDIR/);
    expect(fs.existsSync(path.join(dir, FAILED_FILE))).toBe(true);
  });

  it('makes the failure final when the retry horizon is spent', async () => {
    // 200 ms fits once in a 300 ms horizon: one retry, then final.
    await startQueue({ baseMs: 200, maxDelayMs: 200, horizonMs: 300 });
    store.down = true;
    const dir = closedSession('outage-3');
    await enqueueCaptureFinalize(queue, dir);
    await waitFor(async () => (await jobOf(dir))?.state === 'failed');
    expect((await jobOf(dir))?.attempts).toBe(2);
    const rows = await db.db
      .selectFrom('capture_failures')
      .selectAll()
      .where('journal_dir', '=', dir)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ reason: 'store-error', retrying: 0, resolved_at: null });
    expect(fs.existsSync(path.join(dir, FAILED_FILE))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'stream-0.rtpj'))).toBe(true);
  });
});
