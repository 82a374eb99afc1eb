// The cost of relaying a forwarded call's media to an external SIPREC recorder, against the cost
// of capturing it, in one run: at each N, N concurrent two-stream calls of 20 ms PCMU, 50 packets
// a second per stream, from the capture benchmark's load generator in its own process
// (bench/capture/rtp-load.c, or rtp-load.ts without a C compiler), received by the receiving
// process of bench/capture/recorder.ts in three modes, one after the other:
//
//   capture        the capture benchmark's `callvault` mode: the server's real capture sink,
//                  every packet source-checked, parsed and journaled to disk;
//   relay          a forwarded session not recorded here, as `serve` runs it: the answered ports
//                  bound by createBoundPortPairs with the UDP receiver `serve` selects, each RTP
//                  port tapped into a relay stream (createRtpRelayStream) that sends the packet
//                  unchanged from its own relay socket (bindUdpRelaySocket) to the vendor's port;
//   relay+capture  the same with the capture sink taking the sockets and journaling while the
//                  taps relay (the forward's "record here when the vendor fails", or dual
//                  recording).
//
// The vendor is a counting UDP receiver (recorder.ts `sink`, one port per stream) in a process of
// its own, so its receiving is not counted (on loopback the kernel's delivery into its sockets is
// charged to the sender, as the generator is charged for delivering to the recorder).
// For each mode it reports the packets sent, taken in, relayed, received at the sink and
// journaled, the loss, and the receiving process's CPU per packet taken in (utime + stime from
// /proc/<pid>/stat from the first packet until the process is idle again), and per N the ratios
// relay / capture and (relay + capture) / capture. A step is sustained when nothing was lost
// (journaled and received at the sink), the generator kept 50 packets a second (at most 5 % late)
// and the receiver was busy at most a second after the last packet.
// Writes bench/results/relay.json. Needs `make build` (the packages' dist).
//
//   tsx bench/relay.bench.ts [--steps 250,500,1000] [--seconds 10] [--base-port 10000]
//                            [--generator c|node]
//   (RELAY_BENCH_CPU_PROF=<dir> also writes a V8 CPU profile of each receiving process)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  argNumber,
  argSteps,
  argValue,
  cGenerator,
  compileCGenerator,
  cpuSecondsOf,
  describeReceive,
  nodeGenerator,
  startChild,
  stopChild,
  measureReceive,
  round2,
  waitUntilIdle,
  type CGeneratorBinary,
  type Child,
  type LoadGenerator,
  type ReceiveMeasurement,
} from './capture/harness.js';
import type { RecorderMode, RecorderRequest } from './capture/recorder.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const STEPS = argSteps('250,500,1000');
const SECONDS = argNumber('--seconds', 10);
const BASE_PORT = Math.floor(argNumber('--base-port', 10000));
const GENERATOR = argValue('--generator') === 'node' ? 'node' : 'c';
const profileDir = process.env.RELAY_BENCH_CPU_PROF;

type Mode = 'capture' | 'relay' | 'relay+capture';
const MODES: readonly Mode[] = ['capture', 'relay', 'relay+capture'];
const RECORDER_MODE: Record<Mode, RecorderMode> = {
  capture: 'callvault',
  relay: 'relay',
  'relay+capture': 'relay+capture',
};

/**
 * Ports of a step of N calls: the answered pairs from the base (stream i on base + 2i), the relay
 * sockets on the next 2N pairs, the sink's ports after them (stream i relayed to sink + i).
 */
const sinkBasePortOf = (calls: number): number => BASE_PORT + 8 * calls;

interface StepResult extends ReceiveMeasurement {
  readonly mode: Mode;
  /** How the receiving process read its sockets: the batch addon or Node's dgram. */
  readonly udpReceiver: string;
  readonly calls: number;
  readonly streams: number;
  /** Packets the receiving process took in: journaled (capture) or handed to the relay by the taps. */
  readonly received: number;
  /** Relay modes: packets the relay streams sent on (null for capture). */
  readonly relayed: number | null;
  /** Relay modes: sends that failed on the relay sockets. */
  readonly relaySendErrors: number | null;
  /** Relay modes: packets that reached the sink (the vendor's ports). */
  readonly receivedAtSink: number | null;
  /** Capture modes: packets in the journals (null for relay only). */
  readonly journaled: number | null;
  /** sent − received at the sink (relay) and sent − journaled (capture), whichever is larger. */
  readonly lost: number;
  /** The receiving process's CPU over the packets it took in. */
  readonly cpuMicrosecondsPerPacket: number;
  /** The sink's own CPU per packet it received (not part of the relay's cost; for reference). */
  readonly sinkCpuMicrosecondsPerPacket: number | null;
}

