import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IntegrityError, MasterKeyError } from './crypto-errors.js';
import {
  HEADER_BYTES,
  TAG_BYTES,
  countChunks,
  createEnvelopeHeader,
  decryptChunks,
  decryptEnvelope,
  encryptEnvelope,
  encryptedSize,
  generateDataKey,
  openChunk,
  parseEnvelopeHeader,
  planEncryptedRange,
  sealChunk,
  sliceStream,
  unwrapDataKey,
  wrapDataKey,
} from './envelope.js';
import { MasterKeyring, createMasterKey, generateMasterKey } from './master-key.js';

async function* from(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    await Promise.resolve();
    yield part;
  }
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of source) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

function bytes(length: number, seed = 0): Buffer {
  return Buffer.from(Array.from({ length }, (_, i) => (i * 31 + seed * 7 + 1) & 0xff));
}

async function seal(plain: Buffer, dataKey: Buffer, chunkSize: number): Promise<Buffer> {
  return collect(encryptEnvelope(from(plain), dataKey, createEnvelopeHeader(chunkSize)));
}

async function open(stored: Buffer, dataKey: Buffer, plainSize: number): Promise<Buffer> {
  return collect(decryptEnvelope(from(stored), dataKey, plainSize));
}

describe('envelope format', () => {
  it('matches an independent AES-GCM (WebCrypto) with nonce = prefix || counter || final flag', async () => {
    const dataKey = Buffer.alloc(32, 7);
    const prefix = Buffer.from('01020304050607', 'hex');
    const header = createEnvelopeHeader(16, prefix);
    expect(header.raw.toString('hex')).toBe('43564531' + '00000010' + '01020304050607' + '00');
    const plain = Buffer.from('twenty bytes of pcm');
    const stored = await collect(encryptEnvelope(from(plain), dataKey, header));
    const webKey = await crypto.subtle.importKey('raw', dataKey, 'AES-GCM', false, ['encrypt']);
    const expectChunk = async (index: number, final: boolean, data: Buffer): Promise<Buffer> => {
      const iv = Buffer.concat([prefix, Buffer.from([0, 0, 0, index, final ? 1 : 0])]);
      const sealed = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: header.raw, tagLength: 128 },
        webKey,
        data,
      );
      return Buffer.from(sealed);
    };
    expect(stored).toEqual(
      Buffer.concat([
        header.raw,
        await expectChunk(0, false, plain.subarray(0, 16)),
        await expectChunk(1, true, plain.subarray(16)),
      ]),
    );
  });

  it.each([0, 1, 15, 16, 17, 32, 47, 48, 100, 1000])(
    'round-trips %i bytes in 16-byte chunks, with floor(P/C)+1 chunks',
    async (size) => {
      const dataKey = generateDataKey();
      const plain = bytes(size);
      const stored = await seal(plain, dataKey, 16);
      expect(stored.length).toBe(encryptedSize(size, 16));
      expect(stored.length).toBe(HEADER_BYTES + size + TAG_BYTES * (Math.floor(size / 16) + 1));
      expect(countChunks(size, 16)).toBe(Math.floor(size / 16) + 1);
      expect((await open(stored, dataKey, size)).equals(plain)).toBe(true);
    },
  );

  it('frames the same way whatever sizes the source arrives in', async () => {
    const dataKey = generateDataKey();
    const header = createEnvelopeHeader(64);
    const plain = bytes(1000, 3);
    const whole = await collect(encryptEnvelope(from(plain), dataKey, header));
    const pieces = [1, 2, 63, 64, 65, 200, 605].reduce<Buffer[]>((acc, n) => {
      const offset = acc.reduce((s, b) => s + b.length, 0);
      acc.push(plain.subarray(offset, offset + n));
      return acc;
    }, []);
    const sliced = await collect(encryptEnvelope(from(...pieces), dataKey, header));
    expect(sliced.equals(whole)).toBe(true);
  });

  it('uses a fresh nonce prefix for every envelope', () => {
    const a = createEnvelopeHeader();
    const b = createEnvelopeHeader();
    expect(a.noncePrefix.equals(b.noncePrefix)).toBe(false);
  });

  it('streams a large object chunk by chunk', async () => {
    const dataKey = generateDataKey();
    const header = createEnvelopeHeader(64 * 1024);
    let yielded = 0;
    const sizes: number[] = [];
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 40; i++) {
        yielded++;
        await Promise.resolve();
        yield bytes(100_000, i);
      }
    }
    for await (const frame of encryptEnvelope(source(), dataKey, header)) {
      // Output starts long before the source ends: never more than one input part buffered.
      sizes.push(frame.length);
      if (sizes.length === 3) expect(yielded).toBeLessThan(5);
    }
    expect(sizes.slice(1, -1).every((n) => n === 64 * 1024 + TAG_BYTES)).toBe(true);
  });
});

