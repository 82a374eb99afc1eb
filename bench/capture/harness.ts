// The pieces the media benchmarks share (bench/capture.bench.ts, bench/relay.bench.ts): forked
// child processes spoken to over IPC, the load generators (rtp-load.c, built here with the
// system's cc, or rtp-load.ts), a process's CPU time from /proc and a receive step measured
// with it. The machine's description and load average are every benchmark's.
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const TICKS_PER_SECOND = 100; // USER_HZ on Linux (getconf CLK_TCK)

export const argValue = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};

/** `--steps 250,500,1000`: the whole positive numbers of a comma list (else of `fallback`). */
export const argSteps = (fallback: string): number[] =>
  (argValue('--steps') ?? fallback)
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);

export const argNumber = (name: string, fallback: number): number => {
  const value = Number(argValue(name));
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

export interface Child {
  readonly proc: ChildProcess;
  next<T>(): Promise<T>;
}

/**
 * Forks a script of bench/capture (under tsx) and queues its IPC messages; `profileDir` writes a
 * V8 CPU profile of the process there.
 */
export function startChild(script: string, profileDir?: string): Child {
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const proc = fork(path.join(here, script), [], {
    execArgv: ['--import', 'tsx', ...profile],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const queue: unknown[] = [];
  const waiting: Array<(m: unknown) => void> = [];
  proc.on('message', (m) => {
    const w = waiting.shift();
    if (w) w(m);
    else queue.push(m);
  });
  return {
    proc,
    next<T>() {
      if (queue.length > 0) return Promise.resolve(queue.shift() as T);
      return new Promise<T>((resolve, reject) => {
        const onExit = (code: number | null) =>
          reject(new Error(`${script} exited (${String(code)}) before answering`));
        proc.once('exit', onExit);
        waiting.push((m) => {
          proc.off('exit', onExit);
          resolve(m as T);
        });
      });
    },
  };
}

/** Sends `message` (if any) and waits for the child to exit; killed after 30 s. */
export async function stopChild(child: Child, message?: object): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  const exited = new Promise((resolve) => child.proc.once('exit', resolve));
  if (message && child.proc.connected) child.proc.send(message);
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/** utime and stime of a process, in seconds (/proc/<pid>/stat fields 14 and 15). */
export function cpuTimesOf(pid: number): { user: number; system: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    user: Number(fields[11]) / TICKS_PER_SECOND,
    system: Number(fields[12]) / TICKS_PER_SECOND,
  };
}

export function cpuSecondsOf(pid: number): number {
  const { user, system } = cpuTimesOf(pid);
  return user + system;
}

/** CPU seconds of this process and of its waited-for children, apart. */
export function ownCpuSeconds(): { self: number; children: number; total: number } {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields 14-17: utime, stime, cutime, cstime
  const self = (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND;
  const children = (Number(f[13]) + Number(f[14])) / TICKS_PER_SECOND;
  return { self, children, total: self + children };
}

/** UDP RcvbufErrors since boot (/proc/net/snmp). */
export function udpReceiveBufferErrors(): number {
  const lines = fs
    .readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Udp:'));
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  return Number(values[names.indexOf('RcvbufErrors')] ?? 0);
}

/**
 * Waits until a process used at most 20 ms of CPU in a quarter of a second (at most 60 s) and
 * returns how long it was still busy: the backlog it had when the sending stopped.
 */
export async function waitUntilIdle(pid: number): Promise<number> {
  const started = performance.now();
  let last = cpuSecondsOf(pid);
  for (;;) {
    const windowStart = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = cpuSecondsOf(pid);
    if (now - last <= 0.02 || windowStart - started > 60_000) {
      return Math.round(windowStart - started) / 1000;
    }
    last = now;
  }
}

export const round2 = (n: number): number => Math.round(n * 100) / 100;

/** A load average as printed: `0.52 0.61 0.70`. */
export const formatLoad = (load: readonly number[]): string =>
  load.map((l) => l.toFixed(2)).join(' ');

/** The machine a benchmark ran on, for its JSON: the load average at its start and now. */
export function machineOf(loadAverageBefore: readonly number[]): {
  cpus: number;
  model: string;
  node: string;
  loadAverageBefore: readonly number[];
  loadAverageAfter: number[];
} {
  return {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? '',
    node: process.version,
    loadAverageBefore,
    loadAverageAfter: os.loadavg(),
  };
}

/** One step's sending and the receiving process's cost, as every receive benchmark reports it. */
export interface ReceiveMeasurement {
  readonly sent: number;
  readonly sendSeconds: number;
  readonly packetsPerSecond: number;
  readonly generatorMaxLagMs: number;
  /** The generator took over 5 % longer than the step: it, not the receiver, set the pace. */
  readonly generatorLimited: boolean;
  /** How long the receiver was still busy after the last packet was sent (its backlog). */
  readonly backlogSeconds: number;
  /** The backlog was at most a second: the receiver kept up with 50 packets/s per stream. */
  readonly keptPace: boolean;
  /**
   * UDP RcvbufErrors of the whole machine during the step (/proc/net/snmp): datagrams dropped
   * because a socket's receive buffer was full.
   */
  readonly kernelReceiveBufferErrors: number;
  readonly cpuSeconds: number;
  /** Of cpuSeconds: in the process's own code (JS, libuv) and in the kernel (receive, write). */
  readonly userSeconds: number;
  readonly systemSeconds: number;
  readonly cpuPercent: number;
}

/**
 * Runs the load for its `seconds` against the receiving process `pid` and measures it. On a busy
 * machine the receiver may still be working through its socket buffers when the sending stops,
 * so its CPU is read once it is idle (all of it read) and late packets are not taken for lost.
 */
export async function measureReceive(
  load: LoadGenerator,
  pid: number,
  seconds: number,
): Promise<ReceiveMeasurement> {
  const cpuBefore = cpuTimesOf(pid);
  const errorsBefore = udpReceiveBufferErrors();
  const done = await load.run();
  const backlogSeconds = await waitUntilIdle(pid);
  const cpuAfter = cpuTimesOf(pid);
  const userSeconds = cpuAfter.user - cpuBefore.user;
  const systemSeconds = cpuAfter.system - cpuBefore.system;
  const cpuSeconds = userSeconds + systemSeconds;
  return {
    sent: done.sent,
    sendSeconds: Math.round(done.seconds * 1000) / 1000,
    packetsPerSecond: Math.round(done.sent / done.seconds),
    generatorMaxLagMs: done.maxLagMs,
    generatorLimited: done.seconds > seconds * 1.05,
    backlogSeconds,
    keptPace: backlogSeconds <= 1,
    kernelReceiveBufferErrors: udpReceiveBufferErrors() - errorsBefore,
    cpuSeconds: round2(cpuSeconds),
    userSeconds: round2(userSeconds),
    systemSeconds: round2(systemSeconds),
    cpuPercent: Math.round((cpuSeconds / (done.seconds + backlogSeconds)) * 1000) / 10,
  };
}

/** A step's line: CPU per packet, then what makes its figures doubtful, if anything. */
export function describeReceive(
  m: ReceiveMeasurement,
  cpuMicrosecondsPerPacket: number,
  seconds: number,
): string {
  return (
    `CPU ${String(m.cpuPercent).padStart(5)} %  ` +
    `${cpuMicrosecondsPerPacket} µs/pkt (user ${m.userSeconds} s, sys ${m.systemSeconds} s)` +
    (m.kernelReceiveBufferErrors > 0 ? `  (${m.kernelReceiveBufferErrors} RcvbufErrors)` : '') +
    (m.keptPace ? '' : `  (fell behind: busy ${m.backlogSeconds} s after the last packet)`) +
    (m.generatorLimited ? `  (generator late: ${m.sendSeconds} s for ${seconds} s)` : '')
  );
}

export interface LoadGenerator {
  readonly name: string;
  /** Sockets set up. */
  ready(): Promise<void>;
  /** Sends for the step's seconds; resolves when done. */
  run(): Promise<{ sent: number; seconds: number; maxLagMs: number }>;
  stop(): Promise<void>;
}

export interface LoadOptions {
  /** Streams; stream i goes to 127.0.0.1 port basePort + 2i. */
  readonly streams: number;
  readonly basePort: number;
  readonly seconds: number;
}

export interface CGeneratorBinary {
  readonly path: string;
  /** Built with OpenSSL's libcrypto: it can protect the streams with SRTP. */
  readonly srtp: boolean;
}

/**
 * The C generator (rtp-load.c, sendmmsg), compiled once into the temp dir with the system's cc;
 * null when there is no cc or it fails (then the Node generator, rtp-load.ts, is used).
 */
export function compileCGenerator(): CGeneratorBinary | null {
  const binary = path.join(os.tmpdir(), `callvault-rtp-load-${process.pid}`);
  // With OpenSSL's headers (libssl-dev) the generator can protect its packets for the SRTP steps.
  const srtp = fs.existsSync('/usr/include/openssl/evp.h')
    ? ['-DRTP_LOAD_SRTP', '-Wno-deprecated-declarations']
    : [];
  try {
    execFileSync(
      'cc',
      ['-O2', ...srtp, '-o', binary, path.join(here, 'rtp-load.c')].concat(
        srtp.length > 0 ? ['-lcrypto'] : [],
      ),
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    process.on('exit', () => fs.rmSync(binary, { force: true }));
    return { path: binary, srtp: srtp.length > 0 };
  } catch {
    return null;
  }
}

export function cGenerator(
  binary: CGeneratorBinary,
  load: LoadOptions,
  suite: string | null = null,
): LoadGenerator {
  const args = [String(load.streams), String(load.basePort), String(load.seconds)];
  const proc = spawn(binary.path, suite === null ? args : [...args, suite], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let buffered = '';
  const waiting: Array<(line: string) => void> = [];
  const lines: string[] = [];
  proc.stdout.on('data', (d: Buffer) => {
    buffered += d.toString();
    let at: number;
    while ((at = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, at);
      buffered = buffered.slice(at + 1);
      const w = waiting.shift();
      if (w) w(line);
      else lines.push(line);
    }
  });
  const nextLine = (): Promise<string> =>
    lines.length > 0
      ? Promise.resolve(lines.shift()!)
      : new Promise((resolve, reject) => {
          proc.once('exit', (code) => reject(new Error(`rtp-load exited (${String(code)})`)));
          waiting.push(resolve);
        });
  return {
    name: 'C (sendmmsg)',
    async ready() {
      await nextLine();
    },
    async run() {
      proc.stdin.write('go\n');
      const [, sent, seconds, lag] = (await nextLine()).split(' ');
      return { sent: Number(sent), seconds: Number(seconds), maxLagMs: Number(lag) };
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

export function nodeGenerator(load: LoadOptions): LoadGenerator {
  const child = startChild('rtp-load.ts');
  child.proc.send(load);
  return {
    name: 'Node (dgram)',
    async ready() {
      await child.next<{ ready: true }>();
    },
    async run() {
      child.proc.send({ go: true });
      return child.next<{ sent: number; seconds: number; maxLagMs: number }>();
    },
    stop: () => stopChild(child),
  };
}
