// Runs SIPp (Debian `sip-tester`) with the SIPREC client scenario of ./fixtures, for the e2e
// suite and the benchmark. SIPp runs from the fixtures folder (the scenario names its pcap and
// helper by relative path) and as root (play_pcap_audio needs a raw socket).
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const sippFixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** The sipp binary, or null when SIPp is not installed. */
export function findSipp(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v sipp'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path !== '' ? path : null;
}

export const isRoot = (): boolean => process.getuid?.() === 0;

/**
 * Why a suite that drives SIPp cannot run here, or null when it can: SIPp missing, or (with
 * `media`, for play_pcap_audio's raw socket) not root, or the suite's own `extra` check. In CI a
 * suite that would skip fails instead; elsewhere it says it did not run.
 */
export function sippSuitePrerequisites(
  suite: string,
  options: { media?: boolean; extra?: () => string | null } = {},
): string | null {
  const missing = !findSipp()
    ? 'sipp (Debian package sip-tester) is not installed'
    : (options.media ?? true) && !isRoot()
      ? 'SIPp must run as root (play_pcap_audio uses a raw socket)'
      : (options.extra?.() ?? null);
  if (missing && process.env.CI === 'true') {
    throw new Error(`CI: ${missing}; the ${suite} may not skip`);
  }
  if (missing) console.warn(`${suite} NOT run: ${missing} (it is required in CI)`);
  return missing;
}

/** A port free on 127.0.0.1 for both UDP and TCP. */
export async function findFreePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const p = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = dgram.createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no port free for both UDP and TCP');
}

export interface SippRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface SippOptions {
  /** `host:port` of the SIP server under test (omit for a UAS run with `-sn uas`). */
  readonly target?: string;
  readonly transport: 'udp' | 'tcp';
  /** Extra arguments (call count, rate, pause, scenario ...). */
  readonly args: readonly string[];
  readonly timeoutMs: number;
  /** Local SIP port (default: a free one). */
  readonly localPort?: number;
  /** Working directory (default: the fixtures folder). */
  readonly cwd?: string;
}

/** Runs sipp to completion (or kills it at the timeout) and returns its exit code and output. */
export async function runSipp(options: SippOptions): Promise<SippRun> {
  const sipp = findSipp();
  if (!sipp) throw new Error('sipp is not installed (Debian package sip-tester)');
  const localPort = options.localPort ?? (await findFreePort());
  const args = [
    ...(options.target === undefined ? [] : [options.target]),
    '-i',
    '127.0.0.1',
    '-p',
    String(localPort),
    '-nostdin',
    ...(options.transport === 'tcp' ? ['-t', 't1'] : []),
    ...options.args,
  ];
  return new Promise((resolve) => {
    const child = spawn(sipp, args, {
      cwd: options.cwd ?? sippFixtures,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The answered RTP ports of a live SIPREC call: label 1 is the recorded party's stream. */
export interface LiveCallPorts {
  readonly owner: number;
  readonly other: number;
}

export interface ControlsCall {
  readonly callId: string;
  readonly ports: LiveCallPorts;
  /** SIPp's exit (after its pause and BYE) with everything it printed. */
  readonly ended: Promise<{ readonly code: number | null; readonly output: string }>;
}

export interface ControlsCallOptions {
  /** Where SIPp sends its INVITE. */
  readonly sip: { readonly host: string; readonly port: number };
  /** Answers GET /api/sessions as an administrator (the call's ports are read there). */
  readonly sessions: () => Promise<{
    items?: Array<{
      callId: string;
      state: string;
      streams: Array<{ label: string | null; port: number | null }>;
    }>;
  }>;
  /** The recorded party's AOR user (an email of the demo seed: the owner, and so the mode). */
  readonly ownerEmail: string;
  readonly callId: string;
  /** How long SIPp keeps the call up before its BYE. */
  readonly durationMs: number;
  /** Where SIPp's `-inf` file is written. */
  readonly workDir: string;
}

/**
 * Places a SIPREC call with `siprec_uac_controls.xml` (signalling only: the test sends the RTP
 * itself, so SIPp needs no root) and resolves once the call is active with its answered ports.
 */
export async function startControlsCall(options: ControlsCallOptions): Promise<ControlsCall> {
  const sipp = findSipp();
  if (!sipp) throw new Error('sipp is not installed (Debian package sip-tester)');
  const ids = fs.readFileSync(path.join(sippFixtures, 'siprec_ids.csv'), 'utf8').split('\n');
  const inf = path.join(options.workDir, `ids-${options.callId.replace(/[^\w-]/g, '_')}.csv`);
  fs.writeFileSync(inf, `SEQUENTIAL\n${ids[1]};sip:${options.ownerEmail}\n`);
  const child = spawn(
    sipp,
    [
      `${options.sip.host}:${options.sip.port}`,
      ...['-i', '127.0.0.1', '-p', String(await findFreePort()), '-nostdin'],
      ...['-sf', 'siprec_uac_controls.xml', '-inf', inf, '-s', 'srs', '-cid_str', options.callId],
      ...['-mi', '127.0.0.1', '-mp', String(await findFreePort())],
      ...['-m', '1', '-d', String(options.durationMs), '-timeout', '60s', '-timeout_error'],
    ],
    { cwd: sippFixtures, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const ended = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, output })),
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`the call never became active: ${output}`);
    }
    const session = ((await options.sessions()).items ?? []).find(
      (s) => s.callId === options.callId && s.state === 'active',
    );
    const port = (label: string) => session?.streams.find((s) => s.label === label)?.port;
    const owner = port('1');
    const other = port('2');
    if (owner && other) return { callId: options.callId, ports: { owner, other }, ended };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
