import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BlobNotFoundError,
  InvalidBlobKeyError,
  type BlobData,
  type BlobPutOptions,
  type BlobPutResult,
} from '../storage/blob-store.js';
import { makeTestBytes, readAll } from '../storage/blob-store.contract.js';
import { FsBlobStore } from '../storage/fs-blob-store.js';
import { IntegrityError, MasterKeyError } from './crypto-errors.js';
import {
  EncryptedBlobStore,
  keyRecordKey,
  rotateMasterKey,
  type KeyRecord,
  type RotationProgress,
} from './encrypted-blob-store.js';
import { HEADER_BYTES, TAG_BYTES, encryptedSize } from './envelope.js';
import { MasterKeyring, generateMasterKey } from './master-key.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function makeStores(chunkSize = 16, keyring = new MasterKeyring(generateMasterKey())) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-enc-'));
  dirs.push(dir);
  const inner = new FsBlobStore(dir);
  return { inner, store: new EncryptedBlobStore(inner, { keyring, chunkSize }), keyring, dir };
}

function sha256(data: Uint8Array): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

async function readRecord(inner: FsBlobStore, key: string): Promise<KeyRecord> {
  return JSON.parse(Buffer.from(await inner.get(keyRecordKey(key))).toString('utf8')) as KeyRecord;
}

async function flipByte(inner: FsBlobStore, key: string, offset: number): Promise<void> {
  const bytes = Buffer.from(await inner.get(key));
  bytes[offset] = (bytes[offset] ?? 0) ^ 0x01;
  await inner.put(key, bytes);
}

