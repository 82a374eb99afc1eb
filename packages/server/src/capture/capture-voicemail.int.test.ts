// A voicemail deposit finalized on the database under test: the owner the policy gave it
// (owner-matching.ts, recordingType voicemail) makes the stored recording a voicemail — in its
// topic and in Webex's serviceData.recordingType — while a conversation stays a call.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createRtpJournalWriter,
  journalDirFor,
  parseRtpPacket,
  readPcapUdpDatagrams,
  writeSessionFile,
  type CaptureSessionFile,
} from '@callvault/recorder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import { presentMetadata } from '../recordings/recording-presenter.js';
import { findRecordingById } from '../recordings/recordings.repository.js';
import { phoneNumberOfAor } from '../siprec/party-lookups.js';
import { FsBlobStore } from '../storage/fs-blob-store.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { finalizeCapturedSession, type FinalizeDeps } from './capture-finalize.js';
import { pcmuStream } from './pcmu-stream.test-helper.js';

const PCAP = new URL(
  '../../../recorder/test-fixtures/pcap/conv_2streams_pcmu_10s.pcap',
  import.meta.url,
);
const clock = fixedClock(new Date('2026-03-02T10:00:00.000Z'));
let db: TestDatabase;
let seed: DemoSeed;
let deps: FinalizeDeps;
let dataDir: string;

/** A closed session of the pcap's two flows, owned by the first demo person as `owner` says. */
function journal(id: string, owner: Partial<CaptureSessionFile['owners'][number]>): string {
  const file: CaptureSessionFile = {
    version: 1,
    sessionId: id,
    callId: `${id}@src`,
    orgId: seed.orgId,
    trunkId: seed.trunk.id,
    trunkName: seed.trunk.name,
    startedAt: Date.parse('2026-03-02T09:59:00.000Z'),
    owners: [
      { id: seed.people[0]!.id, kind: 'person', participantId: 'p-bob', mode: 'Always', ...owner },
    ],
    parties: [
      { id: 'p-alice', aor: 'sip:+46701234567@pstn.example', name: 'Alice' },
      { id: 'p-bob', aor: 'sip:vm@example.com;target=sip:bob%40example.com;cause=408' },
    ],
    streams: [pcmuStream(0, 'alice', 'a.rtpj'), pcmuStream(1, 'bob', 'b.rtpj')],
    metadataRevisions: [{ seq: 1, raw: '<recording xmlns="urn:ietf:params:xml:ns:recording:1"/>' }],
    senders: { alice: 'p-alice', bob: 'p-bob' },
    closed: { endedAt: Date.now(), endReason: 'bye', kept: true },
  };
  const dir = journalDirFor(dataDir, id);
  fs.mkdirSync(dir, { recursive: true });
  writeSessionFile(dir, file);
  const { datagrams } = readPcapUdpDatagrams(new Uint8Array(fs.readFileSync(PCAP)));
  const writers = new Map([
    [6000, createRtpJournalWriter({ file: path.join(dir, 'a.rtpj') })],
    [6002, createRtpJournalWriter({ file: path.join(dir, 'b.rtpj') })],
  ]);
  for (const d of datagrams) {
    const writer = writers.get(d.destinationPort);
    const parsed = parseRtpPacket(d.payload);
    if (!writer || !parsed.ok) continue;
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
  for (const w of writers.values()) w.close();
  return dir;
}

async function finalize(id: string, owner: Partial<CaptureSessionFile['owners'][number]>) {
  const result = await finalizeCapturedSession(deps, journal(id, owner));
  expect(result.kind).toBe('stored');
  const recording = await findRecordingById(db.db, seed.orgId, result.recordingIds[0]!);
  expect(recording).not.toBeNull();
  return recording!;
}

beforeAll(async () => {
  db = await createTestDatabase();
  seed = await runDemoSeed({ db: db.db, clock });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-capture-vm-'));
  deps = {
    db: db.db,
    clock,
    blobStore: new FsBlobStore(path.join(dataDir, 'blobs')),
    phoneNumberOfAor,
  };
});
afterAll(async () => {
  await db.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe(`voicemail deposits catalogued on ${testDialect}`, () => {
  it('an owner holding a voicemail deposit gets a voicemail: topic "Voicemail from <the caller’s name>-…", recordingType voicemail', async () => {
    const recording = await finalize('vm-1', { recordingType: 'voicemail' });
    expect(recording.topic).toMatch(/^Voicemail from Alice-\d{8} \d\d:\d\d$/);
    expect(recording.metadata.recordingType).toBe('voicemail');
    expect(presentMetadata(recording).serviceData.recordingType).toBe('voicemail');
  });

  it('the same call owned as a conversation stays a call (alwaysON by the owner’s mode)', async () => {
    const recording = await finalize('vm-2', {});
    expect(recording.topic).toMatch(/^Call with Alice-\d{8} \d\d:\d\d$/);
    expect(recording.metadata).not.toHaveProperty('recordingType');
    expect(presentMetadata(recording).serviceData.recordingType).not.toBe('voicemail');
  });
});
