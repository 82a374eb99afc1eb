// Media capture benchmark, two parts:
//
// 1. Capacity: N concurrent two-stream calls, each stream 20 ms PCMU at 50 packets a second from a
//    load generator in its own process (bench/capture/rtp-load.ts), received by
//      - Callvault's capture path: the server's real capture sink (createCaptureSink, the code
//        `serve` runs, with the UDP receiver `serve` picks: the batch receiver of
//        packages/recorder/native when built, Node's dgram otherwise) in its own process, with
//        N sessions opened through sessionOpened exactly
//        as the SIPREC session handler opens them after answering an INVITE; every packet is
//        source-checked, parsed and appended to its session's journal on disk. The SIP
//        signalling is not part of the measurement (it is idle while media flows; setting up
//        1,500 SIPREC calls over SIPp would measure SIPp's pacing, see siprec-setup.bench.ts);
//      - the baseline, in the same run: a bare Node UDP receiver on the same ports (one socket
//        per stream, counting packets).
//    For each N (default 250, 500, 1000, 1500, 2000, 2500) it reports lost packets (sent − journaled
//    or counted) and the receiving process's CPU per packet (utime + stime from
//    /proc/<pid>/stat over the sending window), and the ratio Callvault / baseline. A step where
//    the generator itself could not keep 50 packets a second (it ran > 5 % late) is marked
//    `generatorLimited`, and one where the receiver was still busy more than a second after the
//    last packet (it fell behind, the socket buffers held the rest) is not `keptPace`; neither
//    counts as sustained, even without a lost packet. CPU is measured until the receiver is idle.
// 2. Finalize speed: a 10-minute two-stream PCMU call (the e2e conversation pcap looped) is
//    written as a journal and finalized by the real finalize code (finalizeCapturedSession:
//    jitter buffer, decode, timeline, Ogg Opus through ffmpeg, encryption, catalogue on SQLite).
//    Speed = audio seconds / CPU seconds (this process + the ffmpeg child), i.e. × real time per
//    core, of the median of three such calls.
//
// 3. SRTP: the same steps with the streams answered RTP/SAVP (SDES) in each suite of --srtp (default
//    AES_CM_128_HMAC_SHA1_80 and AEAD_AES_128_GCM): the C generator protects every packet with
//    OpenSSL's libcrypto (rtp-load.c built with -DRTP_LOAD_SRTP), each stream under its own key, and
//    the capture sink authenticates and decrypts each one before journaling it (natively, with the
//    srtp-unprotect addon, when it is built; each step records which in `srtpDecryption`). Reported like the
//    plain steps, with the ratio of CPU per packet SRTP / plain RTP (the Callvault plain-RTP step
//    of the same N in the same run).
//
// Targets: N ≥ 1000 with zero loss, CPU ratio ≤ 1.3, finalize ≥ 400 × real time;
// SRTP: N ≥ 1000 with zero loss at ≤ 1.5 × the CPU per packet of plain RTP.
// Writes bench/results/capture.json. Needs `make build` (the packages' dist) and ffmpeg.
//
//   tsx bench/capture.bench.ts [--steps 100,250,500,750,1000,1500] [--seconds 10] [--base-port 24000]
//                              [--finalize-minutes 10] [--no-finalize] [--generator c|node]
//                              [--srtp AES_CM_128_HMAC_SHA1_80,AEAD_AES_128_GCM | none]
//   (CAPTURE_BENCH_CPU_PROF=<dir> also writes a V8 CPU profile of each receiving process)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  encodeRtpJournalRecord,
  loadOpusEncodeAddon,
  parseRtpPacket,
  readPcapUdpDatagrams,
  journalDirFor,
  renderCapturedSession,
  RTP_JOURNAL_MAGIC,
  writeSessionFile,
  type CaptureSessionFile,
} from '@callvault/recorder';
import { systemClock } from '../packages/server/src/clock.js';
import { encodeOggOpus } from '../packages/server/src/capture/capture-encoder.js';
import { finalizeCapturedSession } from '../packages/server/src/capture/capture-finalize.js';
import { phoneNumberOfAor } from '../packages/server/src/siprec/party-lookups.js';
import { runDemoSeed } from '../packages/server/src/demo/demo-seed.service.js';
import {
  EncryptedBlobStore,
  MasterKeyring,
  generateMasterKey,
} from '../packages/server/src/crypto/index.js';
import { FsBlobStore } from '../packages/server/src/storage/fs-blob-store.js';
import { createTestDatabase } from '../packages/server/src/testing/test-database.js';
import {
  argNumber,
  argSteps,
  argValue,
  cGenerator,
  compileCGenerator,
  describeReceive,
  nodeGenerator,
  ownCpuSeconds,
  startChild,
  stopChild,
  measureReceive,
  round2,
  type CGeneratorBinary,
  type LoadGenerator,
  type ReceiveMeasurement,
} from './capture/harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const STEPS = argSteps('250,500,1000,1500,2000,2500');
const SECONDS = argNumber('--seconds', 10);
const BASE_PORT = Math.floor(argNumber('--base-port', 24000));
const FINALIZE_MINUTES = argNumber('--finalize-minutes', 10);
const GENERATOR = argValue('--generator') === 'node' ? 'node' : 'c';
const SKIP_FINALIZE = process.argv.includes('--no-finalize');
const SRTP_SUITES = (argValue('--srtp') ?? 'AES_CM_128_HMAC_SHA1_80,AEAD_AES_128_GCM')
  .split(',')
  .filter((suite) => suite !== '' && suite !== 'none');

