// The one contract every BlobStore passes (STYLE.md habit 3). Each implementation's test file calls
// describeBlobStoreContract once with a factory; every test works under its own random prefix, so
// one store (one bucket) serves the whole suite.
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BlobIntegrityError,
  BlobNotFoundError,
  BlobRangeError,
  InvalidBlobKeyError,
  type BlobReadStream,
  type BlobStore,
} from './blob-store.js';
import { HEALTH_PROBE_PREFIX, probeBlobStore } from './blob-store-probe.js';

export interface BlobStoreFixture {
  readonly store: BlobStore;
  /** Removes what the suite stored (a bucket, a directory). */
  cleanup(): Promise<void>;
}

export interface BlobStoreContractOptions {
  /** Size of the large streamed object; above the S3 multipart part size by default (12 MiB). */
  readonly largeObjectBytes?: number;
  /** Keys per listing page of the store under test, so the suite can cross page boundaries. */
  readonly listPageSize?: number;
}

/** Deterministic pseudo-random bytes, so failures are reproducible and compressors cannot help. */
export function makeTestBytes(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  let offset = 0;
  let counter = 0;
  while (offset < length) {
    const block = crypto.createHash('sha256').update(`${seed}:${counter++}`).digest();
    offset += block.copy(out, offset);
  }
  return out;
}

