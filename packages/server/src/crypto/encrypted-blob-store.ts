// Encryption at rest as a BlobStore decorator (SPEC §6; docs/adr/0003-envelope-encryption.md).
// Object `K` is stored as two objects in the inner store:
//   K       the envelope: the content sealed with the object's own data key (envelope.ts)
//   K.key   the key record: a small JSON document with the data key wrapped by a master key, the
//           plain size, SHA-256 and content type, all authenticated by that wrap
// The key record is written after the envelope and removed before it, so it marks a complete
// object: head and list read key records only. Deleting it first also shreds the content at once
// even if removing the (large) envelope then fails. A master key rotation rewrites key records
// only (rotateMasterKey).
//
// Replacing an object is not atomic across the two writes: until the new key record lands, a
// reader gets an IntegrityError. Callvault stores each recording once under a fresh key.
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import {
  BlobNotFoundError,
  InvalidBlobKeyError,
  MAX_BLOB_KEY_BYTES,
  assertBlobKey,
  assertBlobPrefix,
  assertHashableRead,
  resolveBlobRange,
  verifyingSha256,
  type BlobData,
  type BlobHead,
  type BlobPutOptions,
  type BlobPutResult,
  type BlobRange,
  type BlobReadOptions,
  type BlobReadStream,
  type BlobStore,
} from '../storage/blob-store.js';
import { IntegrityError } from './crypto-errors.js';
import {
  DEFAULT_CHUNK_SIZE,
  HEADER_BYTES,
  createEnvelopeHeader,
  decryptChunks,
  decryptEnvelope,
  encryptEnvelope,
  encryptedSize,
  generateDataKey,
  parseEnvelopeHeader,
  planEncryptedRange,
  sliceStream,
  unwrapDataKey,
  wrapDataKey,
  type WrappedDataKey,
} from './envelope.js';
import type { MasterKey, MasterKeyring } from './master-key.js';

export const KEY_RECORD_SUFFIX = '.key';
const RECORD_FORMAT = 'callvault-envelope/1';

/** What the key record K.key holds. */
export interface KeyRecord {
  readonly format: typeof RECORD_FORMAT;
  readonly cipher: 'AES-256-GCM';
  readonly chunkSize: number;
  /** Plain bytes. */
  readonly size: number;
  /** SHA-256 of the plain content, lowercase hex: the chain-of-custody fingerprint. */
  readonly sha256: string;
  readonly contentType: string | null;
  readonly keyId: string;
  /** base64 of nonce || wrapped data key || tag. */
  readonly wrappedKey: string;
}

export interface EncryptedPutResult extends BlobPutResult {
  readonly sha256: string;
  /** Bytes the envelope takes in the inner store. */
  readonly storedSize: number;
  readonly keyId: string;
}

/** The port's read options: a whole read checks `expectedSha256` as well as the key record's. */
export type EncryptedReadOptions = BlobReadOptions;

export interface EncryptedBlobStoreOptions {
  readonly keyring: MasterKeyring;
  /** Plain bytes per chunk; 64 KiB by default. */
  readonly chunkSize?: number;
}

export function keyRecordKey(key: string): string {
  return `${key}${KEY_RECORD_SUFFIX}`;
}

/** The wrap authenticates this: the object's key and the metadata a reader relies on. */
function wrapContext(key: string, record: Omit<KeyRecord, 'keyId' | 'wrappedKey'>): string {
  return [
    'callvault/data-key/v1',
    key,
    record.format,
    record.cipher,
    String(record.chunkSize),
    String(record.size),
    record.sha256,
    record.contentType ?? '',
  ].join('\n');
}

function parseKeyRecord(key: string, bytes: Uint8Array): KeyRecord {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new IntegrityError('key record is not JSON', key);
  }
  const r = value as Partial<Record<keyof KeyRecord, unknown>> | null;
  const ok =
    r !== null &&
    typeof r === 'object' &&
    r.format === RECORD_FORMAT &&
    r.cipher === 'AES-256-GCM' &&
    Number.isSafeInteger(r.chunkSize) &&
    Number.isSafeInteger(r.size) &&
    (r.size as number) >= 0 &&
    typeof r.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(r.sha256) &&
    (r.contentType === null || typeof r.contentType === 'string') &&
    typeof r.keyId === 'string' &&
    typeof r.wrappedKey === 'string';
  if (!ok) throw new IntegrityError('key record is malformed', key);
  return r as KeyRecord;
}

