// The cluster's capacity against one recorder, in the same run: Callvault set up as a cluster
// (e2e/cluster/cluster.ts: Kamailio's dispatcher from deploy/ in front of two recorder processes
// on 127.0.0.2 and 127.0.0.3, one API and one worker process, PostgreSQL with pg-boss, a Swift
// S3 bucket), loaded by SIPp's SIPREC client (two PCMU streams per call, the e2e conversation
// looped, UDP) at
//
//   direct   the first recorder itself (the baseline: one recorder, no proxy)
//   cluster  Kamailio, which spreads the calls over both recorders
//
// Two figures for each, each found by stepping the load up (geometrically, then bisecting between
// the last step that passed and the first that failed; bench/cluster/stepping.ts):
//
//   setup rate       the most calls started a second (short calls) with no failed call
//   calls at once    the most calls held up together (ramped in, then held) with no failed call
//
// A step passes when every call was answered and ended by its BYE answered 200, every call
// became exactly one recording (through the API: the Call-ID of each recording's metadata), the
// calls really started at 90 % of the rate asked at least (SIPp on a loaded machine can fall
// behind), and, for calls at once, that many were up at one moment. The ratio cluster / direct is
// printed for both; bench/results/cluster.json has every step. Both targets share the machine
// (2 recorders, API, worker, PostgreSQL, Swift, Kamailio and SIPp on the same cores), so the
// cluster's figures show what the proxy costs and what a second recorder process gives on the
// same hardware, not what a second machine would.
//
// Needs root (SIPp's pcap replay), a build (`make build`), sipp, kamailio, Swift and PostgreSQL
// (as `make e2e-cluster`). Parameters (environment, defaults finish in a few minutes):
//
//   CLUSTER_BENCH_RATE_START=2 CLUSTER_BENCH_RATE_MAX=32       setups a second: first step, cap
//   CLUSTER_BENCH_RATE_STEP_SECONDS=5                          each rate step places rate × this calls
//   CLUSTER_BENCH_RATE_MIN_CALLS=10                            ... and at least this many
//   CLUSTER_BENCH_RATE_CALL_SECONDS=2                          length of those calls
//   CLUSTER_BENCH_CONCURRENCY_START=10 CLUSTER_BENCH_CONCURRENCY_MAX=80   calls at once: first step, cap
//   CLUSTER_BENCH_RAMP_RATE=10                                 calls started a second up to that
//   CLUSTER_BENCH_HOLD_SECONDS=5                               how long all of them are held together
//   CLUSTER_BENCH_FACTOR=2 CLUSTER_BENCH_REFINE=1              step factor, bisection steps after a failure
//   CLUSTER_BENCH_RECORDING_TIMEOUT_SECONDS=120                wait for a step's recordings at most this
//   CLUSTER_BENCH_SETTLE_SECONDS=3                             pause between steps
//
//   npx tsx bench/cluster.bench.ts
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCluster, type Cluster } from '../e2e/cluster/cluster.js';
import { findSipp } from '../e2e/sip/sipp.js';
import { runStep, type StepOutcome } from './cluster/load.js';
import { RecordingIndex } from './cluster/recordings.js';
import { ratio, stepUp, type StepPlan, type StepSearch } from './cluster/stepping.js';
import { Api } from './soak/collect.js';
import { sleep } from './soak/util.js';
import { formatLoad, machineOf } from './capture/harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function envNumber(name: string, fallback: number, integer = true): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`${name}: "${raw}" is not a positive ${integer ? 'integer' : 'number'}`);
  }
  return value;
}

