// The journals of a recorder that vanished, on the database under test: a recorder shipped part
// of a live call's journal and stopped heartbeating (killed, its machine lost); a worker that
// shares only the database and the blob store finds the stale live-call row, rebuilds the shipped
// journal in its own data dir and stores what it held as a `recovered` recording; the shipped
// copy and the row go. A call whose recorder still heartbeats is left alone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createJournalShipper,
  createRtpJournalWriter,
  journalDirFor,
  journalKeyOf,
  parseRtpPacket,
  readPcapUdpDatagrams,
  writeSessionFile,
} from '@callvault/recorder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { EncryptedBlobStore } from '../crypto/encrypted-blob-store.js';
import { MasterKeyring, generateMasterKey } from '../crypto/master-key.js';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import { createEmbeddedJobQueue } from '../jobs/embedded-job-queue.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { findRecordingById } from '../recordings/recordings.repository.js';
import { phoneNumberOfAor } from '../siprec/party-lookups.js';
import { FsBlobStore } from '../storage/fs-blob-store.js';
import { upsertLiveCall } from '../telephony/live-calls.repository.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { registerCaptureJobs } from './capture.jobs.js';
import { createBlobJournalShipTarget, hasShippedJournal } from './shipped-journals.js';
import { finalizeJournalsOfVanishedRecorders } from './vanished-recorders.js';

const PCAP = new URL(
  '../../../recorder/test-fixtures/pcap/conv_2streams_pcmu_10s.pcap',
  import.meta.url,
);
let db: TestDatabase;
let seed: DemoSeed;
let queue: JobQueue;
let root: string;
let store: EncryptedBlobStore;

beforeAll(async () => {
  db = await createTestDatabase();
  seed = await runDemoSeed({ db: db.db, clock: systemClock });
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-vanished-'));
  store = new EncryptedBlobStore(new FsBlobStore(path.join(root, 'blobs')), {
    keyring: new MasterKeyring(generateMasterKey()),
  });
  queue = createEmbeddedJobQueue({ db: db.db, pollIntervalMs: 25, leaseMs: 5_000 });
  await registerCaptureJobs(queue, {
    db: db.db,
    clock: systemClock,
    blobStore: store,
    phoneNumberOfAor,
    dataDir: path.join(root, 'worker'),
  });
  await queue.start();
});
afterAll(async () => {
  await queue.stop({ timeoutMs: 5_000 });
  await db.drop();
  fs.rmSync(root, { recursive: true, force: true });
});

/** A live call's journal on the recorder's disk (10 s of one party's PCMU), not closed. */
function liveJournal(sessionId: string): string {
  const dir = journalDirFor(path.join(root, 'recorder'), sessionId);
  fs.mkdirSync(dir, { recursive: true });
  writeSessionFile(dir, {
    version: 1,
    sessionId,
    callId: `${sessionId}@src`,
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
  writer.close();
  return dir;
}

function liveCall(sessionId: string) {
  return {
    sessionId,
    callId: `${sessionId}@src`,
    orgId: seed.orgId,
    startedAt: Date.now() - 12_000,
    owners: [],
    parties: [],
    actions: [],
    onHold: false,
    failure: null,
  } as unknown as Parameters<typeof upsertLiveCall>[1];
}

async function waitFor<T>(probe: () => Promise<T | null | undefined>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe(`journals of a vanished recorder on ${testDialect}`, () => {
  it('a worker finalizes the shipped journal of a call whose recorder stopped heartbeating as recovered; a heartbeating one is left alone', async () => {
    const shipper = createJournalShipper({
      target: createBlobJournalShipTarget(store),
      intervalMs: 60_000,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      now: () => Date.now(),
    });
    const gone = liveJournal('vanished-1');
    const alive = liveJournal('alive-1');
    shipper.track(gone);
    shipper.track(alive);
    await shipper.tick();
    shipper.stop();
    const old = new Date(Date.now() - 60_000).toISOString();
    await upsertLiveCall(db.db, liveCall('vanished-1'), 'recorder-a', old);
    await upsertLiveCall(db.db, liveCall('alive-1'), 'recorder-b', new Date().toISOString());

    const queued = await finalizeJournalsOfVanishedRecorders({
      db: db.db,
      queue,
      blobStore: store,
      clock: systemClock,
    });
    expect(queued).toBe(1);

    const row = await waitFor(async () => {
      const r = await db.db
        .selectFrom('recordings')
        .select(['id'])
        .where('call_id', '=', 'vanished-1@src')
        .executeTakeFirst();
      return r ?? null;
    });
    const recording = await findRecordingById(db.db, seed.orgId, row.id);
    expect(recording?.provenance).toMatchObject({ recovered: true, endReason: 'recovered' });
    // The shipped copy and the live-call row are gone once it is stored; the other call's stay.
    await waitFor(async () => !(await hasShippedJournal(store, journalKeyOf('vanished-1'))));
    expect(await hasShippedJournal(store, journalKeyOf('alive-1'))).toBe(true);
    const rows = await db.db.selectFrom('live_calls').select('session_id').execute();
    expect(rows.map((r) => r.session_id)).toEqual(['alive-1']);
    // Nothing is queued twice: the row is gone.
    expect(
      await finalizeJournalsOfVanishedRecorders({
        db: db.db,
        queue,
        blobStore: store,
        clock: systemClock,
      }),
    ).toBe(0);
  });
});
