// Finalizing journals into stored recordings on the database under test: the recorder's PCMU
// capture of the two-party conversation (packages/recorder/test-fixtures/pcap) is journalled as
// the capture path would, finalized, and the stored Ogg Opus is decoded by ffmpeg and compared
// with ffmpeg's own decoding of what each party sent.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createRtpJournalWriter, parseRtpPacket, readPcapUdpDatagrams } from '@callvault/recorder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phoneNumberOfAor } from '../siprec/party-lookups.js';
import { fixedClock } from '../clock.js';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import { findRecordingById } from '../recordings/recordings.repository.js';
import { decodePeaks, peaksBlobKey, type WaveformPeaks } from '../recordings/waveform-peaks.js';
import { FsBlobStore } from '../storage/fs-blob-store.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import {
  FAILED_FILE,
  journalDirFor,
  listPendingJournals,
  listUnfinishedJournals,
  writeSessionFile,
  type CaptureSessionFile,
} from '@callvault/recorder';
import { finalizeCapturedSession, type FinalizeDeps } from './capture-finalize.js';
import { listOpenCaptureFailures } from './capture-failures.repository.js';
import { pcmuStream } from './pcmu-stream.test-helper.js';

const PCAP_DIR = new URL('../../../recorder/test-fixtures/pcap/', import.meta.url);
const clock = fixedClock(new Date('2026-03-02T10:00:00.000Z'));
let db: TestDatabase;
let seed: DemoSeed;
let deps: FinalizeDeps;
let dataDir: string;

function readS16(file: URL | string): Int16Array {
  const bytes = fs.readFileSync(file);
  return new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 2));
}

/** Best normalised cross-correlation within ±maxLag samples. */
function correlate(a: Int16Array, b: Int16Array, maxLag = 400): number {
  let best = -1;
  const n = Math.min(a.length, b.length) - maxLag;
  for (let lag = -maxLag; lag <= maxLag; lag += 1) {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let i = maxLag; i < n; i += 2) {
      const x = a[i]!;
      const y = b[i + lag]!;
      ab += x * y;
      aa += x * x;
      bb += y * y;
    }
    best = Math.max(best, ab / Math.sqrt(aa * bb || 1));
  }
  return best;
}

function session(
  id: string,
  streams: CaptureSessionFile['streams'],
  closed = true,
  extra: Partial<CaptureSessionFile> = {},
) {
  const owner = seed.people[0]!;
  const file: CaptureSessionFile = {
    version: 1,
    sessionId: id,
    callId: `${id}@src`,
    orgId: seed.orgId,
    trunkId: seed.trunk.id,
    trunkName: seed.trunk.name,
    startedAt: Date.parse('2026-03-02T09:59:00.000Z'),
    owners: [{ id: owner.id, kind: 'person', participantId: 'p-bob', mode: 'Always' }],
    parties: [
      { id: 'p-alice', aor: 'sip:+46701234567@pstn.example', name: 'Alice' },
      { id: 'p-bob', aor: 'sip:bob@example.com', name: 'Bob' },
    ],
    streams,
    metadataRevisions: [{ seq: 1, raw: '<recording xmlns="urn:ietf:params:xml:ns:recording:1"/>' }],
    senders: { alice: 'p-alice', bob: 'p-bob' },
    ...(closed ? { closed: { endedAt: Date.now(), endReason: 'bye', kept: true } } : {}),
    ...extra,
  };
  const dir = journalDirFor(dataDir, id);
  fs.mkdirSync(dir, { recursive: true });
  writeSessionFile(dir, file);
  return dir;
}

/** Journals the pcap's two flows as the capture path does (alice → 6000, bob → 6002). */
function journalConversation(
  dir: string,
  ports: Record<number, string>,
  pcap = 'conv_2streams_pcmu_10s.pcap',
): void {
  const { datagrams } = readPcapUdpDatagrams(
    new Uint8Array(fs.readFileSync(new URL(pcap, PCAP_DIR))),
  );
  const writers = new Map(
    Object.entries(ports).map(([port, file]) => [
      Number(port),
      createRtpJournalWriter({ file: path.join(dir, file) }),
    ]),
  );
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
}

