// The BlobStore port (SPEC §6): recordings, transcripts and their key records live in a flat
// namespace of string keys such as `org/<orgId>/recordings/<id>.ogg`. Every implementation (file
// system, S3, the encrypting decorator) passes the one contract suite in blob-store.contract.ts.
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { AppError } from '../errors.js';

export type BlobData = Uint8Array | AsyncIterable<Uint8Array>;

export interface BlobPutOptions {
  /** Stored where the backend keeps it (S3 Content-Type); the file system ignores it. */
  readonly contentType?: string;
}

export interface BlobPutResult {
  /** Bytes the caller handed in. */
  readonly size: number;
}

/**
 * A byte range with both ends inclusive, as in an HTTP Range header. A missing start means 0, a
 * missing end means the last byte; an end past the object is clamped to its last byte.
 */
export interface BlobRange {
  readonly start?: number;
  readonly end?: number;
}

export interface BlobReadStream {
  /** The bytes from `start` to `end` inclusive. */
  readonly stream: Readable;
  /** Size of the whole object, for Content-Range. */
  readonly size: number;
  readonly start: number;
  /** Inclusive; `start - 1` when the stream is empty (an empty object read whole). */
  readonly end: number;
}

export interface BlobReadOptions {
  /**
   * The SHA-256 (hex) the caller recorded for the object. A whole read hashes the bytes as they
   * stream and holds the last part back until the hash matches, so a consumer never gets a
   * complete object that differs; a mismatch fails the read (or the stream) with
   * BlobIntegrityError. A range read cannot be checked: asking is refused (VALIDATION_FAILED).
   */
  readonly expectedSha256?: string;
}

export interface BlobHead {
  readonly size: number;
}

export interface BlobStore {
  /** Stores `data` under `key`, replacing any object there; readers never see a partial object. */
  put(key: string, data: BlobData, options?: BlobPutOptions): Promise<BlobPutResult>;
  /** The whole object. Throws BlobNotFoundError, or BlobIntegrityError for an expected hash. */
  get(key: string, options?: BlobReadOptions): Promise<Uint8Array>;
  /**
   * The object or a range of it as a stream. Throws BlobNotFoundError or BlobRangeError; with an
   * expected SHA-256 the stream fails with BlobIntegrityError when the bytes do not match.
   */
  getStream(key: string, range?: BlobRange, options?: BlobReadOptions): Promise<BlobReadStream>;
  /** The object's size, or null when there is none. */
  head(key: string): Promise<BlobHead | null>;
  /** Removes the object; removing a missing object succeeds. */
  delete(key: string): Promise<void>;
  /** Every key that starts with `prefix` (a plain string prefix, as in S3), in no set order. */
  list(prefix: string): AsyncIterable<string>;
  /** Resolves when the store can be read and written; rejects with AppError UNAVAILABLE. */
  check(): Promise<void>;
}

export class BlobNotFoundError extends AppError {
  constructor(readonly key: string) {
    super('NOT_FOUND', `blob ${key} not found`);
    this.name = 'BlobNotFoundError';
  }
}

export class InvalidBlobKeyError extends AppError {
  constructor(
    readonly key: string,
    why: string,
  ) {
    super('VALIDATION_FAILED', `invalid blob key ${JSON.stringify(key.slice(0, 80))}: ${why}`);
    this.name = 'InvalidBlobKeyError';
  }
}

export class BlobRangeError extends AppError {
  constructor(
    readonly range: BlobRange,
    readonly size: number,
  ) {
    super(
      'RANGE_NOT_SATISFIABLE',
      `range ${range.start ?? ''}-${range.end ?? ''} is not satisfiable for ${size} bytes`,
    );
    this.name = 'BlobRangeError';
  }
}

/** The stored bytes do not match the SHA-256 they were read against (tamper, rot, a wrong label). */
export class BlobIntegrityError extends AppError {
  constructor(
    message: string,
    readonly key?: string,
  ) {
    super('INTEGRITY_FAILED', key === undefined ? message : `${key}: ${message}`);
    this.name = 'BlobIntegrityError';
  }
}

/** S3's own limit on key length, in UTF-8 bytes; every backend keeps to it. */
export const MAX_BLOB_KEY_BYTES = 1024;

