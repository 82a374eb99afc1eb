// The finalize backlog of this process: ended calls whose journal was handed to finalize and
// whose finalize job has not ended yet (queued, running, or retrying after a store failure). The
// recorder answers new SIPREC sessions 503 while it is at its bound (CALLVAULT_MAX_FINALIZE_BACKLOG),
// so a burst of BYEs or a finalize slower than the calls cannot grow it (the journals waiting on
// disk, the jobs, the enqueuer's memory) without limit: the calls already up still end and are
// finalized, new ones go to another recorder until finalize catches up.
//
// Counted in this process: a journal handed over here and finalized by this process's worker
// (one process, or a recorder with the worker role). A recorder-only process that ships its
// journals hands finalize to workers elsewhere and counts none.
import { Gauge, type Registry } from 'prom-client';

export interface FinalizeBacklog {
  /** A closed session's journal was handed to finalize. */
  add(dir: string): void;
  /** Its finalize ended: stored, found stored before, or failed for good. */
  settle(dir: string): void;
  /** Journals handed over whose finalize has not ended. */
  readonly size: number;
  readonly limit: number;
  /** Whether a new session may be taken (the backlog is below its limit). */
  hasRoom(): boolean;
}

export function createFinalizeBacklog(limit: number): FinalizeBacklog {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`backlog limit ${limit}`);
  const open = new Set<string>();
  return {
    add: (dir) => void open.add(dir),
    settle: (dir) => void open.delete(dir),
    get size() {
      return open.size;
    },
    limit,
    hasRoom: () => open.size < limit,
  };
}

export function registerFinalizeBacklogMetrics(registry: Registry, backlog: FinalizeBacklog): void {
  if (registry.getSingleMetric('callvault_capture_finalize_backlog')) return;
  new Gauge({
    name: 'callvault_capture_finalize_backlog',
    help: 'Ended calls whose finalize (encode, encrypt, store) has not ended yet in this process',
    registers: [registry],
    collect() {
      this.set(backlog.size);
    },
  });
  new Gauge({
    name: 'callvault_capture_finalize_backlog_limit',
    help: 'The finalize backlog at which new SIPREC sessions are answered 503 (CALLVAULT_MAX_FINALIZE_BACKLOG)',
    registers: [registry],
  }).set(backlog.limit);
}
