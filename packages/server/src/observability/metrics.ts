// Prometheus metrics for /metrics. One registry per app instance so tests do not share counters.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: Histogram<'method' | 'route' | 'status'>;
  readonly auditEvents: Counter<'action'>;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true)
    collectDefaultMetrics({ register: registry, prefix: 'callvault_' });
  return {
    registry,
    httpRequests: new Histogram({
      name: 'callvault_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    auditEvents: new Counter({
      name: 'callvault_audit_events_total',
      help: 'Audit events written by this process',
      labelNames: ['action'],
      registers: [registry],
    }),
  };
}
