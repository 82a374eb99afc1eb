// The capture and relay benchmarks' receiving process (bench/capture.bench.ts and
// bench/relay.bench.ts fork it), in one of these modes:
//
//   callvault  the server's real capture sink (packages/recorder/src/media/capture/capture-sink.ts) with
//              `calls` sessions of two answered PCMU streams each, opened the way the SIPREC
//              session handler opens them (sessionOpened with the session's snapshot): every
//              stream binds its RTP and RTCP ports, latches its source, parses each packet and
//              appends it to the session's journal, flushed every 500 ms (the default). The
//              sockets come from the receiver `serve` uses (the batch receiver when its addon
//              is built; CALLVAULT_UDP_RECEIVER=dgram for Node's dgram, as with `serve`).
//              With `srtp` (an SDES suite) the streams are answered RTP/SAVP with that suite and
//              the key the load generator protects stream s with (rtp-load.c: byte j of key ||
//              salt is (s * 31 + j * 7 + 1) mod 256), so every packet is authenticated and
//              decrypted before it is journaled.
//   baseline   a bare Node UDP receiver on the same RTP ports: one dgram socket per stream (the
//              same receive buffer size), counting packets and nothing else.
//   relay      the media path of a forwarded session that is not recorded here, as `serve` runs
//              it: the answered RTP/RTCP pairs bound by createBoundPortPairs (the allocator over
//              the ports, the same UDP receiver as `serve`), and per stream a relay socket
//              (bindUdpRelaySocket, on a pair of the same range, as session-forwarding.ts opens
//              it) and a relay stream (createRtpRelayStream) fed by a tap on the inbound RTP port
//              and sending every packet, unchanged, to the vendor's port: `sinkBasePort` + i for
//              stream i (a `sink` process). Nothing takes the sockets, so after the tap a packet
//              is dropped.
//   relay+capture  the same, with the capture sink taking the bound sockets through the pairs'
//              hand-over receiver and journaling each packet as in `callvault` (the forward's
//              "record here when the vendor fails" on, or dual recording), while the taps relay.
//   sink       the vendor's side of the relay: 2 × `calls` sockets on ports basePort + i from the
//              batch receiver (Node's dgram without the addon), counting packets; run in its own
//              process, so its cost is not the relay's.
//
// Streams use ports base, base + 4, base + 8, ... (RTP on the even port, RTCP above it), and the
// load generator sends to base + 2i for stream i, so the recorder binds ports base + 4c and
// base + 4c + 2 for call c. The relay modes' relay sockets take the next 2 × `calls` pairs,
// base + 4 × calls + 2i.
//
// IPC: { mode, calls, basePort, sinkBasePort? } → { ready, udpReceiver, srtpDecryption } once
// every socket is bound; { count } → { received, relayed?, relaySendErrors? } (received: for
// Callvault the sessions are closed as by a BYE, which flushes the journals, and their records
// are counted from the journal files' sizes; relay: the packets the taps handed to the relay;
// baseline and sink: their counters); { stop } → cleans up, exits.
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  RecordingSessionSnapshot,
  RtpRelayStream,
  SdpAnsweredStream,
  UdpRelaySocket,
} from '@callvault/recorder';
import {
  bindUdpRelaySocket,
  createBoundPortPairs,
  createCaptureSink,
  createPortPairAllocator,
  createRtpRelayStream,
  journalDirFor,
  isNativeSrtpAvailable,
  isSrtpCryptoSuite,
  srtpInlineKeyLength,
  selectUdpReceiver,
  RTP_JOURNAL_MAGIC,
  RTP_JOURNAL_RECORD_HEADER,
  type UdpReceiver,
} from '@callvault/recorder';
import { createLogger } from '../../packages/server/src/observability/logger.js';
import { createLiveCallHub } from '../../packages/server/src/telephony/live-calls.js';

export type RecorderMode = 'callvault' | 'baseline' | 'relay' | 'relay+capture' | 'sink';

export interface RecorderRequest {
  readonly mode: RecorderMode;
  readonly calls: number;
  readonly basePort: number;
  /** Relay modes: stream i is relayed to 127.0.0.1 port sinkBasePort + i. */
  readonly sinkBasePort?: number;
  /** An SDES crypto suite: the streams are SRTP (callvault mode only). */
  readonly srtp?: string;
}

const PAYLOAD = 160;
const RECEIVE_BUFFER = 1 << 20; // what rtp-stream-capture.ts asks for

/** The SDES key || salt (base64) of global stream `s`, as rtp-load.c keys it. */
function streamKey(suite: string, s: number): string {
  if (!isSrtpCryptoSuite(suite)) throw new Error(`unknown SRTP suite ${suite}`);
  const bytes = Buffer.alloc(srtpInlineKeyLength(suite));
  for (let j = 0; j < bytes.length; j++) bytes[j] = (s * 31 + j * 7 + 1) & 0xff;
  return bytes.toString('base64');
}

