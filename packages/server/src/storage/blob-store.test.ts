import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  BlobIntegrityError,
  BlobRangeError,
  InvalidBlobKeyError,
  assertBlobKey,
  assertBlobPrefix,
  checkReadBytes,
  resolveBlobRange,
  verifyingSha256,
} from './blob-store.js';
import { BAD_BLOB_KEYS } from './blob-store.contract.js';

describe('blob keys', () => {
  it.each([
    'org/o1/recordings/r1.ogg',
    'org/Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi8x/recordings/x_y-z.ogg.key',
    'a',
    `org/${'a'.repeat(1020)}`,
  ])('accepts %s', (key) => {
    expect(() => assertBlobKey(key)).not.toThrow();
  });

  it.each(BAD_BLOB_KEYS.map((key) => [key]))('refuses %j', (key) => {
    expect(() => assertBlobKey(key)).toThrow(InvalidBlobKeyError);
  });

  it('accepts prefixes that end mid-segment or after a slash, and the empty prefix', () => {
    for (const prefix of ['', 'org/', 'org/o1/rec', 'org/o1/recordings/']) {
      expect(() => assertBlobPrefix(prefix)).not.toThrow();
    }
    for (const prefix of ['/', '/org', '../', 'org//', 'org/../x']) {
      expect(() => assertBlobPrefix(prefix)).toThrow(InvalidBlobKeyError);
    }
  });
});

describe('resolveBlobRange', () => {
  it('reads the whole object without a range, even an empty one', () => {
    expect(resolveBlobRange(undefined, 10)).toEqual({ start: 0, end: 9 });
    expect(resolveBlobRange({}, 0)).toEqual({ start: 0, end: -1 });
  });

  it('fills open ends and clamps the end to the last byte', () => {
    expect(resolveBlobRange({ start: 3 }, 10)).toEqual({ start: 3, end: 9 });
    expect(resolveBlobRange({ end: 3 }, 10)).toEqual({ start: 0, end: 3 });
    expect(resolveBlobRange({ start: 3, end: 100 }, 10)).toEqual({ start: 3, end: 9 });
  });

  it('refuses ranges past the end, reversed or not whole numbers', () => {
    for (const range of [{ start: 10 }, { start: 5, end: 4 }, { start: -1 }, { end: 2.5 }]) {
      expect(() => resolveBlobRange(range, 10)).toThrow(BlobRangeError);
    }
    expect(() => resolveBlobRange({ start: 0 }, 0)).toThrow(BlobRangeError);
  });
});

describe('checking an expected SHA-256', () => {
  const sha256 = (data: Uint8Array) => crypto.createHash('sha256').update(data).digest('hex');
  const parts = (...chunks: string[]): AsyncIterable<Uint8Array> =>
    Readable.from(chunks.map((c) => Buffer.from(c)));
  async function collect(source: AsyncIterable<Buffer>, into: Buffer[]): Promise<Buffer> {
    for await (const part of source) into.push(part);
    return Buffer.concat(into);
  }

  it('passes every part on when the hash matches, the last only after it was checked', async () => {
    const whole = Buffer.from('abcdef');
    const got: Buffer[] = [];
    const out = await collect(
      verifyingSha256(parts('ab', 'cd', 'ef', ''), 'k', [sha256(whole)]),
      got,
    );
    expect(out.equals(whole)).toBe(true);
    // The empty final part released nothing early and was not passed on.
    expect(got.map((b) => b.toString())).toEqual(['ab', 'cd', 'ef']);
  });

  it('holds the last part back and fails with BlobIntegrityError when the hash differs', async () => {
    const got: Buffer[] = [];
    await expect(
      collect(verifyingSha256(parts('ab', 'cd', 'ef'), 'k', [sha256(Buffer.from('x'))]), got),
    ).rejects.toBeInstanceOf(BlobIntegrityError);
    expect(Buffer.concat(got).toString()).toBe('abcd');
  });

  it('checks a whole object read at once, ignoring the case of the hex', () => {
    const data = Buffer.from('hello');
    expect(checkReadBytes('k', data, { expectedSha256: sha256(data).toUpperCase() })).toBe(data);
    expect(checkReadBytes('k', data, undefined)).toBe(data);
    expect(() => checkReadBytes('k', data, { expectedSha256: '0'.repeat(64) })).toThrow(
      expect.objectContaining({ code: 'INTEGRITY_FAILED' }),
    );
  });
});
