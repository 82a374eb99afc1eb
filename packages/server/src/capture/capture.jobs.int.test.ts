// Crash recovery through the job queue on the database under test: a journal whose session never
// closed (the process was killed) is found at start, finalized by the capture-finalize job and
// catalogued as `recovered` (ended by the crash, with what the journal held); a journal that cannot give a recording fails the
// job with the reason and stays on disk.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRtpJournalWriter, parseRtpPacket, readPcapUdpDatagrams } from '@callvault/recorder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phoneNumberOfAor } from '../siprec/party-lookups.js';
import { systemClock } from '../clock.js';
import { isConnectionLoss } from '../db/connection-loss.js';
import { openDatabase } from '../db/database.js';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import { createEmbeddedJobQueue } from '../jobs/embedded-job-queue.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { findRecordingById } from '../recordings/recordings.repository.js';
import { presentRecordingSummary } from '../recordings/recording-presenter.js';
import { FsBlobStore } from '../storage/fs-blob-store.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { finalizeCapturedSession } from './capture-finalize.js';
import { FAILED_FILE, journalDirFor, readSessionFile, writeSessionFile } from '@callvault/recorder';
import {
  CAPTURE_FINALIZE_JOB,
  recoverUnfinishedJournals,
  registerCaptureJobs,
} from './capture.jobs.js';

const PCAP = new URL(
  '../../../recorder/test-fixtures/pcap/conv_2streams_pcmu_10s.pcap',
  import.meta.url,
);
let db: TestDatabase;
let seed: DemoSeed;
let queue: JobQueue;
let dataDir: string;
/** Journals whose finalize ended for good (the process's finalize backlog is told each). */
const settled: string[] = [];