function stream(
  index: number,
  port: number,
  srtp?: { suite: string; keySalt: string },
): SdpAnsweredStream {
  const keyed =
    srtp && isSrtpCryptoSuite(srtp.suite)
      ? {
          protocol: 'RTP/SAVP',
          srtp: {
            suite: srtp.suite,
            tag: 1,
            remote: { method: 'inline', keySalt: srtp.keySalt },
            local: { keySalt: srtp.keySalt },
          },
        }
      : {};
  return {
    index,
    media: 'audio',
    label: String(index + 1),
    accepted: true,
    localPort: port,
    localRtcpPort: port + 1,
    protocol: 'RTP/AVP',
    direction: 'recvonly',
    offeredDirection: 'sendonly',
    codec: { name: 'PCMU', payloadType: 0, clockRate: 8000, channels: 1 },
    codecs: [{ name: 'PCMU', payloadType: 0, clockRate: 8000, channels: 1 }],
    payloadTypes: [{ payloadType: 0, encodingName: 'PCMU', clockRate: 8000, channels: 1 }],
    remote: { address: '127.0.0.1', port: 9, rtcpPort: 10 },
    onHold: false,
    ...keyed,
  };
}

function snapshot(call: number, basePort: number, suite?: string): RecordingSessionSnapshot {
  const keyOf = (i: number) =>
    suite === undefined ? undefined : { suite, keySalt: streamKey(suite, 2 * call + i) };
  const id = `bench-call-${call}`;
  return {
    id,
    callId: `${id}@bench`,
    orgId: 'bench-org',
    trunkId: 'bench-trunk',
    trunkName: 'bench trunk',
    source: { transport: 'udp', address: '127.0.0.1', port: 5060 },
    state: 'active',
    ownership: 'owned',
    startedAt: Date.now(),
    parties: [],
    owners: [
      {
        kind: 'person',
        id: 'bench-owner',
        displayName: 'Bench Owner',
        participantId: 'p1',
        matchedBy: 'sip-address',
        mode: 'Always',
      },
    ],
    streams: [
      stream(0, basePort + 4 * call, keyOf(0)),
      stream(1, basePort + 4 * call + 2, keyOf(1)),
    ],
    metadataRevisions: [],
    siprecIndicators: { srcFeatureTag: true, requireSiprec: true, metadataPart: true },
  };
}

/** As `serve` chooses with CALLVAULT_UDP_RECEIVER (default batch). */
const serveUdpReceiver = (): UdpReceiver =>
  selectUdpReceiver(process.env.CALLVAULT_UDP_RECEIVER === 'dgram' ? 'dgram' : 'batch');

interface Capture {
  /** Ends the sessions as a BYE does and counts the journaled packets. */
  closeAndCount(): Promise<number>;
}

/** The capture sink with the request's sessions open, taking its sockets from `udpReceiver`. */
async function openCapture(
  request: RecorderRequest,
  udpReceiver: UdpReceiver,
  dataDir: string,
): Promise<Capture> {
  const sink = createCaptureSink({
    udpReceiver,
    dataDir,
    host: '127.0.0.1',
    clock: { now: () => Date.now() },
    logger: createLogger({ level: 'silent' }),
    calls: createLiveCallHub(),
    finalize: () => Promise.resolve(),
    // Opening 1000+ sessions and starting the load can take longer than the no-media limit.
    noMediaTimeoutMs: 0,
  });
  const snapshots = Array.from({ length: request.calls }, (_, c) =>
    snapshot(c, request.basePort, request.srtp),
  );
  for (const s of snapshots) sink.sessionOpened(s);
  await sink.settle();
  const journals = snapshots.flatMap((s) =>
    [0, 1].map((i) => path.join(journalDirFor(dataDir, s.id), `stream-${i}.rtpj`)),
  );
  return {
    async closeAndCount() {
      // Ending the sessions closes the sockets and flushes every journal (the way a BYE does);
      // kept, so the journals stay to be counted: whole records of a 160-byte payload.
      for (const s of snapshots) {
        sink.sessionClosed({
          ...s,
          state: 'closed',
          endedAt: Date.now(),
          endReason: 'bye',
          kept: true,
          outcome: 'benchmark',
        });
      }
      await sink.settle();
      let received = 0;
      for (const file of journals) {
        const size = fs.statSync(file).size - RTP_JOURNAL_MAGIC.length;
        received += Math.floor(size / (RTP_JOURNAL_RECORD_HEADER + PAYLOAD));
      }
      return received;
    },
  };
}

async function callvault(request: RecorderRequest): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-capture-bench-'));
  const udpReceiver = serveUdpReceiver();
  const capture = await openCapture(request, udpReceiver, dataDir);
  process.send!({
    ready: true,
    udpReceiver: udpReceiver.kind,
    srtpDecryption: isNativeSrtpAvailable() ? 'native' : 'typescript',
  });
  process.on('message', (message: { count?: true; stop?: true }) => {
    if (message.count) {
      void capture.closeAndCount().then((received) => process.send!({ received }));
    }
    if (message.stop) {
      fs.rmSync(dataDir, { recursive: true, force: true });
      process.disconnect();
    }
  });
}

interface Relay {
  readonly socket: UdpRelaySocket;
  readonly stream: RtpRelayStream;
  readonly untap: () => void;
}

