// The capture sink on real loopback sockets: the session's answered audio streams are bound,
// packets land in the session's journal, a close flushes the journals and asks for finalizing,
// a session nobody owns leaves nothing behind, and a journal left open (a crash) is listed for
// recovery with everything flushed so far.
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  applyRecordingMetadataBody,
  createRecordingMetadataState,
  parseRtpJournal,
  serializeRtpPacket,
  serializeTelephoneEvent,
  type RecordingSessionSnapshot,
  type RtpJournalWriter,
  type RtpJournalWriterOptions,
  type SdpAnsweredStream,
} from '@callvault/recorder';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { createLogger } from '../observability/logger.js';
import {
  journalDirFor,
  listUnfinishedJournals,
  readSessionFile,
  type CaptureSessionFile,
} from '@callvault/recorder';
import { createCaptureSink, type CaptureSink, type CaptureSinkOptions } from '@callvault/recorder';
import {
  createLiveCallHub,
  type LiveCallEvent,
  type LiveCallHub,
} from '../telephony/live-calls.js';

/** G.711 µ-law (ITU-T G.711 §2), as a phone encodes what it sends. */
function encodeMulaw(pcm: Int16Array): Uint8Array {
  return Uint8Array.from(pcm, (value) => {
    const sign = value < 0 ? 0x80 : 0;
    let sample = Math.min(32635, Math.abs(value)) + 0x84;
    let exponent = 7;
    for (let mask = 0x4000; (sample & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
    sample = (sample >> (exponent + 3)) & 0x0f;
    return ~(sign | (exponent << 4) | sample) & 0xff;
  });
}

const handedOut = new Set<number>();

/** An even port whose RTCP neighbour is free too, never handed out twice in this file. */
async function freeEvenPort(): Promise<number> {
  const bind = (port: number) =>
    new Promise<dgram.Socket | null>((resolve) => {
      const s = dgram.createSocket('udp4');
      s.once('error', () => {
        s.close();
        resolve(null);
      });
      s.bind(port, '127.0.0.1', () => resolve(s));
    });
  for (;;) {
    const probe = await bind(0);
    if (!probe) continue;
    const port = probe.address().port;
    await new Promise<void>((r) => probe.close(() => r()));
    if (port % 2 !== 0 || port >= 65000 || handedOut.has(port)) continue;
    const [rtp, rtcp] = [await bind(port), await bind(port + 1)];
    for (const s of [rtp, rtcp]) if (s) await new Promise<void>((r) => s.close(() => r()));
    if (rtp && rtcp) {
      handedOut.add(port);
      return port;
    }
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
    codecs: [
      { name: 'PCMU', payloadType: 0, clockRate: 8000, channels: 1 },
      { name: 'PCMA', payloadType: 8, clockRate: 8000, channels: 1 },
    ],
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

function setUp(extra: Partial<CaptureSinkOptions<LiveCallHub>> = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-sink-'));
  const finalized: string[] = [];
  const handedOver = new Map<string, CaptureSessionFile>();
  const sink: CaptureSink<LiveCallHub> = createCaptureSink({
    calls: createLiveCallHub(),
    ...extra,
    dataDir,
    host: '127.0.0.1',
    clock: { now: () => systemClock.now().getTime() },
    logger: createLogger({ level: 'silent' }),
    finalize: (dir, session) => {
      finalized.push(dir);
      if (session) handedOver.set(dir, session);
      return Promise.resolve();
    },
    flushIntervalMs: 50,
  });
  cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  return { dataDir, finalized, handedOver, sink };
}

async function send(
  port: number,
  seqs: number[],
  payloadType = 0,
  from?: dgram.Socket,
): Promise<void> {
  const s = from ?? dgram.createSocket('udp4');
  if (!from) await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  for (const seq of seqs) {
    const bytes = serializeRtpPacket({
      payloadType,
      sequenceNumber: seq,
      timestamp: seq * 160,
      ssrc: 7,
      marker: false,
      payload: new Uint8Array(160).fill(seq),
    });
    await new Promise<void>((r) => s.send(bytes, port, '127.0.0.1', () => r()));
  }
  if (!from) await new Promise<void>((r) => s.close(() => r()));
}

async function boundSocket(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  cleanup.push(() => new Promise<void>((r) => s.close(() => r())));
  return s;
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
  it('another answered codec arriving without a re-offer joins the codecs finalize decodes', async () => {
    const { dataDir, sink } = setUp();
    const port = await freeEvenPort();
    sink.sessionOpened(snapshot('c1', [stream(0, port, '1')]));
    await sink.settle();
    const src = await boundSocket();
    await send(port, [1, 2], 0, src);
    await send(port, [3, 4], 8, src);
    // A payload type the answer did not list is journaled but names no codec.
    await send(port, [5], 18, src);
    const dir = journalDirFor(dataDir, 'c1');
    await waitFor(() => records(path.join(dir, 'stream-0.rtpj')).length === 5);
    expect(readSessionFile(dir).streams[0]?.codecs).toEqual([
      { payloadType: 0, name: 'PCMU', clockRate: 8000 },
      { payloadType: 8, name: 'PCMA', clockRate: 8000 },
    ]);
  });

  it('a re-offer of the same port lets the SRC move its media to another sender', async () => {
    const { dataDir, sink } = setUp();
    const port = await freeEvenPort();
    const first = snapshot('m1', [stream(0, port, '1')]);
    sink.sessionOpened(first);
    await sink.settle();
    const [before, after] = [await boundSocket(), await boundSocket()];
    await send(port, [1, 2], 0, before);
    const file = path.join(journalDirFor(dataDir, 'm1'), 'stream-0.rtpj');
    await waitFor(() => records(file).length === 2);
    // Before the re-offer the same stream from another sender is foreign.
    await send(port, [3], 0, after);
    await new Promise((r) => setTimeout(r, 100));
    // The answer of the re-INVITE: the same port, the SRC's offered port changed.
    const moved = {
      ...stream(0, port, '1'),
      remote: { address: '127.0.0.1', port: 9100, rtcpPort: 9101 },
    };
    sink.sessionUpdated(snapshot('m1', [moved]));
    await sink.settle();
    await send(port, [4, 5], 0, after);
    await send(port, [6], 0, before);
    await new Promise((r) => setTimeout(r, 300));
    expect(records(file)).toEqual([1, 2, 4, 5]);
  });

  it('a trunk set to `signalled` takes no media from an address the SDP did not name', async () => {
    const { dataDir, sink } = setUp();
    const port = await freeEvenPort();
    const elsewhere = {
      ...stream(0, port, '1'),
      remote: { address: '192.0.2.1', port: 9000, rtcpPort: 9001 },
    };
    sink.sessionOpened({ ...snapshot('n1', [elsewhere]), mediaLatching: 'signalled' });
    const nat = { ...stream(0, await freeEvenPort(), '1'), remote: elsewhere.remote };
    sink.sessionOpened({ ...snapshot('n2', [nat]) });
    await sink.settle();
    await send(port, [1, 2]);
    await send(nat.localPort, [1, 2]);
    await waitFor(
      () => records(path.join(journalDirFor(dataDir, 'n2'), 'stream-0.rtpj')).length === 2,
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(records(path.join(journalDirFor(dataDir, 'n1'), 'stream-0.rtpj'))).toEqual([]);
  });

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

// RFC 7865 metadata: Alice sends the stream labelled 1, Bob the one labelled 2.
const METADATA = `<?xml version="1.0" encoding="UTF-8"?>
<recording xmlns="urn:ietf:params:xml:ns:recording:1">
  <datamode>complete</datamode>
  <session session_id="c2Vzcw=="><sipSessionID>abc</sipSessionID></session>
  <participant participant_id="cC1hbGljZQ=="><nameID aor="sip:alice@example.com"/></participant>
  <participant participant_id="cC1ib2I="><nameID aor="sip:bob@example.com"/></participant>
  <stream stream_id="czE=" session_id="c2Vzcw=="><label>1</label></stream>
  <stream stream_id="czI=" session_id="c2Vzcw=="><label>2</label></stream>
  <participantstreamassoc participant_id="cC1hbGljZQ=="><send>czE=</send></participantstreamassoc>
  <participantstreamassoc participant_id="cC1ib2I="><send>czI=</send></participantstreamassoc>
</recording>`;

function onDemandBob(id: string, streams: SdpAnsweredStream[]): RecordingSessionSnapshot {
  const metadata = applyRecordingMetadataBody(createRecordingMetadataState(), METADATA, { seq: 1 });
  return {
    ...snapshot(id, streams),
    owners: [
      {
        kind: 'person',
        id: 'person-bob',
        displayName: 'Bob',
        participantId: 'cC1ib2I=',
        matchedBy: 'sip-address',
        mode: 'On Demand with User Initiated Start',
        failureBehavior: 'PROCEED_CALL_WITH_ANNOUNCEMENT',
      },
    ],
    metadataRevisions: metadata.revisions,
  };
}

function withTelephoneEvent(s: SdpAnsweredStream): SdpAnsweredStream {
  return { ...s, telephoneEvent: { payloadType: 101, clockRate: 8000 } };
}

/** RFC 4733 §2.5: each digit as a few event packets (same timestamp), the last with E set. */
async function sendDigits(port: number, digits: string, firstSeq: number): Promise<void> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  let seq = firstSeq;
  for (const [i, digit] of [...digits].entries()) {
    const event = digit === '*' ? 10 : digit === '#' ? 11 : Number(digit);
    for (const [j, end] of [false, false, true].entries()) {
      const bytes = serializeRtpPacket({
        payloadType: 101,
        sequenceNumber: seq++,
        timestamp: 100_000 + i * 1600,
        ssrc: 7,
        marker: j === 0,
        payload: serializeTelephoneEvent({ event, end, volume: 10, duration: 160 * (j + 1) }),
      });
      await new Promise<void>((r) => s.send(bytes, port, '127.0.0.1', () => r()));
    }
  }
  await new Promise<void>((r) => s.close(() => r()));
}

function closeOf(open: RecordingSessionSnapshot) {
  return {
    ...open,
    state: 'closed' as const,
    endedAt: Date.now(),
    endReason: 'bye' as const,
    kept: true,
    outcome: 'recorded',
  };
}

describe('capture sink: live controls and failures', () => {
  it('each owner’s side of the call comes from the SRC’s metadata (Acme callingParty), null when it says none', async () => {
    const { sink } = setUp();
    const [a, b] = [await freeEvenPort(), await freeEvenPort()];
    const plain = onDemandBob('dir-plain', [stream(0, a, '1'), stream(1, b, '2')]);
    sink.sessionOpened(plain);
    await sink.settle();
    expect(sink.calls.get('dir-plain')?.owners[0]?.direction).toBeNull();
    const acme = METADATA.replace(
      '<participant participant_id="cC1ib2I="><nameID aor="sip:bob@example.com"/></participant>',
      '<participant participant_id="cC1ib2I="><nameID aor="sip:bob@example.com"/>' +
        '<extensiondata xmlns:apkt="http://acmepacket.com/siprec/extensiondata"><apkt:callingParty>true</apkt:callingParty></extensiondata></participant>',
    );
    expect(acme).not.toBe(METADATA);
    const [c, d] = [await freeEvenPort(), await freeEvenPort()];
    const marked = {
      ...onDemandBob('dir-acme', [stream(0, c, '1'), stream(1, d, '2')]),
      metadataRevisions: applyRecordingMetadataBody(createRecordingMetadataState(), acme, {
        seq: 1,
      }).revisions,
    };
    sink.sessionOpened(marked);
    await sink.settle();
    expect(sink.calls.get('dir-acme')?.owners[0]?.direction).toBe('outbound');
    for (const open of [plain, marked]) sink.sessionClosed(closeOf(open));
    await sink.settle();
  });

  it('SPEC §4: *44 typed by the On Demand owner on their own stream starts the recording; the other party’s digits do not', async () => {
    const { dataDir, sink } = setUp();
    const events: LiveCallEvent[] = [];
    sink.calls.subscribe((e) => events.push(e));
    const [a, b] = [await freeEvenPort(), await freeEvenPort()];
    const open = onDemandBob('d1', [
      withTelephoneEvent(stream(0, a, '1')),
      withTelephoneEvent(stream(1, b, '2')),
    ]);
    sink.sessionOpened(open);
    await sink.settle();
    expect(sink.calls.get('d1')?.owners[0]?.state).toBe('pending');
    // Alice (not an owner) types *44 on her stream: nothing happens.
    await sendDigits(a, '*44', 1);
    await waitFor(
      () => records(path.join(journalDirFor(dataDir, 'd1'), 'stream-0.rtpj')).length === 9,
    );
    expect(sink.calls.get('d1')?.owners[0]?.state).toBe('pending');
    // Bob types *44, then *48, on his own stream.
    await sendDigits(b, '*44*48', 1);
    await waitFor(() => sink.calls.get('d1')?.owners[0]?.state === 'paused');
    const dir = journalDirFor(dataDir, 'd1');
    expect(readSessionFile(dir).recordingActions?.map((x) => [x.action, x.source])).toEqual([
      ['start', 'dtmf'],
      ['pause', 'dtmf'],
    ]);
    expect(events.map((e) => e.recordingState)).toEqual(['pending', 'started', 'paused']);
    sink.sessionClosed(closeOf(open));
    await sink.settle();
    expect(events.at(-1)).toMatchObject({ type: 'callEnded', recordingState: 'paused' });
    expect(readSessionFile(dir).recordingActions).toHaveLength(2);
  });

  it('SPEC §4: in-band *44 (G.711 tones, no RFC 4733) from the On Demand owner starts the recording', async () => {
    const { sink } = setUp();
    const [a, b] = [await freeEvenPort(), await freeEvenPort()];
    const open = onDemandBob('d3', [stream(0, a, '1'), stream(1, b, '2')]);
    sink.sessionOpened(open);
    await sink.settle();
    const pairs: Record<string, [number, number]> = { '*': [941, 1209], '4': [770, 1209] };
    const pcm: number[] = [];
    for (const digit of '*44') {
      const [low, high] = pairs[digit]!;
      for (let i = 0; i < 640; i++) {
        const t = i / 8000;
        pcm.push(5000 * (Math.sin(2 * Math.PI * low * t) + Math.sin(2 * Math.PI * high * t)));
      }
      for (let i = 0; i < 640; i++) pcm.push(0);
    }
    const payload = encodeMulaw(Int16Array.from(pcm, Math.round));
    const sender = dgram.createSocket('udp4');
    await new Promise<void>((r) => sender.bind(0, '127.0.0.1', () => r()));
    for (let i = 0; i * 160 < payload.length; i++) {
      const bytes = serializeRtpPacket({
        payloadType: 0,
        sequenceNumber: i,
        timestamp: i * 160,
        ssrc: 9,
        marker: false,
        payload: payload.subarray(i * 160, (i + 1) * 160),
      });
      await new Promise<void>((r) => sender.send(bytes, b, '127.0.0.1', () => r()));
    }
    sender.close();
    await waitFor(() => sink.calls.get('d3')?.owners[0]?.state === 'started');
    expect(sink.calls.get('d3')?.actions).toEqual([
      expect.objectContaining({ action: 'start', source: 'dtmf', ownerId: 'person-bob' }),
    ]);
    sink.sessionClosed(closeOf(open));
    await sink.settle();
  });

  it.each([
    {
      codec: 'G722' as const,
      payloadType: 9,
      clockRate: 8000,
      rate: 16000,
      encoder: ['-c:a', 'g722'],
    },
    {
      codec: 'opus' as const,
      payloadType: 97,
      clockRate: 48000,
      rate: 48000,
      encoder: ['-c:a', 'libopus', '-b:a', '32k', '-frame_duration', '20'],
    },
  ])(
    'SPEC §4: in-band *44 over $codec (sent as RTP by ffmpeg) from the On Demand owner starts the recording',
    async ({ codec, payloadType, clockRate, rate, encoder }) => {
      const { sink } = setUp();
      const [a, b] = [await freeEvenPort(), await freeEvenPort()];
      const withCodec = (st: SdpAnsweredStream): SdpAnsweredStream => ({
        ...st,
        codec: { name: codec, payloadType, clockRate, channels: codec === 'opus' ? 2 : 1 },
      });
      const id = `d-${codec}`;
      const open = onDemandBob(id, [withCodec(stream(0, a, '1')), withCodec(stream(1, b, '2'))]);
      sink.sessionOpened(open);
      await sink.settle();
      const pairs: Record<string, [number, number]> = { '*': [941, 1209], '4': [770, 1209] };
      const pcm: number[] = [];
      for (const digit of '*44') {
        const [low, high] = pairs[digit]!;
        for (let i = 0; i < rate * 0.08; i++) {
          const t = i / rate;
          pcm.push(5000 * (Math.sin(2 * Math.PI * low * t) + Math.sin(2 * Math.PI * high * t)));
        }
        for (let i = 0; i < rate * 0.08; i++) pcm.push(0);
      }
      const input = Buffer.from(Int16Array.from(pcm, Math.round).buffer);
      await new Promise<void>((resolve, reject) => {
        const ffmpeg = execFile(
          'ffmpeg',
          [
            ...['-hide_banner', '-loglevel', 'error'],
            ...['-f', 's16le', '-ar', String(rate), '-ac', '1', '-i', 'pipe:0'],
            ...encoder,
            ...['-payload_type', String(payloadType), '-f', 'rtp', `rtp://127.0.0.1:${b}`],
          ],
          (err: Error | null) => (err ? reject(err) : resolve()),
        );
        ffmpeg.stdin!.end(input);
      });
      await waitFor(() => sink.calls.get(id)?.owners[0]?.state === 'started');
      expect(sink.calls.get(id)?.actions).toEqual([
        expect.objectContaining({ action: 'start', source: 'dtmf', ownerId: 'person-bob' }),
      ]);
      sink.sessionClosed(closeOf(open));
      await sink.settle();
    },
  );

  it('uses the org’s own feature codes and pause behaviour', async () => {
    const { dataDir, sink } = setUp({
      loadControls: () =>
        Promise.resolve({
          pauseBehaviour: 'silence',
          dtmfFeatureCodes: { start: '#1', stop: '#2', pause: '#3', resume: '#4' },
        }),
    });
    const [a, b] = [await freeEvenPort(), await freeEvenPort()];
    const open = onDemandBob('d2', [
      withTelephoneEvent(stream(0, a, '1')),
      withTelephoneEvent(stream(1, b, '2')),
    ]);
    sink.sessionOpened(open);
    await sink.settle();
    await sendDigits(b, '*44#1', 1);
    await waitFor(() => sink.calls.get('d2')?.owners[0]?.state === 'started');
    const file = readSessionFile(journalDirFor(dataDir, 'd2'));
    expect(file.pauseBehaviour).toBe('silence');
    expect(file.recordingActions?.map((x) => x.action)).toEqual(['start']);
    sink.sessionClosed(closeOf(open));
    await sink.settle();
  });

  it('SPEC §5: a=inactive / c=0.0.0.0 from the SRC is hold, its return unhold, both recordingActions', async () => {
    const { dataDir, sink } = setUp();
    const port = await freeEvenPort();
    const open = snapshot('h1', [stream(0, port, '1')]);
    sink.sessionOpened(open);
    await sink.settle();
    sink.sessionUpdated(snapshot('h1', [{ ...stream(0, port, '1'), onHold: true }]));
    sink.sessionUpdated(snapshot('h1', [{ ...stream(0, port, '1'), onHold: true }]));
    sink.sessionUpdated(snapshot('h1', [stream(0, port, '1')]));
    await sink.settle();
    expect(
      readSessionFile(journalDirFor(dataDir, 'h1')).recordingActions?.map((x) => x.action),
    ).toEqual(['start', 'hold', 'unhold']);
    expect(sink.calls.get('h1')?.owners[0]?.state).toBe('started');
    sink.sessionClosed(closeOf(open));
    await sink.settle();
  });

  it('SPEC §4: hold pauses an owner whose mode allows pausing, unhold resumes, so the held stretch is cut', async () => {
    const { dataDir, sink } = setUp();
    const port = await freeEvenPort();
    const withMode = (streams: SdpAnsweredStream[]): RecordingSessionSnapshot => {
      const base = snapshot('h2', streams);
      return {
        ...base,
        owners: base.owners.map((o) => ({ ...o, mode: 'Always with Pause/Resume' })),
      };
    };
    const open = withMode([stream(0, port, '1')]);
    sink.sessionOpened(open);
    await sink.settle();
    sink.sessionUpdated(withMode([{ ...stream(0, port, '1'), onHold: true }]));
    await sink.settle();
    expect(sink.calls.get('h2')?.owners[0]?.state).toBe('paused');
    sink.sessionUpdated(withMode([stream(0, port, '1')]));
    await sink.settle();
    expect(sink.calls.get('h2')?.owners[0]?.state).toBe('started');
    expect(
      readSessionFile(journalDirFor(dataDir, 'h2')).recordingActions?.map((x) => [
        x.action,
        x.source,
      ]),
    ).toEqual([
      ['start', 'mode'],
      ['hold', 'siprec'],
      ['pause', 'siprec'],
      ['unhold', 'siprec'],
      ['resume', 'siprec'],
    ]);
    sink.sessionClosed(closeOf(open));
    await sink.settle();
  });

  it('a disk that fills (ENOSPC on a journal write) fails the call at once, with the reason in session.json', async () => {
    // A journal writer on a full disk: every flush of appended records fails with ENOSPC.
    const fullDisk = (options: RtpJournalWriterOptions): RtpJournalWriter => {
      let pending = 0;
      let error: Error | null = null;
      const flush = (): void => {
        if (pending === 0 || error) return;
        error = Object.assign(new Error('ENOSPC: no space left on device, write'), {
          code: 'ENOSPC',
        });
        options.onError?.(error);
      };
      const timer = setInterval(flush, 20);
      return {
        file: options.file,
        append: () => void pending++,
        flush,
        close() {
          clearInterval(timer);
          flush();
        },
        get error() {
          return error;
        },
        bytesWritten: 0,
      };
    };
    const { dataDir, finalized, sink } = setUp({ createJournalWriter: fullDisk });
    const events: LiveCallEvent[] = [];
    sink.calls.subscribe((e) => events.push(e));
    const port = await freeEvenPort();
    const open = snapshot('f1', [stream(0, port, '1')]);
    sink.sessionOpened(open);
    await sink.settle();
    await send(port, [1, 2]);
    await waitFor(() => sink.calls.get('f1')?.failure != null);
    expect(sink.calls.get('f1')).toMatchObject({
      failure: { reason: 'disk-full', detail: expect.stringContaining('ENOSPC') },
      owners: [{ state: 'failed', failureBehavior: null }],
    });
    expect(events.at(-1)).toMatchObject({
      recordingState: 'failed',
      action: 'fail',
      reason: 'disk-full',
    });
    const dir = journalDirFor(dataDir, 'f1');
    expect(readSessionFile(dir).failure).toMatchObject({ reason: 'disk-full' });
    // Controls are refused once failed; the journal still goes to finalize, which catalogues it.
    expect(sink.calls.control('f1', 'person-1', 'pause', 'api', Date.now())).toMatchObject({
      ok: false,
      reason: 'RECORDING_FAILED',
    });
    sink.sessionClosed(closeOf(open));
    await sink.settle();
    expect(finalized).toEqual([dir]);
  });

  it('a session.json the disk refuses at the end: finalize is handed the session, closed and failed', async () => {
    const { dataDir, finalized, handedOver, sink } = setUp();
    const port = await freeEvenPort();
    const open = snapshot('f3', [stream(0, port, '1')]);
    sink.sessionOpened(open);
    await sink.settle();
    const dir = journalDirFor(dataDir, 'f3');
    // The temporary file session.json is written through cannot be created from now on.
    fs.mkdirSync(path.join(dir, 'session.json.tmp'));
    sink.sessionClosed(closeOf(open));
    await sink.settle();
    expect(finalized).toEqual([dir]);
    expect(readSessionFile(dir).closed).toBeUndefined();
    expect(handedOver.get(dir)).toMatchObject({
      sessionId: 'f3',
      closed: { endReason: 'bye', kept: true },
      failure: { reason: 'journal-write', detail: expect.stringContaining('session file') },
    });
  });

  it('a stream that never receives media fails the call (no-media) after the timeout', async () => {
    const { dataDir, finalized, sink } = setUp({ noMediaTimeoutMs: 100 });
    const events: LiveCallEvent[] = [];
    sink.calls.subscribe((e) => events.push(e));
    const [a, b] = [await freeEvenPort(), await freeEvenPort()];
    const open = snapshot('n1', [stream(0, a, '1'), stream(1, b, '2')]);
    sink.sessionOpened(open);
    await sink.settle();
    await send(a, [1, 2, 3]);
    await waitFor(() => sink.calls.get('n1')?.failure !== null);
    expect(sink.calls.get('n1')?.failure).toMatchObject({
      reason: 'no-media',
      detail: 'stream 2 received no media in 0.1 s',
    });
    expect(events.at(-1)).toMatchObject({ recordingState: 'failed', reason: 'no-media' });
    const dir = journalDirFor(dataDir, 'n1');
    expect(readSessionFile(dir).failure).toMatchObject({ reason: 'no-media' });
    sink.sessionClosed(closeOf(open));
    await sink.settle();
    expect(finalized).toEqual([dir]);
    expect(readSessionFile(dir).failure).toMatchObject({ reason: 'no-media' });
  });

  it('media that comes after the no-media timeout ends the failure: states back, a recover action, nothing catalogued', async () => {
    const { dataDir, sink } = setUp({ noMediaTimeoutMs: 100 });
    const events: LiveCallEvent[] = [];
    sink.calls.subscribe((e) => events.push(e));
    const [a, b] = [await freeEvenPort(), await freeEvenPort()];
    const open = snapshot('n2', [stream(0, a, '1'), stream(1, b, '2')]);
    sink.sessionOpened(open);
    await sink.settle();
    await send(a, [1, 2, 3]);
    await waitFor(() => sink.calls.get('n2')?.failure !== null);
    const dir = journalDirFor(dataDir, 'n2');
    expect(readSessionFile(dir).failure).toMatchObject({ reason: 'no-media' });
    // The silent stream starts sending.
    await send(b, [1, 2]);
    await waitFor(() => sink.calls.get('n2')?.failure === null);
    const call = sink.calls.get('n2')!;
    expect(call.owners.map((o) => o.state)).toEqual(['started']);
    expect(call.actions.map((x) => [x.action, x.reason ?? null])).toEqual([
      ['start', null],
      ['fail', 'no-media'],
      ['recover', 'no-media'],
    ]);
    expect(events.at(-1)).toMatchObject({ recordingState: 'started', action: 'recover' });
    expect(readSessionFile(dir).failure).toBeUndefined();
    sink.sessionClosed(closeOf(open));
    await sink.settle();
    const closed = readSessionFile(dir);
    expect(closed.failure).toBeUndefined();
    expect(closed.recordingActions?.map((x) => x.action)).toEqual(['start', 'fail', 'recover']);
  });
});
