// What the process does when the database goes away (a PostgreSQL restart, terminated backends, a
// network cut): one classifier of "the connection was lost" errors, a retry for work that is
// safe to run again, the DATABASE_UNAVAILABLE error the HTTP API answers with 503, and a log that
// says so once per outage instead of once per failed query.
//
// Safe to retry: a read, and a whole transaction that failed before COMMIT was sent (PostgreSQL
// rolls back a transaction whose connection is gone, so running it again writes it once). Not
// safe: a single write outside a transaction whose connection dropped after it was sent (it may
// have committed); those surface as DATABASE_UNAVAILABLE and the caller (a job, an SRC, an API
// client) tries again.
import { AppError, isBlobStoreError } from '../errors.js';

/** Seconds a client is told to wait (Retry-After) while the database is unreachable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** SQLSTATEs of a lost or refused connection (PostgreSQL Appendix A, classes 08 and 57P). */
const LOST_SQLSTATES = new Set([
  '57P01', // admin_shutdown: the server is shutting down (pg_ctl stop/restart -m fast)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the server is starting or in recovery
  '57P05', // idle_session_timeout
]);

/** Node socket errors of a server that is not there (any more). */
const LOST_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Messages of node-postgres for a connection that ended or never came (they carry no code). */
const LOST_MESSAGES = [
  /connection terminated/i,
  /connection ended/i,
  /timeout exceeded when trying to connect/i,
  /client has encountered a connection error and is not queryable/i,
  /cannot use a pool after calling end/i,
  /server closed the connection unexpectedly/i,
];

/**
 * True when `error` (or what it wraps, e.g. an aggregate of connection attempts or an error's
 * `cause`) means the database connection was lost or could not be made: retrying later may work.
 * False for every error of the query itself (constraint, syntax, serialization).
 */
export function isConnectionLoss(error: unknown, depth = 0): boolean {
  if (depth > 4 || error === null || typeof error !== 'object') return false;
  if (error instanceof AppError) return error.code === 'DATABASE_UNAVAILABLE';
  // The blob store's own connection errors (S3 down) look the same but are not the database's.
  if (isBlobStoreError(error)) return false;
  const e = error as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown };
  if (typeof e.code === 'string') {
    if (LOST_SQLSTATES.has(e.code) || LOST_ERRNOS.has(e.code)) return true;
    // Class 08: connection exception (08000, 08003, 08006, 08001, 08004, …).
    if (/^08[0-9A-Z]{3}$/.test(e.code)) return true;
  }
  if (typeof e.message === 'string' && LOST_MESSAGES.some((m) => m.test(e.message as string))) {
    return true;
  }
  // Node's happy-eyeballs connect gives an AggregateError of one error per address.
  if (Array.isArray(e.errors) && e.errors.some((x) => isConnectionLoss(x, depth + 1))) return true;
  return e.cause !== undefined && isConnectionLoss(e.cause, depth + 1);
}

/** The error the API answers with 503 and Retry-After while the database is unreachable. */
export function databaseUnavailable(cause?: unknown): AppError {
  const error = new AppError(
    'DATABASE_UNAVAILABLE',
    'The database is unavailable; try again shortly',
  );
  if (cause !== undefined) (error as { cause?: unknown }).cause = cause;
  return error;
}

/** What went wrong underneath: the lost connection's own message, not DATABASE_UNAVAILABLE's. */
export function describeConnectionLoss(error: unknown): string {
  const cause = error instanceof AppError ? (error as { cause?: unknown }).cause : undefined;
  const inner = cause ?? error;
  if (inner instanceof AggregateError && inner.message === '') {
    return inner.errors
      .map((e: unknown) => (e instanceof Error ? e.message : String(e)))
      .join('; ');
  }
  return inner instanceof Error ? inner.message : String(inner);
}

export interface RetryOptions {
  /** Attempts in all, the first included (default 4). */
  readonly attempts?: number;
  /** Wait before the first retry; each later one waits twice as long (default 250 ms). */
  readonly delayMs?: number;
  /** Waits between attempts (tests inject one that does not sleep). */
  readonly sleep?: (ms: number) => Promise<void>;
}

const sleepFor = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `work` and runs it again while it fails with a lost connection (250 ms, 500 ms, 1 s by
 * default: a fast restart of PostgreSQL takes about a second). Only for work that is safe to
 * repeat: a read, or a whole transaction (`db.transaction().execute(...)`) that is begun again.
 * When every attempt lost the connection it throws DATABASE_UNAVAILABLE; any other error is
 * thrown at once, unchanged.
 */
export async function withDbRetry<T>(
  work: () => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 4);
  const delayMs = options.delayMs ?? 250;
  const sleep = options.sleep ?? sleepFor;
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isConnectionLoss(error)) throw error;
      last = error;
      if (attempt < attempts) await sleep(delayMs * 2 ** (attempt - 1));
    }
  }
  throw databaseUnavailable(last);
}

/**
 * Logs database connection errors once per outage: the first error of a burst is logged with
 * how many came since the last line, later ones of the burst only counted; a burst ends when no
 * error came for `quietMs`. `recovered()` logs the end of an outage once.
 */
export interface ConnectionErrorLog {
  report(error: unknown, context?: string): void;
  recovered(): void;
  /** Errors reported since this log was made. */
  readonly total: number;
}

/** What the log needs of a logger (pino's and Fastify's both fit). */
export interface OutageLogger {
  error(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

export function createConnectionErrorLog(options: {
  logger?: OutageLogger | null;
  message: string;
  quietMs?: number;
  now?: () => number;
}): ConnectionErrorLog {
  const quietMs = options.quietMs ?? 30_000;
  const now = options.now ?? Date.now;
  let total = 0;
  let lastAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  let down = false;
  return {
    report(error, context) {
      total++;
      const at = now();
      const newBurst = at - lastAt >= quietMs;
      lastAt = at;
      down = true;
      if (!newBurst) {
        suppressed++;
        return;
      }
      options.logger?.error(
        {
          err: error,
          ...(context ? { context } : {}),
          ...(suppressed > 0 ? { suppressedSinceLastLog: suppressed } : {}),
        },
        `${options.message}; further errors of this outage are counted, not logged`,
      );
      suppressed = 0;
    },
    recovered() {
      if (!down) return;
      down = false;
      options.logger?.info(
        { suppressedSinceLastLog: suppressed },
        `${options.message}: the database answers again`,
      );
      suppressed = 0;
      lastAt = Number.NEGATIVE_INFINITY;
    },
    get total() {
      return total;
    },
  };
}
