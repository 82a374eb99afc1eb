// Envelope encryption (SPEC §6, docs/adr/0003-envelope-encryption.md). Every object has its own
// random 256-bit data key; the content is sealed with AES-256-GCM in fixed-size chunks so that a
// long recording streams through in constant memory and a byte range decrypts only the chunks it
// touches. The data key is wrapped (AES-256-GCM) by a master key and kept OUTSIDE the object, so a
// master key rotation rewrites a few dozen bytes per object and never the audio.
//
// Sealed object layout (the "envelope"):
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +---------------------------------------------------------------+
//   |                   magic "CVE1" (format 1)                     |
//   +---------------------------------------------------------------+
//   |                  chunk size C (uint32, big-endian)            |
//   +---------------------------------------------------------------+
//   |               nonce prefix (7 random bytes) ...               |
//   +                                               +---------------+
//   |                                               |  reserved (0) |
//   +-----------------------------------------------+---------------+
//   | chunk 0: C bytes of ciphertext, then a 16-byte GCM tag        |
//   | chunk 1 ... chunk n-2: likewise                               |
//   | chunk n-1 (final): 0 to C-1 bytes of ciphertext, then its tag |
//   +---------------------------------------------------------------+
//
// There are always floor(P / C) + 1 chunks for P plain bytes: the final chunk is never full, so
// an object whose length is a multiple of C ends in an empty final chunk. Chunk i's nonce is
//   nonce prefix (7) || i as uint32 big-endian (4) || 0x01 if final else 0x00 (1)
// (the STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár), and every chunk
// authenticates the 16 header bytes as additional data. Reordering, dropping or duplicating
// chunks, changing the header, or cutting the object at a chunk boundary all fail authentication.
import crypto from 'node:crypto';
import { IntegrityError, MasterKeyError } from './crypto-errors.js';
import type { MasterKey, MasterKeyring } from './master-key.js';

export const DATA_KEY_BYTES = 32;
export const DEFAULT_CHUNK_SIZE = 64 * 1024;
/** Bounds on the chunk size a header may name, so a forged header cannot make us allocate much. */
export const MIN_CHUNK_SIZE = 16;
export const MAX_CHUNK_SIZE = 16 * 1024 * 1024;
export const HEADER_BYTES = 16;
export const TAG_BYTES = 16;
const NONCE_PREFIX_BYTES = 7;
const NONCE_BYTES = 12;
const MAGIC = Buffer.from('CVE1', 'latin1');
const MAX_CHUNK_INDEX = 0xffffffff;
const CIPHER = 'aes-256-gcm';

export interface EnvelopeHeader {
  readonly chunkSize: number;
  readonly noncePrefix: Buffer;
  /** The 16 header bytes, authenticated with every chunk. */
  readonly raw: Buffer;
}

export function generateDataKey(): Buffer {
  return crypto.randomBytes(DATA_KEY_BYTES);
}

function assertChunkSize(chunkSize: number): void {
  if (!Number.isInteger(chunkSize) || chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
    throw new RangeError(
      `chunk size must be an integer from ${MIN_CHUNK_SIZE} to ${MAX_CHUNK_SIZE}`,
    );
  }
}

export function createEnvelopeHeader(
  chunkSize = DEFAULT_CHUNK_SIZE,
  noncePrefix: Buffer = crypto.randomBytes(NONCE_PREFIX_BYTES),
): EnvelopeHeader {
  assertChunkSize(chunkSize);
  if (noncePrefix.length !== NONCE_PREFIX_BYTES) throw new RangeError('nonce prefix is 7 bytes');
  const raw = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(raw, 0);
  raw.writeUInt32BE(chunkSize, 4);
  noncePrefix.copy(raw, 8);
  return { chunkSize, noncePrefix: Buffer.from(noncePrefix), raw };
}

/** Reads the 16-byte header; throws IntegrityError when it is not one of ours. */
export function parseEnvelopeHeader(bytes: Uint8Array): EnvelopeHeader {
  const raw = Buffer.from(bytes.subarray(0, HEADER_BYTES));
  if (raw.length < HEADER_BYTES || !raw.subarray(0, 4).equals(MAGIC) || raw[15] !== 0) {
    throw new IntegrityError('not a Callvault envelope (bad header)');
  }
  const chunkSize = raw.readUInt32BE(4);
  if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
    throw new IntegrityError(`envelope header names an impossible chunk size ${chunkSize}`);
  }
  return { chunkSize, noncePrefix: raw.subarray(8, 15), raw };
}

/** Number of chunks that P plain bytes are sealed into. */
export function countChunks(plainSize: number, chunkSize: number): number {
  return Math.floor(plainSize / chunkSize) + 1;
}

/** Stored size of an envelope holding `plainSize` bytes. */
export function encryptedSize(plainSize: number, chunkSize: number): number {
  return HEADER_BYTES + plainSize + TAG_BYTES * countChunks(plainSize, chunkSize);
}

