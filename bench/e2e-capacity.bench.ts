// End-to-end capacity: whole SIPREC calls at scale — signalling, capture, finalize, catalogue —
// against the built `bin/callvault serve` (roles api, worker, recorder in one process, as
// `make run`) on SQLite and on PostgreSQL (a fresh database of the run on 127.0.0.1:5432), with
// rtpengine as the peer in the same run.
//
// The load (bench/e2e-capacity/): an SRC of our own over UDP (siprec-load.ts: the e2e SIPp
// scenario's INVITE with RFC 7865 metadata, ACK, BYE, RFC 3261 retransmissions) places calls at
// CALLVAULT_BENCH_SETUP_RATE a second; each call carries two 20 ms PCMU streams (50 packets a
// second each) for CALLVAULT_BENCH_CALL_SECONDS from its answer, sent by a C generator
// (rtp-streams.c, sendmmsg on one 20 ms clock for every call up) whose own CPU and lateness are
// measured, then ends with BYE. SIPp was not used: it replays audio with one pcap thread per call,
// which at 1,000 calls measures SIPp. A step of N calls holds all N up together (when the call is
// longer than N / rate) and reports:
//
//   failed setups       calls not answered 200, or not ended by a BYE answered 200
//   RTP loss            packets sent − datagrams the capture read (callvault_capture_udp_datagrams_total)
//   recordings          calls answered vs recordings listed through the API (by the Call-ID of
//                       their metadata): missing and duplicated
//   BYE→listed          the recording's createTime − when our BYE left, p50 and p99
//   finalize backlog    callvault_capture_finalize_backlog every second (and its peak)
//   CPU and RSS         of serve and every process it started (/proc), per second; CPU per media
//                       packet while all N calls are up (between the last answer and the first
//                       BYE: capture alone, with SIP and finalize quiet) and over the whole step
//                       (setups, media, BYEs, finalize, catalogue, until the backlog is empty)
//   memory              RSS fitted as base + a · live calls + b · queued finalizes
//   sustained           0 failed, 0 lost, every answered call listed once, the backlog empty
//                       within CALLVAULT_BENCH_DRAIN_SECONDS of the last BYE, the generator on time
//
// then steady-state steps (calls coming and going with about N up, BYEs at N / call length a
// second, as a trunk's traffic ends), then the most setups a second with no failed call (short calls at rising rates, stepped up and
// bisected as bench/cluster/stepping.ts does). The peer: rtpengine (Debian's rtpengine-daemon,
// bench/e2e-capacity/rtpengine.ts), userspace only, recording every call to pcap, gets the same
// calls (offer/answer/delete over its ng protocol at the same rate and length, the same streams
// from the same generator); its CPU per packet at each N is the baseline of Callvault's:
// ratio = Callvault / rtpengine, printed and in bench/results/e2e-capacity.json. rtpengine relays
// and writes packets; Callvault also decodes, encodes to Opus, encrypts and catalogues, so the
// whole-step ratio says what a whole recording costs beside a relay's recording.
//
// Needs `make build`, cc, PostgreSQL (scripts/ensure-postgres.sh) for the postgres runs and
// rtpengine (rtpengine-daemon; `make bench` installs both). Parameters (environment):
//
//   CALLVAULT_BENCH_STEPS=250,500,750,1000   calls up at once, one step each
//   CALLVAULT_BENCH_CALL_SECONDS=60           each call's media, from its answer to its BYE
//   CALLVAULT_BENCH_SETUP_RATE=50             calls started a second within a step
//   CALLVAULT_BENCH_DATABASES=sqlite,postgres
//   CALLVAULT_BENCH_PEER=rtpengine            or none
//   CALLVAULT_BENCH_RATE_START=50 CALLVAULT_BENCH_RATE_MAX=400 CALLVAULT_BENCH_RATE_REFINE=2
//                                             setup-rate search (doubling, then bisecting)
//   CALLVAULT_BENCH_RATE_STEP_SECONDS=5 CALLVAULT_BENCH_RATE_CALL_SECONDS=2
//                                             each rate step places rate × this calls, this long
//   CALLVAULT_BENCH_DRAIN_SECONDS=120         a sustained step's backlog is empty this soon after
//                                             its last BYE
//   CALLVAULT_BENCH_SETTLE_SECONDS=1800       the most the run waits for a step's recordings
//                                             before the next step
//   CALLVAULT_BENCH_TRANSCRIBER=none          serve's CALLVAULT_TRANSCRIBER (transcription is
//                                             queued either way; `pocketsphinx` also runs it)
//   CALLVAULT_BENCH_CPU_PROF=<dir>            serve writes a V8 CPU profile there; the top
//                                             functions by self time are printed
//   CALLVAULT_BENCH_RTP_BASE=20000            first RTP port of serve (and of rtpengine, which
//                                             runs before it); keep it below the ephemeral ports
//   CALLVAULT_BENCH_BURST_CALLS=<largest step> calls of the burst-of-BYEs step (0: none)
//   CALLVAULT_BENCH_BYE_GAP_MS=0              a pause between a call's last packet and its BYE
//   CALLVAULT_BENCH_STEADY_STEPS=500,1000     steady-state steps (none: empty): about N calls
//                                             up while calls come and go, 2N calls started at
//                                             N / CALLVAULT_BENCH_CALL_SECONDS a second, so
//                                             BYEs come at that rate rather than in a step's
//                                             burst (Callvault only; the peer's CPU per packet
//                                             is from the steps)
//
//   npx tsx bench/e2e-capacity.bench.ts
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startServer, type TestServer } from '../e2e/support/server.js';
import { stepUp } from './cluster/stepping.js';
import { Api } from './soak/collect.js';
import { sleep } from './soak/util.js';
import { formatLoad, machineOf, udpReceiveBufferErrors } from './capture/harness.js';
import { cpuPerPacket, percentile, ratio, rssModel, type Sample } from './e2e-capacity/analysis.js';
import { buildMediaGenerator, MediaGenerator } from './e2e-capacity/media.js';
import {
  sampleProcess,
  sampleTree,
  treeCpuSeconds,
  type ProcSample,
} from './e2e-capacity/proc-stats.js';
import { relayCalls, Rtpengine } from './e2e-capacity/rtpengine.js';
import { placeCalls, SiprecLoad, type CallRecord } from './e2e-capacity/siprec-load.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function envNumber(name: string, fallback: number, integer = true): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`${name}: "${raw}" is not a ${integer ? 'whole ' : ''}number ≥ 0`);
  }
  return value;
}