beforeAll(async () => {
  db = await createTestDatabase();
  seed = await runDemoSeed({ db: db.db, clock });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-capture-'));
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

describe(`finalizing captured sessions on ${testDialect}`, () => {
  it('both parties end up on their own channel of an Ogg Opus recording, the owner first', async () => {
    const dir = session('conv-1', [
      pcmuStream(0, 'alice', 'a.rtpj', [101]),
      pcmuStream(1, 'bob', 'b.rtpj', [101]),
    ]);
    journalConversation(dir, { 6000: 'a.rtpj', 6002: 'b.rtpj' });
    const result = await finalizeCapturedSession(deps, dir, { recovered: true });
    expect(result.kind).toBe('stored');
    if (result.kind !== 'stored') return;
    expect(fs.existsSync(dir)).toBe(false);
    expect(Math.abs(result.durationMs - 10_000)).toBeLessThan(500);
    const recording = await findRecordingById(db.db, seed.orgId, result.recordingIds[0]!);
    // Finalized as recovered (the job said so) after the session had closed with a BYE.
    expect(recording?.provenance).toMatchObject({
      recovered: true,
      endReason: 'bye',
      failures: [],
    });
    expect(recording?.provenance.recovery?.audioEndedAt).toMatch(/^20\d\d-/);
    expect(recording?.metadata.streams?.map((s) => s['label'])).toEqual(['bob', 'alice']);
    // The other party's AOR names a number: searchable (partyNumber) and in the parties.
    expect(recording?.remoteNumber).toBe('+46701234567');
    expect(recording?.localNumber).toBeNull();
    expect(recording?.parties.find((p) => p.name === 'Alice')).toMatchObject({
      number: '+46701234567',
      address: 'sip:+46701234567@pstn.example',
    });

    const audio = await deps.blobStore.get(`org/${seed.orgId}/audio/${recording!.audioId}`);
    const ogg = path.join(dataDir, 'out.ogg');
    fs.writeFileSync(ogg, audio);
    expect(
      execFileSync('ffprobe', [
        '-v',
        'error',
        '-show_entries',
        'stream=codec_name,channels',
        '-of',
        'csv=p=0',
        ogg,
      ])
        .toString()
        .trim(),
    ).toBe('opus,2');
    const decoded: Int16Array[] = [0, 1].map((c) => {
      const pcm = execFileSync(
        'ffmpeg',
        ['-v', 'error', '-i', ogg, '-af', `pan=mono|c0=c${c}`, '-ar', '8000', '-f', 's16le', '-'],
        { maxBuffer: 64 * 1024 * 1024 },
      );
      return new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.length / 2));
    });
    const bob = readS16(new URL('conv_bob_10s_ulaw_ref.s16le', PCAP_DIR));
    const alice = readS16(new URL('conv_alice_10s_ulaw_ref.s16le', PCAP_DIR));
    expect(correlate(decoded[0]!, bob)).toBeGreaterThan(0.9);
    expect(correlate(decoded[1]!, alice)).toBeGreaterThan(0.9);
    expect(correlate(decoded[0]!, alice)).toBeLessThan(0.5);

    // The waveform was stored with the audio, from the PCM that was encoded: it matches what
    // decoding the stored audio gives, slice for slice.
    const stored = JSON.parse(
      (
        await deps.blobStore.get(peaksBlobKey(`org/${seed.orgId}/audio/${recording!.audioId}`))
      ).toString(),
    ) as WaveformPeaks;
    const fromAudio = await decodePeaks(Readable.from([audio]), {
      channels: 2,
      durationMs: result.durationMs,
    });
    expect(stored.samplesPerPeak).toBe(fromAudio.samplesPerPeak);
    for (const c of [0, 1]) {
      const lane = stored.channels[c]!;
      const reference = fromAudio.channels[c]!;
      expect(Math.abs(lane.length - reference.length)).toBeLessThanOrEqual(1);
      const n = Math.min(lane.length, reference.length);
      const worst = Math.max(...lane.slice(0, n).map((v, i) => Math.abs(v - reference[i]!)));
      expect(worst).toBeLessThan(0.15);
    }
  });

  it('the call direction comes from the SRC’s vendor metadata (Acme callingParty): the owner called out', async () => {
    const acme = (callingParty: string) =>
      `<recording xmlns='urn:ietf:params:xml:ns:recording'><datamode>complete</datamode>` +
      `<participant id="p-alice"><nameID aor="sip:+46701234567@pstn.example"/>` +
      `<extensiondata xmlns:apkt="http://acmepacket.com/siprec/extensiondata"><apkt:callingParty>${String(callingParty === 'p-alice')}</apkt:callingParty></extensiondata></participant>` +
      `<participant id="p-bob"><nameID aor="sip:bob@example.com"/>` +
      `<extensiondata xmlns:apkt="http://acmepacket.com/siprec/extensiondata"><apkt:callingParty>${String(callingParty === 'p-bob')}</apkt:callingParty></extensiondata></participant>` +
      `</recording>`;
    const directions: Array<string | null | undefined> = [];
    for (const [id, caller] of [
      ['dir-out', 'p-bob'],
      ['dir-in', 'p-alice'],
    ] as const) {
      const dir = session(
        id,
        [pcmuStream(0, 'alice', 'a.rtpj', [101]), pcmuStream(1, 'bob', 'b.rtpj', [101])],
        true,
        { metadataRevisions: [{ seq: 1, raw: acme(caller) }] },
      );
      journalConversation(dir, { 6000: 'a.rtpj', 6002: 'b.rtpj' });
      const result = await finalizeCapturedSession(deps, dir);
      expect(result.kind).toBe('stored');
      const recording = await findRecordingById(db.db, seed.orgId, result.recordingIds[0]!);
      directions.push(recording?.direction);
    }
    // The owner is Bob (p-bob): his call out is outbound, Alice calling him inbound.
    expect(directions).toEqual(['outbound', 'inbound']);
  });

  it('Opus (RFC 7587, 48 kHz RTP clock) streams decode onto the timeline too', async () => {
    const OPUS = [{ payloadType: 111, name: 'opus', clockRate: 48000 }];
    const dir = session('conv-opus', [
      {
        index: 0,
        label: 'alice',
        codecs: OPUS,
        telephoneEventPayloadTypes: [],
        journal: 'a.rtpj',
        srtp: false,
      },
      {
        index: 1,
        label: 'bob',
        codecs: OPUS,
        telephoneEventPayloadTypes: [],
        journal: 'b.rtpj',
        srtp: false,
      },
    ]);
    journalConversation(
      dir,
      { 6000: 'a.rtpj', 6002: 'b.rtpj' },
      '../opus/conv_2streams_opus_10s.pcap',
    );
    const result = await finalizeCapturedSession(deps, dir);
    expect(result.kind).toBe('stored');
    if (result.kind !== 'stored') return;
    expect(Math.abs(result.durationMs - 10_000)).toBeLessThan(500);
    const recording = await findRecordingById(db.db, seed.orgId, result.recordingIds[0]!);
    const audio = await deps.blobStore.get(`org/${seed.orgId}/audio/${recording!.audioId}`);
    const ogg = path.join(dataDir, 'opus.ogg');
    fs.writeFileSync(ogg, audio);
    const bobChannel = execFileSync(
      'ffmpeg',
      ['-v', 'error', '-i', ogg, '-af', 'pan=mono|c0=c0', '-ar', '8000', '-f', 's16le', '-'],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const decoded = new Int16Array(
      bobChannel.buffer,
      bobChannel.byteOffset,
      bobChannel.length >> 1,
    );
    expect(
      correlate(decoded, readS16(new URL('conv_bob_10s_ulaw_ref.s16le', PCAP_DIR))),
    ).toBeGreaterThan(0.9);
  });

  it('a stream that never received media: the other party is stored, the failure catalogued, the journal kept', async () => {
    const dir = session('conv-2', [
      pcmuStream(0, 'alice', 'a.rtpj'),
      pcmuStream(1, 'bob', 'b.rtpj'),
    ]);
    journalConversation(dir, { 6000: 'a.rtpj' });
    const result = await finalizeCapturedSession(deps, dir);
    expect(result).toMatchObject({ kind: 'failed', code: 'no-media' });
    expect(result.recordingIds).toHaveLength(1);
    const recording = await findRecordingById(db.db, seed.orgId, result.recordingIds[0]!);
    expect(recording?.provenance).toEqual({
      recovered: false,
      recovery: null,
      failures: [
        {
          code: 'no-media',
          detail: 'stream bob: no journal',
          at: null,
          resolvedAt: null,
          stream: 'bob',
        },
      ],
      endReason: 'bye',
    });
    expect(fs.existsSync(path.join(dir, 'a.rtpj'))).toBe(true);
    const failures = await listOpenCaptureFailures(db.db, seed.orgId);
    expect(failures.find((f) => f.sessionId === 'conv-2')).toMatchObject({
      reason: 'no-media',
      detail: 'stream bob: no journal',
      recordingIds: result.recordingIds,
      journalDir: dir,
    });
  });

  it('no media at all marks the session failed with the reason and keeps the journal', async () => {
    const dir = session('conv-3', [pcmuStream(0, 'alice', 'a.rtpj')]);
    createRtpJournalWriter({ file: path.join(dir, 'a.rtpj') }).close();
    const result = await finalizeCapturedSession(deps, dir);
    expect(result).toEqual({
      kind: 'failed',
      code: 'no-media',
      reason: 'stream 0: no media received',
      recordingIds: [],
    });
    expect(JSON.parse(fs.readFileSync(path.join(dir, FAILED_FILE), 'utf8'))).toMatchObject({
      reason: 'stream 0: no media received',
    });
  });

  it('a session that never closed is listed for recovery; a closed or failed one is not', () => {
    const open = session('conv-4', [], false);
    expect(listUnfinishedJournals(dataDir)).toEqual([open]);
  });

  it('a full disk: the live failure is catalogued first, finalize waits for space, then stores once', async () => {
    const failure = { reason: 'disk-full', detail: 'stream 0 journal: ENOSPC', atMs: Date.now() };
    const dir = session(
      'full-1',
      [pcmuStream(0, 'alice', 'a.rtpj'), pcmuStream(1, 'bob', 'b.rtpj')],
      true,
      { failure },
    );
    journalConversation(dir, { 6000: 'a.rtpj', 6002: 'b.rtpj' });
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
    });
    const deferred = await finalizeCapturedSession(
      { ...deps, encode: () => Promise.reject(full) },
      dir,
    );
    expect(deferred).toMatchObject({ kind: 'deferred', recordingIds: [] });
    // Listed already, with nothing stored yet; the journal is whole and still to be finalized.
    const listed = (await listOpenCaptureFailures(db.db, seed.orgId)).filter(
      (f) => f.sessionId === 'full-1',
    );
    expect(listed).toMatchObject([{ reason: 'disk-full', recordingIds: [] }]);
    expect(fs.existsSync(path.join(dir, FAILED_FILE))).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.ogg'))).toEqual([]);
    expect(listPendingJournals(dataDir)).toContainEqual({ dir, recovered: false });

    // Space is back: the audio is stored, the one catalogued failure names it.
    const stored = await finalizeCapturedSession(deps, dir);
    expect(stored).toMatchObject({ kind: 'failed', code: 'disk-full' });
    expect(stored.recordingIds).toHaveLength(1);
    const after = (await listOpenCaptureFailures(db.db, seed.orgId)).filter(
      (f) => f.sessionId === 'full-1',
    );
    expect(after).toMatchObject([{ reason: 'disk-full', recordingIds: stored.recordingIds }]);
    const audited = await db.db
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('target_id', '=', after[0]!.id)
      .orderBy('seq')
      .execute();
    expect(audited.map((a) => a.action)).toEqual([
      'capture.failed',
      'capture.failureRecordingsStored',
    ]);
    expect(listPendingJournals(dataDir).map((j) => j.dir)).not.toContain(dir);

    // Finalized again (failed.json lost): the catalogue says it was stored; nothing twice.
    fs.rmSync(path.join(dir, FAILED_FILE));
    const again = await finalizeCapturedSession(deps, dir);
    expect(again).toMatchObject({ kind: 'failed', recordingIds: stored.recordingIds });
    expect(
      (await listOpenCaptureFailures(db.db, seed.orgId)).filter((f) => f.sessionId === 'full-1'),
    ).toHaveLength(1);
  });

  it('the failure row does not depend on failed.json: a journal folder that takes no file', async () => {
    const dir = session('full-2', [pcmuStream(0, 'alice', 'a.rtpj')]);
    createRtpJournalWriter({ file: path.join(dir, 'a.rtpj') }).close();
    // failed.json cannot be created where a folder of that name stands (as on a full disk).
    fs.mkdirSync(path.join(dir, FAILED_FILE));
    const result = await finalizeCapturedSession(deps, dir);
    expect(result).toMatchObject({ kind: 'failed', code: 'no-media' });
    const listed = (await listOpenCaptureFailures(db.db, seed.orgId)).filter(
      (f) => f.sessionId === 'full-2',
    );
    expect(listed).toMatchObject([{ reason: 'no-media', journalDir: dir }]);
    expect(fs.existsSync(path.join(dir, `${FAILED_FILE}.tmp`))).toBe(false);
  });

  it('the session as the recorder knew it is used (and written) when session.json is stale', async () => {
    const dir = session('full-3', [], false);
    journalConversation(dir, { 6000: 'a.rtpj', 6002: 'b.rtpj' });
    const known: CaptureSessionFile = {
      ...JSON.parse(fs.readFileSync(path.join(dir, 'session.json'), 'utf8')),
      streams: [pcmuStream(0, 'alice', 'a.rtpj'), pcmuStream(1, 'bob', 'b.rtpj')],
      closed: { endedAt: Date.now(), endReason: 'bye', kept: true },
    };
    const result = await finalizeCapturedSession(deps, dir, { session: known });
    expect(result).toMatchObject({ kind: 'stored' });
    const recording = await findRecordingById(db.db, seed.orgId, result.recordingIds[0]!);
    expect(recording?.provenance.endReason).toBe('bye');
  });
});