function serializeKeyRecord(record: KeyRecord): Buffer {
  return Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
}

function wrappedOf(record: KeyRecord): WrappedDataKey {
  return { keyId: record.keyId, sealed: Buffer.from(record.wrappedKey, 'base64') };
}

function sealRecord(
  key: string,
  dataKey: Buffer,
  masterKey: MasterKey,
  meta: Omit<KeyRecord, 'keyId' | 'wrappedKey'>,
): KeyRecord {
  const wrapped = wrapDataKey(dataKey, masterKey, wrapContext(key, meta));
  return { ...meta, keyId: wrapped.keyId, wrappedKey: wrapped.sealed.toString('base64') };
}

async function* asIterable(data: BlobData): AsyncGenerator<Uint8Array> {
  if (data instanceof Uint8Array) yield data;
  else yield* data;
}

async function readStream(read: BlobReadStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of read.stream as AsyncIterable<Uint8Array>) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

export class EncryptedBlobStore implements BlobStore {
  readonly keyring: MasterKeyring;
  private readonly chunkSize: number;

  constructor(
    readonly inner: BlobStore,
    options: EncryptedBlobStoreOptions,
  ) {
    this.keyring = options.keyring;
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    createEnvelopeHeader(this.chunkSize); // validates the chunk size now rather than on first put
  }

  /** Object keys must leave room for, and not look like, their key record. */
  private assertKey(key: string): void {
    assertBlobKey(key);
    if (key.endsWith(KEY_RECORD_SUFFIX)) {
      throw new InvalidBlobKeyError(key, `ends in ${KEY_RECORD_SUFFIX}, kept for key records`);
    }
    if (Buffer.byteLength(key) + KEY_RECORD_SUFFIX.length > MAX_BLOB_KEY_BYTES) {
      throw new InvalidBlobKeyError(key, 'too long to add its key record beside it');
    }
  }

  async put(
    key: string,
    data: BlobData,
    options: BlobPutOptions = {},
  ): Promise<EncryptedPutResult> {
    this.assertKey(key);
    const dataKey = generateDataKey();
    const hash = crypto.createHash('sha256');
    let size = 0;
    async function* tapped(): AsyncGenerator<Uint8Array> {
      for await (const part of asIterable(data)) {
        hash.update(part);
        size += part.byteLength;
        yield part;
      }
    }
    const header = createEnvelopeHeader(this.chunkSize);
    const stored = await this.inner.put(key, encryptEnvelope(tapped(), dataKey, header), {
      contentType: 'application/octet-stream',
    });
    const meta = {
      format: RECORD_FORMAT,
      cipher: 'AES-256-GCM',
      chunkSize: this.chunkSize,
      size,
      sha256: hash.digest('hex'),
      contentType: options.contentType ?? null,
    } as const;
    const record = sealRecord(key, dataKey, this.keyring.current, meta);
    await this.inner.put(keyRecordKey(key), serializeKeyRecord(record), {
      contentType: 'application/json',
    });
    return { size, sha256: meta.sha256, storedSize: stored.size, keyId: record.keyId };
  }

  /** The object's key record, or null. Throws IntegrityError when it is unreadable. */
  async readKeyRecord(key: string): Promise<KeyRecord | null> {
    this.assertKey(key);
    let bytes: Uint8Array;
    try {
      bytes = await this.inner.get(keyRecordKey(key));
    } catch (error) {
      if (error instanceof BlobNotFoundError) return null;
      throw error;
    }
    return parseKeyRecord(key, bytes);
  }

  private async openRecord(key: string): Promise<{ record: KeyRecord; dataKey: Buffer }> {
    const record = await this.readKeyRecord(key);
    if (!record) throw new BlobNotFoundError(key);
    const dataKey = unwrapDataKey(wrappedOf(record), this.keyring, wrapContext(key, record));
    return { record, dataKey };
  }

