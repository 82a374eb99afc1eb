// `/api/health`: named checks, each ok, degraded, draining or error. A process is `ok` when every
// check is, `degraded` when it still serves but something it depends on is impaired (the answer
// stays 200 so a load balancer keeps it in service while an operator is alerted), `draining`
// (503) when it is being taken out of service on purpose (SIGTERM: it finishes its live calls and
// exits, so a load balancer sends it nothing new, and monitoring tells a planned drain from a
// fault), `error` (503) when it cannot serve. A dependency's error outranks draining. Features
// add their own checks through `AppDeps.healthChecks`.
import { Type, type Static } from '@sinclair/typebox';

export const HealthStatusSchema = Type.Union([
  Type.Literal('ok'),
  Type.Literal('degraded'),
  Type.Literal('draining'),
  Type.Literal('error'),
]);
export type HealthStatus = Static<typeof HealthStatusSchema>;

export const HealthCheckResultSchema = Type.Object({
  status: HealthStatusSchema,
  detail: Type.String(),
});
export type HealthCheckResult = Static<typeof HealthCheckResultSchema>;

export const HealthReportSchema = Type.Object({
  status: HealthStatusSchema,
  checks: Type.Record(Type.String(), HealthCheckResultSchema),
});
export type HealthReport = Static<typeof HealthReportSchema>;

/** One named check; `check` must not throw (a thrown error is reported as `error`). */
export interface HealthCheck {
  readonly name: string;
  check(): Promise<HealthCheckResult>;
}

const rank: Record<HealthStatus, number> = { ok: 0, degraded: 1, draining: 2, error: 3 };

/** The HTTP status of a health report: 200 while the process takes work, else 503. */
export function healthHttpStatus(status: HealthStatus): 200 | 503 {
  return status === 'ok' || status === 'degraded' ? 200 : 503;
}

/** Runs every check at once and folds their results into the worst status. */
export async function runHealthChecks(checks: readonly HealthCheck[]): Promise<HealthReport> {
  const results = await Promise.all(
    checks.map(async (c) => {
      try {
        return [c.name, await c.check()] as const;
      } catch (e) {
        const detail = e instanceof Error ? e.message : String(e);
        return [c.name, { status: 'error' as const, detail }] as const;
      }
    }),
  );
  let status: HealthStatus = 'ok';
  for (const [, r] of results) if (rank[r.status] > rank[status]) status = r.status;
  return { status, checks: Object.fromEntries(results) };
}