describe('envelope authentication', () => {
  const chunkSize = 16;
  const plain = bytes(40, 5);
  const dataKey = Buffer.alloc(32, 9);

  it('fails when any single byte is changed', async () => {
    const stored = await seal(plain, dataKey, chunkSize);
    for (let i = 0; i < stored.length; i++) {
      const tampered = Buffer.from(stored);
      tampered[i] = (tampered[i] ?? 0) ^ 0x01;
      await expect(open(tampered, dataKey, plain.length), `byte ${i}`).rejects.toBeInstanceOf(
        IntegrityError,
      );
    }
  });

  it('fails when truncated anywhere, including at a chunk boundary', async () => {
    const stored = await seal(plain, dataKey, chunkSize);
    for (let length = 0; length < stored.length; length++) {
      await expect(
        open(stored.subarray(0, length), dataKey, plain.length),
        `length ${length}`,
      ).rejects.toBeInstanceOf(IntegrityError);
    }
  });

  it('binds the final flag into each nonce, so a non-final chunk cannot pass as the last', () => {
    const header = createEnvelopeHeader(chunkSize);
    const piece = bytes(10, 4);
    const inner = sealChunk(dataKey, header, 3, piece, false);
    const last = sealChunk(dataKey, header, 3, piece, true);
    expect(openChunk(dataKey, header, 3, inner, false).equals(piece)).toBe(true);
    expect(openChunk(dataKey, header, 3, last, true).equals(piece)).toBe(true);
    expect(() => openChunk(dataKey, header, 3, inner, true)).toThrow(IntegrityError);
    expect(() => openChunk(dataKey, header, 3, last, false)).toThrow(IntegrityError);
    expect(() => openChunk(dataKey, header, 4, inner, false)).toThrow(IntegrityError);
  });

  it('detects a dropped empty final chunk (length a multiple of the chunk size)', async () => {
    const p = bytes(32, 1);
    const stored = await seal(p, dataKey, chunkSize);
    const cut = stored.subarray(0, HEADER_BYTES + 2 * (chunkSize + TAG_BYTES));
    await expect(open(cut, dataKey, 32)).rejects.toThrow(/truncated/);
  });

  it('fails when bytes are appended or chunks swapped', async () => {
    const stored = await seal(plain, dataKey, chunkSize);
    await expect(
      open(Buffer.concat([stored, Buffer.from([0])]), dataKey, plain.length),
    ).rejects.toBeInstanceOf(IntegrityError);
    const frame = chunkSize + TAG_BYTES;
    const swapped = Buffer.concat([
      stored.subarray(0, HEADER_BYTES),
      stored.subarray(HEADER_BYTES + frame, HEADER_BYTES + 2 * frame),
      stored.subarray(HEADER_BYTES, HEADER_BYTES + frame),
      stored.subarray(HEADER_BYTES + 2 * frame),
    ]);
    await expect(open(swapped, dataKey, plain.length)).rejects.toBeInstanceOf(IntegrityError);
  });

  it('fails with the wrong data key', async () => {
    const stored = await seal(plain, dataKey, chunkSize);
    await expect(open(stored, Buffer.alloc(32, 8), plain.length)).rejects.toBeInstanceOf(
      IntegrityError,
    );
  });

  it('refuses headers that are not ours or name an impossible chunk size', () => {
    expect(() => parseEnvelopeHeader(Buffer.alloc(16))).toThrow(IntegrityError);
    const header = Buffer.from(createEnvelopeHeader(16).raw);
    header.writeUInt32BE(0xffffffff, 4);
    expect(() => parseEnvelopeHeader(header)).toThrow(IntegrityError);
    expect(() => parseEnvelopeHeader(Buffer.alloc(3))).toThrow(IntegrityError);
  });
});

