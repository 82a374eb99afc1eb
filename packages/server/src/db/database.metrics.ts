// Connection errors of the database pool (PostgreSQL restarted, backends terminated, the server
// unreachable), counted whether or not a query saw them: a rising count with a healthy API
// means connections are being replaced; with `/api/health` degraded, the database is away.
import { Counter, type Registry } from 'prom-client';
import type { DatabaseHandle } from './database.js';

export function registerDatabaseMetrics(
  registry: Registry,
  handle: Pick<DatabaseHandle, 'connectionErrors'>,
): void {
  const errors = handle.connectionErrors;
  if (!errors || registry.getSingleMetric('callvault_database_connection_errors_total')) return;
  new Counter({
    name: 'callvault_database_connection_errors_total',
    help: 'Database connections that broke or could not be made (PostgreSQL only)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(errors.total);
    },
  });
}
