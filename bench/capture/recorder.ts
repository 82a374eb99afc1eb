// The capture benchmark's receiving process (bench/capture.bench.ts forks it), in one of two modes:
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
//
// Streams use ports base, base + 4, base + 8, ... (RTP on the even port, RTCP above it), and the
// load generator sends to base + 2i for stream i, so the recorder binds ports base + 4c and
// base + 4c + 2 for call c.
//
// IPC: { mode, calls, basePort } → { ready, udpReceiver, srtpDecryption } once every socket is bound; { count } → { received }
// (Callvault: the sessions are closed as by a BYE, which flushes the journals, and their records
// are counted from the journal files' sizes; baseline: its counter); { stop } → cleans up, exits.
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RecordingSessionSnapshot, SdpAnsweredStream } from '@callvault/recorder';
import {
  createCaptureSink,
  journalDirFor,
  isNativeSrtpAvailable,
  isSrtpCryptoSuite,
  srtpInlineKeyLength,
  selectUdpReceiver,
  RTP_JOURNAL_MAGIC,
  RTP_JOURNAL_RECORD_HEADER,
} from '@callvault/recorder';
import { createLogger } from '../../packages/server/src/observability/logger.js';
import { createLiveCallHub } from '../../packages/server/src/telephony/live-calls.js';

export interface RecorderRequest {
  readonly mode: 'callvault' | 'baseline';
  readonly calls: number;
  readonly basePort: number;
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

async function callvault(request: RecorderRequest): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-capture-bench-'));
  // As `serve` chooses with CALLVAULT_UDP_RECEIVER (default batch).
  const udpReceiver = selectUdpReceiver(
    process.env.CALLVAULT_UDP_RECEIVER === 'dgram' ? 'dgram' : 'batch',
  );
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
  process.send!({
    ready: true,
    udpReceiver: udpReceiver.kind,
    srtpDecryption: isNativeSrtpAvailable() ? 'native' : 'typescript',
  });
  process.on('message', (message: { count?: true; stop?: true }) => {
    if (message.count) {
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
      void sink.settle().then(() => {
        let received = 0;
        for (const file of journals) {
          const size = fs.statSync(file).size - RTP_JOURNAL_MAGIC.length;
          received += Math.floor(size / (RTP_JOURNAL_RECORD_HEADER + PAYLOAD));
        }
        process.send!({ received });
      });
    }
    if (message.stop) {
      fs.rmSync(dataDir, { recursive: true, force: true });
      process.disconnect();
    }
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

process.once('message', (request: RecorderRequest) => {
  (request.mode === 'callvault' ? callvault(request) : baseline(request)).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
});