function envList(name: string, fallback: string): string[] {
  return (process.env[name] || fallback)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const options = {
  steps: envList('CALLVAULT_BENCH_STEPS', '250,500,750,1000').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new Error(`CALLVAULT_BENCH_STEPS: "${s}"`);
    return n;
  }),
  callSeconds: envNumber('CALLVAULT_BENCH_CALL_SECONDS', 60, false),
  setupRate: envNumber('CALLVAULT_BENCH_SETUP_RATE', 50, false),
  databases: envList('CALLVAULT_BENCH_DATABASES', 'sqlite,postgres'),
  peer: process.env.CALLVAULT_BENCH_PEER || 'rtpengine',
  rateStart: envNumber('CALLVAULT_BENCH_RATE_START', 50),
  rateMax: envNumber('CALLVAULT_BENCH_RATE_MAX', 400),
  rateRefine: envNumber('CALLVAULT_BENCH_RATE_REFINE', 2),
  rateStepSeconds: envNumber('CALLVAULT_BENCH_RATE_STEP_SECONDS', 5, false),
  rateCallSeconds: envNumber('CALLVAULT_BENCH_RATE_CALL_SECONDS', 2, false),
  drainSeconds: envNumber('CALLVAULT_BENCH_DRAIN_SECONDS', 120, false),
  settleSeconds: envNumber('CALLVAULT_BENCH_SETTLE_SECONDS', 1800, false),
  transcriber: process.env.CALLVAULT_BENCH_TRANSCRIBER || 'none',
  cpuProfileDir: process.env.CALLVAULT_BENCH_CPU_PROF || null,
  rtpBase: envNumber('CALLVAULT_BENCH_RTP_BASE', 20000),
  byeGapMs: envNumber('CALLVAULT_BENCH_BYE_GAP_MS', 0),
  burstCalls: envNumber('CALLVAULT_BENCH_BURST_CALLS', -1),
  steadySteps: envList('CALLVAULT_BENCH_STEADY_STEPS', '500,1000').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new Error(`CALLVAULT_BENCH_STEADY_STEPS: "${s}"`);
    return n;
  }),
};
for (const db of options.databases) {
  if (db !== 'sqlite' && db !== 'postgres') throw new Error(`CALLVAULT_BENCH_DATABASES: ${db}`);
}
if (options.peer !== 'rtpengine' && options.peer !== 'none') {
  throw new Error(`CALLVAULT_BENCH_PEER: ${options.peer} (rtpengine or none)`);
}
if (options.setupRate <= 0 || options.callSeconds <= 0) {
  throw new Error('CALLVAULT_BENCH_SETUP_RATE and CALLVAULT_BENCH_CALL_SECONDS must be > 0');
}

const maxStep = Math.max(...options.steps, ...options.steadySteps);
// Four ports a call (two RTP/RTCP pairs) for the most calls up at once — the largest step, or the
// setup-rate search's short calls at its highest rate — with half as many again for calls still
// ending. rtpengine runs before serve starts and gets the same range.
const atOnce = Math.max(maxStep, Math.ceil(options.rateMax * (options.rateCallSeconds + 1)));
const rtpPortCount = Math.max(2000, 6 * atOnce + 400);
const rtpPorts = { min: options.rtpBase, max: options.rtpBase + rtpPortCount - 1 };
const peerPorts = rtpPorts;
if (rtpPorts.max > 65535) throw new Error('CALLVAULT_BENCH_RTP_BASE leaves no room for the ports');

const runStarted = Date.now();
const log = (message: string): void => {
  const t = ((Date.now() - runStarted) / 1000).toFixed(0).padStart(5);
  console.log(`[${t} s] ${message}`);
};

// ---------------------------------------------------------------------------------------------
// Reading serve: /metrics and the catalogue

