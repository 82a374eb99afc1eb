// Journal shipping on a recorder (docs/cluster.md, Journals): the bytes on this disk not yet in
// the blob store (grows by about 16 KB/s per two-stream G.711 call while the store is away), the
// segments shipped and the attempts the store refused, and the closed calls whose hand-off waits.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface JournalShippingMetrics {
  shipped(bytes: number): void;
  failed(): void;
}

export function registerJournalShippingMetrics(
  registry: Registry,
  state: { readonly unshippedBytes: () => number; readonly pendingHandOffs: () => number },
): JournalShippingMetrics {
  const segments = new Counter({
    name: 'callvault_journal_segments_shipped_total',
    help: 'Journal segments the blob store confirmed',
    registers: [registry],
  });
  const bytes = new Counter({
    name: 'callvault_journal_shipped_bytes_total',
    help: 'Bytes of journal segments the blob store confirmed (before encryption)',
    registers: [registry],
  });
  const failures = new Counter({
    name: 'callvault_journal_ship_failures_total',
    help: 'Journal segment PUTs the blob store refused (the journal stays on disk and is retried)',
    registers: [registry],
  });
  new Gauge({
    name: 'callvault_journal_unshipped_bytes',
    help: 'Journal bytes of live calls on this disk that the blob store has not confirmed yet',
    registers: [registry],
    collect() {
      this.set(state.unshippedBytes());
    },
  });
  new Gauge({
    name: 'callvault_journal_handoffs_pending',
    help: 'Closed calls whose journal waits on this disk to be shipped or its finalize queued',
    registers: [registry],
    collect() {
      this.set(state.pendingHandOffs());
    },
  });
  return {
    shipped(n) {
      segments.inc();
      bytes.inc(n);
    },
    failed() {
      failures.inc();
    },
  };
}
