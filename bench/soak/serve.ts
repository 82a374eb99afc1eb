// `bin/callvault serve` under supervision, as a service manager would run it: in its own
// process (and process group), its output appended to log files, ready when it prints its console
// URL. An exit the run did not ask for is recorded and serve started again (every 5 s until it
// stays up, while the run lasts), so one crash does not end the soak. Its resident memory is read
// from /proc/<pid>/status every few seconds.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Cleanup, Log } from './cleanup.js';
import { sleep, terminateSync } from './util.js';

export interface ServeEvent {
  readonly atMs: number;
  /** start: spawned; ready: console printed; exit: ended (asked for or not); start-failed. */
  readonly kind: 'start' | 'ready' | 'exit' | 'start-failed';
  readonly instance: number;
  readonly pid?: number;
  readonly code?: number | null;
  readonly signal?: string | null;
  /** For `exit`: the run ended it (a fault or the end of the run). */
  readonly expected?: boolean;
  /** For `exit`: it ended before it was ready (a failed start, retried by whoever started it). */
  readonly beforeReady?: boolean;
  readonly detail?: string;
}

export interface RssSample {
  readonly atMs: number;
  readonly instance: number;
  readonly rssKiB: number;
}

const READY_TIMEOUT_MS = 120_000;
const RESTART_DELAY_MS = 5_000;

export class ServeSupervisor {
  readonly events: ServeEvent[] = [];
  readonly rss: RssSample[] = [];
  private child: ChildProcess | null = null;
  private instance = 0;
  private expectingExit = false;
  private running = true;
  private restarting: Promise<void> | null = null;
  private sampler: NodeJS.Timeout | null = null;

  constructor(
    private readonly cli: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly logDir: string,
    private readonly log: Log,
    cleanup: Cleanup,
  ) {
    cleanup.add('stop serve', () => {
      this.running = false;
      if (this.sampler) clearInterval(this.sampler);
      const pid = this.child?.pid;
      if (pid !== undefined && this.alive) terminateSync(pid, 30_000, true);
    });
  }

  get alive(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.alive ? this.child?.pid : undefined;
  }

  get logFile(): string {
    return path.join(this.logDir, 'serve.log');
  }