describe('envelope ranges', () => {
  it('decrypts exactly the bytes of every range from only the chunks it touches', async () => {
    const chunkSize = 16;
    const size = 50;
    const dataKey = generateDataKey();
    const plain = bytes(size, 2);
    const stored = await seal(plain, dataKey, chunkSize);
    const header = parseEnvelopeHeader(stored);
    for (let start = 0; start < size; start++) {
      for (let end = start; end < size; end++) {
        const plan = planEncryptedRange(size, chunkSize, start, end);
        const frames = stored.subarray(plan.storedStart, plan.storedEnd + 1);
        const whole = start === 0 && end === size - 1;
        const out = await collect(
          sliceStream(
            decryptChunks(from(whole ? frames.subarray(HEADER_BYTES) : frames), dataKey, header, {
              plainSize: size,
              firstChunk: plan.firstChunk,
              lastChunk: plan.lastChunk,
            }),
            plan.skip,
            plan.length,
          ),
        );
        expect(out.equals(plain.subarray(start, end + 1)), `${start}-${end}`).toBe(true);
      }
    }
  });

  it('plans whole reads to include the empty final chunk', () => {
    expect(planEncryptedRange(32, 16, 0, 31)).toMatchObject({ firstChunk: 0, lastChunk: 2 });
    expect(planEncryptedRange(32, 16, 0, 30)).toMatchObject({ firstChunk: 0, lastChunk: 1 });
    expect(planEncryptedRange(32, 16, 17, 20)).toMatchObject({
      firstChunk: 1,
      lastChunk: 1,
      storedStart: HEADER_BYTES + 32,
      storedEnd: HEADER_BYTES + 64 - 1,
      skip: 1,
      length: 4,
    });
  });
});

describe('data key wrapping', () => {
  const masterKey = generateMasterKey();
  const keyring = new MasterKeyring(masterKey);

  it('round-trips under the master key and its context', () => {
    const dataKey = generateDataKey();
    const wrapped = wrapDataKey(dataKey, masterKey, 'org/1/a.ogg');
    expect(wrapped.keyId).toBe(masterKey.id);
    expect(wrapped.sealed.includes(dataKey)).toBe(false);
    expect(unwrapDataKey(wrapped, keyring, 'org/1/a.ogg').equals(dataKey)).toBe(true);
  });

  it('fails for another context, a changed byte, or another key under the same id', () => {
    const wrapped = wrapDataKey(generateDataKey(), masterKey, 'org/1/a.ogg');
    expect(() => unwrapDataKey(wrapped, keyring, 'org/1/b.ogg')).toThrow(IntegrityError);
    for (let i = 0; i < wrapped.sealed.length; i++) {
      const sealed = Buffer.from(wrapped.sealed);
      sealed[i] = (sealed[i] ?? 0) ^ 0x80;
      expect(() => unwrapDataKey({ ...wrapped, sealed }, keyring, 'org/1/a.ogg')).toThrow(
        IntegrityError,
      );
    }
    const impostor = { id: masterKey.id, key: crypto.randomBytes(32) };
    expect(() => unwrapDataKey(wrapped, new MasterKeyring(impostor), 'org/1/a.ogg')).toThrow(
      IntegrityError,
    );
  });

  it('names the missing key when the keyring lacks it', () => {
    const wrapped = wrapDataKey(generateDataKey(), masterKey, 'x');
    const other = new MasterKeyring(createMasterKey(Buffer.alloc(32, 1)));
    expect(() => unwrapDataKey(wrapped, other, 'x')).toThrow(MasterKeyError);
    expect(() => unwrapDataKey(wrapped, other, 'x')).toThrow(masterKey.id);
  });
});