describe('EncryptedBlobStore', () => {
  it('stores an envelope and a key record, never the plain bytes or the data key', async () => {
    const { inner, store, keyring } = makeStores(1024);
    const data = Buffer.from('a recognisable plain text '.repeat(200));
    const result = await store.put('org/o1/recordings/r1.ogg', data, { contentType: 'audio/ogg' });
    expect(result).toEqual({
      size: data.length,
      sha256: sha256(data),
      storedSize: encryptedSize(data.length, 1024),
      keyId: keyring.current.id,
    });
    const keys: string[] = [];
    for await (const key of inner.list('')) keys.push(key);
    expect(keys.sort()).toEqual(['org/o1/recordings/r1.ogg', 'org/o1/recordings/r1.ogg.key']);
    const envelope = Buffer.from(await inner.get('org/o1/recordings/r1.ogg'));
    expect(envelope.includes(Buffer.from('recognisable'))).toBe(false);
    const record = await readRecord(inner, 'org/o1/recordings/r1.ogg');
    expect(record).toMatchObject({
      format: 'callvault-envelope/1',
      cipher: 'AES-256-GCM',
      chunkSize: 1024,
      size: data.length,
      sha256: sha256(data),
      contentType: 'audio/ogg',
      keyId: keyring.current.id,
    });
    expect(Buffer.from(record.wrappedKey, 'base64')).toHaveLength(60);
    expect(Buffer.from(await store.get('org/o1/recordings/r1.ogg')).equals(data)).toBe(true);
    await expect(store.readKeyRecord('org/o1/recordings/r1.ogg')).resolves.toEqual(record);
  });

  it('fails with IntegrityError when one byte of the envelope changes', async () => {
    const { inner, store } = makeStores(16);
    const data = makeTestBytes(100);
    await store.put('k/a', data);
    // Header, inside chunk 2's ciphertext, and chunk 2's tag.
    for (const offset of [5, HEADER_BYTES + 2 * 32 + 3, HEADER_BYTES + 3 * 32 - 1]) {
      await store.put('k/a', data);
      await flipByte(inner, 'k/a', offset);
      await expect(store.get('k/a')).rejects.toBeInstanceOf(IntegrityError);
      await expect(store.verify('k/a')).rejects.toBeInstanceOf(IntegrityError);
    }
  });

  it('decrypts only the chunks a range needs', async () => {
    const { inner, store } = makeStores(16);
    const data = makeTestBytes(100, 2);
    await store.put('k/a', data);
    await flipByte(inner, 'k/a', HEADER_BYTES + 4 * 32 + 1); // inside chunk 4 (plain 64..79)
    const early = await store.getStream('k/a', { start: 10, end: 40 });
    expect((await readAll(early)).equals(data.subarray(10, 41))).toBe(true);
    const late = await store.getStream('k/a', { start: 85 });
    expect((await readAll(late)).equals(data.subarray(85))).toBe(true);
    const touched = await store.getStream('k/a', { start: 60, end: 70 });
    await expect(readAll(touched)).rejects.toBeInstanceOf(IntegrityError);
  });

  it('reads every range of a small object exactly, from the first chunk or later ones', async () => {
    const { store } = makeStores(16);
    const data = makeTestBytes(70, 3);
    await store.put('k/a', data);
    for (let start = 0; start < data.length; start += 3) {
      for (let end = start; end < data.length + 5; end += 7) {
        const read = await store.getStream('k/a', { start, end });
        const last = Math.min(end, data.length - 1);
        expect(read).toMatchObject({ size: 70, start, end: last });
        expect(
          (await readAll(read)).equals(data.subarray(start, last + 1)),
          `${start}-${end}`,
        ).toBe(true);
      }
    }
  });

  it('fails when the envelope is truncated, even for a range before the cut', async () => {
    const { inner, store } = makeStores(16);
    const data = makeTestBytes(64, 4); // 4 full chunks and an empty final one
    await store.put('k/a', data);
    const envelope = Buffer.from(await inner.get('k/a'));
    await inner.put('k/a', envelope.subarray(0, envelope.length - TAG_BYTES));
    await expect(store.get('k/a')).rejects.toBeInstanceOf(IntegrityError);
    await expect(store.getStream('k/a', { start: 0, end: 3 })).rejects.toBeInstanceOf(
      IntegrityError,
    );
  });

  it('fails when the key record is altered, moved to another object, or gone', async () => {
    const { inner, store } = makeStores(16);
    await store.put('k/a', makeTestBytes(50, 5));
    await store.put('k/b', makeTestBytes(50, 6));
    const record = await readRecord(inner, 'k/a');
    const alter = async (change: Partial<KeyRecord>): Promise<void> => {
      await inner.put(keyRecordKey('k/a'), Buffer.from(JSON.stringify({ ...record, ...change })));
    };
    await alter({ size: 49 });
    await expect(store.get('k/a')).rejects.toBeInstanceOf(IntegrityError);
    await alter({ sha256: sha256(Buffer.from('forged')) });
    await expect(store.get('k/a')).rejects.toBeInstanceOf(IntegrityError);
    await alter({ contentType: 'text/html' });
    await expect(store.get('k/a')).rejects.toBeInstanceOf(IntegrityError);
    await alter({ keyId: 'ffffffffffffffff' });
    await expect(store.get('k/a')).rejects.toBeInstanceOf(MasterKeyError);
    await inner.put(keyRecordKey('k/a'), Buffer.from('not json'));
    await expect(store.get('k/a')).rejects.toBeInstanceOf(IntegrityError);
    // b's record beside a's envelope: the wrap is bound to the object key.
    await inner.put(keyRecordKey('k/a'), await inner.get(keyRecordKey('k/b')));
    await expect(store.get('k/a')).rejects.toBeInstanceOf(IntegrityError);
    // b's envelope under a's genuine record: a's data key does not open it.
    await alter({});
    await inner.put('k/a', await inner.get('k/b'));
    await expect(store.get('k/a')).rejects.toBeInstanceOf(IntegrityError);
    await inner.delete(keyRecordKey('k/b'));
    await expect(store.get('k/b')).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(store.head('k/b')).resolves.toBeNull();
  });

  it('reports a record whose envelope is missing as an integrity failure', async () => {
    const { inner, store } = makeStores(16);
    await store.put('k/a', makeTestBytes(10));
    await inner.delete('k/a');
    await expect(store.get('k/a')).rejects.toBeInstanceOf(IntegrityError);
  });

  it('fails with MasterKeyError under a keyring without the wrapping key', async () => {
    const { inner, store } = makeStores(16);
    await store.put('k/a', makeTestBytes(10));
    const other = new EncryptedBlobStore(inner, {
      keyring: new MasterKeyring(generateMasterKey()),
      chunkSize: 16,
    });
    await expect(other.get('k/a')).rejects.toBeInstanceOf(MasterKeyError);
    await expect(other.getStream('k/a', { start: 1, end: 2 })).rejects.toBeInstanceOf(
      MasterKeyError,
    );
  });

  it('checks the SHA-256 the catalogue recorded on whole reads', async () => {
    const { store } = makeStores(16);
    // 96 bytes: an empty final chunk must not release the last real one early.
    const data = makeTestBytes(96, 7);
    const { sha256: digest } = await store.put('k/a', data);
    await expect(store.get('k/a', { expectedSha256: digest })).resolves.toBeDefined();
    await expect(store.get('k/a', { expectedSha256: digest.toUpperCase() })).resolves.toBeDefined();
    const wrong = sha256(Buffer.from('something else'));
    const error = await store.get('k/a', { expectedSha256: wrong }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error).toMatchObject({ code: 'INTEGRITY_FAILED' });
    // A stream holds back its last bytes until the digest matched.
    const read = await store.getStream('k/a', undefined, { expectedSha256: wrong });
    const received: Buffer[] = [];
    await expect(
      (async () => {
        for await (const part of read.stream as AsyncIterable<Buffer>) received.push(part);
      })(),
    ).rejects.toBeInstanceOf(IntegrityError);
    expect(Buffer.concat(received).length).toBeLessThan(96);
    await expect(store.verify('k/a', digest)).resolves.toEqual({ size: 96, sha256: digest });
    await expect(store.verify('k/a', wrong)).rejects.toBeInstanceOf(IntegrityError);
    await expect(
      store.getStream('k/a', { start: 0, end: 5 }, { expectedSha256: digest }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('keeps .key names for key records and hides the records from list', async () => {
    const { store } = makeStores(16);
    await expect(store.put('k/a.key', new Uint8Array([1]))).rejects.toBeInstanceOf(
      InvalidBlobKeyError,
    );
    await expect(store.put(`k/${'a'.repeat(1020)}`, new Uint8Array([1]))).rejects.toBeInstanceOf(
      InvalidBlobKeyError,
    );
    await store.put('k/a.ogg', new Uint8Array([1]));
    await store.put('k/a.ogg.keyring', new Uint8Array([2]));
    const keys: string[] = [];
    for await (const key of store.list('k/')) keys.push(key);
    expect(keys.sort()).toEqual(['k/a.ogg', 'k/a.ogg.keyring']);
    const underKeyPrefix: string[] = [];
    for await (const key of store.list('k/a.ogg.k')) underKeyPrefix.push(key);
    expect(underKeyPrefix).toEqual(['k/a.ogg.keyring']);
  });

  it('removes the key record first, so a failed delete still leaves the content unreadable', async () => {
    const { inner, store } = makeStores(16);
    await store.put('k/a', makeTestBytes(10));
    const failingInner = Object.create(inner) as FsBlobStore;
    failingInner.delete = async (key: string): Promise<void> => {
      if (!key.endsWith('.key')) throw new Error('disk went away');
      return inner.delete(key);
    };
    const failing = new EncryptedBlobStore(failingInner, { keyring: store.keyring, chunkSize: 16 });
    await expect(failing.delete('k/a')).rejects.toThrow('disk went away');
    await expect(store.head('k/a')).resolves.toBeNull();
    await expect(inner.head('k/a.key')).resolves.toBeNull();
  });
});

describe('rotateMasterKey', () => {
  async function fill(store: EncryptedBlobStore, count: number): Promise<Map<string, Buffer>> {
    const objects = new Map<string, Buffer>();
    for (let i = 0; i < count; i++) {
      const key = `org/o${i % 3}/recordings/r${i}.ogg`;
      const data = makeTestBytes(50 + i * 13, i);
      await store.put(key, data);
      objects.set(key, data);
    }
    return objects;
  }

  it('re-wraps every data key under the new key without touching the envelopes', async () => {
    const { inner, store, keyring: oldRing } = makeStores(16);
    const objects = await fill(store, 7);
    const envelopesBefore = new Map<string, string>();
    for (const key of objects.keys()) envelopesBefore.set(key, sha256(await inner.get(key)));

    const newKey = generateMasterKey();
    const seen: RotationProgress[] = [];
    const result = await rotateMasterKey(inner, oldRing, newKey, {
      onProgress: (p) => seen.push(p),
    });
    expect(result).toEqual({ scanned: 7, rewrapped: 7, alreadyCurrent: 0, skippedOrphans: 0 });
    expect(seen.map((p) => p.scanned)).toEqual([1, 2, 3, 4, 5, 6, 7]);

    const onlyNew = new EncryptedBlobStore(inner, {
      keyring: new MasterKeyring(newKey),
      chunkSize: 16,
    });
    for (const [key, data] of objects) {
      expect(sha256(await inner.get(key))).toBe(envelopesBefore.get(key));
      expect((await readRecord(inner, key)).keyId).toBe(newKey.id);
      expect(Buffer.from(await onlyNew.get(key)).equals(data)).toBe(true);
      await expect(onlyNew.verify(key, sha256(data))).resolves.toMatchObject({
        size: data.length,
      });
    }
    // The old key alone no longer opens anything.
    await expect(store.get([...objects.keys()][0] ?? '')).rejects.toBeInstanceOf(MasterKeyError);
  });

  it('is idempotent and resumes after an interruption', async () => {
    const { inner, store, keyring } = makeStores(16);
    const objects = await fill(store, 6);
    const newKey = generateMasterKey();
    // A store that fails on its third key record write, as a crash would.
    let writes = 0;
    const flaky = Object.create(inner) as FsBlobStore;
    flaky.put = async (
      key: string,
      data: BlobData,
      options?: BlobPutOptions,
    ): Promise<BlobPutResult> => {
      if (++writes === 3) throw new Error('crashed');
      return inner.put(key, data, options);
    };
    await expect(rotateMasterKey(flaky, keyring, newKey, { concurrency: 1 })).rejects.toThrow(
      'crashed',
    );
    // Mid-rotation, both keys are needed and reading works with both in the ring.
    const both = new EncryptedBlobStore(inner, {
      keyring: keyring.withCurrent(newKey),
      chunkSize: 16,
    });
    for (const [key, data] of objects)
      expect(Buffer.from(await both.get(key)).equals(data)).toBe(true);

    const resumed = await rotateMasterKey(inner, keyring, newKey);
    expect(resumed.scanned).toBe(6);
    expect(resumed.alreadyCurrent).toBe(2);
    expect(resumed.rewrapped).toBe(4);
    const again = await rotateMasterKey(inner, keyring, newKey);
    expect(again).toEqual({ scanned: 6, rewrapped: 0, alreadyCurrent: 6, skippedOrphans: 0 });
  });

  it('leaves a key record whose envelope is gone, and rotates only under a prefix', async () => {
    const { inner, store, keyring } = makeStores(16);
    await fill(store, 6); // o0: r0 r3, o1: r1 r4, o2: r2 r5
    await inner.delete('org/o1/recordings/r1.ogg');
    const newKey = generateMasterKey();
    const result = await rotateMasterKey(inner, keyring, newKey, { prefix: 'org/o1/' });
    expect(result).toEqual({ scanned: 2, rewrapped: 1, alreadyCurrent: 0, skippedOrphans: 1 });
    expect((await readRecord(inner, 'org/o1/recordings/r1.ogg')).keyId).toBe(keyring.current.id);
    expect((await readRecord(inner, 'org/o1/recordings/r4.ogg')).keyId).toBe(newKey.id);
    expect((await readRecord(inner, 'org/o0/recordings/r0.ogg')).keyId).toBe(keyring.current.id);
  });

  it('fails when the keyring lacks a key that wraps some data key', async () => {
    const { inner, store } = makeStores(16);
    await fill(store, 2);
    await expect(
      rotateMasterKey(inner, new MasterKeyring(generateMasterKey()), generateMasterKey()),
    ).rejects.toBeInstanceOf(MasterKeyError);
  });
});