const options = {
  rateStart: envNumber('CLUSTER_BENCH_RATE_START', 2),
  rateMax: envNumber('CLUSTER_BENCH_RATE_MAX', 32),
  rateStepSeconds: envNumber('CLUSTER_BENCH_RATE_STEP_SECONDS', 5, false),
  rateMinCalls: envNumber('CLUSTER_BENCH_RATE_MIN_CALLS', 10),
  rateCallSeconds: envNumber('CLUSTER_BENCH_RATE_CALL_SECONDS', 2, false),
  concurrencyStart: envNumber('CLUSTER_BENCH_CONCURRENCY_START', 10),
  concurrencyMax: envNumber('CLUSTER_BENCH_CONCURRENCY_MAX', 80),
  rampRate: envNumber('CLUSTER_BENCH_RAMP_RATE', 10),
  holdSeconds: envNumber('CLUSTER_BENCH_HOLD_SECONDS', 5, false),
  factor: envNumber('CLUSTER_BENCH_FACTOR', 2, false),
  refine: Number(process.env.CLUSTER_BENCH_REFINE ?? 1),
  recordingTimeoutSeconds: envNumber('CLUSTER_BENCH_RECORDING_TIMEOUT_SECONDS', 120),
  settleSeconds: Number(process.env.CLUSTER_BENCH_SETTLE_SECONDS ?? 3),
};
if (!Number.isInteger(options.refine) || options.refine < 0) {
  throw new Error('CLUSTER_BENCH_REFINE must be an integer ≥ 0');
}
if (!(options.settleSeconds >= 0)) throw new Error('CLUSTER_BENCH_SETTLE_SECONDS must be ≥ 0');

type TargetName = 'direct' | 'cluster';

interface StepRecord {
  readonly level: number;
  readonly passed: boolean;
  readonly why: string[];
  readonly outcome: Omit<StepOutcome, 'callIds' | 'answeredCallIds' | 'sippTail'>;
  /** Of the answered calls: those without a recording, those with more than one. */
  readonly recordings: { readonly missing: number; readonly duplicated: number; waitedMs: number };
  /** The recorders' logged reasons for refusing a call (503), by recorder and reason. */
  readonly refusals: Record<string, number>;
  /** INVITEs Kamailio relayed to each recorder, failovers included (cluster only). */
  readonly spread?: Record<string, number>;
}

interface Target {
  readonly name: TargetName;
  readonly address: string;
  readonly routed: boolean;
}

