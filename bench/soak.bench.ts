// Soak with faults: the built `bin/callvault serve` (roles api, worker, recorder) in
// its own process on PostgreSQL (a private cluster this run starts, so it can restart it), the S3
// blob store (Swift with s3api, scripts/swift-s3.sh) and a journal on a small tmpfs of its own,
// under SIPREC load from SIPp (the e2e SIPREC client, its conversation looped to the call length)
// at a fixed concurrency for a fixed time, while faults are injected on a schedule:
//
//   pg       PostgreSQL stopped (fast shutdown) for --pg-down (10 s), then started again
//   disk     the journal tmpfs filled to the last byte for --disk-full (30 s), then freed
//   s3       the S3 endpoint (Swift's proxy) stopped for --s3-down (60 s), then started again
//   kill9    serve killed with SIGKILL, then started again (crash recovery)
//   sigterm  serve stopped with SIGTERM (graceful shutdown), then started again
//
// Serve is supervised: an exit the run did not cause is counted and serve started again. After
// the last call, the run waits for the recordings to be finalized (at most --drain-timeout), then
// follows every call from SIPp's log to the catalogue (recordings listed through the API, capture
// failures from the API, /metrics and the database) and judges three targets (bench/soak/
// analysis.ts): every answered call recorded in full or its failure reported; audio lost only
// within fault windows; serve's memory flat (RSS, last quarter against the first, as a ratio).
//
// Loopback only. Needs root (tmpfs mount, SIPp's raw socket for the audio, runuser), `make build`,
// and the Debian packages sip-tester, postgresql, swift-proxy, swift-account, swift-container,
// swift-object. Every loop and wait is bounded; the tmpfs, PostgreSQL, Swift, serve and SIPp are
// stopped and removed however the run ends (Ctrl-C included). Writes bench/results/soak-<time>.json.
//
//   tsx bench/soak.bench.ts [--duration 30m] [--concurrency 200] [--call-length 60s]
//                           [--fault-interval 5m] [--faults=pg,disk,s3,kill9,sigterm] ...
//   (tsx bench/soak.bench.ts --help lists every flag; each also reads SOAK_<NAME>)
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '../e2e/sip/sipp.js';
import { analyse, type Analysis } from './soak/analysis.js';
import { Cleanup } from './soak/cleanup.js';
import {
  Api,
  catalogueFromDatabase,
  failuresThroughApi,
  listRecordings,
  recordingsSeen,
} from './soak/collect.js';
import { faultSchedule, injectFault, type FaultWindow } from './soak/faults.js';
import { JournalDisk } from './soak/journal-disk.js';
import { OptionsError, parseOptions, USAGE, type SoakOptions } from './soak/options.js';
import { findPostgresBin, PrivatePostgres } from './soak/postgres.js';
import { ServeSupervisor } from './soak/serve.js';
import { SippLoad } from './soak/sipp-load.js';
import { S3_CREDENTIALS, SwiftS3 } from './soak/swift.js';
import { formatSeconds, round, runCommand, sleep, waitFor } from './soak/util.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.join(here, '..');
const cli = path.join(repoRoot, 'bin', 'callvault');
const BUCKET = 'callvault-soak';

const runStarted = Date.now();
const log = (message: string): void => {
  const t = ((Date.now() - runStarted) / 1000).toFixed(0).padStart(5);
  console.log(`[${t} s] ${message}`);
};

function checkPrerequisites(): void {
  const problems: string[] = [];
  if (process.getuid?.() !== 0)
    problems.push('run as root (tmpfs mount, SIPp raw socket, runuser)');
  if (!fs.existsSync(path.join(repoRoot, 'packages/server/dist/cli/main.js'))) {
    problems.push('the server is not built: make build');
  }
  const onPath = (bin: string) =>
    (process.env.PATH ?? '')
      .split(path.delimiter)
      .concat(['/usr/bin', '/usr/sbin', '/sbin'])
      .some((dir) => dir !== '' && fs.existsSync(path.join(dir, bin)));
  const needs: Array<[string, string]> = [
    ['sipp', 'sip-tester'],
    ['swift-proxy-server', 'swift-proxy'],
    ['swift-object-server', 'swift-object'],
    ['swift-container-server', 'swift-container'],
    ['swift-account-server', 'swift-account'],
    ['runuser', 'util-linux'],
    ['mount', 'mount'],
  ];
  for (const [bin, pkg] of needs) {
    if (!onPath(bin)) problems.push(`${bin} is missing (Debian package ${pkg})`);
  }
  try {
    findPostgresBin();
  } catch (err) {
    problems.push((err as Error).message);
  }
  if (problems.length > 0) throw new Error(`cannot run the soak:\n  ${problems.join('\n  ')}`);
}

