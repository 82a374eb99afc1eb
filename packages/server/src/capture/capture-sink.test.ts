// The capture sink on real loopback sockets: the session's answered audio streams are bound,
// packets land in the session's journal, a close flushes the journals and asks for finalizing,
// a session nobody owns leaves nothing behind, and a journal left open (a crash) is listed for
// recovery with everything flushed so far.
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  parseRtpJournal,
  serializeRtpPacket,
  type RecordingSessionSnapshot,
  type SdpAnsweredStream,
} from '@callvault/recorder';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { createLogger } from '../observability/logger.js';
import { journalDirFor, listUnfinishedJournals, readSessionFile } from './capture-journal.js';
import { createCaptureSink, type CaptureSink } from './capture-sink.js';

async function freeEvenPort(): Promise<number> {
  for (;;) {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    const port = s.address().port;
    await new Promise<void>((r) => s.close(() => r()));
    if (port % 2 === 0 && port < 65000) return port;
  }
}

function stream(index: number, port: number, label: string): SdpAnsweredStream {
  return {
    index,
    media: 'audio',
    label,
    accepted: true,
    localPort: port,
    localRtcpPort: port + 1,
    protocol: 'RTP/AVP',
    direction: 'recvonly',
    offeredDirection: 'sendonly',
    codec: { name: 'PCMU', payloadType: 0, clockRate: 8000, channels: 1 },
    payloadTypes: [],
    remote: { address: '127.0.0.1', port: 9000, rtcpPort: 9001 },
    onHold: false,
  };
}

function snapshot(id: string, streams: SdpAnsweredStream[]): RecordingSessionSnapshot {
  return {
    id,
    callId: `${id}@src`,
    orgId: 'org-1',
    trunkId: 'trunk-1',
    trunkName: 'trunk',
    source: { transport: 'udp', address: '127.0.0.1', port: 5060 },
    state: 'active',
    ownership: 'owned',
    startedAt: Date.now(),
    parties: [],
    owners: [
      {
        kind: 'person',
        id: 'person-1',
        displayName: 'Alice',
        participantId: 'p1',
        matchedBy: 'sip-address',
        mode: 'Always',
      },
    ],
    streams,
    metadataRevisions: [],
    siprecIndicators: { srcFeatureTag: true, requireSiprec: true, metadataPart: true },
  };
}

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) await f();
});

function setUp() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-sink-'));
  const finalized: string[] = [];
  const sink: CaptureSink = createCaptureSink({
    dataDir,
    host: '127.0.0.1',
    clock: systemClock,
    logger: createLogger({ level: 'silent' }),
    finalize: (dir) => {
      finalized.push(dir);
      return Promise.resolve();
    },
    flushIntervalMs: 50,
  });
  cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  return { dataDir, finalized, sink };
}

async function send(port: number, seqs: number[]): Promise<void> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  for (const seq of seqs) {
    const bytes = serializeRtpPacket({
      payloadType: 0,
      sequenceNumber: seq,
      timestamp: seq * 160,
      ssrc: 7,
      marker: false,
      payload: new Uint8Array(160).fill(seq),
    });
    await new Promise<void>((r) => s.send(bytes, port, '127.0.0.1', () => r()));
  }
  await new Promise<void>((r) => s.close(() => r()));
}

function records(file: string): number[] {
  const parsed = parseRtpJournal(fs.readFileSync(file));
  return parsed.ok ? parsed.records.map((r) => r.sequenceNumber) : [];
}

async function waitFor(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('capture sink', () => {
  it('journals each answered stream and asks for finalizing when the session ends', async () => {
    const { dataDir, finalized, sink } = setUp();
    const [a, b] = [await freeEvenPort(), await freeEvenPort()];
    const open = snapshot('s1', [stream(0, a, '1'), stream(1, b, '2')]);
    sink.sessionOpened(open);
    await sink.settle();
    await send(a, [1, 2, 3]);
    await send(b, [10, 11]);
    const dir = journalDirFor(dataDir, 's1');
    // Flushed on the interval, before any close: what a crash would leave.
    await waitFor(
      () =>
        records(path.join(dir, 'stream-0.rtpj')).length === 3 &&
        records(path.join(dir, 'stream-1.rtpj')).length === 2,
    );
    expect(listUnfinishedJournals(dataDir)).toEqual([dir]);
    sink.sessionClosed({
      ...open,
      state: 'closed',
      endedAt: Date.now(),
      endReason: 'bye',
      kept: true,
      outcome: 'recorded',
    });
    await sink.settle();
    expect(finalized).toEqual([dir]);
    const file = readSessionFile(dir);
    expect(file.closed).toMatchObject({ endReason: 'bye', kept: true });
    expect(file.streams.map((s) => s.label)).toEqual(['1', '2']);
    expect(file.counters?.['0']).toMatchObject({
      rtpPackets: 3,
      source: expect.stringMatching(/^127\.0\.0\.1:/),
    });
    expect(listUnfinishedJournals(dataDir)).toEqual([]);
    // The ports are free again.
    const probe = dgram.createSocket('udp4');
    await new Promise<void>((r, j) => {
      probe.once('error', j);
      probe.bind(a, '127.0.0.1', () => r());
    });
    probe.close();
  });

  it('keeps nothing of a session without an owner', async () => {
    const { dataDir, finalized, sink } = setUp();
    const port = await freeEvenPort();
    const open = snapshot('s2', [stream(0, port, '1')]);
    sink.sessionOpened(open);
    await sink.settle();
    sink.sessionClosed({
      ...open,
      state: 'closed',
      endedAt: Date.now(),
      endReason: 'bye',
      kept: false,
      outcome: 'no owner',
    });
    await sink.settle();
    expect(finalized).toEqual([]);
    expect(fs.existsSync(journalDirFor(dataDir, 's2'))).toBe(false);
  });

  it('a re-INVITE moving a stream to another port appends to the same journal', async () => {
    const { dataDir, sink } = setUp();
    const [first, second] = [await freeEvenPort(), await freeEvenPort()];
    sink.sessionOpened(snapshot('s3', [stream(0, first, '1')]));
    await sink.settle();
    await send(first, [1]);
    const journal = path.join(journalDirFor(dataDir, 's3'), 'stream-0.rtpj');
    await waitFor(() => records(journal).length === 1);
    sink.sessionUpdated(snapshot('s3', [stream(0, second, '1')]));
    await sink.settle();
    await send(second, [2]);
    await waitFor(() => records(journal).length === 2);
    expect(records(journal)).toEqual([1, 2]);
    sink.sessionClosed({
      ...snapshot('s3', [stream(0, second, '1')]),
      state: 'closed',
      endedAt: Date.now(),
      endReason: 'bye',
      kept: false,
      outcome: 'done',
    });
    await sink.settle();
  });
});