  /** Reads stored bytes, failing unless the envelope has exactly the size its record implies. */
  private async readStored(
    key: string,
    record: KeyRecord,
    range?: BlobRange,
  ): Promise<AsyncIterable<Uint8Array>> {
    let read: BlobReadStream;
    try {
      read = await this.inner.getStream(key, range);
    } catch (error) {
      if (error instanceof BlobNotFoundError) {
        throw new IntegrityError('key record present but its envelope is missing', key);
      }
      throw error;
    }
    const expected = encryptedSize(record.size, record.chunkSize);
    if (read.size !== expected) {
      read.stream.destroy();
      throw new IntegrityError(`envelope is ${read.size} bytes, expected ${expected}`, key);
    }
    return read.stream as AsyncIterable<Uint8Array>;
  }

  async get(key: string, options: EncryptedReadOptions = {}): Promise<Uint8Array> {
    return readStream(await this.getStream(key, undefined, options));
  }

  /**
   * Decrypts the object or a range of it. A range decrypts only the chunks it touches. A whole
   * read also checks the SHA-256 (against the key record and `expectedSha256`) and holds back
   * the last chunk until it matches, so a consumer never gets a complete unverified object.
   */
  async getStream(
    key: string,
    range?: BlobRange,
    options: EncryptedReadOptions = {},
  ): Promise<BlobReadStream> {
    this.assertKey(key);
    const { record, dataKey } = await this.openRecord(key);
    const { start, end } = resolveBlobRange(range, record.size);
    const whole = start === 0 && end === record.size - 1;
    assertHashableRead(key, whole, options);
    if (whole) {
      const plain = decryptEnvelope(await this.readStored(key, record), dataKey, record.size);
      const verified = verifyingSha256(
        plain,
        key,
        [record.sha256, options.expectedSha256],
        (message, k) => new IntegrityError(message, k),
      );
      return { stream: Readable.from(verified), size: record.size, start, end };
    }
    const plan = planEncryptedRange(record.size, record.chunkSize, start, end);
    let headerBytes: Buffer;
    let frames: AsyncIterable<Uint8Array>;
    if (plan.firstChunk === 0) {
      // One read covers the header and the chunks.
      const stored = await this.readStored(key, record, { start: 0, end: plan.storedEnd });
      const split = await splitHeader(stored, key);
      headerBytes = split.header;
      frames = split.rest;
    } else {
      headerBytes = await readAllBytes(
        await this.readStored(key, record, { start: 0, end: HEADER_BYTES - 1 }),
      );
      frames = await this.readStored(key, record, { start: plan.storedStart, end: plan.storedEnd });
    }
    const header = parseEnvelopeHeader(headerBytes);
    if (header.chunkSize !== record.chunkSize) {
      throw new IntegrityError('envelope header and key record disagree on the chunk size', key);
    }
    const plain = decryptChunks(frames, dataKey, header, {
      plainSize: record.size,
      firstChunk: plan.firstChunk,
      lastChunk: plan.lastChunk,
    });
    return {
      stream: Readable.from(sliceStream(plain, plan.skip, plan.length)),
      size: record.size,
      start,
      end,
    };
  }

  /**
   * Reads and authenticates the whole object without keeping it, for custody checks: returns its
   * size and SHA-256, or throws IntegrityError.
   */
  async verify(
    key: string,
    expectedSha256?: string,
  ): Promise<{ readonly size: number; readonly sha256: string }> {
    const read = await this.getStream(key, undefined, { expectedSha256 });
    const hash = crypto.createHash('sha256');
    let size = 0;
    for await (const part of read.stream as AsyncIterable<Uint8Array>) {
      hash.update(part);
      size += part.byteLength;
    }
    return { size, sha256: hash.digest('hex') };
  }

  async head(key: string): Promise<BlobHead | null> {
    const record = await this.readKeyRecord(key);
    return record ? { size: record.size } : null;
  }

  async delete(key: string): Promise<void> {
    this.assertKey(key);
    // Key record first: from then on the content cannot be decrypted, whatever happens next.
    await this.inner.delete(keyRecordKey(key));
    await this.inner.delete(key);
  }

  async *list(prefix: string): AsyncIterable<string> {
    assertBlobPrefix(prefix);
    for await (const stored of this.inner.list(prefix)) {
      if (!stored.endsWith(KEY_RECORD_SUFFIX)) continue;
      const key = stored.slice(0, -KEY_RECORD_SUFFIX.length);
      if (key.startsWith(prefix)) yield key;
    }
  }

