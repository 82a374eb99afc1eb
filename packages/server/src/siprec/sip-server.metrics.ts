// The SIP server's refusals on /metrics, read from the recorder's counters when scraped:
// messages refused for their syntax or size (by reason and the header at fault) and peers the
// transports turned away (by transport and reason: unknown source, caps, message timeout, a
// peer that does not read), plus the TCP connections open now.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { SipServerStats } from '@callvault/recorder';

export function registerSipServerMetrics(registry: Registry, stats: () => SipServerStats): void {
  if (registry.getSingleMetric('callvault_sip_parse_errors_total')) return;
  new Counter({
    name: 'callvault_sip_parse_errors_total',
    help: 'SIP messages refused for their syntax or size, by reason and the header at fault',
    labelNames: ['reason', 'header'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of stats().parseErrorCounts) {
        this.inc({ reason: c.reason, header: c.header }, c.count);
      }
    },
  });
  new Counter({
    name: 'callvault_sip_refused_total',
    help: 'SIP peers turned away by the transports (TCP connections closed, UDP datagrams dropped)',
    labelNames: ['transport', 'reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const t of stats().transports) {
        for (const [reason, count] of Object.entries(t.refused)) {
          if (count > 0) this.inc({ transport: t.transport, reason }, count);
        }
      }
    },
  });
  new Gauge({
    name: 'callvault_sip_connections_open',
    help: 'SIP stream connections open now',
    registers: [registry],
    collect() {
      this.set(stats().connectionsOpen);
    },
  });
}