export interface EncryptedRangePlan {
  readonly firstChunk: number;
  /** Inclusive. */
  readonly lastChunk: number;
  /** Stored bytes to read, inclusive, covering whole chunks. */
  readonly storedStart: number;
  readonly storedEnd: number;
  /** Plain bytes to drop from the front of the first chunk, then bytes to pass on. */
  readonly skip: number;
  readonly length: number;
}

/**
 * Which stored bytes hold plain bytes start..end (inclusive). A whole-object read takes every
 * chunk, including an empty final one, so the final flag is always checked.
 */
export function planEncryptedRange(
  plainSize: number,
  chunkSize: number,
  start: number,
  end: number,
): EncryptedRangePlan {
  const frame = chunkSize + TAG_BYTES;
  const whole = start === 0 && end === plainSize - 1;
  const firstChunk = Math.floor(start / chunkSize);
  const lastChunk = whole ? countChunks(plainSize, chunkSize) - 1 : Math.floor(end / chunkSize);
  const total = encryptedSize(plainSize, chunkSize);
  return {
    firstChunk,
    lastChunk,
    storedStart: whole ? 0 : HEADER_BYTES + firstChunk * frame,
    storedEnd: Math.min(HEADER_BYTES + (lastChunk + 1) * frame, total) - 1,
    skip: start - firstChunk * chunkSize,
    length: end - start + 1,
  };
}

function nonceFor(header: EnvelopeHeader, index: number, final: boolean): Buffer {
  if (index > MAX_CHUNK_INDEX) throw new RangeError('object too large for one envelope');
  const nonce = Buffer.alloc(NONCE_BYTES);
  header.noncePrefix.copy(nonce, 0);
  nonce.writeUInt32BE(index, NONCE_PREFIX_BYTES);
  nonce[11] = final ? 1 : 0;
  return nonce;
}