  /** Starts serve and waits until it is ready; throws when it exits or is not ready in 120 s. */
  async start(): Promise<void> {
    if (this.alive) throw new Error('serve is already running');
    this.instance++;
    const instance = this.instance;
    const out = fs.openSync(this.logFile, 'a');
    let child: ChildProcess;
    try {
      fs.writeSync(out, `\n=== soak: serve instance ${instance} at ${new Date().toISOString()}\n`);
      child = spawn(process.execPath, [this.cli, 'serve', '--roles', 'api,worker,recorder'], {
        env: this.env,
        detached: true,
        stdio: ['ignore', 'pipe', out],
      });
    } finally {
      fs.closeSync(out);
    }
    this.child = child;
    this.expectingExit = false;
    this.events.push({ atMs: Date.now(), kind: 'start', instance, pid: child.pid! });
    const ready = new Promise<void>((resolve, reject) => {
      // Kept only until the console line came (serve logs to stderr; stdout is short).
      let stdout: string | null = '';
      const timer = setTimeout(() => {
        reject(new Error(`serve printed no console URL in ${READY_TIMEOUT_MS / 1000} s`));
      }, READY_TIMEOUT_MS);
      child.stdout!.on('data', (d: Buffer) => {
        fs.appendFileSync(this.logFile, d);
        if (stdout === null) return;
        stdout += d.toString();
        if (/Callvault console: \S+/.test(stdout)) {
          stdout = null;
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`serve exited (${String(code ?? signal)}) before it was ready`));
      });
    });
    child.once('exit', (code, signal) => this.onExit(instance, child, code, signal));
    try {
      await ready;
    } catch (err) {
      this.events.push({
        atMs: Date.now(),
        kind: 'start-failed',
        instance,
        detail: (err as Error).message,
      });
      if (this.alive) terminateSync(child.pid!, 10_000, true);
      throw err;
    }
    this.events.push({ atMs: Date.now(), kind: 'ready', instance, pid: child.pid! });
  }

  private onExit(
    instance: number,
    child: ChildProcess,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): void {
    const expected = this.expectingExit || !this.running;
    const beforeReady = !this.events.some((e) => e.kind === 'ready' && e.instance === instance);
    this.events.push({
      atMs: Date.now(),
      kind: 'exit',
      instance,
      pid: child.pid!,
      code,
      signal,
      expected,
      beforeReady,
    });
    // A failed start is retried by its caller; a crash while a restart runs is that restart's.
    if (expected || beforeReady || this.child !== child || this.restarting) return;
    this.log(`serve exited unexpectedly (${String(code ?? signal)}): starting it again`);
    this.restarting = this.restartUntilUp();
  }

  /** After an unplanned exit: start again every 5 s until serve is up or the run ends. */
  private async restartUntilUp(): Promise<void> {
    // Bounded: at most an hour of attempts, and none once the run ends.
    for (let attempt = 0; attempt < 720 && this.running && !this.alive; attempt++) {
      await sleep(RESTART_DELAY_MS);
      if (!this.running || this.alive) break;
      try {
        await this.start();
      } catch (err) {
        this.log(`serve did not start again: ${(err as Error).message}`);
      }
    }
    this.restarting = null;
  }

  /** Waits (at most `timeoutMs`) for a restart after an unplanned exit, if one is going on. */
  async settled(timeoutMs = 180_000): Promise<void> {
    if (!this.restarting) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.restarting,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }

  /** Ends serve with `signal` (as a fault), waiting for the exit (SIGKILL after 60 s). */
  async stop(
    signal: 'SIGKILL' | 'SIGTERM',
  ): Promise<{ exitedInMs: number; code: number | null; signal: string | null }> {
    await this.settled();
    const child = this.child;
    if (!child || !this.alive) throw new Error('serve is not running');
    this.expectingExit = true;
    const started = Date.now();
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, sig) => resolve({ code, signal: sig })),
    );
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const result = await exited;
    clearTimeout(timer);
    return { exitedInMs: Date.now() - started, ...result };
  }

  /** Reads VmRSS of the running serve every `intervalMs`. */
  sampleRss(intervalMs: number): void {
    this.sampler = setInterval(() => {
      const pid = this.pid;
      if (pid === undefined) return;
      try {
        const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
        const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
        if (match)
          this.rss.push({ atMs: Date.now(), instance: this.instance, rssKiB: Number(match[1]) });
      } catch {
        // it just ended
      }
    }, intervalMs);
    this.sampler.unref();
  }

  /** Stops for good at the end of the run: SIGTERM, then SIGKILL after 30 s. */
  async shutdown(): Promise<void> {
    this.running = false;
    if (this.sampler) clearInterval(this.sampler);
    await this.settled();
    if (this.alive) await this.stop('SIGTERM');
  }

  /**
   * The error-level lines serve logged (pino JSON, level ≥ 50) and the uncaught errors it died
   * of, by message: the most frequent `limit` of them.
   */
  errorSummary(limit = 10): Array<{ message: string; count: number }> {
    if (!fs.existsSync(this.logFile)) return [];
    const counts = new Map<string, number>();
    for (const line of fs.readFileSync(this.logFile, 'utf8').split('\n')) {
      // What Node printed when serve died of an uncaught error (an `error: ...` line, unindented).
      const uncaught = /^(\w*Error|error): (.*)$/.exec(line);
      if (uncaught) {
        const message = `uncaught ${uncaught[1]}: ${uncaught[2]}`.slice(0, 200);
        counts.set(message, (counts.get(message) ?? 0) + 1);
        continue;
      }
      if (!line.startsWith('{')) continue;
      try {
        const entry = JSON.parse(line) as {
          level?: number;
          msg?: string;
          err?: { message?: string };
        };
        if ((entry.level ?? 0) < 50) continue;
        const message = `${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}`
          .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>')
          .slice(0, 200);
        counts.set(message, (counts.get(message) ?? 0) + 1);
      } catch {
        // not JSON
      }
    }
    return [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([message, count]) => ({ message, count }));
  }
}
