// Ships capture journals to shared storage as they grow (docs/adr/0009-journal-shipping.md), so
// a recorder's disk holds only live calls and a recorder lost for good loses at most its live
// calls' last ship interval. Every interval, each live session's new journal bytes (and its
// session.json when it changed) go to the host's JournalShipTarget as one segment
// (journal-segment-format.ts); at the session's end the rest goes as the final segment, and the
// host hands the journal to a worker and removes the local copy once the target confirmed it.
//
// The local journal is the source of truth until then: a PUT the target refuses moves nothing
// forward (the next attempt ships everything since the last confirmed segment), attempts back
// off (doubling from the interval, at most `maxBackoffMs`), and the host is told of each failure
// and recovery (its metrics and log). Nothing here removes a journal.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../session/ports.js';
import { SESSION_FILE } from './capture-journal.js';
import { encodeJournalSegment, type JournalSegmentPiece } from './journal-segment-format.js';

/** Where shipped segments go: the host's shared storage (the server's encrypted blob store). */
export interface JournalShipTarget {
  /** Stores segment `seq` of journal `key` (replacing a copy); resolves once it is stored. */
  putSegment(key: string, seq: number, bytes: Uint8Array): Promise<void>;
  /** The highest segment number stored for `key`, or null when it has none. */
  lastSegment(key: string): Promise<number | null>;
}

export interface JournalShipperOptions {
  readonly target: JournalShipTarget;
  /** How often live journals are shipped (ms). */
  readonly intervalMs: number;
  readonly logger: Logger;
  /** Clock ms (backoff). */
  readonly now: () => number;
  /** The longest wait between attempts while the target refuses (default 30 s). */
  readonly maxBackoffMs?: number;
  /** The most journal bytes one segment carries; more is shipped in further segments (8 MiB). */
  readonly maxSegmentBytes?: number;
  /** Told of every segment the target confirmed (its encoded size). */
  readonly onShipped?: (bytes: number) => void;
  /** Told of every attempt the target refused. */
  readonly onFailed?: (err: Error) => void;
}

export interface JournalShipper {
  /** Ships a live session's journal directory every interval from now on. */
  track(dir: string): void;
  /** Stops shipping a directory whose journal is not kept (nothing of the session is recorded). */
  forget(dir: string): void;
  /**
   * Ships what is left of `dir` as its final segment (`session`: the session.json text, when it
   * could not be written beside the journal). A directory never tracked (a journal left by an
   * earlier process) is shipped whole, after the segments already stored. Resolves once the
   * target confirmed every byte; rejects when it refused (call again: only the rest is shipped).
   */
  shipFinal(dir: string, session?: string): Promise<void>;
  /** Journal bytes on this disk the target has not confirmed yet, as of the last look. */
  readonly unshippedBytes: number;
  /** Journals being shipped. */
  readonly tracked: number;
  /** Ships one round now (tests; the timer does this every interval). */
  tick(): Promise<void>;
  stop(): void;
}

interface ShipState {
  readonly dir: string;
  readonly key: string;
  /** The next segment's number; null until asked of the target (a journal from before). */
  seq: number | null;
  readonly offsets: Map<string, number>;
  /** session.json as last shipped. */
  session: string | null;
  busy: Promise<void> | null;
  failures: number;
  retryAt: number;
  final: boolean;
  unshipped: number;
}

/** The journal's key in shared storage: its directory name (the hash of the session id). */
export const journalKeyOfDir = (dir: string): string => path.basename(dir);

function readSession(dir: string): string | null {
  try {
    return fs.readFileSync(path.join(dir, SESSION_FILE), 'utf8');
  } catch {
    return null;
  }
}