function crashedSession(id: string, withMedia: boolean): string {
  const dir = journalDirFor(dataDir, id);
  fs.mkdirSync(dir, { recursive: true });
  writeSessionFile(dir, {
    version: 1,
    sessionId: id,
    callId: `${id}@src`,
    orgId: seed.orgId,
    trunkId: seed.trunk.id,
    trunkName: seed.trunk.name,
    startedAt: Date.now() - 12_000,
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
  });
  const writer = createRtpJournalWriter({ file: path.join(dir, 'stream-0.rtpj') });
  if (withMedia) {
    const { datagrams } = readPcapUdpDatagrams(new Uint8Array(fs.readFileSync(PCAP)));
    for (const d of datagrams) {
      const parsed = parseRtpPacket(d.payload);
      if (d.destinationPort !== 6000 || !parsed.ok) continue;
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
  }
  writer.close();
  // A crash can cut the last record short.
  fs.appendFileSync(path.join(dir, 'stream-0.rtpj'), Buffer.from([0, 0, 0, 200, 1, 2, 3]));
  return dir;
}

beforeAll(async () => {
  db = await createTestDatabase();
  seed = await runDemoSeed({ db: db.db, clock: systemClock });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-recover-'));
  queue = createEmbeddedJobQueue({ db: db.db, pollIntervalMs: 25, leaseMs: 5_000 });
  await registerCaptureJobs(queue, {
    db: db.db,
    clock: systemClock,
    blobStore: new FsBlobStore(path.join(dataDir, 'blobs')),
    phoneNumberOfAor,
    onSettled: (dir) => settled.push(dir),
  });
  await queue.start();
});
afterAll(async () => {
  await queue.stop({ timeoutMs: 5_000 });
  await db.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function waitFor<T>(probe: () => Promise<T | null | undefined>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe(`crash recovery of captured sessions on ${testDialect}`, () => {
  it('an unfinished journal becomes a recording marked recovered; one without media fails with its reason', async () => {
    const good = crashedSession('crashed-1', true);
    const empty = crashedSession('crashed-2', false);
    expect(await recoverUnfinishedJournals(queue, dataDir)).toBe(2);

    const row = await waitFor(() =>
      db.db
        .selectFrom('recordings')
        .selectAll()
        .where('call_id', '=', 'crashed-1@src')
        .executeTakeFirst(),
    );
    const recording = await findRecordingById(db.db, seed.orgId, row.id);
    expect(recording?.provenance).toMatchObject({
      recovered: true,
      endReason: 'recovered',
      failures: [],
    });
    // The journal's last write (this test wrote it just now) and where the kept audio ends (the
    // pcap's own clock) are both told, for the console's "audio up to N s before the crash".
    const recovery = recording!.provenance.recovery!;
    expect(Date.parse(recovery.journalLastWrittenAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect(Date.parse(recovery.audioEndedAt)).toBeGreaterThan(0);
    expect(Date.parse(recovery.recoveredAt)).toBeGreaterThanOrEqual(
      Date.parse(recovery.journalLastWrittenAt!),
    );
    expect(presentRecordingSummary(recording!)).toMatchObject({
      recovered: true,
      failed: false,
      endReason: 'recovered',
    });
    expect(Number(row.duration_seconds)).toBeGreaterThanOrEqual(9);
    await waitFor(() => Promise.resolve(!fs.existsSync(good) || null));

    await waitFor(() => Promise.resolve(fs.existsSync(path.join(empty, FAILED_FILE)) || null));
    const counts = await waitFor(async () => {
      const c = await queue.counts();
      return (c.byName[CAPTURE_FINALIZE_JOB]?.failed ?? 0) >= 1 ? c : null;
    });
    expect(counts.byName[CAPTURE_FINALIZE_JOB]?.failed).toBe(1);
    // Failed journals are not picked up again at the next start.
    expect(await recoverUnfinishedJournals(queue, dataDir)).toBe(0);
    // Both finalizes ended for good (stored; failed without a retry): neither is still owed.
    expect([...settled].sort()).toEqual([good, empty].sort());
  });
});

describe(`captured sessions while the database is away, on ${testDialect}`, () => {
  const recordingsOf = async (callId: string) =>
    db.db.selectFrom('recordings').select('id').where('call_id', '=', callId).execute();

  it('a finalize that cannot reach the database leaves the journal as it was; run again, it stores the call once, however often it runs', async () => {
    const dir = crashedSession('lost-db-1', true);
    // A PostgreSQL server nobody listens on: every connection is refused, as during a restart.
    const away = openDatabase({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:1/none' });
    const deps = {
      db: db.db,
      clock: systemClock,
      blobStore: new FsBlobStore(path.join(dataDir, 'blobs')),
      phoneNumberOfAor,
    };
    const lost = await finalizeCapturedSession({ ...deps, db: away.db }, dir).catch(
      (e: unknown) => e,
    );
    await away.close();
    expect(isConnectionLoss(lost)).toBe(true);
    // Not a failure of the recording: nothing marks it failed, nothing is catalogued.
    expect(fs.existsSync(path.join(dir, FAILED_FILE))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'session.json'))).toBe(true);
    expect(await recordingsOf('lost-db-1@src')).toEqual([]);

    // The database is back. A run whose job outcome is then lost runs again over the same journal
    // (kept here as a copy): the recording it finds is not stored twice.
    const copy = `${dir}.copy`;
    fs.cpSync(dir, copy, { recursive: true });
    const first = await finalizeCapturedSession(deps, dir);
    expect(first.kind).toBe('stored');
    expect(fs.existsSync(dir)).toBe(false);
    fs.renameSync(copy, dir);
    const again = await finalizeCapturedSession(deps, dir);
    expect(again).toMatchObject({ kind: 'stored', recordingIds: first.recordingIds });
    expect((await recordingsOf('lost-db-1@src')).map((r) => r.id)).toEqual(first.recordingIds);
    // And once the journal is gone, a late run has nothing to do.
    expect(await finalizeCapturedSession(deps, dir)).toEqual({
      kind: 'done-before',
      recordingIds: [],
    });
  });

  it('a call that ended while its finalize could not be queued is finalized at the next start, not as recovered', async () => {
    const dir = crashedSession('closed-unqueued-1', true);
    const session = readSessionFile(dir);
    writeSessionFile(dir, {
      ...session,
      closed: { endedAt: session.startedAt + 11_000, endReason: 'bye', kept: true },
    });
    // It closed, so it is not recovered, but it is pending and queued for its finalize.
    expect(await recoverUnfinishedJournals(queue, dataDir)).toBe(1);
    const row = await waitFor(() =>
      db.db
        .selectFrom('recordings')
        .selectAll()
        .where('call_id', '=', 'closed-unqueued-1@src')
        .executeTakeFirst(),
    );
    expect(Boolean(row.recovered)).toBe(false);
    expect(row.end_reason).toBe('bye');
    await waitFor(() => Promise.resolve(!fs.existsSync(dir) || null));
  });
});