let cBinary: CGeneratorBinary | null = null;

async function runStep(mode: Mode, calls: number): Promise<StepResult> {
  const relays = mode !== 'capture';
  const sinkBasePort = sinkBasePortOf(calls);
  let sink: Child | null = null;
  let recorder: Child | null = null;
  let load: LoadGenerator | null = null;
  try {
    if (relays) {
      sink = startChild('recorder.ts');
      sink.proc.send({ mode: 'sink', calls, basePort: sinkBasePort } satisfies RecorderRequest);
      await sink.next<{ ready: true }>();
    }
    recorder = startChild('recorder.ts', profileDir);
    recorder.proc.send({
      mode: RECORDER_MODE[mode],
      calls,
      basePort: BASE_PORT,
      ...(relays ? { sinkBasePort } : {}),
    } satisfies RecorderRequest);
    const { udpReceiver } = await recorder.next<{ ready: true; udpReceiver: string }>();
    const loadOptions = { streams: 2 * calls, basePort: BASE_PORT, seconds: SECONDS };
    load = cBinary ? cGenerator(cBinary, loadOptions) : nodeGenerator(loadOptions);
    await load.ready();
    const sinkCpuBefore = sink ? cpuSecondsOf(sink.proc.pid!) : 0;
    const measured = await measureReceive(load, recorder.proc.pid!, SECONDS);
    // The sink too may still be reading its sockets.
    if (sink) await waitUntilIdle(sink.proc.pid!);
    const sinkCpuSeconds = sink ? cpuSecondsOf(sink.proc.pid!) - sinkCpuBefore : 0;

    recorder.proc.send({ count: true });
    const counted = await recorder.next<{
      received: number;
      journaled?: number | null;
      relayed?: number;
      relaySendErrors?: number;
    }>();
    let receivedAtSink: number | null = null;
    if (sink) {
      sink.proc.send({ count: true });
      receivedAtSink = (await sink.next<{ received: number }>()).received;
    }
    const journaled = mode === 'relay' ? null : (counted.journaled ?? counted.received);
    const lost = Math.max(
      receivedAtSink === null ? 0 : measured.sent - receivedAtSink,
      journaled === null ? 0 : measured.sent - journaled,
    );
    const result: StepResult = {
      mode,
      udpReceiver,
      calls,
      streams: 2 * calls,
      ...measured,
      received: counted.received,
      relayed: counted.relayed ?? null,
      relaySendErrors: counted.relaySendErrors ?? null,
      receivedAtSink,
      journaled,
      lost,
      cpuMicrosecondsPerPacket: round2((measured.cpuSeconds / Math.max(1, counted.received)) * 1e6),
      sinkCpuMicrosecondsPerPacket:
        receivedAtSink === null
          ? null
          : round2((sinkCpuSeconds / Math.max(1, receivedAtSink)) * 1e6),
    };
    const counts = [
      `sent ${result.sent}`,
      ...(result.relayed === null
        ? []
        : [`relayed ${result.relayed}`, `at sink ${String(result.receivedAtSink)}`]),
      ...(result.journaled === null ? [] : [`journaled ${result.journaled}`]),
    ].join(', ');
    console.log(
      `  ${mode.padEnd(13)} (${udpReceiver.padEnd(5)}) N=${String(calls).padStart(4)}  ${String(result.packetsPerSecond).padStart(6)} pkt/s  ` +
        `lost ${String(lost).padStart(6)} (${counts})  ` +
        describeReceive(result, result.cpuMicrosecondsPerPacket, SECONDS) +
        (result.relaySendErrors ? `  (${result.relaySendErrors} relay send errors)` : ''),
    );
    return result;
  } finally {
    await load?.stop();
    if (recorder) await stopChild(recorder, { stop: true });
    if (sink) await stopChild(sink, { stop: true });
  }
}

interface Step {
  readonly calls: number;
  readonly capture: StepResult;
  readonly relay: StepResult;
  readonly relayAndCapture: StepResult;
  /** CPU per packet of the relay over the capture's, at this N, in this run. */
  readonly relayToCapture: number;
  /** CPU per packet of relay + capture over the capture's. */
  readonly relayAndCaptureToCapture: number;
}

