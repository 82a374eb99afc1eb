// Free space of the disks Callvault writes to (the journal, the data dir, the file blob store,
// the SQLite file): below CALLVAULT_MIN_FREE_BYTES the recorder answers new SIPREC sessions 503
// (the SBC tries another recorder, or the org's failure behaviour applies), `/api/health` says
// `degraded` and finalize jobs that a full disk held back are enqueued again once space is back.
// `callvault_disk_free_bytes{path}` shows the free bytes of each path.
//
// The admission answer must be synchronous (the SIP handler asks per INVITE), so the guard reads
// statfs on a timer and keeps the last result; statfs itself never writes, so it works on a full
// disk. A path statfs cannot read (removed, unmounted) counts as low: nothing is written there.
import fs from 'node:fs';
import path from 'node:path';
import { Gauge, type Registry } from 'prom-client';
import type { HealthCheck, HealthCheckResult } from '../http/health.js';
import type { Logger } from '../observability/logger.js';

/** Free bytes of the file system holding `path` (what an unprivileged writer may still use). */
export type FreeBytesProbe = (path: string) => Promise<number>;

/** A folder not made yet (the blob store's before the first recording) is on its parent's disk. */
export const statfsFreeBytes: FreeBytesProbe = async (target) => {
  for (let at = target; ; at = path.dirname(at)) {
    try {
      const stats = await fs.promises.statfs(at);
      return stats.bavail * stats.bsize;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || path.dirname(at) === at) throw err;
    }
  }
};

export interface DiskSpaceReading {
  readonly path: string;
  /** Null when the path could not be read (`error` says why). */
  readonly freeBytes: number | null;
  readonly error?: string;
}

export interface DiskSpaceGuardOptions {
  /** Paths to watch; duplicates are watched once. */
  readonly paths: readonly string[];
  /** Below this many free bytes a path is low (0: never). */
  readonly minFreeBytes: number;
  readonly probe?: FreeBytesProbe;
  /** How often the timer reads the paths (default 2 s). */
  readonly intervalMs?: number;
  readonly logger?: Logger;
}

export interface DiskSpaceGuard {
  readonly minFreeBytes: number;
  /** The last readings (empty before the first). */
  readings(): readonly DiskSpaceReading[];
  /** True when every path had at least the minimum at the last reading. */
  hasRoom(): boolean;
  /** Reads every path now and keeps the result. */
  refresh(): Promise<readonly DiskSpaceReading[]>;
  /** Reads on a timer until stop(); `onChange` is told when room is lost or comes back. */
  start(onChange?: (hasRoom: boolean) => void): void;
  stop(): void;
}

export function createDiskSpaceGuard(options: DiskSpaceGuardOptions): DiskSpaceGuard {
  const paths = [...new Set(options.paths)];
  const probe = options.probe ?? statfsFreeBytes;
  let last: DiskSpaceReading[] = [];
  let timer: NodeJS.Timeout | null = null;
  // A minimum of 0 turns the guard off: nothing is ever low.
  const isLow = (r: DiskSpaceReading): boolean =>
    options.minFreeBytes > 0 && (r.freeBytes === null || r.freeBytes < options.minFreeBytes);
  const hasRoom = (): boolean => !last.some(isLow);

  const refresh = async (): Promise<readonly DiskSpaceReading[]> => {
    last = await Promise.all(
      paths.map(async (path) => {
        try {
          return { path, freeBytes: await probe(path) };
        } catch (err) {
          return { path, freeBytes: null, error: (err as Error).message };
        }
      }),
    );
    return last;
  };

  return {
    minFreeBytes: options.minFreeBytes,
    readings: () => last,
    hasRoom,
    refresh,
    start(onChange) {
      if (timer) return;
      let room = hasRoom();
      timer = setInterval(() => {
        void refresh().then(() => {
          const now = hasRoom();
          if (now === room) return;
          room = now;
          const low = last.filter(isLow);
          if (now) options.logger?.info({ readings: last }, 'disk space is back above the minimum');
          else {
            options.logger?.error(
              { readings: low, minFreeBytes: options.minFreeBytes },
              'disk space below the minimum: new SIPREC sessions are refused',
            );
          }
          onChange?.(now);
        });
      }, options.intervalMs ?? 2_000);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

const formatBytes = (n: number): string =>
  n >= 1024 ** 3
    ? `${(n / 1024 ** 3).toFixed(1)} GiB`
    : n >= 1024 ** 2
      ? `${(n / 1024 ** 2).toFixed(1)} MiB`
      : `${n} B`;

/**
 * `disk`: ok while every path has the minimum free (or the minimum is 0), degraded (with the
 * bytes free) when one does not.
 */
export function diskSpaceHealthCheck(guard: DiskSpaceGuard): HealthCheck {
  return {
    name: 'disk',
    async check(): Promise<HealthCheckResult> {
      const readings = await guard.refresh();
      const describe = (r: DiskSpaceReading): string =>
        r.freeBytes === null
          ? `${r.path}: unreadable (${r.error ?? 'unknown error'})`
          : `${r.path}: ${r.freeBytes} bytes free (${formatBytes(r.freeBytes)})`;
      const low = readings.filter(
        (r) => guard.minFreeBytes > 0 && (r.freeBytes === null || r.freeBytes < guard.minFreeBytes),
      );
      if (low.length === 0) {
        return { status: 'ok', detail: readings.map(describe).join('; ') };
      }
      return {
        status: 'degraded',
        detail: `below the minimum of ${guard.minFreeBytes} bytes (CALLVAULT_MIN_FREE_BYTES), new SIPREC sessions are refused: ${low.map(describe).join('; ')}`,
      };
    },
  };
}

/** `callvault_disk_free_bytes{path}`, read at scrape time. */
export function registerDiskSpaceMetric(registry: Registry, guard: DiskSpaceGuard): void {
  if (registry.getSingleMetric('callvault_disk_free_bytes')) return;
  new Gauge({
    name: 'callvault_disk_free_bytes',
    help: 'Free bytes of the file systems Callvault writes to (journal, data dir, blob store)',
    labelNames: ['path'],
    registers: [registry],
    async collect() {
      const readings = await guard.refresh();
      this.reset();
      for (const r of readings) if (r.freeBytes !== null) this.set({ path: r.path }, r.freeBytes);
    },
  });
}
