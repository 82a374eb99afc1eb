// The soak's call load: one SIPp (Debian sip-tester) process running the soak scenario at a
// fixed concurrency (-l) and the call rate that keeps it (-r calls per -rp call length), for a
// fixed number of calls (-m), UDP on 127.0.0.1. SIPp runs as root from the work directory (the
// scenario names its pcap and the replay tool by relative path) in a process group of its own,
// so stopping it also stops any replay tool it started.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { findSipp, sippFixtures } from '../../e2e/sip/sipp.js';
import type { Cleanup } from './cleanup.js';
import { loopPcap } from './pcap.js';
import { buildSoakScenario, parseCallLog, type CallLogLine } from './scenario.js';
import { terminateSync, waitFor } from './util.js';

export interface SippLoadOptions {
  readonly workDir: string;
  readonly target: string;
  readonly localPort: number;
  readonly mediaPort: number;
  readonly concurrency: number;
  readonly callLengthS: number;
  readonly totalCalls: number;
}

const SCENARIO = 'siprec_soak_uac.xml';
const PCAP = 'soak_2streams_pcmu.pcap';

/** One row of RFC 7865 ids per call (group, session, 2 participants, 2 streams, SIP session). */
function idsCsv(rows: number): string {
  const id = () => crypto.randomBytes(16).toString('base64');
  const lines = ['SEQUENTIAL'];
  for (let i = 0; i < rows; i++) {
    lines.push(
      [id(), id(), id(), id(), id(), id(), crypto.randomBytes(16).toString('hex')].join(';'),
    );
  }
  return `${lines.join('\n')}\n`;
}