function metricValue(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

interface ServeMetrics {
  readonly datagrams: number;
  readonly backlog: number;
  readonly sessions: number;
}

async function readMetrics(api: Api): Promise<ServeMetrics> {
  const { body } = await api.get('/metrics');
  return {
    datagrams: metricValue(body, 'callvault_capture_udp_datagrams_total'),
    backlog: metricValue(body, 'callvault_capture_finalize_backlog'),
    sessions: metricValue(body, 'callvault_siprec_sessions_active'),
  };
}

/** Recordings through the API: id → the Call-ID of its metadata and when it was stored. */
class Catalogue {
  private readonly seen = new Map<string, { callId: string | null; createdMs: number }>();
  constructor(
    private readonly api: Api,
    private readonly fromMs: number,
  ) {}

  async refresh(): Promise<void> {
    const from = encodeURIComponent(new Date(this.fromMs).toISOString());
    const fresh: Array<{ id: string; createTime: string }> = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/recordings?from=${from}&max=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page: { items: Array<{ id: string; createTime: string }>; nextCursor: string | null } =
        await this.api.getJson(query);
      for (const item of page.items) if (!this.seen.has(item.id)) fresh.push(item);
      cursor = page.nextCursor;
    } while (cursor);
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let item = fresh.shift(); item !== undefined; item = fresh.shift()) {
          const meta = await this.api.getJson<{ serviceData?: { callId?: string } }>(
            `/v1/convergedRecordings/${encodeURIComponent(item.id)}/metadata`,
          );
          this.seen.set(item.id, {
            callId: meta.serviceData?.callId ?? null,
            createdMs: Date.parse(item.createTime),
          });
        }
      }),
    );
  }

  /** For each Call-ID, when its recordings were stored. */
  byCallId(): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const { callId, createdMs } of this.seen.values()) {
      if (callId === null) continue;
      const list = out.get(callId) ?? [];
      list.push(createdMs);
      out.set(callId, list);
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Sampling every second

class Sampler {
  readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly started = Date.now();
  private running: Promise<void> = Promise.resolve();
  /** The largest RSS seen of a process of each name, and how many such processes were seen. */
  readonly peakRss = new Map<string, { kib: number; pids: Set<number> }>();

  constructor(private readonly read: () => Promise<Omit<Sample, 't'> & { tree?: ProcSample[] }>) {}

  start(): this {
    const tick = async (): Promise<void> => {
      try {
        const { tree, ...s } = await this.read();
        this.samples.push({ t: Date.now() - this.started, ...s });
        for (const p of tree ?? []) {
          const seen = this.peakRss.get(p.name) ?? { kib: 0, pids: new Set<number>() };
          seen.kib = Math.max(seen.kib, p.rssKiB);
          seen.pids.add(p.pid);
          this.peakRss.set(p.name, seen);
        }
      } catch {
        // serve busy beyond the request's limits: the next second's sample
      }
    };
    this.running = tick();
    this.timer = setInterval(() => {
      this.running = this.running.then(tick);
    }, 1000);
    return this;
  }

  /** ms since this sampler started. */
  at(ms: number): number {
    return ms - this.started;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}

function serveSampler(api: Api, servePid: number): Sampler {
  return new Sampler(async () => {
    const tree = sampleTree(servePid);
    const m = await readMetrics(api);
    return {
      cpuSeconds: treeCpuSeconds(tree),
      ownCpuSeconds: tree[0]?.cpuSeconds ?? 0,
      rssKiB: tree.reduce((s, p) => s + p.rssKiB, 0),
      packets: m.datagrams,
      liveCalls: m.sessions,
      finalizeBacklog: m.backlog,
      tree,
    };
  }).start();
}

// ---------------------------------------------------------------------------------------------
// One step against Callvault

interface StepResult {
  readonly target: string;
  readonly calls: number;
  readonly setupRate: number;
  readonly callSeconds: number;
  readonly answered: number;
  readonly failed: number;
  readonly failures: Record<string, number>;
  readonly setupMs: { p50: number | null; p99: number | null };
  readonly heldAtOnce: number;
  readonly rtp: {
    sent: number;
    received: number;
    lost: number;
    lossRatio: number | null;
  };
  readonly recordings: {
    listed: number;
    ofAnswered: number;
    missing: number;
    duplicated: number;
    waitedSeconds: number;
  };
  readonly byeToListedMs: { p50: number | null; p99: number | null; max: number | null };
  readonly finalizeBacklog: {
    peak: number;
    drainedSecondsAfterLastBye: number | null;
    timeline: Array<[number, number]>;
  };
  readonly cpu: {
    /** While all calls were up (capture only). */
    holdMicrosecondsPerPacket: number | null;
    holdCpuPercent: number | null;
    holdSeconds: number;
    /** The whole step, until the backlog was empty. */
    stepMicrosecondsPerPacket: number | null;
    stepCpuSeconds: number;
    /** Of stepCpuSeconds: serve's own process, and the children it started (ffmpeg, ...). */
    stepServeCpuSeconds: number;
    stepChildrenCpuSeconds: number;
  };
  readonly memory: {
    idleRssMiB: number;
    /** The median while all calls were up. */
    allUpRssMiB: number | null;
    peakRssMiB: number;
    peakRssByProcessMiB: Record<string, number>;
    /** (all up − idle) / calls. */
    perLiveCallKiB: number | null;
    /** (the most after the last BYE − all up) / the backlog's peak, when it reached 10. */
    perQueuedFinalizeKiB: number | null;
    /** RSS = base + a · live calls + b · backlog, least squares over the step's samples. */
    fitted: ReturnType<typeof rssModel>;
  };
  /** UDP datagrams the kernel dropped for full receive buffers during the step (/proc/net/snmp). */
  readonly kernelReceiveBufferErrors: number;
  readonly burst: boolean;
  readonly generator: {
    cpuPercent: number;
    microsecondsPerPacket: number | null;
    maxLagMs: number;
    lateTicks: number;
  };
  readonly timeline: Array<{
    t: number;
    cpuPercent: number;
    rssMiB: number;
    live: number;
    backlog: number;
  }>;
  readonly sustained: boolean;
  readonly why: string[];
}

function maxOverlap(records: readonly CallRecord[]): number {
  const edges: Array<[number, number]> = [];
  for (const r of records) {
    if (r.answeredAt !== null && r.byeAt !== null) edges.push([r.answeredAt, 1], [r.byeAt, -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, d] of edges) most = Math.max(most, (open += d));
  return most;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;
const mib = (kib: number): number => Math.round(kib / 102.4) / 10;

function describeMemory(r: StepResult): string {
  const m = r.memory;
  return (
    `RSS ${m.idleRssMiB} MiB idle, ${m.allUpRssMiB ?? '-'} MiB all up, ${m.peakRssMiB} MiB peak ` +
    `(${m.perLiveCallKiB ?? '-'} KiB a live call, ${m.perQueuedFinalizeKiB ?? '-'} KiB a queued finalize)`
  );
}

const median = (values: readonly number[]): number | null => percentile(values, 50);

async function callvaultStep(
  target: { name: string; server: TestServer; api: Api; catalogue: Catalogue },
  media: MediaGenerator,
  calls: number,
  rate: number,
  seconds: number,
  burst = false,
): Promise<StepResult> {
  const { server, api, catalogue } = target;
  const sip = server.sip!;
  const servePid = server.process.pid!;
  const before = await readMetrics(api);
  const idleRss = sampleTree(servePid).reduce((s, p) => s + p.rssKiB, 0);
  const generatorBefore = sampleProcess(media.pid)!;
  const mediaBefore = await media.stats();
  const rcvbufBefore = udpReceiveBufferErrors();
  const stepStarted = Date.now();
  const sampler = serveSampler(api, servePid);
  const load = new SiprecLoad({ host: sip.host, port: sip.port }, media, options.byeGapMs);
  await load.open();
  const records = await placeCalls(load, { calls, rate, seconds, burst });
  load.close();
  const kernelReceiveBufferErrors = udpReceiveBufferErrors() - rcvbufBefore;
  const lastBye = Math.max(...records.map((r) => r.byeAt ?? 0), stepStarted);
  const mediaAfter = await media.stats();
  const generatorAfter = sampleProcess(media.pid)!;
  // Until the backlog is empty and every answered call is listed. Within the drain time the step
  // can be sustained; past it the run still waits (up to the settle time) so that the next step
  // starts on an empty backlog and every recording of this one is counted.
  const answered = records.filter((r) => r.answeredAt !== null);
  const settleDeadline = lastBye + Math.max(options.drainSeconds, options.settleSeconds) * 1000;
  let drainedAt: number | null = null;
  let byCall = new Map<string, number[]>();
  for (;;) {
    const m = await readMetrics(api).catch(() => null);
    if (m && m.backlog === 0 && drainedAt === null) drainedAt = Date.now();
    if (drainedAt !== null) {
      await catalogue.refresh();
      byCall = catalogue.byCallId();
      if (answered.every((r) => byCall.has(r.callId))) break;
    }
    if (Date.now() > settleDeadline) {
      await catalogue.refresh().catch(() => undefined);
      byCall = catalogue.byCallId();
      break;
    }
    await sleep(1000);
  }
  const listedAt = Date.now();
  await sleep(1500);
  await sampler.stop();
  const after = await readMetrics(api);

  const failures: Record<string, number> = {};
  for (const r of records) if (r.failure) failures[r.failure] = (failures[r.failure] ?? 0) + 1;
  const failed = records.filter((r) => r.failure !== null).length;
  const sent = records.reduce((s, r) => s + r.packetsSent, 0);
  const received = after.datagrams - before.datagrams;
  const lost = Math.max(0, sent - received);
  const missing = answered.filter((r) => !byCall.has(r.callId)).length;
  const duplicated = answered.filter((r) => (byCall.get(r.callId)?.length ?? 0) > 1).length;
  const latencies = answered
    .filter((r) => r.byeAt !== null && byCall.has(r.callId))
    .map((r) => Math.min(...byCall.get(r.callId)!) - r.byeAt!);
  const samples = sampler.samples;
  const lastAnswer = Math.max(...answered.map((r) => r.answeredAt!), stepStarted);
  const firstBye = Math.min(...records.map((r) => r.byeAt ?? Infinity));
  // All calls up: a second after the last answer to a second before the first BYE.
  const hold = cpuPerPacket(samples, sampler.at(lastAnswer) + 1000, sampler.at(firstBye) - 1000);
  const whole = cpuPerPacket(samples, 0, Infinity);
  const wholeCpu = (samples.at(-1)?.cpuSeconds ?? 0) - (samples[0]?.cpuSeconds ?? 0);
  const ownCpu = (samples.at(-1)?.ownCpuSeconds ?? 0) - (samples[0]?.ownCpuSeconds ?? 0);
  const model = rssModel(samples);
  const holdSamples = samples.filter(
    (x) => x.t >= sampler.at(lastAnswer) + 1000 && x.t <= sampler.at(firstBye) - 1000,
  );
  const allUpRss = median(holdSamples.map((x) => x.rssKiB));
  const afterBye = samples.filter((x) => x.t >= sampler.at(firstBye));
  const backlogPeak = Math.max(0, ...samples.map((x) => x.finalizeBacklog));
  const drainRss = afterBye.length > 0 ? Math.max(...afterBye.map((x) => x.rssKiB)) : null;
  const generatorCpu = generatorAfter.cpuSeconds - generatorBefore.cpuSeconds;
  const generatorSent = mediaAfter.sent - mediaBefore.sent;
  const stepSeconds = (Date.now() - stepStarted) / 1000;
  const lateTicks = mediaAfter.lateTicks - mediaBefore.lateTicks;
  const drainedSeconds =
    drainedAt === null ? null : Math.round(Math.max(0, drainedAt - lastBye) / 100) / 10;

  const why: string[] = [];
  if (failed > 0) why.push(`${failed} failed (${JSON.stringify(failures)})`);
  if (lost > 0) why.push(`${lost} packets lost`);
  if (missing > 0) why.push(`${missing} answered calls not listed`);
  if (duplicated > 0) why.push(`${duplicated} listed twice`);
  if (drainedSeconds === null || drainedSeconds > options.drainSeconds) {
    why.push(
      `finalize backlog not empty ${options.drainSeconds} s after the last BYE (${drainedSeconds ?? `not within ${options.settleSeconds}`} s)`,
    );
  }
  if (lateTicks > 0)
    why.push(`the generator was late ${lateTicks} ticks (max ${mediaAfter.maxLagMs} ms)`);
  const heldAtOnce = maxOverlap(records);
  if (seconds >= calls / rate && heldAtOnce < calls)
    why.push(`only ${heldAtOnce} calls up at once`);

  const timeline = samples.map((s, i) => {
    const prev = samples[i - 1];
    const cpuPercent =
      prev && s.t > prev.t
        ? Math.round(((s.cpuSeconds - prev.cpuSeconds) / ((s.t - prev.t) / 1000)) * 1000) / 10
        : 0;
    return {
      t: Math.round(s.t / 100) / 10,
      cpuPercent,
      rssMiB: mib(s.rssKiB),
      live: s.liveCalls,
      backlog: s.finalizeBacklog,
    };
  });
  const peakRssByProcessMiB: Record<string, number> = {};
  for (const [name, { kib, pids }] of sampler.peakRss) {
    peakRssByProcessMiB[pids.size > 1 ? `${name} (largest of ${pids.size})` : name] = mib(kib);
  }
  void listedAt;
  return {
    target: target.name,
    calls,
    setupRate: rate,
    callSeconds: seconds,
    answered: answered.length,
    failed,
    failures,
    setupMs: {
      p50: percentile(
        answered.map((r) => r.answeredAt! - r.invitedAt),
        50,
      ),
      p99: percentile(
        answered.map((r) => r.answeredAt! - r.invitedAt),
        99,
      ),
    },
    heldAtOnce,
    rtp: { sent, received, lost, lossRatio: sent > 0 ? lost / sent : null },
    recordings: {
      listed: answered.length - missing,
      ofAnswered: answered.length,
      missing,
      duplicated,
      waitedSeconds: Math.round((Date.now() - lastBye) / 100) / 10,
    },
    byeToListedMs: {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.length > 0 ? Math.max(...latencies) : null,
    },
    finalizeBacklog: {
      peak: backlogPeak,
      drainedSecondsAfterLastBye: drainedSeconds,
      timeline: samples.map((s) => [Math.round(s.t / 100) / 10, s.finalizeBacklog]),
    },
    cpu: {
      holdMicrosecondsPerPacket: hold.microseconds,
      holdCpuPercent: hold.cpuPercent,
      holdSeconds: hold.seconds,
      stepMicrosecondsPerPacket:
        whole.packets > 0 ? Math.round((wholeCpu / whole.packets) * 1e7) / 10 : null,
      stepCpuSeconds: Math.round(wholeCpu * 100) / 100,
      stepServeCpuSeconds: Math.round(ownCpu * 100) / 100,
      stepChildrenCpuSeconds: Math.round((wholeCpu - ownCpu) * 100) / 100,
    },
    memory: {
      idleRssMiB: mib(idleRss),
      peakRssMiB: mib(Math.max(...samples.map((s) => s.rssKiB), idleRss)),
      peakRssByProcessMiB,
      allUpRssMiB: allUpRss === null ? null : mib(allUpRss),
      perLiveCallKiB:
        allUpRss === null ? null : Math.round(((allUpRss - idleRss) / calls) * 10) / 10,
      perQueuedFinalizeKiB:
        allUpRss === null || drainRss === null || backlogPeak < 10
          ? null
          : Math.round(((drainRss - allUpRss) / backlogPeak) * 10) / 10,
      fitted: model,
    },
    kernelReceiveBufferErrors,
    burst,
    generator: {
      cpuPercent: Math.round((generatorCpu / stepSeconds) * 1000) / 10,
      microsecondsPerPacket:
        generatorSent > 0 ? Math.round((generatorCpu / generatorSent) * 1e7) / 10 : null,
      maxLagMs: mediaAfter.maxLagMs,
      lateTicks,
    },
    timeline,
    sustained: why.length === 0,
    why,
  };
}

// ---------------------------------------------------------------------------------------------
// One step against rtpengine

interface PeerStepResult {
  readonly calls: number;
  readonly failed: number;
  readonly errors: string[];
  readonly sent: number;
  readonly forwarded: number;
  readonly recordingFiles: number;
  readonly holdMicrosecondsPerPacket: number | null;
  readonly holdCpuPercent: number | null;
  readonly stepMicrosecondsPerPacket: number | null;
  readonly peakRssMiB: number;
  readonly generatorLateTicks: number;
}

async function peerStep(
  engine: Rtpengine,
  media: MediaGenerator,
  calls: number,
  rate: number,
  seconds: number,
): Promise<PeerStepResult> {
  const filesBefore = engine.recordings().files;
  const mediaBefore = await media.stats();
  let live = 0;
  const sampler = new Sampler(async () => {
    const p = sampleProcess(engine.pid)!;
    const m = await media.stats();
    live = m.activeCalls;
    return {
      cpuSeconds: p.cpuSeconds,
      rssKiB: p.rssKiB,
      packets: m.sent,
      liveCalls: live,
      finalizeBacklog: 0,
    };
  }).start();
  const started = Date.now();
  const results = await relayCalls(engine, media, { calls, rate, seconds, firstId: 0 });
  await sleep(1500);
  await sampler.stop();
  const mediaAfter = await media.stats();
  const samples = sampler.samples;
  const rampMs = (calls / rate) * 1000;
  // All calls up: from the last offer (plus a second) to the first delete (less a second).
  const hold = cpuPerPacket(samples, rampMs + 1000, seconds * 1000 - 1000);
  const whole = cpuPerPacket(samples, 0, Infinity);
  void started;
  return {
    calls,
    failed: results.filter((r) => !r.ok).length,
    errors: [...new Set(results.filter((r) => !r.ok).map((r) => r.error ?? ''))].slice(0, 3),
    sent: mediaAfter.sent - mediaBefore.sent,
    forwarded: mediaAfter.received - mediaBefore.received,
    recordingFiles: engine.recordings().files - filesBefore,
    holdMicrosecondsPerPacket: hold.microseconds,
    holdCpuPercent: hold.cpuPercent,
    stepMicrosecondsPerPacket: whole.microseconds,
    peakRssMiB: mib(Math.max(0, ...samples.map((s) => s.rssKiB))),
    generatorLateTicks: mediaAfter.lateTicks - mediaBefore.lateTicks,
  };
}

// ---------------------------------------------------------------------------------------------
// Setup rate

interface RateStep {
  readonly rate: number;
  readonly calls: number;
  readonly startedPerSecond: number | null;
  readonly failed: number;
  readonly failures: Record<string, number>;
  readonly setupMsP99: number | null;
  readonly passed: boolean;
}

async function setupRateSearch(
  target: { server: TestServer; api: Api },
  media: MediaGenerator,
): Promise<{ maximum: number; capped: boolean; steps: RateStep[] }> {
  const steps: RateStep[] = [];
  const sip = target.server.sip!;
  const search = await stepUp(
    {
      start: options.rateStart,
      factor: 2,
      max: Math.max(options.rateStart, options.rateMax),
      refine: options.rateRefine,
    },
    async (rate) => {
      const calls = Math.max(10, Math.ceil(rate * options.rateStepSeconds));
      const load = new SiprecLoad({ host: sip.host, port: sip.port }, media);
      await load.open();
      const records = await placeCalls(load, { calls, rate, seconds: options.rateCallSeconds });
      load.close();
      const invited = records.map((r) => r.invitedAt);
      const span = (Math.max(...invited) - Math.min(...invited)) / 1000;
      const startedPerSecond = span > 0 ? Math.round(((calls - 1) / span) * 10) / 10 : null;
      const failures: Record<string, number> = {};
      for (const r of records) if (r.failure) failures[r.failure] = (failures[r.failure] ?? 0) + 1;
      const failed = records.filter((r) => r.failure !== null).length;
      const setups = records
        .filter((r) => r.answeredAt !== null)
        .map((r) => r.answeredAt! - r.invitedAt);
      const passed = failed === 0 && startedPerSecond !== null && startedPerSecond >= 0.9 * rate;
      steps.push({
        rate,
        calls,
        startedPerSecond,
        failed,
        failures,
        setupMsP99: percentile(setups, 99),
        passed,
      });
      log(
        `  setup rate ${rate}/s: ${calls - failed}/${calls} calls, started ${startedPerSecond ?? '-'}/s, ` +
          `setup p99 ${percentile(setups, 99) ?? '-'} ms ${passed ? 'pass' : `FAIL ${JSON.stringify(failures)}`}`,
      );
      // Let the step's finalizes go before the next rate.
      const deadline = Date.now() + options.settleSeconds * 1000;
      while (Date.now() < deadline) {
        const m = await readMetrics(target.api).catch(() => null);
        if (m && m.backlog === 0 && m.sessions === 0) break;
        await sleep(1000);
      }
      return passed;
    },
  );
  return { maximum: search.maximum, capped: search.capped, steps };
}

// ---------------------------------------------------------------------------------------------
// CPU profile: where serve's busy time went (idle left out), by self time and, for Callvault's own
// functions, inclusive of what they called

interface ProfileSummary {
  readonly busySeconds: number;
  readonly self: Array<{ fn: string; percent: number }>;
  readonly inclusive: Array<{ fn: string; percent: number }>;
}

function summariseProfiles(dir: string): ProfileSummary {
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  let busyMicroseconds = 0;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as {
      nodes: Array<{
        id: number;
        hitCount?: number;
        children?: number[];
        callFrame: { functionName: string; url: string; lineNumber: number };
      }>;
      startTime: number;
      endTime: number;
    };
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const keyOf = (id: number): string => {
      const f = byId.get(id)!.callFrame;
      const url = f.url.replace(/^.*\/(packages|node_modules)\//, '$1/');
      return `${f.functionName || '(anonymous)'} ${url}`;
    };
    let hitsTotal = 0;
    let busyHits = 0;
    for (const node of profile.nodes) {
      const hits = node.hitCount ?? 0;
      hitsTotal += hits;
      if (hits === 0 || node.callFrame.functionName === '(idle)') continue;
      busyHits += hits;
      self.set(keyOf(node.id), (self.get(keyOf(node.id)) ?? 0) + hits);
      const seen = new Set<string>();
      for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
        const key = keyOf(id);
        if (seen.has(key) || !key.includes(' packages/')) continue;
        seen.add(key);
        inclusive.set(key, (inclusive.get(key) ?? 0) + hits);
      }
    }
    busy += busyHits;
    busyMicroseconds += ((profile.endTime - profile.startTime) * busyHits) / Math.max(1, hitsTotal);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([fn, hits]) => ({ fn, percent: Math.round((hits / Math.max(1, busy)) * 1000) / 10 }));
  return {
    busySeconds: Math.round(busyMicroseconds / 1e5) / 10,
    self: top(self, 20),
    inclusive: top(inclusive, 25),
  };
}

// ---------------------------------------------------------------------------------------------

async function createDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl =
    process.env.CALLVAULT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `callvault_bench_${crypto.randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(here, '..', 'packages/server/dist/cli/main.js'))) {
    throw new Error('the server is not built: make build');
  }
  const loadBefore = os.loadavg();
  log(
    `end-to-end capacity: steps ${options.steps.join(', ')} calls, ${options.callSeconds} s each, ` +
      `started at ${options.setupRate}/s; databases ${options.databases.join(', ')}; peer ${options.peer}; ` +
      `load average ${formatLoad(loadBefore)}`,
  );
  for (const n of options.steps) {
    if (options.callSeconds < n / options.setupRate) {
      log(
        `  note: ${n} calls at ${options.setupRate}/s take ${n / options.setupRate} s to start, longer than a call: fewer are up at once`,
      );
    }
  }
  const binary = buildMediaGenerator();
  const results: Record<
    string,
    {
      steps: StepResult[];
      burst: StepResult | null;
      steady: Array<StepResult & { heldCalls: number }>;
      setupRate: Awaited<ReturnType<typeof setupRateSearch>> | null;
      profile: ProfileSummary | null;
    }
  > = {};
  const peerSteps: PeerStepResult[] = [];
  let peerNote: string | null = null;

  // The peer first: its figures are the baseline the Callvault steps are printed against.
  if (options.peer === 'rtpengine') {
    const onPath = (process.env.PATH ?? '')
      .split(':')
      .concat(['/usr/bin', '/usr/sbin'])
      .some((d) => fs.existsSync(path.join(d, 'rtpengine')));
    if (!onPath) {
      peerNote =
        'rtpengine is not installed (Debian package rtpengine-daemon; make bench installs it): the peer was left out';
      log(peerNote);
    } else {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-rtpengine-'));
      const engine = await Rtpengine.start({
        ngPort: 22000 + (process.pid % 1000),
        ports: peerPorts,
        dir,
        threads: os.cpus().length,
      });
      const media = await MediaGenerator.start(binary);
      try {
        log(
          `rtpengine (pid ${engine.pid}, userspace, recording to pcap in ${engine.recordingDir})`,
        );
        for (const n of options.steps) {
          const r = await peerStep(engine, media, n, options.setupRate, options.callSeconds);
          peerSteps.push(r);
          log(
            `  rtpengine ${String(n).padStart(5)} calls: ${n - r.failed}/${n} relayed, forwarded ${r.forwarded}/${r.sent} packets, ` +
              `${r.recordingFiles} pcap files, CPU ${r.holdCpuPercent ?? '-'} % = ${r.holdMicrosecondsPerPacket ?? '-'} µs/packet with all up ` +
              `(${r.stepMicrosecondsPerPacket ?? '-'} µs/packet over the step), RSS ${r.peakRssMiB} MiB` +
              (r.errors.length > 0 ? ` errors: ${r.errors.join('; ')}` : ''),
          );
        }
      } finally {
        await media.stop();
        await engine.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  }

  for (const db of options.databases) {
    const database = db === 'postgres' ? await createDatabase() : null;
    const profileDir = options.cpuProfileDir ? path.resolve(options.cpuProfileDir, db) : null;
    if (profileDir) fs.mkdirSync(profileDir, { recursive: true });
    const server = await startServer({
      sip: { rtpPorts },
      ...(database ? { databaseUrl: database.url } : {}),
      extraEnv: {
        CALLVAULT_TRANSCRIBER: options.transcriber,
        CALLVAULT_MAX_SESSIONS: String(Math.floor(rtpPortCount / 4)),
      },
      ...(profileDir ? { serveNodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
    });
    const api = new Api(server.url, server.seed.admin.token);
    const catalogue = new Catalogue(api, Date.now() - 60_000);
    const media = await MediaGenerator.start(binary);
    const steps: StepResult[] = [];
    const steady: Array<StepResult & { heldCalls: number }> = [];
    let burst: StepResult | null = null;
    let setupRate: Awaited<ReturnType<typeof setupRateSearch>> | null = null;
    try {
      log(
        `Callvault on ${db} (serve pid ${server.process.pid}, SIP udp ${server.sip!.host}:${server.sip!.port})`,
      );
      for (const n of options.steps) {
        const r = await callvaultStep(
          { name: db, server, api, catalogue },
          media,
          n,
          options.setupRate,
          options.callSeconds,
        );
        steps.push(r);
        const peer = peerSteps.find((p) => p.calls === n);
        log(
          `  ${db.padEnd(8)} ${String(n).padStart(5)} calls: ${r.calls - r.failed}/${n} completed, ` +
            `lost ${r.rtp.lost}/${r.rtp.sent} packets, listed ${r.recordings.listed}/${r.recordings.ofAnswered}, ` +
            `BYE→listed p50 ${r.byeToListedMs.p50 ?? '-'} ms p99 ${r.byeToListedMs.p99 ?? '-'} ms, backlog peak ${r.finalizeBacklog.peak}, ` +
            `CPU ${r.cpu.holdCpuPercent ?? '-'} % = ${r.cpu.holdMicrosecondsPerPacket ?? '-'} µs/packet with all up` +
            (peer
              ? ` (× ${ratio(r.cpu.holdMicrosecondsPerPacket, peer.holdMicrosecondsPerPacket) ?? '-'} rtpengine)`
              : '') +
            `, ${r.cpu.stepMicrosecondsPerPacket ?? '-'} µs/packet over the step ` +
            `(${r.cpu.stepCpuSeconds} CPU s: serve ${r.cpu.stepServeCpuSeconds}, its children ${r.cpu.stepChildrenCpuSeconds})` +
            (peer
              ? ` (× ${ratio(r.cpu.stepMicrosecondsPerPacket, peer.stepMicrosecondsPerPacket) ?? '-'})`
              : '') +
            `, ${describeMemory(r)}, generator ${r.generator.cpuPercent} % CPU` +
            `${r.kernelReceiveBufferErrors > 0 ? `, kernel dropped ${r.kernelReceiveBufferErrors} datagrams (full receive buffers)` : ''}` +
            ` ${r.sustained ? ' SUSTAINED' : ` not sustained: ${r.why.join('; ')}`}`,
        );
      }
      // A burst of BYEs: every call of the largest step ends at the same moment.
      const burstCalls = options.burstCalls < 0 ? maxStep : options.burstCalls;
      if (burstCalls > 0) {
        burst = await callvaultStep(
          { name: db, server, api, catalogue },
          media,
          burstCalls,
          options.setupRate,
          options.callSeconds,
          true,
        );
        log(
          `  ${db.padEnd(8)} burst of ${burstCalls} BYEs: backlog peak ${burst.finalizeBacklog.peak}, empty ` +
            `${burst.finalizeBacklog.drainedSecondsAfterLastBye ?? '-'} s after the last BYE, BYE→listed p50 ${burst.byeToListedMs.p50 ?? '-'} ms ` +
            `p99 ${burst.byeToListedMs.p99 ?? '-'} ms, listed ${burst.recordings.listed}/${burst.recordings.ofAnswered}, ${describeMemory(burst)}` +
            `${burst.sustained ? '' : ` (${burst.why.join('; ')})`}`,
        );
      }
      // Steady state: N calls up at once as calls come and go, as on a real trunk. Calls start at
      // N / call length a second for two call lengths, so from the first BYE on one call ends
      // and one starts every (call length / N) s with about N up; finalize has to keep pace with
      // that rate of BYEs, not with a step's burst of them.
      for (const n of options.steadySteps) {
        const r = await callvaultStep(
          { name: db, server, api, catalogue },
          media,
          2 * n,
          n / options.callSeconds,
          options.callSeconds,
        );
        steady.push({ heldCalls: n, ...r });
        log(
          `  ${db.padEnd(8)} steady ${String(n).padStart(5)} up (${r.calls} calls at ${round1(n / options.callSeconds)}/s): ` +
            `${r.calls - r.failed}/${r.calls} completed, at most ${r.heldAtOnce} up at once, lost ${r.rtp.lost}/${r.rtp.sent} packets, ` +
            `listed ${r.recordings.listed}/${r.recordings.ofAnswered}, BYE→listed p50 ${r.byeToListedMs.p50 ?? '-'} ms p99 ${r.byeToListedMs.p99 ?? '-'} ms, ` +
            `backlog peak ${r.finalizeBacklog.peak}, ${r.cpu.stepMicrosecondsPerPacket ?? '-'} µs/packet over the step ` +
            `(${r.cpu.stepCpuSeconds} CPU s), ${describeMemory(r)}` +
            ` ${r.sustained ? ' SUSTAINED' : ` not sustained: ${r.why.join('; ')}`}`,
        );
      }
      log(
        `setup rate on ${db} (${options.rateCallSeconds} s calls, ${options.rateStepSeconds} s a rate):`,
      );
      setupRate = await setupRateSearch({ server, api }, media);
    } finally {
      await media.stop();
      await server.stop();
      await database?.drop();
    }
    results[db] = {
      steps,
      burst,
      steady,
      setupRate,
      profile: profileDir ? summariseProfiles(profileDir) : null,
    };
    const profile = results[db].profile;
    if (profile) {
      log(
        `CPU profile of serve's main thread on ${db}: ${profile.busySeconds} s busy; of it, self time:`,
      );
      for (const p of profile.self.slice(0, 12))
        log(`  ${String(p.percent).padStart(5)} %  ${p.fn}`);
      log('  and inclusive (Callvault functions with what they called):');
      for (const p of profile.inclusive.slice(0, 15))
        log(`  ${String(p.percent).padStart(5)} %  ${p.fn}`);
    }
  }

  // Summary: the largest sustained N per database, the setup rate, the peer's ratio.
  const summary: Record<string, unknown> = {};
  for (const [db, r] of Object.entries(results)) {
    const sustained = r.steps.filter((s) => s.sustained).map((s) => s.calls);
    const at500 = r.steps.find((s) => s.calls === 500);
    summary[db] = {
      largestSustainedCalls: sustained.length > 0 ? Math.max(...sustained) : 0,
      setupRatePerSecond: r.setupRate?.maximum ?? null,
      setupRateCapped: r.setupRate?.capped ?? null,
      byeToListedP99MsAt500: at500?.byeToListedMs.p99 ?? null,
      steady: r.steady.map((x) => ({
        heldCalls: x.heldCalls,
        sustained: x.sustained,
        byeToListedMs: x.byeToListedMs,
      })),
      cpuPerPacketRatioToRtpengine: r.steps.map((s) => {
        const peer = peerSteps.find((p) => p.calls === s.calls);
        return {
          calls: s.calls,
          allUp: ratio(s.cpu.holdMicrosecondsPerPacket, peer?.holdMicrosecondsPerPacket ?? null),
          wholeStep: ratio(
            s.cpu.stepMicrosecondsPerPacket,
            peer?.stepMicrosecondsPerPacket ?? null,
          ),
        };
      }),
    };
    log(
      `${db}: largest sustained ${(summary[db] as { largestSustainedCalls: number }).largestSustainedCalls} calls; ` +
        `setup rate ${r.setupRate?.maximum ?? '-'}/s${r.setupRate?.capped ? ' (the cap)' : ''} with no failed call`,
    );
  }
  if (results.sqlite && results.postgres) {
    for (const s of results.postgres.steps) {
      const q = results.sqlite.steps.find((x) => x.calls === s.calls);
      if (q) {
        log(
          `  postgres / sqlite at ${s.calls}: CPU per packet (whole step) × ${ratio(s.cpu.stepMicrosecondsPerPacket, q.cpu.stepMicrosecondsPerPacket) ?? '-'}, ` +
            `BYE→listed p99 × ${ratio(s.byeToListedMs.p99, q.byeToListedMs.p99) ?? '-'}`,
        );
      }
    }
  }
  const loadAfter = os.loadavg();
  log(`load average at the end ${formatLoad(loadAfter)}`);
  const out = {
    benchmark: 'e2e-capacity',
    date: new Date().toISOString(),
    seconds: Math.round((Date.now() - runStarted) / 1000),
    machine: { ...machineOf(loadBefore), loadAverageAfter: loadAfter },
    parameters: {
      ...options,
      rtpPorts,
      peerPorts,
      transport: 'udp',
      streamsPerCall: 2,
      codec: 'PCMU 20 ms',
    },
    summary,
    peer: { name: options.peer, note: peerNote, steps: peerSteps },
    callvault: results,
    targets: {
      sustainedCalls: 1000,
      byeToListedP99MsAt500: 2000,
      setupRatePerSecond: 300,
      cpuPerPacketRatioToRtpengine: 1,
    },
  };
  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(here, 'results', 'e2e-capacity.json'),
    `${JSON.stringify(out, null, 2)}\n`,
  );
  log('bench/results/e2e-capacity.json written');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
