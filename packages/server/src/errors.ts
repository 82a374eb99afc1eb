// Application errors with stable codes. Services throw AppError; exactly one place
// (http/error-handler.ts) maps codes to HTTP statuses and the Webex error body.
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  JSON_TOO_DEEP: 400,
  LICENSE_REQUIRED: 400,
  UNAUTHENTICATED: 401,
  AUTH_INVALID_CREDENTIALS: 401,
  TOKEN_INVALID: 401,
  FORBIDDEN: 403,
  CSRF_TOKEN_INVALID: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  ORG_NOT_MANAGED: 403,
  OWN_ROLES_UNCHANGEABLE: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  EXTENSION_IN_USE: 409,
  NUMBER_IN_USE: 409,
  EMAIL_IN_USE: 409,
  RANGE_NOT_SATISFIABLE: 416,
  TRANSCRIPT_LANGUAGE_UNSUPPORTED: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  INTEGRITY_FAILED: 500,
  MASTER_KEY_UNAVAILABLE: 500,
  /** A write refused because a disk (the data dir, the database's) is full. */
  INSUFFICIENT_STORAGE: 507,
  UNAVAILABLE: 503,
  TRANSCRIBER_UNAVAILABLE: 503,
  RECORDER_UNAVAILABLE: 503,
  /** The database cannot be reached (restarting, network cut): try again after Retry-After. */
  DATABASE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** One line per problem; becomes `errors[].description` in the Webex body. */
    readonly descriptions: readonly string[] = [message],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string): AppError => new AppError('NOT_FOUND', `${what} not found`);

export const forbidden = (why = 'You are not allowed to do this'): AppError =>
  new AppError('FORBIDDEN', why);

export const invalid = (message: string, descriptions?: readonly string[]): AppError =>
  new AppError('VALIDATION_FAILED', message, descriptions ?? [message]);

/**
 * An error that says a disk is full: ENOSPC/EDQUOT from the file system, SQLITE_FULL from SQLite
 * (whose file lives in the data dir), 53100 disk_full from PostgreSQL. Such writes may work again
 * once space is freed; callers report them as INSUFFICIENT_STORAGE, not as a fault of their own.
 */
export function isStorageFullError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL' || code === '53100';
}

const FROM_BLOB_STORE = Symbol.for('callvault.fromBlobStore');

/**
 * Marks an error thrown by the blob store (S3 refusing connections, a full blob disk) so that it is
 * not taken for the database's: both can carry ECONNREFUSED, but only a lost database connection
 * means "wait for the database"; a blob store outage is a store failure, retried as such.
 */
export function markBlobStoreError(err: unknown): unknown {
  if (typeof err === 'object' && err !== null) {
    Object.defineProperty(err, FROM_BLOB_STORE, { value: true, enumerable: false });
  }
  return err;
}

export function isBlobStoreError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && FROM_BLOB_STORE in err;
}