/** One step: the load, then its recordings, then the verdict. */
async function step(
  cluster: Cluster,
  index: RecordingIndex,
  target: Target,
  dir: string,
  load: { calls: number; rate: number; limit: number; callSeconds: number },
  wantHeld: number | null,
  level: number,
): Promise<StepRecord> {
  fs.mkdirSync(dir, { recursive: true });
  const kamailioFrom = cluster.kamailio.log().length;
  const recorderFrom = cluster.recorders.map((r) => r.proc.log().length);
  const outcome = await runStep({ dir, target: target.address, routed: target.routed, ...load });
  const recorded = await index.await(
    outcome.answeredCallIds,
    options.recordingTimeoutSeconds * 1000,
  );
  const why: string[] = [];
  if (outcome.completed < load.calls) {
    why.push(`${load.calls - outcome.completed} failed (${JSON.stringify(outcome.failures)})`);
  }
  if (recorded.missing.length > 0) {
    why.push(`${recorded.missing.length} answered without a recording`);
  }
  if (recorded.duplicated.length > 0) why.push(`${recorded.duplicated.length} recorded twice`);
  if (
    wantHeld === null &&
    outcome.startedPerSecond !== null &&
    outcome.startedPerSecond < 0.9 * load.rate
  ) {
    why.push(`started only ${outcome.startedPerSecond}/s`);
  }
  if (wantHeld !== null && outcome.heldAtOnce < wantHeld) {
    why.push(`only ${outcome.heldAtOnce} up at once`);
  }
  // Why the recorders refused calls (their logs: overload, draining, storage), by reason.
  const refusals: Record<string, number> = {};
  for (const [i, r] of cluster.recorders.entries()) {
    for (const m of r.proc
      .log()
      .slice(recorderFrom[i])
      .matchAll(/(overloaded|refused): ([^"]+)/g)) {
      const key = `${r.address} ${m[2]}`;
      refusals[key] = (refusals[key] ?? 0) + 1;
    }
  }
  let spread: Record<string, number> | undefined;
  if (target.routed) {
    spread = {};
    for (const r of cluster.recorders) {
      const sent = `to sip:srs@${r.address}:${r.sipPort}`;
      spread[r.address] = cluster.kamailio.log().slice(kamailioFrom).split(sent).length - 1;
    }
  }
  const { callIds: _callIds, answeredCallIds, sippTail, ...rest } = outcome;
  if (why.length > 0 && outcome.completed === 0) console.log(sippTail);
  const record: StepRecord = {
    level,
    passed: why.length === 0,
    why,
    outcome: rest,
    recordings: {
      missing: recorded.missing.length,
      duplicated: recorded.duplicated.length,
      waitedMs: recorded.waitedMs,
    },
    refusals,
    ...(spread ? { spread } : {}),
  };
  console.log(
    `  ${target.name.padEnd(7)} ${String(level).padStart(4)}: ` +
      `${outcome.completed}/${load.calls} calls, ${outcome.startedPerSecond ?? '-'} started/s, ` +
      `${outcome.heldAtOnce} up at once, setup p50 ${outcome.setupMs.p50 ?? '-'} ms ` +
      `p95 ${outcome.setupMs.p95 ?? '-'} ms, recordings ${answeredCallIds.length - recorded.missing.length}/${answeredCallIds.length} answered ` +
      `(${(recorded.waitedMs / 1000).toFixed(1)} s after)` +
      (spread ? `, spread ${JSON.stringify(spread)}` : '') +
      (why.length === 0 ? '  pass' : `  FAIL: ${why.join('; ')}`) +
      (Object.keys(refusals).length > 0 ? ` refused: ${JSON.stringify(refusals)}` : ''),
  );
  await sleep(options.settleSeconds * 1000);
  return record;
}

interface Measured {
  readonly search: StepSearch;
  readonly steps: StepRecord[];
}

async function measure(
  what: 'setup-rate' | 'concurrency',
  plan: StepPlan,
  cluster: Cluster,
  index: RecordingIndex,
  target: Target,
  workDir: string,
): Promise<Measured> {
  const steps: StepRecord[] = [];
  const search = await stepUp(plan, async (level) => {
    const dir = path.join(workDir, `${target.name}-${what}-${level}-${steps.length}`);
    const record =
      what === 'setup-rate'
        ? await step(
            cluster,
            index,
            target,
            dir,
            {
              calls: Math.max(options.rateMinCalls, Math.ceil(level * options.rateStepSeconds)),
              rate: level,
              limit: 100_000,
              callSeconds: options.rateCallSeconds,
            },
            null,
            level,
          )
        : await step(
            cluster,
            index,
            target,
            dir,
            {
              calls: level,
              rate: options.rampRate,
              limit: level,
              // Every call is still up when the last one starts, and then for the hold.
              callSeconds: level / options.rampRate + options.holdSeconds,
            },
            level,
            level,
          );
    steps.push(record);
    fs.rmSync(dir, { recursive: true, force: true });
    return record.passed;
  });
  return { search, steps };
}

async function main(): Promise<void> {
  if (!findSipp()) throw new Error('sipp (Debian sip-tester) is required');
  if (process.getuid?.() !== 0) throw new Error('SIPp must run as root (pcap replay)');
  const ratePlan: StepPlan = {
    start: options.rateStart,
    factor: options.factor,
    max: options.rateMax,
    refine: options.refine,
  };
  const concurrencyPlan: StepPlan = {
    start: options.concurrencyStart,
    factor: options.factor,
    max: options.concurrencyMax,
    refine: options.refine,
  };
  // Room on one recorder for every call of either test at once (four ports a call: two
  // RTP/RTCP pairs), with a margin for calls still ending.
  const atOnce = Math.max(
    options.concurrencyMax,
    Math.ceil(options.rateMax * (options.rateCallSeconds + 1.5)),
  );
  const rtpPortsPerRecorder = Math.max(200, 4 * atOnce + 80);
  const loadBefore = os.loadavg();
  console.log(
    `Cluster (Kamailio + 2 recorders) against 1 recorder directly; load average ${formatLoad(loadBefore)}`,
  );
  const startedAt = Date.now();
  const cluster = await startCluster({ rtpPortsPerRecorder });
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-cluster-bench-'));
  const stop = async (): Promise<void> => {
    fs.rmSync(workDir, { recursive: true, force: true });
    await cluster.stop();
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    void stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const index = new RecordingIndex(
      new Api(cluster.url, cluster.seed.admin.token),
      startedAt - 60_000,
    );
    const first = cluster.recorders[0]!;
    const targets: Record<TargetName, Target> = {
      direct: { name: 'direct', address: `${first.address}:${first.sipPort}`, routed: false },
      cluster: {
        name: 'cluster',
        address: `${cluster.sip.host}:${cluster.sip.port}`,
        routed: true,
      },
    };
    console.log(`setup rate (calls a second, ${options.rateCallSeconds} s calls):`);
    const rate = {
      direct: await measure('setup-rate', ratePlan, cluster, index, targets.direct, workDir),
      cluster: await measure('setup-rate', ratePlan, cluster, index, targets.cluster, workDir),
    };
    console.log(
      `calls at once (started at ${options.rampRate}/s, held together ${options.holdSeconds} s):`,
    );
    const concurrency = {
      direct: await measure(
        'concurrency',
        concurrencyPlan,
        cluster,
        index,
        targets.direct,
        workDir,
      ),
      cluster: await measure(
        'concurrency',
        concurrencyPlan,
        cluster,
        index,
        targets.cluster,
        workDir,
      ),
    };
    const figure = (m: Measured) => `${m.search.maximum}${m.search.capped ? ' (the cap)' : ''}`;
    const ratios = {
      setupRate: ratio(rate.cluster.search.maximum, rate.direct.search.maximum),
      concurrentCalls: ratio(concurrency.cluster.search.maximum, concurrency.direct.search.maximum),
    };
    const loadAfter = os.loadavg();
    console.log(
      `setup rate with no failed call: direct ${figure(rate.direct)}/s, cluster ${figure(rate.cluster)}/s, ` +
        `ratio cluster / direct: ${ratios.setupRate ?? '-'}`,
    );
    console.log(
      `calls held at once with no failed call: direct ${figure(concurrency.direct)}, ` +
        `cluster ${figure(concurrency.cluster)}, ratio cluster / direct: ${ratios.concurrentCalls ?? '-'}`,
    );
    console.log(`load average at the end ${formatLoad(loadAfter)}`);
    const result = {
      benchmark: 'cluster',
      date: new Date().toISOString(),
      seconds: Math.round((Date.now() - startedAt) / 1000),
      machine: { ...machineOf(loadBefore), loadAverageAfter: loadAfter },
      parameters: { ...options, rtpPortsPerRecorder, transport: 'udp', streamsPerCall: 2 },
      setupRate: {
        direct: { maximum: rate.direct.search.maximum, capped: rate.direct.search.capped },
        cluster: { maximum: rate.cluster.search.maximum, capped: rate.cluster.search.capped },
        ratio: ratios.setupRate,
        steps: { direct: rate.direct.steps, cluster: rate.cluster.steps },
      },
      concurrentCalls: {
        direct: {
          maximum: concurrency.direct.search.maximum,
          capped: concurrency.direct.search.capped,
        },
        cluster: {
          maximum: concurrency.cluster.search.maximum,
          capped: concurrency.cluster.search.capped,
        },
        ratio: ratios.concurrentCalls,
        steps: { direct: concurrency.direct.steps, cluster: concurrency.cluster.steps },
      },
    };
    fs.mkdirSync(path.join(here, 'results'), { recursive: true });
    fs.writeFileSync(
      path.join(here, 'results', 'cluster.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    console.log('wrote bench/results/cluster.json');
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
