// One step of the cluster benchmark's load: one SIPp (Debian sip-tester) run of `calls` SIPREC
// calls started at `rate` a second (at most `limit` at once), each carrying the e2e conversation's
// two PCMU streams looped to `callSeconds` and ended by the SRC's BYE, UDP from 127.0.0.1. Every
// call's outcome is read from SIPp's log (bench/soak/scenario.ts). SIPp runs as root from the
// step's own directory (play_pcap_audio needs a raw socket; the scenario names its pcap and the
// fallback replay tool by relative path).
import fs from 'node:fs';
import path from 'node:path';
import { findFreePort, runSipp, sippFixtures } from '../../e2e/sip/sipp.js';
import { loopPcap } from '../soak/pcap.js';
import { parseCallLog, type CallLogLine } from '../soak/scenario.js';
import { benchScenario, idsCsv } from './scenario.js';
import { maxOverlap, percentile } from './stepping.js';

export interface StepLoad {
  readonly dir: string;
  readonly target: string;
  /** Through a proxy that record-routes (Kamailio): ACK and BYE follow the route set. */
  readonly routed: boolean;
  readonly calls: number;
  readonly rate: number;
  readonly limit: number;
  readonly callSeconds: number;
}

export interface StepOutcome {
  readonly calls: number;
  readonly started: number;
  /** Answered 200 and ended by our BYE answered 200. */
  readonly completed: number;
  /** Every call started that did not complete, by what SIPp logged last for it. */
  readonly failures: Record<string, number>;
  /** Answers whose ports were not P and P+2 (their audio went through the Node replay tool). */
  readonly nonContiguous: number;
  /** The most calls up (answered, not yet ended) at one moment. */
  readonly heldAtOnce: number;
  readonly setupMs: { readonly p50: number | null; readonly p95: number | null };
  /** From the first INVITE to the last call's end. */
  readonly seconds: number;
  /** The rate the calls really started at: (started − 1) / (last INVITE − first INVITE). */
  readonly startedPerSecond: number | null;
  readonly callIds: readonly string[];
  /** The calls answered 200: each must become a recording (a rejected call must not). */
  readonly answeredCallIds: readonly string[];
  readonly sippExitCode: number | null;
  readonly sippTail: string;
}

/** The calls of SIPp's log, each with its events in order. */
export function summarise(lines: readonly CallLogLine[], calls: number) {
  const byCall = new Map<string, CallLogLine[]>();
  for (const line of lines) {
    const events = byCall.get(line.callId);
    if (events) events.push(line);
    else byCall.set(line.callId, [line]);
  }
  const failures: Record<string, number> = {};
  const intervals: Array<{ start: number; end: number }> = [];
  const setups: number[] = [];
  const answeredIds: string[] = [];
  let completed = 0;
  let nonContiguous = 0;
  let first = Infinity;
  let last = -Infinity;
  let lastStart = -Infinity;
  for (const events of byCall.values()) {
    const at = (event: string) => events.find((e) => e.event === event)?.atMs;
    const start = at('START');
    const answered = at('ANSWERED');
    const ended = at('BYE_OK');
    if (events.some((e) => e.event === 'NONCONTIG')) nonContiguous++;
    if (start !== undefined) {
      first = Math.min(first, start);
      lastStart = Math.max(lastStart, start);
    }
    for (const e of events) last = Math.max(last, e.atMs);
    if (answered !== undefined) answeredIds.push(events[0]!.callId);
    if (start !== undefined && answered !== undefined) setups.push(answered - start);
    if (answered !== undefined && ended !== undefined) {
      completed++;
      intervals.push({ start: answered, end: ended });
    } else {
      // The last thing logged for the call; a call with nothing after its START was aborted by
      // SIPp itself (its error log says why).
      const lastEvent = events[events.length - 1]!;
      const kind = lastEvent.event;
      const reason =
        kind === 'START' || kind === 'ANSWERED'
          ? `ABORTED_AFTER_${kind}`
          : kind === 'REJECTED'
            ? `REJECTED_${/^\d{3}/.exec(lastEvent.detail)?.[0] ?? 'UNKNOWN'}`
            : kind;
      failures[reason] = (failures[reason] ?? 0) + 1;
    }
  }
  const started = byCall.size;
  if (started < calls) failures.NOT_STARTED = calls - started;
  return {
    calls,
    started,
    completed,
    failures,
    nonContiguous,
    heldAtOnce: maxOverlap(intervals),
    setupMs: { p50: percentile(setups, 50), p95: percentile(setups, 95) },
    seconds: Number.isFinite(first) ? Math.round(last - first) / 1000 : 0,
    startedPerSecond:
      started > 1 && lastStart > first
        ? Math.round(((started - 1) / (lastStart - first)) * 10_000) / 10
        : null,
    callIds: [...byCall.keys()],
    answeredCallIds: answeredIds,
  };
}

export async function runStep(load: StepLoad): Promise<StepOutcome> {
  fs.mkdirSync(path.join(load.dir, 'tools'), { recursive: true });
  const fixture = fs.readFileSync(path.join(sippFixtures, 'siprec_uac.xml'), 'latin1');
  const pcap = 'calls.pcap';
  const looped = loopPcap(
    fs.readFileSync(path.join(sippFixtures, 'audio', 'conv_2streams_pcmu.pcap')),
    load.callSeconds,
  );
  fs.writeFileSync(path.join(load.dir, pcap), looped.file);
  // The BYE goes out a little after the last packet was sent.
  const callMs = Math.round(load.callSeconds * 1000) + 300;
  fs.writeFileSync(
    path.join(load.dir, 'scenario.xml'),
    benchScenario(fixture, callMs, pcap, load.routed),
    'latin1',
  );
  fs.writeFileSync(path.join(load.dir, 'ids.csv'), idsCsv(load.calls + 10));
  for (const tool of ['rtp_send_detached.sh', 'rtp_pcap_send.mjs']) {
    fs.copyFileSync(path.join(sippFixtures, 'tools', tool), path.join(load.dir, 'tools', tool));
  }
  fs.chmodSync(path.join(load.dir, 'tools', 'rtp_send_detached.sh'), 0o755);
  const logFile = path.join(load.dir, 'calls.log');
  // Starting every call, its length, and the scenario's own 40 s answer limits, with room.
  const timeoutS = Math.ceil(load.calls / load.rate + load.callSeconds + 100);
  const run = await runSipp({
    target: load.target,
    transport: 'udp',
    cwd: load.dir,
    timeoutMs: (timeoutS + 15) * 1000,
    args: [
      ...['-sf', 'scenario.xml', '-inf', 'ids.csv', '-s', 'srs'],
      ...['-mi', '127.0.0.1', '-mp', String(await findFreePort())],
      ...['-m', String(load.calls), '-l', String(load.limit)],
      ...['-r', String(load.rate), '-rp', '1000'],
      // Answers OPTIONS, INFO, NOTIFY and UPDATE from the recorder with 200.
      '-aa',
      ...['-trace_logs', '-log_file', logFile],
      ...['-trace_err', '-error_file', path.join(load.dir, 'errors.log')],
      ...['-timeout', `${timeoutS}s`],
    ],
  });
  const lines = fs.existsSync(logFile) ? parseCallLog(fs.readFileSync(logFile, 'latin1')) : [];
  return {
    ...summarise(lines, load.calls),
    sippExitCode: run.code,
    sippTail: `${run.stdout.slice(-1500)}\n${run.stderr.slice(-1500)}`,
  };
}