  check(): Promise<void> {
    return this.inner.check();
  }
}

async function readAllBytes(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of source) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

/** Takes the 16 header bytes off the front of a stored stream. */
async function splitHeader(
  source: AsyncIterable<Uint8Array>,
  key: string,
): Promise<{ header: Buffer; rest: AsyncIterable<Uint8Array> }> {
  const iterator = source[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < HEADER_BYTES) {
    const next = await iterator.next();
    if (next.done) throw new IntegrityError('envelope is shorter than its header', key);
    head = Buffer.concat([head, next.value]);
  }
  const leftover = head.subarray(HEADER_BYTES);
  async function* rest(): AsyncGenerator<Uint8Array> {
    if (leftover.length > 0) yield leftover;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      yield next.value;
    }
  }
  return { header: head.subarray(0, HEADER_BYTES), rest: rest() };
}

export interface RotationProgress {
  /** Key records looked at so far. */
  readonly scanned: number;
  /** Re-wrapped under the new key in this run. */
  readonly rewrapped: number;
  /** Already under the new key (an earlier, interrupted run got to them). */
  readonly alreadyCurrent: number;
  /** Key records whose envelope is gone (a delete in progress): left alone. */
  readonly skippedOrphans: number;
}

export interface RotateMasterKeyOptions {
  /** Called after each key record. */
  readonly onProgress?: (progress: RotationProgress) => void;
  /** Limit the rotation to keys under this prefix. */
  readonly prefix?: string;
  /** Key records handled at once. */
  readonly concurrency?: number;
}

/**
 * Re-wraps every data key in `inner` (the store under an EncryptedBlobStore) under `newKey`,
 * rewriting key records only; the envelopes are not touched. `keyring` must hold every master key
 * that still wraps some data key. Idempotent and resumable: records already under `newKey` are
 * skipped, so an interrupted rotation is finished by running it again. Keep the old keys in the
 * key file until it has completed.
 */
export async function rotateMasterKey(
  inner: BlobStore,
  keyring: MasterKeyring,
  newKey: MasterKey,
  options: RotateMasterKeyOptions = {},
): Promise<RotationProgress> {
  const progress = { scanned: 0, rewrapped: 0, alreadyCurrent: 0, skippedOrphans: 0 };
  const readKeyring = keyring.withCurrent(newKey);
  const iterator = inner.list(options.prefix ?? '')[Symbol.asyncIterator]();

  const rotateOne = async (recordKey: string): Promise<void> => {
    const key = recordKey.slice(0, -KEY_RECORD_SUFFIX.length);
    let bytes: Uint8Array;
    try {
      bytes = await inner.get(recordKey);
    } catch (error) {
      if (!(error instanceof BlobNotFoundError)) throw error;
      progress.skippedOrphans++; // deleted since it was listed
      return;
    }
    const record = parseKeyRecord(key, bytes);
    if (record.keyId === newKey.id) {
      progress.alreadyCurrent++;
      return;
    }
    const dataKey = unwrapDataKey(wrappedOf(record), readKeyring, wrapContext(key, record));
    // Writing the record back for an object deleted meanwhile would resurrect it in listings.
    if ((await inner.head(key)) === null) {
      progress.skippedOrphans++;
      return;
    }
    const { keyId: _keyId, wrappedKey: _wrappedKey, ...meta } = record;
    await inner.put(recordKey, serializeKeyRecord(sealRecord(key, dataKey, newKey, meta)), {
      contentType: 'application/json',
    });
    progress.rewrapped++;
  };

  // A few workers share one listing.
  let listing = Promise.resolve();
  const nextRecordKey = async (): Promise<string | undefined> => {
    const turn = listing.then(async () => {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        if (next.value.endsWith(KEY_RECORD_SUFFIX)) return next.value;
      }
      return undefined;
    });
    listing = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  };
  await Promise.all(
    Array.from({ length: Math.max(1, options.concurrency ?? 4) }, async () => {
      for (let recordKey = await nextRecordKey(); recordKey; recordKey = await nextRecordKey()) {
        await rotateOne(recordKey);
        progress.scanned++;
        options.onProgress?.({ ...progress });
      }
    }),
  );
  return { ...progress };
}
