// The recorder's side of journal shipping at a call's end (docs/adr/0009-journal-shipping.md):
// the final segment is shipped, the finalize job is queued pointing at the shipped journal (any
// worker anywhere finalizes it), and only then is the local journal removed. A step that fails
// keeps the local journal and is tried again in the background with backoff (doubling from
// `retryMs` to `maxRetryMs`); a process that stops first leaves the journal on disk, and its next
// start hands it off (`handOffLeftJournals`).
import {
  listPendingJournals,
  readSessionFile,
  removeJournal,
  type JournalShipper,
  type CaptureSessionFile,
  journalKeyOfDir,
} from '@callvault/recorder';
import type { JobQueue } from '../jobs/job-queue.js';
import type { Logger } from '../observability/logger.js';
import { enqueueShippedFinalize } from './capture.jobs.js';

export interface JournalHandOff {
  /**
   * Hands a closed session's journal over. Resolves after the first attempt (the call's end
   * waits that long, no longer); what failed goes on in the background.
   */
  handOff(dir: string, session?: CaptureSessionFile): Promise<void>;
  /** Journals on this disk whose hand-off has not finished. */
  readonly pending: number;
  /** Tries every pending hand-off now (tests; the timer does it with backoff). */
  retry(): Promise<void>;
  stop(): void;
}

export function createJournalHandOff(options: {
  readonly shipper: JournalShipper;
  readonly queue: JobQueue;
  readonly logger?: Logger;
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
}): JournalHandOff {
  const retryMs = options.retryMs ?? 1_000;
  const maxRetryMs = options.maxRetryMs ?? 30_000;
  // Each journal still to hand over, with the session text to ship when session.json is missing.
  const pending = new Map<string, { session: string | undefined; shipped: boolean }>();
  let failures = 0;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let running: Promise<void> | null = null;

  /** One attempt; true when the journal was handed over and removed. */
  const attempt = async (dir: string): Promise<boolean> => {
    const entry = pending.get(dir);
    if (!entry) return true;
    if (!entry.shipped) {
      await options.shipper.shipFinal(dir, entry.session);
      entry.shipped = true;
    }
    await enqueueShippedFinalize(options.queue, journalKeyOfDir(dir));
    // The shipped copy is confirmed and a worker will finalize it: nothing stays on this disk.
    removeJournal(dir);
    pending.delete(dir);
    return true;
  };

  const schedule = (): void => {
    if (stopped || timer || pending.size === 0) return;
    const delay = Math.min(maxRetryMs, retryMs * 2 ** Math.min(failures, 16));
    timer = setTimeout(() => {
      timer = null;
      void retry();
    }, delay);
    timer.unref();
  };

  const retry = async (): Promise<void> => {
    if (running) return running;
    running = (async () => {
      let failed = false;
      for (const dir of [...pending.keys()]) {
        try {
          await attempt(dir);
        } catch (err) {
          failed = true;
          options.logger?.debug({ err, dir }, 'journal hand-off failed again; retrying');
        }
      }
      failures = failed ? failures + 1 : 0;
      if (!failed && pending.size === 0) failures = 0;
    })().finally(() => {
      running = null;
      schedule();
    });
    return running;
  };

  return {
    async handOff(dir, session) {
      pending.set(dir, {
        session: session === undefined ? undefined : JSON.stringify(session),
        shipped: false,
      });
      try {
        await attempt(dir);
      } catch (err) {
        options.logger?.warn(
          { err, dir },
          'the journal could not be handed over (blob store or job queue unavailable): kept on this disk, retrying',
        );
        schedule();
      }
    },
    get pending() {
      return pending.size;
    },
    retry,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}

/**
 * At a recorder's start: every journal an earlier process left on this disk (it was killed, or
 * stopped before the hand-off finished) is shipped whole and handed over; one whose session never
 * closed is finalized as `recovered`. Journals with a failed.json stay for an operator. Returns
 * how many were found.
 */
export async function handOffLeftJournals(
  handOff: JournalHandOff,
  dataDir: string,
  options: {
    readonly logger?: Logger;
    /**
     * Called first with the session's id: its live-call row, left by the process that died, must
     * not make a worker finalize the shorter shipped copy as well.
     */
    readonly forgetLiveCall?: (sessionId: string) => Promise<void>;
  } = {},
): Promise<number> {
  const left = listPendingJournals(dataDir);
  for (const j of left) {
    let sessionId: string | null = null;
    try {
      sessionId = readSessionFile(j.dir).sessionId;
    } catch {
      // Unreadable: shipped as it is, and catalogued as unreadable by finalize.
    }
    options.logger?.info(
      { dir: j.dir, sessionId, recovered: j.recovered },
      'handing over a journal left on this disk',
    );
    if (sessionId !== null && options.forgetLiveCall) {
      await options.forgetLiveCall(sessionId).catch((err: unknown) => {
        options.logger?.warn({ err, sessionId }, 'the left live call could not be removed');
      });
    }
    await handOff.handOff(j.dir);
  }
  return left.length;
}