/** The relay modes: the forwarded session's media path, with or without the capture. */
async function relay(request: RecorderRequest, withCapture: boolean): Promise<void> {
  if (request.sinkBasePort === undefined) throw new Error('a relay mode needs sinkBasePort');
  const streams = 2 * request.calls;
  const udpReceiver = serveUdpReceiver();
  // As in `serve` (packages/server/src/app/runtime.ts): the pairs are bound as they are handed
  // out, before the answer names them; the relay sockets take pairs of the same range.
  const ports = createBoundPortPairs({
    allocator: createPortPairAllocator({
      min: request.basePort,
      max: request.basePort + 8 * request.calls - 1,
    }),
    receiver: udpReceiver,
    host: '127.0.0.1',
  });
  const inbound = Array.from({ length: streams }, () => ports.allocate()!);
  inbound.forEach((port, i) => {
    if (port !== request.basePort + 2 * i) throw new Error(`stream ${i} was given port ${port}`);
  });
  await ports.bind(inbound);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-relay-bench-'));
  const capture = withCapture ? await openCapture(request, ports.receiver, dataDir) : null;
  // As forward-session.ts sets up each stream's relay once the vendor has answered.
  const relays: Relay[] = [];
  for (let i = 0; i < streams; i++) {
    const relayPort = ports.allocate();
    if (relayPort === undefined) throw new Error('no free pair for a relay socket');
    const socket = await bindUdpRelaySocket('127.0.0.1', relayPort);
    const stream = createRtpRelayStream({ send: (packet, to) => socket.send(packet, to) });
    stream.setTarget({ address: '127.0.0.1', port: request.sinkBasePort + i });
    const inboundPort = inbound[i];
    if (inboundPort === undefined) throw new Error(`no inbound port for stream ${i}`);
    const untap = ports.tap(inboundPort, (packet) => stream.relay(packet));
    relays.push({ socket, stream, untap });
  }
  process.send!({
    ready: true,
    udpReceiver: udpReceiver.kind,
    srtpDecryption: isNativeSrtpAvailable() ? 'native' : 'typescript',
  });
  process.on('message', (message: { count?: true; stop?: true }) => {
    if (message.count) {
      let tapped = 0;
      let relayed = 0;
      let relaySendErrors = 0;
      for (const r of relays) {
        const stats = r.stream.stats();
        tapped += stats.forwarded + stats.droppedNoTarget + stats.droppedMalformed;
        relayed += stats.forwarded;
        relaySendErrors += r.socket.sendErrors;
      }
      void (capture ? capture.closeAndCount() : Promise.resolve(null)).then((journaled) =>
        process.send!({ received: tapped, journaled, relayed, relaySendErrors }),
      );
    }
    if (message.stop) {
      for (const r of relays) r.untap();
      for (const port of inbound) ports.release(port);
      void Promise.all(relays.map((r) => r.socket.close())).then(() => {
        fs.rmSync(dataDir, { recursive: true, force: true });
        process.disconnect();
      });
    }
  });
}

/** The vendor's ports: one socket per stream, counting what arrives. */
async function sink(request: RecorderRequest): Promise<void> {
  const udpReceiver = selectUdpReceiver('batch');
  let received = 0;
  const sockets: Array<Awaited<ReturnType<UdpReceiver['bind']>>> = [];
  for (let i = 0; i < 2 * request.calls; i++) {
    sockets.push(
      await udpReceiver.bind({
        host: '127.0.0.1',
        port: request.basePort + i,
        receiveBufferSize: RECEIVE_BUFFER,
        onPacket: () => {
          received++;
        },
      }),
    );
  }
  process.send!({ ready: true, udpReceiver: udpReceiver.kind, srtpDecryption: 'typescript' });
  process.on('message', (message: { count?: true; stop?: true }) => {
    if (message.count) process.send!({ received });
    if (message.stop)
      void Promise.all(sockets.map((s) => s.close())).then(() => process.disconnect());
  });
}

async function baseline(request: RecorderRequest): Promise<void> {
  let received = 0;
  const sockets: dgram.Socket[] = [];
  for (let c = 0; c < request.calls; c++) {
    for (const port of [request.basePort + 4 * c, request.basePort + 4 * c + 2]) {
      const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: RECEIVE_BUFFER });
      socket.on('message', () => {
        received++;
      });
      await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', () => resolve()));
      sockets.push(socket);
    }
  }
  process.send!({ ready: true, udpReceiver: 'dgram', srtpDecryption: 'typescript' });
  process.on('message', (message: { count?: true; stop?: true }) => {
    if (message.count) process.send!({ received });
    if (message.stop) {
      void Promise.all(
        sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
      ).then(() => process.disconnect());
    }
  });
}

const modes: Record<RecorderMode, (request: RecorderRequest) => Promise<void>> = {
  callvault,
  baseline,
  relay: (request) => relay(request, false),
  'relay+capture': (request) => relay(request, true),
  sink,
};

process.once('message', (request: RecorderRequest) => {
  modes[request.mode](request).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
});