export class SippLoad {
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);
  readonly audioSeconds: number;

  private constructor(
    private readonly options: SippLoadOptions,
    audioSeconds: number,
  ) {
    this.audioSeconds = audioSeconds;
  }

  get logFile(): string {
    return path.join(this.options.workDir, 'sipp-calls.log');
  }

  get errorFile(): string {
    return path.join(this.options.workDir, 'sipp-errors.log');
  }

  get screenFile(): string {
    return path.join(this.options.workDir, 'sipp-screen.log');
  }

  /** Writes the scenario, the looped pcap, the id table and the replay tool into the work dir. */
  static prepare(options: SippLoadOptions): SippLoad {
    if (!findSipp()) throw new Error('sipp is not installed (Debian package sip-tester)');
    if (process.getuid?.() !== 0) throw new Error('SIPp must run as root (pcap replay)');
    const { workDir } = options;
    const fixture = fs.readFileSync(path.join(sippFixtures, 'siprec_uac.xml'), 'latin1');
    // The BYE goes out a little after the last packet was sent.
    const callMs = Math.round(options.callLengthS * 1000) + 300;
    fs.writeFileSync(
      path.join(workDir, SCENARIO),
      buildSoakScenario(fixture, callMs, PCAP),
      'latin1',
    );
    const looped = loopPcap(
      fs.readFileSync(path.join(sippFixtures, 'audio', 'conv_2streams_pcmu.pcap')),
      options.callLengthS,
    );
    fs.writeFileSync(path.join(workDir, PCAP), looped.file);
    fs.writeFileSync(path.join(workDir, 'soak_ids.csv'), idsCsv(options.totalCalls + 10));
    fs.mkdirSync(path.join(workDir, 'tools'), { recursive: true });
    for (const tool of ['rtp_send_detached.sh', 'rtp_pcap_send.mjs']) {
      fs.copyFileSync(path.join(sippFixtures, 'tools', tool), path.join(workDir, 'tools', tool));
    }
    fs.chmodSync(path.join(workDir, 'tools', 'rtp_send_detached.sh'), 0o755);
    return new SippLoad(options, looped.audioSeconds);
  }

  start(cleanup: Cleanup): void {
    const o = this.options;
    const sipp = findSipp()!;
    const args = [
      o.target,
      ...['-i', '127.0.0.1', '-p', String(o.localPort)],
      ...['-mi', '127.0.0.1', '-mp', String(o.mediaPort)],
      ...['-sf', SCENARIO, '-inf', 'soak_ids.csv', '-s', 'srs'],
      ...['-l', String(o.concurrency), '-m', String(o.totalCalls)],
      // concurrency calls per call length: as many start as end.
      ...['-r', String(o.concurrency), '-rp', String(Math.round(o.callLengthS * 1000))],
      // Answers OPTIONS, INFO, NOTIFY and UPDATE from the recorder with 200.
      '-aa',
      '-nostdin',
      ...['-trace_logs', '-log_file', this.logFile],
      ...['-trace_err', '-error_file', this.errorFile],
      // The statistics screen every 10 s (it goes to a file).
      ...['-f', '10'],
    ];
    const screen = fs.openSync(this.screenFile, 'a');
    try {
      this.child = spawn(sipp, args, {
        cwd: o.workDir,
        detached: true,
        stdio: ['ignore', screen, screen],
      });
    } finally {
      fs.closeSync(screen);
    }
    const child = this.child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const drop = cleanup.add('stop SIPp', () => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        terminateSync(child.pid, 5_000, true);
      }
    });
    void this.exited.then(drop);
  }

  /** Waits (at most 15 s) for the first call; an error with SIPp's reasons if it ended first. */
  async firstCall(): Promise<void> {
    const child = this.child;
    const placed = await waitFor(
      () =>
        this.readCalls().length > 0
          ? true
          : child && (child.exitCode !== null || child.signalCode !== null)
            ? false
            : undefined,
      15_000,
      200,
    );
    if (placed !== true) {
      const errors = fs.existsSync(this.errorFile) ? fs.readFileSync(this.errorFile, 'latin1') : '';
      throw new Error(
        `SIPp placed no call:\n${errors.slice(-2000)}\n${this.lastScreen().slice(-2000)}`,
      );
    }
  }

  /** Waits for SIPp to place its calls and end them; stopped (its group) at the deadline. */
  async wait(timeoutMs: number): Promise<{ code: number | null; stoppedAtDeadline: boolean }> {
    const child = this.child;
    if (!child) throw new Error('SIPp was not started');
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      this.exited.then((c) => ({ c })),
      new Promise<undefined>(
        (resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)),
      ),
    ]);
    clearTimeout(timer);
    if (code) return { code: code.c, stoppedAtDeadline: false };
    if (child.pid !== undefined) terminateSync(child.pid, 5_000, true);
    await waitFor(
      () => (child.exitCode !== null || child.signalCode !== null ? true : undefined),
      10_000,
    );
    return { code: child.exitCode, stoppedAtDeadline: true };
  }

  /** The call events logged so far. */
  readCalls(): CallLogLine[] {
    return fs.existsSync(this.logFile) ? parseCallLog(fs.readFileSync(this.logFile, 'latin1')) : [];
  }

  /**
   * SIPp's own reasons for calls it aborted (its error log), counted by kind. The scenario's
   * timers that jump to a label (the call length, the 40 s limits) are its normal flow, not errors.
   */
  errorSummary(): Record<string, number> {
    if (!fs.existsSync(this.errorFile)) return {};
    const counts: Record<string, number> = {};
    // Entries start with SIPp's timestamp ("2026-12-05<TAB>14:00:39.245008<TAB>1796479239.245008: ")
    // and are not always ended by a newline.
    const text = fs.readFileSync(this.errorFile, 'latin1');
    for (const entry of text.split(/\d{4}-\d\d-\d\d\t[\d:.]+\t[\d.]+: /).slice(1)) {
      const message = entry.trim();
      if (message === '' || /jumping to label/.test(message)) continue;
      const kind = message
        .replace(/Call-Id: \S+/g, 'Call-Id: …')
        .replace(/\d+(\.\d+)?/g, 'N')
        .slice(0, 160);
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
    return counts;
  }

  /** The last statistics screen SIPp printed. */
  lastScreen(): string {
    if (!fs.existsSync(this.screenFile)) return '';
    const text = fs.readFileSync(this.screenFile, 'latin1');
    const at = text.lastIndexOf('Statistics Screen');
    return at >= 0 ? text.slice(text.lastIndexOf('\n', at) + 1) : text.slice(-3000);
  }
}