/** Yields `data` in slices of the given sizes, cycling through them, to exercise re-chunking. */
export async function* sliceBytes(
  data: Uint8Array,
  sizes: readonly number[] = [1, 7, 4096, 65_536, 1_000_003],
): AsyncGenerator<Uint8Array> {
  let offset = 0;
  let i = 0;
  while (offset < data.length) {
    const size = sizes[i++ % sizes.length] ?? 1;
    yield data.subarray(offset, offset + size);
    offset += size;
    // Let other work run, as a real network or disk source would.
    if (i % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Yields `data`, then fails as a broken upload source would. */
export async function* failAfter(data: Uint8Array, message: string): AsyncGenerator<Uint8Array> {
  yield data;
  await new Promise((resolve) => setImmediate(resolve));
  throw new Error(message);
}

export async function readAll(read: BlobReadStream | Readable): Promise<Buffer> {
  const stream = 'stream' in read ? read.stream : read;
  const parts: Buffer[] = [];
  for await (const part of stream as AsyncIterable<Uint8Array>) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

async function collectKeys(iterable: AsyncIterable<string>): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of iterable) keys.push(key);
  return keys.sort();
}

function sha256(data: Uint8Array): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

export const BAD_BLOB_KEYS: readonly string[] = [
  '',
  '/org/1/a.ogg',
  'org/1/a.ogg/',
  '../a.ogg',
  'org/../a.ogg',
  'org/./a.ogg',
  'org//a.ogg',
  'org/.hidden',
  'org\\1\\a.ogg',
  'org/1/a b.ogg',
  'org/1/a\u0000.ogg',
  'org/1/é.ogg',
  `org/${'a'.repeat(1100)}`,
];

export function describeBlobStoreContract(
  name: string,
  createFixture: () => Promise<BlobStoreFixture>,
  options: BlobStoreContractOptions = {},
): void {
  const largeBytes = options.largeObjectBytes ?? 12 * 1024 * 1024;
  const manyKeys = (options.listPageSize ?? 10) * 2 + 3;

  describe(`BlobStore contract: ${name}`, () => {
    let fixture: BlobStoreFixture | undefined;
    const store = (): BlobStore => {
      if (!fixture) throw new Error('the blob store fixture did not start');
      return fixture.store;
    };
    const ns = (): string => `org/${crypto.randomBytes(6).toString('hex')}/`;

    beforeAll(async () => {
      fixture = await createFixture();
    });
    afterAll(async () => {
      await fixture?.cleanup();
    });

    it('stores bytes and returns them whole, with their size', async () => {
      const key = `${ns()}recordings/r1.ogg`;
      const data = makeTestBytes(10_000);
      await expect(store().put(key, data, { contentType: 'audio/ogg' })).resolves.toMatchObject({
        size: 10_000,
      });
      expect(Buffer.from(await store().get(key)).equals(data)).toBe(true);
      await expect(store().head(key)).resolves.toEqual({ size: 10_000 });
    });

    it('stores an empty object', async () => {
      const key = `${ns()}empty.bin`;
      await expect(store().put(key, new Uint8Array(0))).resolves.toMatchObject({ size: 0 });
      expect((await store().get(key)).byteLength).toBe(0);
      await expect(store().head(key)).resolves.toEqual({ size: 0 });
      const read = await store().getStream(key);
      expect(read.size).toBe(0);
      expect((await readAll(read)).length).toBe(0);
    });

    it('replaces an object put again under the same key', async () => {
      const key = `${ns()}r.ogg`;
      await store().put(key, makeTestBytes(5000, 1));
      const second = makeTestBytes(300, 2);
      await store().put(key, second);
      expect(Buffer.from(await store().get(key)).equals(second)).toBe(true);
      await expect(store().head(key)).resolves.toEqual({ size: 300 });
    });

    it(`streams a ${largeBytes} byte object in and out (multipart on S3)`, async () => {
      const key = `${ns()}recordings/large.ogg`;
      const data = makeTestBytes(largeBytes, 3);
      await expect(store().put(key, sliceBytes(data))).resolves.toMatchObject({
        size: largeBytes,
      });
      await expect(store().head(key)).resolves.toEqual({ size: largeBytes });
      const read = await store().getStream(key);
      expect(read).toMatchObject({ size: largeBytes, start: 0, end: largeBytes - 1 });
      expect(sha256(await readAll(read))).toBe(sha256(data));
      // A range across the 64 KiB, 5 MiB and 8 MiB boundaries that chunked formats use.
      for (const [start, end] of [
        [65_530, 65_545],
        [5 * 1024 * 1024 - 3, 5 * 1024 * 1024 + 70_000],
        [8 * 1024 * 1024 - 1, 8 * 1024 * 1024],
        [largeBytes - 10, largeBytes + 100],
      ] as const) {
        const part = await store().getStream(key, { start, end });
        const last = Math.min(end, largeBytes - 1);
        expect(part).toMatchObject({ size: largeBytes, start, end: last });
        expect((await readAll(part)).equals(data.subarray(start, last + 1))).toBe(true);
      }
    });

    it('accepts a Node Readable as the source', async () => {
      const key = `${ns()}readable.bin`;
      const data = makeTestBytes(200_000, 4);
      const result = await store().put(key, Readable.from(sliceBytes(data, [333, 65_536])));
      expect(result.size).toBe(200_000);
      expect(Buffer.from(await store().get(key)).equals(data)).toBe(true);
    });

    it('leaves nothing behind when the source fails part-way', async () => {
      const prefix = ns();
      const key = `${prefix}broken.bin`;
      await expect(
        store().put(key, failAfter(makeTestBytes(100_000, 5), 'source broke')),
      ).rejects.toThrow('source broke');
      await expect(store().head(key)).resolves.toBeNull();
      expect(await collectKeys(store().list(prefix))).toEqual([]);
    });

    it('keeps the old object when a replacing put fails', async () => {
      const key = `${ns()}kept.bin`;
      const original = makeTestBytes(1000, 6);
      await store().put(key, original);
      await expect(
        store().put(key, failAfter(makeTestBytes(10, 7), 'source broke')),
      ).rejects.toThrow('source broke');
      expect(Buffer.from(await store().get(key)).equals(original)).toBe(true);
    });

    it('reads byte ranges with inclusive ends, as HTTP Range does', async () => {
      const key = `${ns()}range.bin`;
      const data = makeTestBytes(1000, 8);
      await store().put(key, data);
      const cases: [{ start?: number; end?: number }, number, number][] = [
        [{ start: 0, end: 0 }, 0, 0],
        [{ start: 2, end: 5 }, 2, 5],
        [{ start: 990 }, 990, 999],
        [{ end: 9 }, 0, 9],
        [{ start: 500, end: 5000 }, 500, 999],
        [{ start: 999, end: 999 }, 999, 999],
        [{}, 0, 999],
      ];
      for (const [range, start, end] of cases) {
        const read = await store().getStream(key, range);
        expect(read).toMatchObject({ size: 1000, start, end });
        expect((await readAll(read)).equals(data.subarray(start, end + 1))).toBe(true);
      }
    });

    it('refuses ranges that cannot be satisfied', async () => {
      const key = `${ns()}range.bin`;
      await store().put(key, makeTestBytes(100, 9));
      for (const range of [
        { start: 100 },
        { start: 5000, end: 6000 },
        { start: 10, end: 9 },
        { start: -1, end: 5 },
        { start: 1.5, end: 5 },
      ]) {
        await expect(store().getStream(key, range)).rejects.toBeInstanceOf(BlobRangeError);
      }
      const emptyKey = `${ns()}empty.bin`;
      await store().put(emptyKey, new Uint8Array(0));
      await expect(store().getStream(emptyKey, { start: 0 })).rejects.toBeInstanceOf(
        BlobRangeError,
      );
    });

    it('checks an expected SHA-256 on whole reads: a match gives the bytes', async () => {
      const key = `${ns()}recordings/hashed.ogg`;
      // Over a few read chunks, so the hash is checked across parts, not on one buffer.
      const data = makeTestBytes(300_000, 11);
      await store().put(key, data);
      const digest = sha256(data);
      expect(Buffer.from(await store().get(key, { expectedSha256: digest })).equals(data)).toBe(
        true,
      );
      const upper = await store().get(key, { expectedSha256: digest.toUpperCase() });
      expect(Buffer.from(upper).equals(data)).toBe(true);
      const read = await store().getStream(key, undefined, { expectedSha256: digest });
      expect(read.size).toBe(data.length);
      expect((await readAll(read)).equals(data)).toBe(true);
      const emptyKey = `${ns()}recordings/empty-hashed.ogg`;
      await store().put(emptyKey, new Uint8Array(0));
      const empty = sha256(new Uint8Array(0));
      expect((await store().get(emptyKey, { expectedSha256: empty })).byteLength).toBe(0);
      const emptyRead = await store().getStream(emptyKey, undefined, { expectedSha256: empty });
      expect((await readAll(emptyRead)).length).toBe(0);
    });

    it('fails a whole read whose bytes differ from the expected SHA-256 with BlobIntegrityError, never handing over the whole object', async () => {
      const key = `${ns()}recordings/mislabelled.ogg`;
      const data = makeTestBytes(300_000, 12);
      await store().put(key, data);
      const wrong = sha256(Buffer.from('something else'));
      const error = await store()
        .get(key, { expectedSha256: wrong })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BlobIntegrityError);
      expect(error).toMatchObject({ code: 'INTEGRITY_FAILED' });
      const read = await store().getStream(key, undefined, { expectedSha256: wrong });
      const received: Buffer[] = [];
      const streamed = (async () => {
        for await (const part of read.stream as AsyncIterable<Uint8Array>) {
          received.push(Buffer.from(part));
        }
      })();
      await expect(streamed).rejects.toBeInstanceOf(BlobIntegrityError);
      expect(Buffer.concat(received).length).toBeLessThan(data.length);
      const emptyKey = `${ns()}recordings/empty-mislabelled.ogg`;
      await store().put(emptyKey, new Uint8Array(0));
      await expect(store().get(emptyKey, { expectedSha256: wrong })).rejects.toBeInstanceOf(
        BlobIntegrityError,
      );
    });

    it('refuses an expected SHA-256 on a range read (a range has no hash to check)', async () => {
      const key = `${ns()}recordings/ranged-hash.ogg`;
      const data = makeTestBytes(1000, 13);
      await store().put(key, data);
      await expect(
        store().getStream(key, { start: 0, end: 9 }, { expectedSha256: sha256(data) }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    });

    it('reports a missing object as BlobNotFoundError or null', async () => {
      const key = `${ns()}missing.ogg`;
      await expect(store().get(key)).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(store().getStream(key)).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(store().getStream(key, { start: 0, end: 10 })).rejects.toBeInstanceOf(
        BlobNotFoundError,
      );
      await expect(store().head(key)).resolves.toBeNull();
      const error = await store()
        .get(key)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'NOT_FOUND', key });
    });

    it('treats a key prefix of other keys as no object', async () => {
      const prefix = ns();
      await store().put(`${prefix}folder/a.bin`, makeTestBytes(10, 10));
      await expect(store().head(`${prefix}folder`)).resolves.toBeNull();
      await expect(store().get(`${prefix}folder`)).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(store().getStream(`${prefix}folder`)).rejects.toBeInstanceOf(BlobNotFoundError);
      await store().delete(`${prefix}folder`);
      await expect(store().head(`${prefix}folder/a.bin`)).resolves.toEqual({ size: 10 });
    });

    it('deletes idempotently', async () => {
      const prefix = ns();
      const key = `${prefix}deep/er/r.ogg`;
      await store().put(key, makeTestBytes(50, 11));
      await store().delete(key);
      await expect(store().head(key)).resolves.toBeNull();
      await expect(store().get(key)).rejects.toBeInstanceOf(BlobNotFoundError);
      await store().delete(key);
      await store().delete(`${prefix}never/was.ogg`);
      expect(await collectKeys(store().list(prefix))).toEqual([]);
      // The key can be used again after its directory-like parents were emptied.
      await store().put(key, makeTestBytes(5, 12));
      await expect(store().head(key)).resolves.toEqual({ size: 5 });
    });

    it('lists keys by plain string prefix', async () => {
      const prefix = ns();
      const keys = [
        `${prefix}recordings/a.ogg`,
        `${prefix}recordings/b.ogg`,
        `${prefix}recordings/2024/c.ogg`,
        `${prefix}recordings-old/d.ogg`,
        `${prefix}transcripts/a.json`,
      ];
      for (const key of keys) await store().put(key, makeTestBytes(3, keys.indexOf(key)));
      expect(await collectKeys(store().list(prefix))).toEqual([...keys].sort());
      expect(await collectKeys(store().list(`${prefix}recordings/`))).toEqual(
        [keys[0], keys[1], keys[2]].sort(),
      );
      expect(await collectKeys(store().list(`${prefix}recordings`))).toEqual(
        [keys[0], keys[1], keys[2], keys[3]].sort(),
      );
      expect(await collectKeys(store().list(`${prefix}recordings/a`))).toEqual([keys[0]]);
      expect(await collectKeys(store().list(`${prefix}transcripts/a.json`))).toEqual([keys[4]]);
      expect(await collectKeys(store().list(`${prefix}nothing/`))).toEqual([]);
      const all = await collectKeys(store().list(''));
      for (const key of keys) expect(all).toContain(key);
    });

    it('lists more keys than one listing page holds', async () => {
      const prefix = ns();
      const keys = Array.from(
        { length: manyKeys },
        (_, i) => `${prefix}k/${String(i).padStart(5, '0')}`,
      );
      for (const key of keys) await store().put(key, new Uint8Array([1]));
      expect(await collectKeys(store().list(prefix))).toEqual(keys);
    });

    it('rejects malformed keys and prefixes on every operation', async () => {
      for (const key of BAD_BLOB_KEYS) {
        await expect(store().put(key, new Uint8Array([1]))).rejects.toBeInstanceOf(
          InvalidBlobKeyError,
        );
        await expect(store().get(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(store().getStream(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(store().head(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(store().delete(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
        // "a/b/" is a bad key but a good prefix (everything under a/b).
        if (key !== '' && !key.endsWith('/')) {
          await expect(collectKeys(store().list(key))).rejects.toBeInstanceOf(InvalidBlobKeyError);
        }
      }
      await expect(collectKeys(store().list('/'))).rejects.toBeInstanceOf(InvalidBlobKeyError);
      await expect(collectKeys(store().list('../'))).rejects.toBeInstanceOf(InvalidBlobKeyError);
    });

    it('passes its health check', async () => {
      await expect(store().check()).resolves.toBeUndefined();
    });

    it('takes the health probe: a write, read and delete under the reserved prefix that leaves nothing', async () => {
      const key = `${HEALTH_PROBE_PREFIX}contract-${crypto.randomUUID()}`;
      await expect(probeBlobStore(store(), key)).resolves.toBeUndefined();
      expect(await store().head(key)).toBeNull();
      expect(await collectKeys(store().list(key))).toEqual([]);
    });
  });
}
