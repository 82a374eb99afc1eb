// Prometheus metrics for /metrics. One registry per app instance so tests do not share counters.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: Histogram<'method' | 'route' | 'status'>;
  readonly auditEvents: Counter<'action'>;
  /** SIPREC sessions open in this process's recorder. */
  readonly siprecSessionsActive: Gauge;
  /** Final answers to INVITE, re-INVITE and UPDATE by method, status code and kind. */
  readonly siprecInviteOutcomes: Counter<'method' | 'status' | 'kind'>;
  /** SIP messages and SIPREC bodies that could not be read, by what failed. */
  readonly siprecParseErrors: Counter<'part'>;
  /** SIPREC sessions whose SDES SRTP keys came over SIP without TLS (RFC 4568 §8.3), by transport. */
  readonly srtpKeysInClear: Counter<'transport'>;
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
    siprecSessionsActive: new Gauge({
      name: 'callvault_siprec_sessions_active',
      help: 'SIPREC recording sessions open in this recorder',
      registers: [registry],
    }),
    siprecInviteOutcomes: new Counter({
      name: 'callvault_siprec_invite_outcomes_total',
      help: 'Final responses to SIPREC INVITE, re-INVITE and UPDATE by status code',
      labelNames: ['method', 'status', 'kind'],
      registers: [registry],
    }),
    siprecParseErrors: new Counter({
      name: 'callvault_siprec_parse_errors_total',
      help: 'Unreadable SIP messages (sip) and SIPREC bodies (multipart, sdp, metadata)',
      labelNames: ['part'],
      registers: [registry],
    }),
    srtpKeysInClear: new Counter({
      name: 'callvault_srtp_keys_in_clear_total',
      help: 'SIPREC sessions answered with SDES SRTP whose keys were signalled without TLS',
      labelNames: ['transport'],
      registers: [registry],
    }),
  };
}