// ---------------------------------------------------------------------------------------------
// Part 1: capacity

/** CAPTURE_BENCH_CPU_PROF=<dir> writes a V8 CPU profile of every receiving process there. */
const profileDir = process.env.CAPTURE_BENCH_CPU_PROF;

interface StepResult extends ReceiveMeasurement {
  readonly receiver: 'callvault' | 'baseline';
  /** The SDES suite the streams were protected with; null for plain RTP. */
  readonly srtp: string | null;
  /** How the receiving process read its sockets: the batch addon or Node's dgram. */
  readonly udpReceiver: string;
  /** SRTP steps: how the capture decrypted (the srtp-unprotect addon, or TypeScript). */
  readonly srtpDecryption: 'native' | 'typescript' | null;
  readonly calls: number;
  readonly streams: number;
  readonly received: number;
  readonly lost: number;
  readonly cpuMicrosecondsPerPacket: number;
}

let cBinary: CGeneratorBinary | null = null;

async function runStep(
  receiver: 'callvault' | 'baseline',
  calls: number,
  srtp: string | null = null,
): Promise<StepResult> {
  const recorder = startChild('recorder.ts', profileDir);
  let load: LoadGenerator | null = null;
  try {
    recorder.proc.send({
      mode: receiver,
      calls,
      basePort: BASE_PORT,
      ...(srtp === null ? {} : { srtp }),
    });
    const { udpReceiver, srtpDecryption } = await recorder.next<{
      ready: true;
      udpReceiver: string;
      srtpDecryption: 'native' | 'typescript';
    }>();
    if (srtp !== null && !cBinary?.srtp) {
      throw new Error('SRTP steps need the C generator built with OpenSSL (libssl-dev)');
    }
    const loadOptions = { streams: 2 * calls, basePort: BASE_PORT, seconds: SECONDS };
    load = cBinary ? cGenerator(cBinary, loadOptions, srtp) : nodeGenerator(loadOptions);
    await load.ready();
    const measured = await measureReceive(load, recorder.proc.pid!, SECONDS);
    recorder.proc.send({ count: true });
    const { received } = await recorder.next<{ received: number }>();
    const result: StepResult = {
      receiver,
      srtp,
      udpReceiver,
      srtpDecryption: srtp === null ? null : srtpDecryption,
      calls,
      streams: 2 * calls,
      ...measured,
      received,
      lost: measured.sent - received,
      cpuMicrosecondsPerPacket: round2((measured.cpuSeconds / Math.max(1, received)) * 1e6),
    };
    const label = srtp === null ? receiver : `${receiver} ${srtp} (${srtpDecryption})`;
    console.log(
      `  ${label.padEnd(9)} (${udpReceiver.padEnd(5)}) N=${String(calls).padStart(4)}  ${String(result.packetsPerSecond).padStart(6)} pkt/s  ` +
        `lost ${String(result.lost).padStart(6)} of ${result.sent}  ` +
        describeReceive(result, result.cpuMicrosecondsPerPacket, SECONDS),
    );
    return result;
  } finally {
    await load?.stop();
    await stopChild(recorder, { stop: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Part 2: finalize speed

/** CPU seconds of this process and of its waited-for children (ffmpeg), apart. */
const cpuSeconds = ownCpuSeconds;

/** Writes a journal of `minutes` of the two-party conversation (the e2e pcap, looped). */
function writeLongJournal(dir: string, minutes: number): number {
  const pcap = path.join(here, '../e2e/sip/fixtures/audio/conv_2streams_pcmu.pcap');
  const { datagrams } = readPcapUdpDatagrams(new Uint8Array(fs.readFileSync(pcap)));
  const flows = new Map<number, Array<{ timeMs: number; payload: Uint8Array }>>();
  for (const d of datagrams) {
    const parsed = parseRtpPacket(d.payload);
    if (!parsed.ok) continue;
    const list = flows.get(d.destinationPort) ?? [];
    list.push({ timeMs: d.timeMs, payload: parsed.packet.payload });
    flows.set(d.destinationPort, list);
  }
  const ports = [...flows.keys()].sort((a, b) => a - b);
  const packets = Math.round((minutes * 60 * 1000) / 20);
  const start = Date.parse('2026-03-02T09:00:00.000Z');
  ports.forEach((port, index) => {
    const flow = flows.get(port)!;
    const chunks: Buffer[] = [RTP_JOURNAL_MAGIC];
    for (let n = 0; n < packets; n++) {
      chunks.push(
        encodeRtpJournalRecord({
          arrivalMs: start + n * 20,
          sequenceNumber: (1000 + n) & 0xffff,
          timestamp: (16000 + n * 160) >>> 0,
          ssrc: 0x0a11ce01 + index,
          payloadType: 0,
          marker: n === 0,
          payload: flow[n % flow.length]!.payload,
        }),
      );
    }
    fs.writeFileSync(path.join(dir, `stream-${index}.rtpj`), Buffer.concat(chunks));
  });
  return (packets * 20) / 1000;
}

interface FinalizeMeasurement {
  audioSeconds: number;
  cpuSeconds: number;
  wallSeconds: number;
  timesRealTimePerCore: number;
  timesRealTimeWall: number;
  result: string;
  /** CPU seconds of each of the calls finalized; the figures above are of the median one. */
  runsCpuSeconds: number[];
  /** The same journal through its two heavy parts alone (CPU seconds). */
  parts: { decodeAndAlignCpuSeconds: number; oggOpusEncodeCpuSeconds: number };
}

type FinalizeResult = Awaited<ReturnType<typeof finalizeCapturedSession>>;

async function measureFinalize(): Promise<FinalizeMeasurement> {
  const db = await createTestDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-finalize-bench-'));
  try {
    const seed = await runDemoSeed({ db: db.db, clock: systemClock });
    const deps = {
      db: db.db,
      clock: systemClock,
      // Encrypted at rest, as the server stores every recording.
      blobStore: new EncryptedBlobStore(new FsBlobStore(path.join(dataDir, 'blobs')), {
        keyring: new MasterKeyring(generateMasterKey()),
      }),
      phoneNumberOfAor,
    };
    const prepare = (sessionId: string, minutes: number) => {
      const dir = journalDirFor(dataDir, sessionId);
      fs.mkdirSync(dir, { recursive: true });
      const audioSeconds = writeLongJournal(dir, minutes);
      const pcmu = [{ payloadType: 0, name: 'PCMU', clockRate: 8000 }];
      const session: CaptureSessionFile = {
        version: 1,
        sessionId,
        callId: `${sessionId}@bench`,
        orgId: seed.orgId,
        trunkId: seed.trunk.id,
        trunkName: seed.trunk.name,
        startedAt: Date.parse('2026-03-02T09:00:00.000Z'),
        owners: [
          { id: seed.people[0]!.id, kind: 'person', participantId: 'p-alice', mode: 'Always' },
        ],
        parties: [
          { id: 'p-alice', aor: 'sip:alice@example.com', name: 'Alice' },
          { id: 'p-bob', aor: 'sip:bob@example.net', name: 'Bob' },
        ],
        streams: [0, 1].map((index) => ({
          index,
          label: String(index + 1),
          codecs: pcmu,
          telephoneEventPayloadTypes: [],
          journal: `stream-${index}.rtpj`,
          srtp: false,
        })),
        metadataRevisions: [],
        senders: { '1': 'p-alice', '2': 'p-bob' },
        closed: { endedAt: Date.now(), endReason: 'bye', kept: true },
      };
      writeSessionFile(dir, session);
      return { dir, session, audioSeconds };
    };
    // A worker finalizes call after call: one short call first, so the measurement is of the
    // steady state rather than of the JIT compiling the decode path.
    const warm = prepare('bench-finalize-warm-up', 1);
    if ((await finalizeCapturedSession(deps, warm.dir)).kind !== 'stored') {
      throw new Error('the warm-up finalize failed');
    }
    const { dir, session, audioSeconds } = prepare('bench-finalize-session', FINALIZE_MINUTES);

    // The parts first (the journal stays), then the whole job (which removes it).
    let before = cpuSeconds();
    const rendered = renderCapturedSession(dir, session);
    const decodeAndAlignCpuSeconds = cpuSeconds().self - before.self;
    before = cpuSeconds();
    await encodeOggOpus(rendered.channels, rendered.sampleRate, path.join(dataDir, 'parts.ogg'));
    // In-process libopus (its thread-pool threads count as this process) or an ffmpeg child.
    const oggOpusEncodeCpuSeconds = cpuSeconds().total - before.total;

    // The whole job, on this call and on two more like it (the machine is shared, one call's
    // figure moves with what else runs): the median call's figures are reported.
    type Run = { used: number; wallSeconds: number; result: FinalizeResult };
    const runs: Run[] = [];
    for (let run = 0; run < 3; run++) {
      const call = run === 0 ? dir : prepare(`bench-finalize-${run}`, FINALIZE_MINUTES).dir;
      const before = cpuSeconds();
      const wallBefore = performance.now();
      const result = await finalizeCapturedSession(deps, call);
      const wallSeconds = (performance.now() - wallBefore) / 1000;
      const used = cpuSeconds().total - before.total;
      if (result.kind !== 'stored') {
        throw new Error(`finalize ${result.kind}: ${'reason' in result ? result.reason : ''}`);
      }
      runs.push({ used, wallSeconds, result });
    }
    const byCpu = [...runs].sort((a, b) => a.used - b.used);
    const { used, wallSeconds, result } = byCpu[Math.floor(byCpu.length / 2)]!;
    if (result.kind !== 'stored') {
      throw new Error(`finalize ${result.kind}: ${'reason' in result ? result.reason : ''}`);
    }
    return {
      audioSeconds,
      cpuSeconds: round2(used),
      wallSeconds: round2(wallSeconds),
      timesRealTimePerCore: Math.round(audioSeconds / Math.max(used, 0.01)),
      timesRealTimeWall: Math.round(audioSeconds / wallSeconds),
      result: `stored ${result.recordingIds.length} recording(s), ${result.durationMs} ms`,
      runsCpuSeconds: runs.map((r) => round2(r.used)),
      parts: {
        decodeAndAlignCpuSeconds: round2(decodeAndAlignCpuSeconds),
        oggOpusEncodeCpuSeconds: round2(oggOpusEncodeCpuSeconds),
      },
    };
  } finally {
    await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const highest = BASE_PORT + 4 * Math.max(...STEPS);
  if (highest > 65535) throw new Error(`--base-port ${BASE_PORT} leaves no room for the steps`);
  console.log(
    `Capture: N two-stream calls, 20 ms PCMU at 50 packets/s per stream, ${SECONDS} s per step, ` +
      `UDP loopback ports ${BASE_PORT}-${highest - 1}; receiver = Callvault's capture sink ` +
      `(sessions opened directly on the sink, no SIP), baseline = bare Node UDP receiver`,
  );
  cBinary = GENERATOR === 'c' ? compileCGenerator() : null;
  const generator = cBinary ? 'C (sendmmsg)' : 'Node (dgram)';
  console.log(`load generator: ${generator}, in its own process`);
  console.log(
    `load average before: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const steps: Array<{
    calls: number;
    callvault: StepResult;
    baseline: StepResult;
    ratio: number;
    /** Per SRTP suite: the Callvault step with SRTP and its CPU per packet over plain RTP's. */
    srtp: Array<{ suite: string; result: StepResult; ratioToPlain: number }>;
  }> = [];
  const perPacketRatio = (a: StepResult, b: StepResult): number =>
    Math.round((a.cpuMicrosecondsPerPacket / Math.max(b.cpuMicrosecondsPerPacket, 0.01)) * 100) /
    100;
  for (const calls of STEPS) {
    const baseline = await runStep('baseline', calls);
    const callvault = await runStep('callvault', calls);
    const ratio = perPacketRatio(callvault, baseline);
    console.log(`  ratio CPU/packet Callvault / baseline at N=${calls}: ${ratio}`);
    const srtp: (typeof steps)[number]['srtp'] = [];
    for (const suite of SRTP_SUITES) {
      const result = await runStep('callvault', calls, suite);
      const ratioToPlain = perPacketRatio(result, callvault);
      console.log(`  ratio CPU/packet ${suite} / plain RTP at N=${calls}: ${ratioToPlain}`);
      srtp.push({ suite, result, ratioToPlain });
    }
    steps.push({ calls, callvault, baseline, ratio, srtp });
  }
  // Zero loss only counts when the generator kept 50 packets/s and the receiver kept up with it
  // (otherwise the socket buffers only postpone the loss of a longer call). The headline N is
  // the largest whose every smaller step was sustained too: a step the generator could not drive
  // (it ran late) measures nothing and is passed over, any other miss ends the run of steps.
  const sustained = (r: StepResult) => r.lost === 0 && !r.generatorLimited && r.keptPace;
  const largestSustained = (pick: (s: (typeof steps)[number]) => StepResult): number => {
    let largest = 0;
    for (const step of [...steps].sort((a, b) => a.calls - b.calls)) {
      const r = pick(step);
      if (r.generatorLimited && r.lost === 0) continue;
      if (!sustained(r)) break;
      largest = step.calls;
    }
    return largest;
  };
  const largestZeroLoss = largestSustained((s) => s.callvault);
  const baselineLargestZeroLoss = largestSustained((s) => s.baseline);
  const headline = steps.find((s) => s.calls === largestZeroLoss) ?? steps.at(-1)!;
  const lossFreeButBehind = steps
    .filter((s) => s.callvault.lost === 0 && !s.callvault.generatorLimited && !s.callvault.keptPace)
    .map((s) => s.calls);
  console.log(
    `largest N with zero lost packets (receiver keeping pace, and at every smaller N): Callvault ${largestZeroLoss} ` +
      `(target ≥ 1000), baseline ${baselineLargestZeroLoss}; CPU per packet ratio at ` +
      `N=${headline.calls}: ${headline.ratio} (target ≤ 1.3)`,
  );
  if (lossFreeButBehind.length > 0) {
    console.log(
      `  no packet lost but Callvault fell behind (socket buffers held the backlog) at ` +
        `N=${lossFreeButBehind.join(', ')}`,
    );
  }

  // SRTP: the same rule per suite; the ratio is read at 1000 calls (the target's N) when measured,
  // else at the largest sustained N.
  const srtpSummary = SRTP_SUITES.map((suite) => {
    const of = (s: (typeof steps)[number]) => s.srtp.find((x) => x.suite === suite)!;
    const largest = largestSustained((s) => of(s).result);
    const at =
      steps.find((s) => s.calls === 1000) ??
      steps.find((s) => s.calls === largest) ??
      steps.at(-1)!;
    const summary = {
      suite,
      largestZeroLossCalls: largest,
      cpuPerPacketRatioToPlain: { calls: at.calls, ratio: of(at).ratioToPlain },
      lossAt: { calls: at.calls, lost: of(at).result.lost, sent: of(at).result.sent },
      targetMet: largest >= 1000 && of(at).ratioToPlain <= 1.5,
    };
    console.log(
      `SRTP ${suite}: largest N with zero loss ${largest} (target ≥ 1000); CPU per packet ` +
        `${of(at).result.cpuMicrosecondsPerPacket} µs vs plain ${at.callvault.cpuMicrosecondsPerPacket} µs ` +
        `at N=${at.calls}: ratio ${of(at).ratioToPlain} (target ≤ 1.5)`,
    );
    return summary;
  });

  if (SKIP_FINALIZE) console.log('Finalize: not measured (--no-finalize)');
  else
    console.log(
      `Finalize: ${FINALIZE_MINUTES}-minute two-stream PCMU calls through finalizeCapturedSession (encrypted store; after a 1-minute warm-up call, as in a running worker; the median of 3 calls)`,
    );
  const finalize = SKIP_FINALIZE ? null : await measureFinalize();
  if (finalize) {
    console.log(
      `  ${finalize.audioSeconds} s of audio in ${finalize.cpuSeconds} s CPU (${finalize.wallSeconds} s wall): ` +
        `${finalize.timesRealTimePerCore} × real time per core (target ≥ 400), ${finalize.result}; ` +
        `the 3 calls took ${finalize.runsCpuSeconds.join(', ')} s CPU`,
    );
    console.log(
      `  of which, run alone: decode + align ${finalize.parts.decodeAndAlignCpuSeconds} s CPU, ` +
        `Ogg Opus encode (libopus ${loadOpusEncodeAddon() ? 'in-process' : 'in ffmpeg'}) ${finalize.parts.oggOpusEncodeCpuSeconds} s CPU`,
    );
  }

  const result = {
    benchmark: 'capture',
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model ?? '',
      node: process.version,
      loadAverageBefore: os.loadavg(),
    },
    setup:
      "sessions opened directly on the server's capture sink (createCaptureSink), not by SIPREC INVITEs",
    load: {
      generator,
      secondsPerStep: SECONDS,
      packetsPerSecondPerStream: 50,
      codec: 'PCMU',
      ptimeMs: 20,
    },
    steps,
    largestZeroLossCalls: largestZeroLoss,
    lossFreeButFellBehindCalls: lossFreeButBehind,
    baselineLargestZeroLossCalls: baselineLargestZeroLoss,
    cpuPerPacketRatio: { calls: headline.calls, ratio: headline.ratio },
    srtp: {
      generator:
        'rtp-load.c protecting with OpenSSL libcrypto, contexts keyed once per stream, one master key per stream',
      suites: srtpSummary,
    },
    finalize,
    targets: {
      calls: 1000,
      cpuPerPacketRatio: 1.3,
      finalizeTimesRealTimePerCore: 400,
      srtpCalls: 1000,
      srtpCpuPerPacketRatioToPlain: 1.5,
    },
  };
  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(here, 'results', 'capture.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