/** Calls placed so far, answered, rejected, ended; serve's RSS; the journal's use. */
function progress(sipp: SippLoad, serve: ServeSupervisor, disk: JournalDisk): string {
  const lines = sipp.readCalls();
  const n = (event: string) => lines.filter((l) => l.event === event).length;
  const ended = ['BYE_OK', 'BYE_481', 'BYE_TIMEOUT', 'REMOTE_BYE'].reduce((s, e) => s + n(e), 0);
  const rss = serve.rss.at(-1);
  const { usedBytes } = disk.usage();
  return (
    `calls placed ${n('START')}, answered ${n('ANSWERED')}, rejected ${n('REJECTED')}, ` +
    `no answer ${n('NOANSWER')}, ended ${ended}; serve ${serve.alive ? `up, RSS ${rss ? round(rss.rssKiB / 1024) : '?'} MiB` : 'DOWN'}; ` +
    `journal ${round(usedBytes / 2 ** 20)} MiB, ${disk.sessions().pending} sessions open or unfinalized`
  );
}

function printReport(o: SoakOptions, a: Analysis, extra: Record<string, unknown>): void {
  const pct = (x: number | null) => (x === null ? '–' : `${round(x * 100, 2)} %`);
  const kv = (r: Record<string, number>) =>
    Object.entries(r)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  console.log('');
  console.log(
    `Soak: ${o.concurrency} calls at once, ${o.callLengthS} s each (${a.audio.perCallS} s of audio), ` +
      `calls placed for ${formatSeconds(o.durationS)}; faults every ${formatSeconds(o.faultIntervalS)}: ${o.faults.join(', ') || 'none'}`,
  );
  console.log(
    `SIP: ${a.sip.placed} calls placed; 200 ${a.sip.answered200}, 503 ${a.sip.rejected503}, ` +
      `other ${kv(a.sip.rejectedOther)}, timeouts ${a.sip.timeouts}, aborted by SIPp ${a.sip.abortedBySipp}`,
  );
  console.log(`  answered calls ended: ${kv(a.sip.answeredCallEnds)}`);
  console.log(
    `recordings listed through the API: ${a.recordings.listed} (of answered calls ${a.recordings.ofAnsweredCalls}, ` +
      `of calls not seen answered ${a.recordings.ofCallsNotSeenAnswered}, of unknown calls ${a.recordings.ofUnknownCalls}; ` +
      `recovered or ended by a shutdown ${a.recordings.recovered})`,
  );
  const api = extra.failuresApi as { openListed: number; metricByReason: Record<string, number> };
  console.log(
    `capture failures: ${a.failures.catalogued} catalogued (${kv(a.failures.byReason)}); ` +
      `API open list ${api.openListed}${api.openListed >= 100 ? ' (its limit)' : ''}; ` +
      `metric callvault_capture_failures_total: ${kv(api.metricByReason)}`,
  );
  console.log(`answered calls: ${kv(a.answeredCalls)}`);
  console.log(
    `audio: expected ${a.audio.expectedS} s, recorded ${a.audio.recordedS} s, of it within the calls' lengths ` +
      `${a.audio.withinCallLengthsS} s (ratio ${pct(a.audio.ratio)}); lost ${a.audio.lostS} s: ` +
      `${a.audio.lostInFaultWindowsS} s in fault windows, ${a.audio.lostOutsideFaultWindowsS} s outside; ` +
      `${a.audio.callsRecordedLonger} calls recorded longer than they were (${a.audio.excessS} s more)`,
  );
  console.log(`faults (${a.faults.length}), unplanned serve exits ${a.unplannedServeExits}:`);
  for (const [i, f] of a.faults.entries()) {
    console.log(
      `  ${i + 1}. ${f.kind.padEnd(7)} at ${String(f.startS).padStart(6)} s, window ${String(f.windowS).padStart(5)} s: ` +
        `${f.callsWithLoss} calls lost ${f.lostAudioS} s (reported ${f.reportedFailures}, unreported ${f.unreported})` +
        `${f.serveCrashes > 0 ? `; serve exited ${f.serveCrashes}× on its own` : ''}${f.error ? `; FAULT FAILED: ${f.error}` : ''}`,
    );
    console.log(`       ${f.detail}`);
  }
  const m = a.memory;
  console.log(
    `RSS of serve (${m.samples} samples, ${m.serveStarts} starts): first quarter median ${m.firstQuarterMedianMiB ?? '–'} MiB ` +
      `(${m.samplesUsed.firstQuarter} samples), last quarter ${m.lastQuarterMedianMiB ?? '–'} MiB (${m.samplesUsed.lastQuarter}); ` +
      `ratio last / first ${m.growth ?? '–'} (limit ${o.rssGrowthLimit}); min ${m.minMiB ?? '–'}, max ${m.maxMiB ?? '–'} MiB`,
  );
  const t = a.targets;
  const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
  console.log('targets:');
  console.log(
    `  every answered call recorded in full or reported failed: ${verdict(t.everyAnsweredCallRecordedOrReported.pass)} ` +
      `(${t.everyAnsweredCallRecordedOrReported.unreportedCalls} unreported)`,
  );
  console.log(
    `  audio lost only within fault windows: ${verdict(t.audioLostOnlyInFaultWindows.pass)} ` +
      `(${t.audioLostOnlyInFaultWindows.lostOutsideFaultWindowsS} s outside, of which ${t.audioLostOnlyInFaultWindows.lostInUnplannedServeExitsS} s in unplanned serve exits)`,
  );
  console.log(
    `  memory flat: ${verdict(t.memoryFlat.pass)} (ratio ${t.memoryFlat.growth ?? '–'}, limit ${t.memoryFlat.limit})`,
  );
  for (const [what, error] of Object.entries(extra.collectErrors as Record<string, string>)) {
    console.log(`NOT READ: ${what}: ${error} (the figures from it above are missing)`);
  }
  const errors = extra.serveErrors as Array<{ message: string; count: number }>;
  if (errors.length > 0) {
    console.log('serve logged errors (most frequent):');
    for (const e of errors) console.log(`  ${String(e.count).padStart(6)}× ${e.message}`);
  }
  const sippErrors = Object.entries(extra.sippErrors as Record<string, number>)
    .sort((x, y) => y[1] - x[1])
    .slice(0, 5);
  if (sippErrors.length > 0) {
    console.log("SIPp's error log (most frequent):");
    for (const [message, count] of sippErrors)
      console.log(`  ${String(count).padStart(6)}× ${message}`);
  }
}

