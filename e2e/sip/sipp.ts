// Runs SIPp (Debian `sip-tester`) with the SIPREC client scenario of ./fixtures, for the e2e
// suite and the benchmark. SIPp runs from the fixtures folder (the scenario names its pcap and
// helper by relative path) and as root (play_pcap_audio needs a raw socket).
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export const sippFixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** The sipp binary, or null when SIPp is not installed. */
export function findSipp(): string | null {
  const found = spawnSync('sh', ['-c', 'command -v sipp'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path !== '' ? path : null;
}

export const isRoot = (): boolean => process.getuid?.() === 0;

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
