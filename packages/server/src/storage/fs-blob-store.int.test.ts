import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeBlobStoreContract, failAfter, makeTestBytes } from './blob-store.contract.js';
import { FsBlobStore } from './fs-blob-store.js';

function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-blobs-'));
}

describeBlobStoreContract('file system', () => {
  const dir = makeTempDir();
  return Promise.resolve({
    store: new FsBlobStore(path.join(dir, 'blobs')),
    cleanup: () => fs.promises.rm(dir, { recursive: true, force: true }),
  });
});

describe('FsBlobStore on disk', () => {
  const dirs: string[] = [];
  const newStore = (): { store: FsBlobStore; root: string } => {
    const dir = makeTempDir();
    dirs.push(dir);
    const root = path.join(dir, 'blobs');
    return { store: new FsBlobStore(root), root };
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes files 0600 in directories 0700, whatever the umask', async () => {
    const { store, root } = newStore();
    const previous = process.umask(0o000);
    try {
      await store.put('org/o1/recordings/r1.ogg', makeTestBytes(100));
    } finally {
      process.umask(previous);
    }
    const mode = (p: string): number => fs.statSync(p).mode & 0o777;
    expect(mode(path.join(root, 'org/o1/recordings/r1.ogg'))).toBe(0o600);
    expect(mode(path.join(root, 'org/o1/recordings'))).toBe(0o700);
    expect(mode(path.join(root, 'org'))).toBe(0o700);
  });

  it('keeps keys as relative paths under the root and leaves no temporary files', async () => {
    const { store, root } = newStore();
    await store.put('org/o1/a.ogg', makeTestBytes(10));
    await expect(store.put('org/o1/b.ogg', failAfter(makeTestBytes(10), 'broken'))).rejects.toThrow(
      'broken',
    );
    expect(fs.readdirSync(path.join(root, 'org/o1'))).toEqual(['a.ogg']);
  });

  it('hides temporary files of writes in progress from list', async () => {
    const { store, root } = newStore();
    await store.put('org/o1/a.ogg', makeTestBytes(10));
    fs.writeFileSync(path.join(root, 'org/o1/.b.ogg.123.tmp'), 'partial');
    const keys: string[] = [];
    for await (const key of store.list('org/')) keys.push(key);
    expect(keys).toEqual(['org/o1/a.ogg']);
  });

  it('prunes directories a delete leaves empty, but never the root', async () => {
    const { store, root } = newStore();
    await store.put('org/o1/recordings/r1.ogg', makeTestBytes(10));
    await store.put('org/o2/r2.ogg', makeTestBytes(10));
    await store.delete('org/o1/recordings/r1.ogg');
    expect(fs.existsSync(path.join(root, 'org/o1'))).toBe(false);
    expect(fs.existsSync(path.join(root, 'org/o2/r2.ogg'))).toBe(true);
    await store.delete('org/o2/r2.ogg');
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('fails its health check when the root cannot be created', async () => {
    const { root } = newStore();
    fs.mkdirSync(path.dirname(root), { recursive: true });
    fs.writeFileSync(root, 'a file where the directory should be');
    await expect(new FsBlobStore(path.join(root, 'sub')).check()).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
  });
});