async function main(): Promise<number> {
  if (process.argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  let o: SoakOptions;
  try {
    o = parseOptions(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof OptionsError) {
      console.error(`${err.message}\n${USAGE}`);
      return 2;
    }
    throw err;
  }
  checkPrerequisites();
  const cleanup = new Cleanup(log);
  cleanup.installHandlers();
  try {
    return await run(o, cleanup);
  } finally {
    log('cleaning up');
    cleanup.runAll();
  }
}

async function run(o: SoakOptions, cleanup: Cleanup): Promise<number> {
  const schedule = faultSchedule(o);
  const totalCalls = Math.ceil((o.concurrency * o.durationS) / o.callLengthS);
  log(
    `soak: ${o.concurrency} calls at once, ${o.callLengthS} s each, ${totalCalls} calls over ${formatSeconds(o.durationS)}; ` +
      `faults: ${schedule.map((f) => `${f.kind}@${f.atS}s`).join(' ') || 'none'}`,
  );
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-soak-'));
  cleanup.add('remove the work directory', () => {
    if (o.keep) log(`work directory kept: ${workDir}`);
    else fs.rmSync(workDir, { recursive: true, force: true });
  });
  const dataDir = path.join(workDir, 'data');
  const disk = await JournalDisk.mount(path.join(dataDir, 'journal'), o.journalMiB, cleanup);
  log(`journal: tmpfs of ${o.journalMiB} MiB at ${disk.dir}`);
  const postgres = await PrivatePostgres.create(await findFreePort(), cleanup);
  log(`PostgreSQL: private cluster on 127.0.0.1:${postgres.port} (${postgres.dir})`);
  const swift = await SwiftS3.start(repoRoot, cleanup);
  await swift.createBucket(BUCKET);
  log(`S3: Swift at ${swift.endpoint}, bucket ${BUCKET}`);

  const httpPort = await findFreePort();
  const sipPort = await findFreePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CALLVAULT_DATA_DIR: dataDir,
    CALLVAULT_DATABASE_URL: postgres.url(),
    CALLVAULT_STORAGE_URL: `s3://${BUCKET}?endpoint=${encodeURIComponent(swift.endpoint)}&region=us-east-1`,
    AWS_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
    CALLVAULT_HTTP_ADDR: `127.0.0.1:${httpPort}`,
    CALLVAULT_SIP_ADDR: `127.0.0.1:${sipPort}`,
    CALLVAULT_SIP_TLS_ADDR: 'off',
    CALLVAULT_RTP_PORTS: `${o.rtpBasePort}-${o.rtpBasePort + 16 * o.concurrency - 1}`,
    CALLVAULT_MASTER_KEY: crypto.randomBytes(32).toString('hex'),
    // Transcription is not what the soak measures, and it would compete for the CPU.
    CALLVAULT_TRANSCRIBER: 'none',
    // The journal tmpfs is far below the 1 GiB default: new calls are refused (503) only when it is
    // nearly full, as the disk fault makes it.
    CALLVAULT_MIN_FREE_BYTES: `${Math.max(1, Math.floor(o.journalMiB / 8))}MiB`,
    // The SIGTERM fault is a stop now: live calls are ended as recordings, not drained for hours.
    CALLVAULT_DRAIN_TIMEOUT: '0',
  };
  const seeded = await runCommand(process.execPath, [cli, 'demo-seed', '--json'], 120_000, { env });
  if (seeded.code !== 0) throw new Error(`demo-seed failed: ${seeded.stderr}`);
  const seed = JSON.parse(seeded.stdout) as { admin: { token: string } };
  const api = new Api(`http://127.0.0.1:${httpPort}`, seed.admin.token);

  const serve = new ServeSupervisor(cli, env, workDir, log, cleanup);
  await serve.start();
  serve.sampleRss(o.rssIntervalS * 1000);
  log(`serve: ready (pid ${serve.pid}), HTTP 127.0.0.1:${httpPort}, SIP udp 127.0.0.1:${sipPort}`);

  const sipp = SippLoad.prepare({
    workDir,
    target: `127.0.0.1:${sipPort}`,
    localPort: await findFreePort(),
    mediaPort: await findFreePort(),
    concurrency: o.concurrency,
    callLengthS: o.callLengthS,
    totalCalls,
  });
  const trafficStartMs = Date.now();
  sipp.start(cleanup);
  await sipp.firstCall();
  log(`SIPp: placing ${totalCalls} calls (${round(sipp.audioSeconds, 2)} s of audio each)`);

  const faults: FaultWindow[] = [];
  const targets = { serve, postgres, swift, disk, options: o, log };
  const faultRun = (async () => {
    for (const { atS, kind } of schedule) {
      await sleep(trafficStartMs + atS * 1000 - Date.now());
      log(`fault ${kind}: injecting`);
      faults.push(await injectFault(kind, targets));
    }
  })();
  const everyMs = Math.min(60_000, Math.max(10_000, (o.durationS * 1000) / 20));
  const ticker = setInterval(() => log(progress(sipp, serve, disk)), everyMs);
  // The calls placed, then the last of them ended: SIPp's own limits end every call within
  // 40 s of its last message; the deadline is far beyond that.
  const sippResult = await sipp.wait((o.durationS + o.callLengthS + 300) * 1000);
  const trafficEndMs = trafficStartMs + o.durationS * 1000;
  await faultRun;
  log(
    `SIPp done (exit ${String(sippResult.code)}${sippResult.stoppedAtDeadline ? ', stopped at its deadline' : ''}); ` +
      progress(sipp, serve, disk),
  );

  // Drain: every session finalized (or kept as failed), serve up to list them.
  const drainStarted = Date.now();
  const drained = await waitFor(
    () => (serve.alive && disk.sessions().pending === 0 ? true : undefined),
    o.drainTimeoutS * 1000,
    1_000,
  );
  clearInterval(ticker);
  const journalAtEnd = disk.sessions();
  log(
    (drained
      ? `drained in ${round((Date.now() - drainStarted) / 1000)} s`
      : `NOT drained after ${o.drainTimeoutS} s: ${journalAtEnd.pending} sessions not finalized (serve ${serve.alive ? 'up' : 'down'})`) +
      `; journal: ${journalAtEnd.failed} sessions kept as failed, ${journalAtEnd.unreadable} without a session file`,
  );
  await serve.settled();

  log('collecting: recordings through the API, capture failures');
  // Each source on its own: one that cannot be read is reported, the others still count.
  const collectErrors: Record<string, string> = {};
  const attempt = async <T>(what: string, read: () => Promise<T>, empty: T): Promise<T> => {
    try {
      return await read();
    } catch (err) {
      collectErrors[what] = (err as Error).message;
      log(`could not read ${what}: ${(err as Error).message}`);
      return empty;
    }
  };
  const listed = await attempt(
    'recordings (API)',
    () => listRecordings(api, trafficStartMs - 3_600_000, Math.ceil(totalCalls / 100) + 20),
    [],
  );
  const failuresApi = await attempt(
    'capture failures (API, metrics)',
    () => failuresThroughApi(api),
    {
      openListed: 0,
      metricByReason: {},
    },
  );
  const catalogue = await attempt(
    'capture failures and recovered flags (database)',
    () => catalogueFromDatabase(postgres),
    { failures: [], recovered: new Set<string>() },
  );
  const analysis = analyse({
    calls: sipp.readCalls(),
    audioSecondsPerCall: sipp.audioSeconds,
    recordings: recordingsSeen(listed, catalogue.recovered),
    failures: catalogue.failures,
    faults,
    serveEvents: serve.events,
    rss: serve.rss,
    trafficStartMs,
    trafficEndMs,
    callLengthS: o.callLengthS,
    rssGrowthLimit: o.rssGrowthLimit,
  });
  await serve.shutdown();
  const extra = {
    collectErrors,
    failuresApi,
    serveErrors: serve.errorSummary(),
    sippErrors: sipp.errorSummary(),
  };
  printReport(o, analysis, extra);

  const { calls, ...figures } = analysis;
  const result = {
    benchmark: 'soak',
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model ?? '',
      node: process.version,
      loadAverageAtEnd: os.loadavg(),
    },
    options: o,
    totalCallsPlanned: totalCalls,
    sippExit: sippResult,
    drain: { drained: drained === true, journalAtEnd },
    ...figures,
    ...extra,
    sippLastScreen: sipp.lastScreen(),
    rssSeries: serve.rss.map((s) => [
      round((s.atMs - trafficStartMs) / 1000),
      round(s.rssKiB / 1024),
      s.instance,
    ]),
    serveEvents: serve.events.map((e) => ({ ...e, atS: round((e.atMs - trafficStartMs) / 1000) })),
    // Every call that was not answered and recorded in full, or recorded longer (at most 1000).
    callsWithIssues: calls
      .filter((c) => c.verdict !== 'full' || c.excessS > 0)
      .slice(0, 1000)
      .map((c) => ({
        ...c,
        startS: round((c.startMs - trafficStartMs) / 1000),
        answeredS: c.answeredMs === null ? null : round((c.answeredMs - trafficStartMs) / 1000),
      })),
  };
  const resultsDir = path.join(here, 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `soak-${result.date.slice(0, 19).replace(/:/g, '-')}Z.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  log(`written ${path.relative(repoRoot, file)}`);
  const pass = Object.values(analysis.targets).every((t) => t.pass);
  return o.strict && !pass ? 3 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