function readRange(file: string, from: number, length: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const out = Buffer.allocUnsafe(length);
    let read = 0;
    while (read < length) {
      const n = fs.readSync(fd, out, read, length - read, from + read);
      if (n === 0) break;
      read += n;
    }
    return out.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

export function createJournalShipper(options: JournalShipperOptions): JournalShipper {
  const { target, logger } = options;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const maxSegmentBytes = options.maxSegmentBytes ?? 8 * 1024 * 1024;
  const states = new Map<string, ShipState>();
  let outage = false;

  const stateOf = (dir: string, seq: number | null): ShipState => {
    let s = states.get(dir);
    if (!s) {
      s = {
        dir,
        key: journalKeyOfDir(dir),
        seq,
        offsets: new Map(),
        session: null,
        busy: null,
        failures: 0,
        retryAt: 0,
        final: false,
        unshipped: 0,
      };
      states.set(dir, s);
    }
    return s;
  };

  /**
   * Ships one segment of what is new; returns whether bytes remain (the segment was full).
   * Throws when the target refused: nothing moves forward.
   */
  const shipOnce = async (s: ShipState, final: boolean, sessionText?: string): Promise<boolean> => {
    s.seq ??= ((await target.lastSegment(s.key)) ?? -1) + 1;
    const session = sessionText ?? readSession(s.dir);
    const files = fs.existsSync(s.dir)
      ? fs
          .readdirSync(s.dir)
          .filter((f) => f.endsWith('.rtpj'))
          .sort()
      : [];
    const pieces: JournalSegmentPiece[] = [];
    let budget = maxSegmentBytes;
    let remaining = 0;
    for (const file of files) {
      const size = fs.statSync(path.join(s.dir, file)).size;
      const from = s.offsets.get(file) ?? 0;
      const available = size - from;
      if (available <= 0) continue;
      const length = Math.min(available, budget);
      const bytes = length > 0 ? readRange(path.join(s.dir, file), from, length) : Buffer.alloc(0);
      if (bytes.length > 0) pieces.push({ file, offset: from, bytes });
      budget -= bytes.length;
      remaining += available - bytes.length;
    }
    const sessionChanged = session !== null && session !== s.session;
    const last = final && remaining === 0;
    if (pieces.length === 0 && !sessionChanged && !last) {
      s.unshipped = 0;
      return false;
    }
    s.unshipped = remaining + pieces.reduce((n, p) => n + p.bytes.byteLength, 0);
    const seq = s.seq;
    const segment = encodeJournalSegment({
      seq,
      ...(sessionChanged ? { session } : {}),
      final: last,
      pieces,
    });
    await target.putSegment(s.key, seq, segment);
    s.seq = seq + 1;
    for (const p of pieces) s.offsets.set(p.file, p.offset + p.bytes.byteLength);
    if (sessionChanged) s.session = session;
    s.unshipped = remaining;
    options.onShipped?.(segment.length);
    return remaining > 0;
  };

  const failed = (s: ShipState, err: Error): void => {
    s.failures++;
    s.retryAt =
      options.now() + Math.min(maxBackoffMs, options.intervalMs * 2 ** Math.min(s.failures, 16));
    options.onFailed?.(err);
    if (!outage) {
      outage = true;
      logger.warn(
        { err, journal: s.key },
        'journal shipping to the blob store failed: journals stay on this disk and are shipped when it answers',
      );
    }
  };
  const succeeded = (s: ShipState): void => {
    s.failures = 0;
    s.retryAt = 0;
    if (outage && [...states.values()].every((o) => o.failures === 0)) {
      outage = false;
      logger.info({}, 'journal shipping to the blob store works again');
    }
  };

  /** Runs `work` on the journal once the work before it is done. */
  const inTurn = (s: ShipState, work: () => Promise<void>): Promise<void> => {
    const run = (s.busy ?? Promise.resolve()).then(work);
    const settled = run.catch(() => undefined);
    s.busy = settled;
    void settled.finally(() => {
      if (s.busy === settled) s.busy = null;
    });
    return run;
  };

  const tick = async (): Promise<void> => {
    const now = options.now();
    const due = [...states.values()].filter((s) => !s.final && !s.busy && now >= s.retryAt);
    await Promise.all(
      due.map((s) =>
        inTurn(s, async () => {
          if (s.final) return;
          try {
            while (await shipOnce(s, false));
            succeeded(s);
          } catch (err) {
            failed(s, err instanceof Error ? err : new Error(String(err)));
          }
        }),
      ),
    );
  };

  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref();

  return {
    track(dir) {
      stateOf(dir, 0);
    },
    forget(dir) {
      states.delete(dir);
    },
    shipFinal(dir, session) {
      const s = stateOf(dir, null);
      s.final = true;
      return inTurn(s, async () => {
        try {
          while (await shipOnce(s, true, session));
        } catch (err) {
          const error = err instanceof Error ? err : new Error(String(err));
          failed(s, error);
          throw error;
        }
        succeeded(s);
        states.delete(dir);
      });
    },
    get unshippedBytes() {
      let total = 0;
      for (const s of states.values()) total += s.unshipped;
      return total;
    },
    get tracked() {
      return states.size;
    },
    tick,
    stop() {
      clearInterval(timer);
    },
  };
}
