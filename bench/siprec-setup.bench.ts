// SIPREC session setups per second: SIPp's SIPREC client places the same
// calls (INVITE with SDP + RFC 7865 metadata, 200, ACK, BYE, 200; no media) against
// `bin/callvault serve` with the recorder role and the demo seed's trunk, and, in the same run,
// against SIPp's own built-in UAS (`-sn uas`) as the baseline: the cost of a SIP stack that does
// nothing but answer. Callvault's setups include admission (trunk lookup), the multipart,
// SDP and metadata parse, the owner decision against the database, the SDP answer and the logs.
//
// Concurrency is kept low (10) on purpose: at 50 concurrent calls bursts of 3 KB INVITEs overflow
// the recorder's default UDP receive buffer and ACK/BYE datagrams are lost (the sessions then end
// by the 64*T1 ACK timeout; SIPp even counts some of those calls as successful, because it
// matches the 2xx retransmission of the INVITE as the BYE's 200).
//
// Loopback only, UDP, a fixed number of calls at a capped concurrency; each SIPp run is bounded
// by -timeout, the whole benchmark by about a minute. Needs a build (`make build`) and sipp.
// Writes bench/results/siprec-setup.json.
//
//   npx tsx bench/siprec-setup.bench.ts [--calls N] [--concurrency N]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort, findSipp, runSipp, sippFixtures, type SippRun } from '../e2e/sip/sipp.js';
import { startServer } from '../e2e/support/server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name);
  const value = at > 0 ? Number(process.argv[at + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
};
const CALLS = arg('--calls', 2000);
const CONCURRENCY = arg('--concurrency', 10);
const RUN_TIMEOUT_S = 25;

/**
 * The e2e scenario without media: the 200's port checks (SIPp's UAS answers one m-line), the
 * pcap replay and the pause are removed; the INVITE is byte for byte the e2e one.
 */
function buildSetupScenario(): string {
  const source = fs.readFileSync(path.join(sippFixtures, 'siprec_uac.xml'), 'latin1');
  const withoutChecks = source.replace(
    /<recv response="200" rtd="setup" crlf="true">[\s\S]*?<\/recv>/,
    '<recv response="200" rtd="setup" crlf="true"/>',
  );
  const withoutMedia = withoutChecks
    .replace(/<nop condexec="contiguous"[\s\S]*?<\/nop>/g, '')
    .replace(/<pause\/>/, '');
  if (
    withoutMedia === source ||
    /<exec |<pause|<ereg /.test(withoutMedia) ||
    !withoutMedia.includes('BYE sip:')
  ) {
    throw new Error('siprec_uac.xml changed: the setup scenario could not be derived from it');
  }
  return withoutMedia;
}

interface Measurement {
  readonly target: string;
  readonly calls: number;
  readonly successful: number;
  readonly failed: number;
  readonly seconds: number;
  readonly setupsPerSecond: number;
  readonly sippExitCode: number | null;
}

function readCount(run: SippRun, label: string): number {
  const match = new RegExp(`^\\s*${label}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)\\s*$`, 'm').exec(
    run.stdout,
  );
  return match ? Number(match[1]) : 0;
}

async function measure(name: string, target: string, workDir: string): Promise<Measurement> {
  const started = process.hrtime.bigint();
  const run = await runSipp({
    target,
    transport: 'udp',
    cwd: workDir,
    timeoutMs: (RUN_TIMEOUT_S + 5) * 1000,
    args: [
      '-sf',
      'siprec_setup_uac.xml',
      '-inf',
      'siprec_ids.csv',
      '-s',
      'srs',
      '-m',
      String(CALLS),
      '-l',
      String(CONCURRENCY),
      '-r',
      '100000',
      '-timeout',
      `${RUN_TIMEOUT_S}s`,
    ],
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const successful = readCount(run, 'Successful call');
  const failed = readCount(run, 'Failed call');
  if (successful === 0) {
    throw new Error(`${name}: no successful call\n${run.stdout.slice(-2000)}\n${run.stderr}`);
  }
  const result: Measurement = {
    target: name,
    calls: CALLS,
    successful,
    failed,
    seconds: Math.round(seconds * 1000) / 1000,
    setupsPerSecond: Math.round((successful / seconds) * 10) / 10,
    sippExitCode: run.code,
  };
  console.log(
    `${name.padEnd(28)} ${String(result.setupsPerSecond).padStart(8)} setups/s  ` +
      `(${successful}/${CALLS} ok, ${failed} failed, ${result.seconds} s)`,
  );
  return result;
}

async function measureBaseline(workDir: string): Promise<Measurement> {
  const sipp = findSipp();
  if (!sipp) throw new Error('sipp is not installed');
  const port = await findFreePort();
  const uas = spawn(sipp, ['-sn', 'uas', '-i', '127.0.0.1', '-p', String(port), '-nostdin'], {
    cwd: workDir,
    stdio: 'ignore',
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return await measure("SIPp's own UAS (baseline)", `127.0.0.1:${port}`, workDir);
  } finally {
    const exited = new Promise((resolve) => uas.once('exit', resolve));
    uas.kill('SIGTERM');
    await exited;
  }
}

async function main(): Promise<void> {
  if (!findSipp()) throw new Error('sipp (Debian sip-tester) is required');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-siprec-bench-'));
  fs.writeFileSync(path.join(workDir, 'siprec_setup_uac.xml'), buildSetupScenario(), 'latin1');
  fs.copyFileSync(path.join(sippFixtures, 'siprec_ids.csv'), path.join(workDir, 'siprec_ids.csv'));
  console.log(
    `SIPREC setups (INVITE → BYE, no media), ${CALLS} calls, ${CONCURRENCY} at once, UDP loopback`,
  );
  const baseline = await measureBaseline(workDir);
  // Room for every concurrent session's two streams.
  const server = await startServer({
    sip: { rtpPorts: { min: 30000, max: 30000 + 8 * CONCURRENCY } },
  });
  let callvault: Measurement;
  try {
    const sip = server.sip!;
    callvault = await measure('Callvault recorder', `${sip.host}:${sip.port}`, workDir);
  } finally {
    await server.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  const ratio = Math.round((callvault.setupsPerSecond / baseline.setupsPerSecond) * 1000) / 1000;
  console.log(`ratio Callvault / SIPp UAS: ${ratio}`);
  const result = {
    benchmark: 'siprec-setup',
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '', node: process.version },
    load: { calls: CALLS, concurrency: CONCURRENCY, transport: 'udp', media: false },
    callvault,
    baseline,
    ratio,
  };
  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(here, 'results', 'siprec-setup.json'),
    `${JSON.stringify(result, null, 2)}\n`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
