// The faults the soak injects, one at a time, on a schedule: the first after one interval, then
// every interval, taking the chosen kinds in turn; a fault is only started when it (and half a
// minute to settle) ends before calls stop being placed, else the next kind that does is taken. Each returns its window: from the
// moment it was injected to the moment the broken part worked again (serve ready again after a
// kill, PostgreSQL accepting connections, the S3 proxy healthy, the disk freed).
import type { Log } from './cleanup.js';
import type { JournalDisk } from './journal-disk.js';
import type { FaultKind, SoakOptions } from './options.js';
import type { PrivatePostgres } from './postgres.js';
import type { ServeSupervisor } from './serve.js';
import type { SwiftS3 } from './swift.js';
import { round, sleep } from './util.js';

export interface FaultWindow {
  readonly kind: FaultKind;
  readonly startMs: number;
  readonly endMs: number;
  /** What was done, with the figures of the fault (bytes, seconds to exit, ...). */
  readonly detail: string;
  /** The fault could not be injected or undone as planned (detail says why). */
  readonly error?: string;
  /** Serve's unplanned exits while the fault lasted (it was started again). */
  readonly serveCrashes: number;
}

export interface FaultTargets {
  readonly serve: ServeSupervisor;
  readonly postgres: PrivatePostgres;
  readonly swift: SwiftS3;
  readonly disk: JournalDisk;
  readonly options: SoakOptions;
  readonly log: Log;
}

const SETTLE_S = 30;

/** How long a fault keeps its part broken (restarts not counted). */
export function faultHoldSeconds(kind: FaultKind, options: SoakOptions): number {
  switch (kind) {
    case 'pg':
      return options.pgDownS;
    case 'disk':
      return options.diskFullS;
    case 's3':
      return options.s3DownS;
    case 'kill9':
    case 'sigterm':
      return 0;
  }
}

/**
 * When each fault starts (seconds after the calls started) and which it is: the kinds in turn,
 * passing over one that would not end (and settle) before calls stop being placed.
 */
export function faultSchedule(options: SoakOptions): Array<{ atS: number; kind: FaultKind }> {
  const schedule: Array<{ atS: number; kind: FaultKind }> = [];
  const kinds = options.faults;
  let next = 0;
  const slots = Math.floor(options.durationS / options.faultIntervalS);
  for (let slot = 1; slot <= slots && kinds.length > 0; slot++) {
    const atS = slot * options.faultIntervalS;
    const fits = (kind: FaultKind) =>
      atS + faultHoldSeconds(kind, options) + SETTLE_S <= options.durationS;
    const skip = Array.from({ length: kinds.length }, (_, i) => i).find((i) =>
      fits(kinds[(next + i) % kinds.length]!),
    );
    if (skip === undefined) break;
    schedule.push({ atS, kind: kinds[(next + skip) % kinds.length]! });
    next = (next + skip + 1) % kinds.length;
  }
  return schedule;
}

async function restartServe(serve: ServeSupervisor): Promise<void> {
  // If serve does not come back at once (the database may still be starting), the supervisor's
  // way is used: again every 5 s while the run lasts.
  for (let attempt = 0; attempt < 12 && !serve.alive; attempt++) {
    try {
      await serve.start();
    } catch {
      await sleep(5_000);
    }
  }
  if (!serve.alive) throw new Error('serve did not start again in 12 attempts');
}

async function inject(kind: FaultKind, t: FaultTargets): Promise<string> {
  switch (kind) {
    case 'pg': {
      await t.postgres.stop();
      await sleep(t.options.pgDownS * 1000);
      await t.postgres.start();
      return `PostgreSQL stopped (fast) for ${t.options.pgDownS} s and started again`;
    }
    case 'disk': {
      const bytes = t.disk.fill();
      const { freeBytes } = t.disk.usage();
      await sleep(t.options.diskFullS * 1000);
      t.disk.free();
      return `journal tmpfs filled (${round(bytes / 2 ** 20)} MiB written, ${freeBytes} bytes left) for ${t.options.diskFullS} s, then freed`;
    }
    case 's3': {
      await t.swift.stopProxy();
      await sleep(t.options.s3DownS * 1000);
      await t.swift.startProxy();
      return `S3 (Swift proxy) stopped for ${t.options.s3DownS} s and started again`;
    }
    case 'kill9':
    case 'sigterm': {
      const signal = kind === 'kill9' ? 'SIGKILL' : 'SIGTERM';
      const exit = await t.serve.stop(signal);
      const stoppedAt = Date.now();
      await restartServe(t.serve);
      return `serve ${signal}: exited in ${round(exit.exitedInMs / 1000)} s (${String(exit.code ?? exit.signal)}), ready again ${round((Date.now() - stoppedAt) / 1000)} s later`;
    }
  }
}

/** Injects one fault and returns its window; a failure to inject or undo it is reported in it. */
export async function injectFault(kind: FaultKind, t: FaultTargets): Promise<FaultWindow> {
  const startMs = Date.now();
  const crashesBefore = unplannedExits(t.serve);
  let detail = '';
  let error: string | undefined;
  try {
    detail = await inject(kind, t);
  } catch (err) {
    error = (err as Error).message;
    // Whatever was broken is mended, so the rest of the run measures the next fault.
    if (kind === 'disk') t.disk.free();
    if (kind === 'pg' && !(await t.postgres.isReady()))
      await t.postgres.start().catch(() => undefined);
    if (kind === 's3') await t.swift.startProxy().catch(() => undefined);
  }
  // The part works again; serve, if it died of the fault, must be up again too.
  await t.serve.settled();
  const window: FaultWindow = {
    kind,
    startMs,
    endMs: Date.now(),
    detail,
    ...(error === undefined ? {} : { error }),
    serveCrashes: unplannedExits(t.serve) - crashesBefore,
  };
  t.log(
    `fault ${kind}: ${error ? `FAILED: ${error}` : detail}; window ${round((window.endMs - startMs) / 1000)} s` +
      (window.serveCrashes > 0 ? `; serve exited ${window.serveCrashes}× on its own` : ''),
  );
  return window;
}

export function unplannedExits(serve: ServeSupervisor): number {
  return serve.events.filter((e) => e.kind === 'exit' && e.expected === false && !e.beforeReady)
    .length;
}
