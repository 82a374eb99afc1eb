// Application errors with stable codes. Services throw AppError; exactly one place
// (http/error-handler.ts) maps codes to HTTP statuses and the Webex error body.
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  JSON_TOO_DEEP: 400,
  LICENSE_REQUIRED: 400,
  /** A call-control operation without `callId` while the line has several calls. */
  CALL_ID_REQUIRED: 400,
  /** A call-control operation without `callId` while the line has no call. */
  NO_ACTIVE_CALL: 400,
  /** A share names nobody of the owner's org, or the owner themself. */
  SHARE_RECIPIENT_INVALID: 400,
  /** A share's expiry is not in the future. */
  SHARE_EXPIRATION_INVALID: 400,
  UNAUTHENTICATED: 401,
  AUTH_INVALID_CREDENTIALS: 401,
  TOKEN_INVALID: 401,
  FORBIDDEN: 403,
  CSRF_TOKEN_INVALID: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  ORG_NOT_MANAGED: 403,
  OWN_ROLES_UNCHANGEABLE: 403,
  /** A webhook of one's own (`ownedBy: creator`) may cover only one's own recordings. */
  WEBHOOK_SCOPE_FORBIDDEN: 403,
  /** The owner's access settings (`shareRecordingsEnabled`) do not allow sharing. */
  SHARING_NOT_ALLOWED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  EXTENSION_IN_USE: 409,
  NUMBER_IN_USE: 409,
  EMAIL_IN_USE: 409,
  /** The recording is already shared with that person (revoke the share to change it). */
  SHARE_EXISTS: 409,
  /** The location still has people, workspaces, virtual lines or call features. */
  LOCATION_IN_USE: 409,
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
  /** A request the HTTP layer refused before any route saw it (it could not be read). */
  BAD_REQUEST: 400,
  /** The path exists but not with this method; the `Allow` header lists the methods it takes. */
  METHOD_NOT_ALLOWED: 405,
  /** The body is larger than the server's body limit. */
  PAYLOAD_TOO_LARGE: 413,
  /** The body's Content-Type is not one this route reads. */
  UNSUPPORTED_MEDIA_TYPE: 415,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * The integer Webex clients read from `errors[].errorCode` (wxc_sdk `RestError.code`), one per
 * Callvault code: the HTTP status times 1000 plus a number fixed per code. The numbers are part
 * of the API: never renumber one; a new code takes the next free number of its status.
 * docs/errors.md lists them and a test keeps it in step with this table.
 */
export const ERROR_NUMBER: Readonly<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400000,
  VALIDATION_FAILED: 400001,
  JSON_TOO_DEEP: 400002,
  LICENSE_REQUIRED: 400003,
  CALL_ID_REQUIRED: 400004,
  NO_ACTIVE_CALL: 400005,
  SHARE_RECIPIENT_INVALID: 400006,
  SHARE_EXPIRATION_INVALID: 400007,
  UNAUTHENTICATED: 401001,
  AUTH_INVALID_CREDENTIALS: 401002,
  TOKEN_INVALID: 401003,
  FORBIDDEN: 403001,
  CSRF_TOKEN_INVALID: 403002,
  PASSWORD_CHANGE_REQUIRED: 403003,
  ORG_NOT_MANAGED: 403004,
  OWN_ROLES_UNCHANGEABLE: 403005,
  WEBHOOK_SCOPE_FORBIDDEN: 403006,
  SHARING_NOT_ALLOWED: 403007,
  NOT_FOUND: 404001,
  METHOD_NOT_ALLOWED: 405001,
  CONFLICT: 409001,
  EXTENSION_IN_USE: 409002,
  NUMBER_IN_USE: 409003,
  EMAIL_IN_USE: 409004,
  SHARE_EXISTS: 409005,
  LOCATION_IN_USE: 409006,
  PAYLOAD_TOO_LARGE: 413001,
  UNSUPPORTED_MEDIA_TYPE: 415001,
  RANGE_NOT_SATISFIABLE: 416001,
  TRANSCRIPT_LANGUAGE_UNSUPPORTED: 422001,
  RATE_LIMITED: 429001,
  INTERNAL: 500001,
  INTEGRITY_FAILED: 500002,
  MASTER_KEY_UNAVAILABLE: 500003,
  UNAVAILABLE: 503001,
  TRANSCRIBER_UNAVAILABLE: 503002,
  RECORDER_UNAVAILABLE: 503003,
  DATABASE_UNAVAILABLE: 503004,
  INSUFFICIENT_STORAGE: 507001,
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** One line per problem; becomes `errors[].description` in the Webex body. */
    readonly descriptions: readonly string[] = [message],
    /** Response headers the answer needs, e.g. `Allow` on a 405. */
    readonly headers: Readonly<Record<string, string>> = {},
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
