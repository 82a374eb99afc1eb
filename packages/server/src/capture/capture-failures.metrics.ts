// `callvault_capture_failures_total{reason}`: every catalogued capture failure (migration 0008).
// Read from the catalogue at scrape time, so the count is the same whichever process (recorder
// or worker) saw the failure, and survives restarts; rows are resolved, never deleted.
import { Counter, type Registry } from 'prom-client';
import { isConnectionLoss } from '../db/connection-loss.js';
import type { DbOrTrx } from '../db/database.js';
import { countCaptureFailuresByReason } from './capture-failures.repository.js';

export const CAPTURE_FAILURE_REASONS = [
  'no-media',
  'disk-full',
  'journal-write',
  'capture-start',
  'encoder-error',
  'store-error',
  'no-owner',
  'unreadable',
] as const;

export function registerCaptureFailureMetric(registry: Registry, db: DbOrTrx): void {
  if (registry.getSingleMetric('callvault_capture_failures_total')) return;
  new Counter({
    name: 'callvault_capture_failures_total',
    help: 'Captured calls whose recording failed, by reason (the journal is kept)',
    labelNames: ['reason'],
    registers: [registry],
    async collect() {
      let counts: Map<string, number>;
      try {
        counts = await countCaptureFailuresByReason(db);
      } catch (err) {
        // The database is away: the last counts stand, and /metrics still answers (with the
        // database's connection error count rising).
        if (isConnectionLoss(err)) return;
        throw err;
      }
      this.reset();
      for (const reason of new Set([...CAPTURE_FAILURE_REASONS, ...counts.keys()])) {
        this.inc({ reason }, counts.get(reason) ?? 0);
      }
    },
  });
}