// Segments are limited to characters that mean nothing special to a file system, a URL or S3, so
// a key maps one to one onto a relative path and an object name. A segment may not start with a
// dot: that rules out `.` and `..` and leaves dot-names free for a store's temporary files.
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/** Throws InvalidBlobKeyError unless `key` is a well-formed key. */
export function assertBlobKey(key: string): void {
  if (typeof key !== 'string' || key === '') throw new InvalidBlobKeyError(String(key), 'empty');
  if (Buffer.byteLength(key, 'utf8') > MAX_BLOB_KEY_BYTES) {
    throw new InvalidBlobKeyError(key, `longer than ${MAX_BLOB_KEY_BYTES} bytes`);
  }
  if (key.startsWith('/')) throw new InvalidBlobKeyError(key, 'starts with /');
  if (key.endsWith('/')) throw new InvalidBlobKeyError(key, 'ends with /');
  for (const segment of key.split('/')) {
    if (segment === '') throw new InvalidBlobKeyError(key, 'has an empty segment');
    if (segment === '..' || segment === '.') {
      throw new InvalidBlobKeyError(key, 'has a . or .. segment');
    }
    if (!SEGMENT.test(segment)) {
      throw new InvalidBlobKeyError(
        key,
        'segments use only A-Z a-z 0-9 . _ - and do not start with a dot',
      );
    }
  }
}

/**
 * Throws InvalidBlobKeyError unless `prefix` could start a valid key: empty, or a key with an
 * optional trailing slash, or the start of a segment.
 */
export function assertBlobPrefix(prefix: string): void {
  if (prefix === '') return;
  // A prefix ending mid-segment ("org/1/rec") is the key "org/1/rec" cut short; one ending in "/"
  // is a key with one more segment to come. Either way the part before must be a valid key.
  const asKey = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (asKey === '') throw new InvalidBlobKeyError(prefix, 'a prefix may not be just /');
  assertBlobKey(asKey);
}

/**
 * Turns an optional range into inclusive bounds for an object of `size` bytes, or throws
 * BlobRangeError. No range at all reads the whole object, even an empty one.
 */
export function resolveBlobRange(
  range: BlobRange | undefined,
  size: number,
): { start: number; end: number } {
  if (range === undefined || (range.start === undefined && range.end === undefined)) {
    return { start: 0, end: size - 1 };
  }
  const start = range.start ?? 0;
  const end = range.end ?? size - 1;
  const isIndex = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;
  if (!isIndex(start) || !isIndex(range.end ?? 0) || end < start || start >= size) {
    throw new BlobRangeError(range, size);
  }
  return { start, end: Math.min(end, size - 1) };
}

/** Collects a byte source into one Uint8Array. */
export async function collectBytes(data: BlobData): Promise<Uint8Array> {
  if (data instanceof Uint8Array) return data;
  const parts: Uint8Array[] = [];
  for await (const part of data) parts.push(part);
  return Buffer.concat(parts);
}

/** An expected SHA-256 is checked on whole reads only: a range has no hash to compare with. */
export function assertHashableRead(
  key: string,
  whole: boolean,
  options: BlobReadOptions | undefined,
): void {
  if (!whole && options?.expectedSha256 !== undefined) {
    throw new AppError(
      'VALIDATION_FAILED',
      `${key}: a SHA-256 can only be checked on a whole read`,
    );
  }
}

/**
 * Passes the parts of `source` on one behind, releasing the last only once the SHA-256 of all of
 * them matches every expected value given; otherwise fails with `fail(message)`.
 */
export async function* verifyingSha256(
  source: AsyncIterable<Uint8Array>,
  key: string,
  expected: readonly (string | undefined)[],
  fail: (message: string, key: string) => Error = (m, k) => new BlobIntegrityError(m, k),
): AsyncGenerator<Buffer> {
  const hash = crypto.createHash('sha256');
  let pending: Buffer | null = null;
  for await (const raw of source) {
    const part = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    if (part.length === 0) continue; // an empty final part must not release the one before
    hash.update(part);
    if (pending) yield pending;
    pending = part;
  }
  const actual = hash.digest('hex');
  for (const want of expected) {
    if (want !== undefined && want.toLowerCase() !== actual) {
      throw fail(`SHA-256 is ${actual}, expected ${want}`, key);
    }
  }
  if (pending) yield pending;
}

/**
 * A whole read as it is, or checked against `options.expectedSha256` while it streams (for
 * backends that keep no hash of their own).
 */
export function checkReadStream(
  key: string,
  read: BlobReadStream,
  options: BlobReadOptions | undefined,
): BlobReadStream {
  if (options?.expectedSha256 === undefined) return read;
  const source = read.stream as AsyncIterable<Uint8Array>;
  return { ...read, stream: Readable.from(verifyingSha256(source, key, [options.expectedSha256])) };
}

/** A whole object read at once, checked against `options.expectedSha256` when given. */
export function checkReadBytes(
  key: string,
  bytes: Uint8Array,
  options: BlobReadOptions | undefined,
): Uint8Array {
  const want = options?.expectedSha256;
  if (want === undefined) return bytes;
  const actual = crypto.createHash('sha256').update(bytes).digest('hex');
  if (actual !== want.toLowerCase()) {
    throw new BlobIntegrityError(`SHA-256 is ${actual}, expected ${want}`, key);
  }
  return bytes;
}