export function sealChunk(
  dataKey: Buffer,
  header: EnvelopeHeader,
  index: number,
  plain: Buffer,
  final: boolean,
): Buffer {
  const cipher = crypto.createCipheriv(CIPHER, dataKey, nonceFor(header, index, final), {
    authTagLength: TAG_BYTES,
  });
  cipher.setAAD(header.raw);
  return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

export function openChunk(
  dataKey: Buffer,
  header: EnvelopeHeader,
  index: number,
  frame: Buffer,
  final: boolean,
): Buffer {
  if (frame.length < TAG_BYTES) throw new IntegrityError(`chunk ${index} is truncated`);
  const decipher = crypto.createDecipheriv(CIPHER, dataKey, nonceFor(header, index, final), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(header.raw);
  decipher.setAuthTag(frame.subarray(frame.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(frame.subarray(0, frame.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new IntegrityError(`chunk ${index}${final ? ' (final)' : ''} failed authentication`);
  }
}

/** A FIFO of bytes that hands them out in exact amounts, whatever sizes they arrived in. */
class ByteQueue {
  private parts: Buffer[] = [];
  length = 0;

  push(bytes: Uint8Array): void {
    if (bytes.byteLength === 0) return;
    // Copied: a producer may reuse its buffer once we have moved on to its next chunk.
    this.parts.push(Buffer.from(bytes));
    this.length += bytes.byteLength;
  }

  take(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let offset = 0;
    while (offset < n) {
      const part = this.parts[0];
      if (part === undefined) throw new Error('ByteQueue underflow');
      const need = n - offset;
      if (part.length <= need) {
        part.copy(out, offset);
        offset += part.length;
        this.parts.shift();
      } else {
        part.copy(out, offset, 0, need);
        this.parts[0] = part.subarray(need);
        offset += need;
      }
    }
    this.length -= n;
    return out;
  }
}

/** Seals a plain byte stream into an envelope: yields the header, then each chunk. */
export async function* encryptEnvelope(
  source: AsyncIterable<Uint8Array>,
  dataKey: Buffer,
  header: EnvelopeHeader = createEnvelopeHeader(),
): AsyncGenerator<Buffer> {
  yield header.raw;
  const queue = new ByteQueue();
  let index = 0;
  for await (const part of source) {
    queue.push(part);
    while (queue.length >= header.chunkSize) {
      yield sealChunk(dataKey, header, index++, queue.take(header.chunkSize), false);
    }
  }
  yield sealChunk(dataKey, header, index, queue.take(queue.length), true);
}

export interface DecryptChunksOptions {
  /** Size of the whole plain object (from its authenticated key record). */
  readonly plainSize: number;
  /** Index of the first chunk in `frames` and of the last (inclusive) expected. */
  readonly firstChunk: number;
  readonly lastChunk: number;
}

/**
 * Opens consecutive chunks `firstChunk..lastChunk` read from an envelope (header excluded) and
 * yields their plain bytes, each chunk only after it has been authenticated. Throws
 * IntegrityError when a chunk fails, or when the bytes run short or run over.
 */
export async function* decryptChunks(
  frames: AsyncIterable<Uint8Array>,
  dataKey: Buffer,
  header: EnvelopeHeader,
  options: DecryptChunksOptions,
): AsyncGenerator<Buffer> {
  const finalChunk = countChunks(options.plainSize, header.chunkSize) - 1;
  if (options.lastChunk > finalChunk || options.firstChunk > options.lastChunk) {
    throw new RangeError('chunk range outside the object');
  }
  const frameLength = (index: number): number =>
    index < finalChunk
      ? header.chunkSize + TAG_BYTES
      : options.plainSize - finalChunk * header.chunkSize + TAG_BYTES;
  const queue = new ByteQueue();
  let index = options.firstChunk;
  for await (const part of frames) {
    queue.push(part);
    while (index <= options.lastChunk && queue.length >= frameLength(index)) {
      yield openChunk(dataKey, header, index, queue.take(frameLength(index)), index === finalChunk);
      index++;
    }
    if (index > options.lastChunk && queue.length > 0) {
      throw new IntegrityError('envelope has bytes after its last chunk');
    }
  }
  if (index <= options.lastChunk)
    throw new IntegrityError(`envelope is truncated in chunk ${index}`);
}

/** Opens a whole envelope (header first) of `plainSize` bytes. */
export async function* decryptEnvelope(
  source: AsyncIterable<Uint8Array>,
  dataKey: Buffer,
  plainSize: number,
): AsyncGenerator<Buffer> {
  const queue = new ByteQueue();
  const iterator = source[Symbol.asyncIterator]();
  while (queue.length < HEADER_BYTES) {
    const next = await iterator.next();
    if (next.done) throw new IntegrityError('envelope is shorter than its header');
    queue.push(next.value);
  }
  const header = parseEnvelopeHeader(queue.take(HEADER_BYTES));
  const rest = queue.length > 0 ? queue.take(queue.length) : null;
  async function* remaining(): AsyncGenerator<Uint8Array> {
    if (rest) yield rest;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      yield next.value;
    }
  }
  yield* decryptChunks(remaining(), dataKey, header, {
    plainSize,
    firstChunk: 0,
    lastChunk: countChunks(plainSize, header.chunkSize) - 1,
  });
}

/** Passes on `length` bytes after skipping `skip`, then stops. */
export async function* sliceStream(
  source: AsyncIterable<Uint8Array>,
  skip: number,
  length: number,
): AsyncGenerator<Uint8Array> {
  let offset = 0;
  const end = skip + length;
  for await (const part of source) {
    const from = Math.max(skip - offset, 0);
    const to = Math.min(end - offset, part.byteLength);
    if (from < to) yield part.subarray(from, to);
    offset += part.byteLength;
    if (offset >= end) return;
  }
}

// --- Data key wrapping -------------------------------------------------------------------------

/** A data key sealed by a master key; `sealed` is nonce (12) || ciphertext (32) || tag (16). */
export interface WrappedDataKey {
  readonly keyId: string;
  readonly sealed: Buffer;
}

export const WRAPPED_KEY_BYTES = NONCE_BYTES + DATA_KEY_BYTES + TAG_BYTES;

/**
 * Seals `dataKey` under `masterKey`. `context` is authenticated with it: whatever it names (the
 * object's key, size, SHA-256) cannot be changed without the master key, and a wrapped key moved
 * to another object does not open.
 */
export function wrapDataKey(
  dataKey: Buffer,
  masterKey: MasterKey,
  context: string,
): WrappedDataKey {
  if (dataKey.length !== DATA_KEY_BYTES) throw new RangeError('a data key is 32 bytes');
  const nonce = crypto.randomBytes(NONCE_BYTES);
  const cipher = crypto.createCipheriv(CIPHER, masterKey.key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const sealed = Buffer.concat([
    nonce,
    cipher.update(dataKey),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  return { keyId: masterKey.id, sealed };
}

/**
 * Opens a wrapped data key with the keyring's key of the same id. Throws MasterKeyError when the
 * keyring lacks that key and IntegrityError when the key, the context or the bytes do not match.
 */
export function unwrapDataKey(
  wrapped: WrappedDataKey,
  keyring: MasterKeyring,
  context: string,
): Buffer {
  const masterKey = keyring.find(wrapped.keyId);
  if (!masterKey) {
    throw new MasterKeyError(
      `master key ${wrapped.keyId} is not in the keyring (has ${keyring.ids().join(', ')})`,
    );
  }
  if (wrapped.sealed.length !== WRAPPED_KEY_BYTES) {
    throw new IntegrityError('wrapped data key has the wrong length');
  }
  const nonce = wrapped.sealed.subarray(0, NONCE_BYTES);
  const ciphertext = wrapped.sealed.subarray(NONCE_BYTES, NONCE_BYTES + DATA_KEY_BYTES);
  const tag = wrapped.sealed.subarray(NONCE_BYTES + DATA_KEY_BYTES);
  const decipher = crypto.createDecipheriv(CIPHER, masterKey.key, nonce, {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new IntegrityError(`data key does not open with master key ${wrapped.keyId}`);
  }
}
