// Journals of a recorder that vanished (docs/adr/0009-journal-shipping.md): a recorder killed or
// lost for good stops refreshing its live calls' rows in `live_calls` (the heartbeat every 5 s,
// telephony/live-calls-mirror.ts). A worker sweeps rows older than `staleMs` (30 s by default:
// six missed heartbeats), queues the finalize of each call's shipped journal as `recovered` and
// removes the row. A row whose call shipped nothing (it was younger than one ship interval, or
// shipping is off) is left for the mirror's own sweep: there is nothing to finalize.
import { journalKeyOf } from '@callvault/recorder';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { JobQueue } from '../jobs/job-queue.js';
import type { Logger } from '../observability/logger.js';
import type { BlobStore } from '../storage/blob-store.js';
import {
  deleteLiveCall,
  listLiveCallsNotRefreshedSince,
} from '../telephony/live-calls.repository.js';
import { enqueueShippedFinalize } from './capture.jobs.js';
import { hasShippedJournal } from './shipped-journals.js';

export const VANISHED_RECORDER_AFTER_MS = 30_000;

export interface VanishedRecorderSweepDeps {
  readonly db: Db;
  readonly queue: JobQueue;
  readonly blobStore: BlobStore;
  readonly clock: Clock;
  readonly logger?: Logger;
  readonly staleMs?: number;
}

/** One sweep; returns how many calls' journals were queued for finalize. */
export async function finalizeJournalsOfVanishedRecorders(
  deps: VanishedRecorderSweepDeps,
): Promise<number> {
  const before = new Date(
    deps.clock.now().getTime() - (deps.staleMs ?? VANISHED_RECORDER_AFTER_MS),
  ).toISOString();
  let queued = 0;
  for (const call of await listLiveCallsNotRefreshedSince(deps.db, before)) {
    const key = journalKeyOf(call.sessionId);
    if (!(await hasShippedJournal(deps.blobStore, key))) continue;
    await enqueueShippedFinalize(deps.queue, key, true);
    await deleteLiveCall(deps.db, call.sessionId);
    queued++;
    deps.logger?.warn(
      {
        callId: call.callId,
        sessionId: call.sessionId,
        recorder: call.instanceId,
        lastSeen: call.updatedAt,
      },
      'the recorder of a live call vanished: finalizing its shipped journal as recovered',
    );
  }
  return queued;
}

/** Runs the sweep every `intervalMs` (5 s); a failed sweep is logged and tried at the next. */
export function startVanishedRecorderSweep(
  deps: VanishedRecorderSweepDeps & { readonly intervalMs?: number },
): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = finalizeJournalsOfVanishedRecorders(deps)
      .then(() => undefined)
      .catch((err: unknown) => {
        deps.logger?.warn({ err }, 'the sweep for journals of vanished recorders failed');
      })
      .finally(() => {
        running = null;
      });
  }, deps.intervalMs ?? 5_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
