// The media side of the end-to-end capacity benchmark: rtp-streams.c (compiled once with the
// system's cc) in its own process, sending the two PCMU streams of every call that is up and
// counting what is forwarded back to its socket (the rtpengine peer's callee side).
import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface MediaStats {
  /** Packets sent on every stream since the generator started. */
  readonly sent: number;
  /** Packets that arrived at its socket (forwarded by a peer). */
  readonly received: number;
  readonly activeCalls: number;
  /** The latest a 20 ms tick was sent, and how many ticks were over 10 ms late. */
  readonly maxLagMs: number;
  readonly lateTicks: number;
}

/** Compiles rtp-streams.c into the temp dir; the binary's path. */
export function buildMediaGenerator(): string {
  const binary = path.join(os.tmpdir(), `callvault-rtp-streams-${process.pid}`);
  execFileSync('cc', ['-O2', '-o', binary, path.join(here, 'rtp-streams.c')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  process.on('exit', () => fs.rmSync(binary, { force: true }));
  return binary;
}

export class MediaGenerator {
  private buffered = '';
  private readonly waiting = new Map<string, Array<(fields: string[]) => void>>();
  private constructor(
    private readonly proc: ChildProcessByStdio<Writable, Readable, null>,
    /** The port its socket sends from and counts forwarded packets on (a peer's callee address). */
    public readonly sinkPort: number,
  ) {
    proc.stdout.on('data', (d: Buffer) => {
      this.buffered += d.toString();
      let at: number;
      while ((at = this.buffered.indexOf('\n')) >= 0) {
        const fields = this.buffered.slice(0, at).split(' ');
        this.buffered = this.buffered.slice(at + 1);
        const key = fields[0] === 'del' ? `del ${fields[1]}` : fields[0]!;
        this.waiting.get(key)?.shift()?.(fields);
      }
    });
  }

  static async start(binary: string): Promise<MediaGenerator> {
    const proc = spawn(binary, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    const port = await new Promise<number>((resolve, reject) => {
      proc.once('exit', (code) => reject(new Error(`rtp-streams exited (${String(code)})`)));
      proc.stdout.once('data', (d: Buffer) => resolve(Number(/^ready (\d+)/.exec(String(d))?.[1])));
    });
    return new MediaGenerator(proc, port);
  }

  get pid(): number {
    return this.proc.pid ?? 0;
  }

  private ask(line: string, key: string): Promise<string[]> {
    return new Promise((resolve) => {
      const list = this.waiting.get(key) ?? [];
      list.push(resolve);
      this.waiting.set(key, list);
      this.proc.stdin.write(`${line}\n`);
    });
  }

  /** Starts a call's two streams at the next 20 ms tick. */
  add(id: number, host: string, port1: number, port2: number): void {
    this.proc.stdin.write(`add ${id} ${host} ${port1} ${port2}\n`);
  }

  /** Stops a call's streams; the packets it sent on both. */
  async del(id: number): Promise<number> {
    const fields = await this.ask(`del ${id}`, `del ${id}`);
    return Number(fields[2]);
  }

  async stats(): Promise<MediaStats> {
    const [, sent, received, active, lag, late] = await this.ask('stats', 'stats');
    return {
      sent: Number(sent),
      received: Number(received),
      activeCalls: Number(active),
      maxLagMs: Number(lag),
      lateTicks: Number(late),
    };
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise((resolve) => this.proc.once('exit', resolve));
    this.proc.stdin.end('quit\n');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