async function main(): Promise<void> {
  const largest = Math.max(...STEPS);
  const highest = sinkBasePortOf(largest) + 2 * largest;
  if (highest > 65535) throw new Error(`--base-port ${BASE_PORT} leaves no room for the steps`);
  console.log(
    `Relay: N two-stream calls, 20 ms PCMU at 50 packets/s per stream, ${SECONDS} s per step, ` +
      `UDP loopback ports ${BASE_PORT}-${highest - 1}; per N: capture (the capture sink journaling), ` +
      `relay (bound ports tapped into relay streams and sockets, to a counting sink in another ` +
      `process), relay+capture (both)`,
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
  const ratio = (a: StepResult, b: StepResult): number =>
    round2(a.cpuMicrosecondsPerPacket / Math.max(b.cpuMicrosecondsPerPacket, 0.01));
  const steps: Step[] = [];
  for (const calls of STEPS) {
    const results = new Map<Mode, StepResult>();
    for (const mode of MODES) results.set(mode, await runStep(mode, calls));
    const capture = results.get('capture')!;
    const relay = results.get('relay')!;
    const relayAndCapture = results.get('relay+capture')!;
    const step: Step = {
      calls,
      capture,
      relay,
      relayAndCapture,
      relayToCapture: ratio(relay, capture),
      relayAndCaptureToCapture: ratio(relayAndCapture, capture),
    };
    console.log(
      `  CPU/packet at N=${calls}: relay / capture ${step.relayToCapture}, ` +
        `(relay + capture) / capture ${step.relayAndCaptureToCapture}`,
    );
    steps.push(step);
  }

  // As in the capture benchmark: a mode's largest sustained N is the largest whose every smaller
  // step was sustained too (a step the generator could not drive, with no loss, is passed over).
  const sustained = (r: StepResult) => r.lost === 0 && !r.generatorLimited && r.keptPace;
  const largestSustained = (mode: Mode): number => {
    let found = 0;
    for (const step of [...steps].sort((a, b) => a.calls - b.calls)) {
      const r =
        mode === 'capture' ? step.capture : mode === 'relay' ? step.relay : step.relayAndCapture;
      if (r.generatorLimited && r.lost === 0) continue;
      if (!sustained(r)) break;
      found = step.calls;
    }
    return found;
  };
  const largestZeroLoss = Object.fromEntries(MODES.map((m) => [m, largestSustained(m)])) as Record<
    Mode,
    number
  >;
  // The ratios are read at the largest N every mode sustained (else the largest N run).
  const common = Math.min(...MODES.map((m) => largestZeroLoss[m]));
  const headline = steps.find((s) => s.calls === common) ?? steps.at(-1)!;
  console.log(
    `largest N with zero loss (keeping pace, and at every smaller N): capture ${largestZeroLoss.capture}, ` +
      `relay ${largestZeroLoss.relay}, relay+capture ${largestZeroLoss['relay+capture']}; ` +
      `at N=${headline.calls}: CPU per packet capture ${headline.capture.cpuMicrosecondsPerPacket} µs, ` +
      `relay ${headline.relay.cpuMicrosecondsPerPacket} µs (× ${headline.relayToCapture}), ` +
      `relay+capture ${headline.relayAndCapture.cpuMicrosecondsPerPacket} µs (× ${headline.relayAndCaptureToCapture})`,
  );

  const result = {
    benchmark: 'relay',
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model ?? '',
      node: process.version,
      loadAverageBefore: os.loadavg(),
    },
    setup:
      'capture: sessions opened directly on the capture sink (no SIP); relay: the answered ports ' +
      'bound by createBoundPortPairs, tapped into createRtpRelayStream sending through ' +
      'bindUdpRelaySocket (one per stream) to a counting UDP sink in another process; ' +
      'relay+capture: both on the same ports',
    load: {
      generator,
      secondsPerStep: SECONDS,
      packetsPerSecondPerStream: 50,
      codec: 'PCMU',
      ptimeMs: 20,
    },
    steps,
    largestZeroLossCalls: largestZeroLoss,
    cpuPerPacketRatios: {
      calls: headline.calls,
      relayToCapture: headline.relayToCapture,
      relayAndCaptureToCapture: headline.relayAndCaptureToCapture,
    },
  };
  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(here, 'results', 'relay.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
