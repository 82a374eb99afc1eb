import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MasterKeyError } from './crypto-errors.js';
import {
  MasterKeyring,
  createMasterKey,
  deriveMasterKeyId,
  generateMasterKey,
  loadMasterKeyring,
  masterKeyFilePath,
  readMasterKeyFile,
  writeMasterKeyFile,
} from './master-key.js';

const dirs: string[] = [];
function makeDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-keys-'));
  dirs.push(dir);
  return path.join(dir, 'data');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('master key ids', () => {
  it('are derived from the key: stable, distinct, and not the key', () => {
    const key = Buffer.alloc(32, 1);
    expect(deriveMasterKeyId(key)).toBe(deriveMasterKeyId(Buffer.alloc(32, 1)));
    expect(deriveMasterKeyId(key)).toMatch(/^[0-9a-f]{16}$/);
    expect(deriveMasterKeyId(key)).not.toBe(deriveMasterKeyId(Buffer.alloc(32, 2)));
    expect(key.toString('hex')).not.toContain(deriveMasterKeyId(key));
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => createMasterKey(Buffer.alloc(16))).toThrow(MasterKeyError);
  });
});

describe('MasterKeyring', () => {
  it('finds keys by id, keeps the current one first, and can add or drop keys', () => {
    const a = generateMasterKey();
    const b = generateMasterKey();
    const ring = new MasterKeyring(a);
    expect(ring.find(b.id)).toBeUndefined();
    const rotated = ring.withCurrent(b);
    expect(rotated.current).toBe(b);
    expect(rotated.ids()).toEqual([b.id, a.id]);
    expect(rotated.find(a.id)).toBe(a);
    expect(rotated.without([a.id]).ids()).toEqual([b.id]);
    expect(rotated.without([b.id]).ids()).toEqual([b.id, a.id]);
  });
});

describe('loadMasterKeyring', () => {
  it('creates the key file with mode 0600 on first start and reads the same key after', async () => {
    const dataDir = makeDataDir();
    const first = await loadMasterKeyring({ masterKey: null, dataDir });
    const file = masterKeyFilePath(dataDir);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toContain(first.current.key.toString('hex'));
    const second = await loadMasterKeyring({ masterKey: null, dataDir });
    expect(second.current.id).toBe(first.current.id);
    expect(second.current.key.equals(first.current.key)).toBe(true);
  });

  it('creates one key when several processes start at once', async () => {
    const dataDir = makeDataDir();
    const rings = await Promise.all(
      Array.from({ length: 8 }, () => loadMasterKeyring({ masterKey: null, dataDir })),
    );
    expect(new Set(rings.map((ring) => ring.current.id)).size).toBe(1);
    expect(fs.readdirSync(dataDir)).toEqual(['master.key']);
  });

  it.each([0o640, 0o604, 0o660, 0o606, 0o644])(
    'refuses to start when the key file has mode %s',
    async (mode) => {
      const dataDir = makeDataDir();
      await loadMasterKeyring({ masterKey: null, dataDir });
      fs.chmodSync(masterKeyFilePath(dataDir), mode);
      await expect(loadMasterKeyring({ masterKey: null, dataDir })).rejects.toThrow(
        /accessible to group or others/,
      );
      await expect(loadMasterKeyring({ masterKey: null, dataDir })).rejects.toBeInstanceOf(
        MasterKeyError,
      );
    },
  );

  it('uses a configured key as current and keeps the file keys for reading', async () => {
    const dataDir = makeDataDir();
    const fromFile = await loadMasterKeyring({ masterKey: null, dataDir });
    const configured = Buffer.alloc(32, 0xab);
    const ring = await loadMasterKeyring({ masterKey: configured, dataDir });
    expect(ring.current.key.equals(configured)).toBe(true);
    expect(ring.find(fromFile.current.id)).toBeDefined();
  });

  it('creates no file when a key is configured', async () => {
    const dataDir = makeDataDir();
    const ring = await loadMasterKeyring({ masterKey: Buffer.alloc(32, 1), dataDir });
    expect(ring.ids()).toHaveLength(1);
    expect(fs.existsSync(masterKeyFilePath(dataDir))).toBe(false);
  });

  it('reads older keys after the current one from the file', async () => {
    const dataDir = makeDataDir();
    const [a, b] = [generateMasterKey(), generateMasterKey()];
    await writeMasterKeyFile(masterKeyFilePath(dataDir), [b, a]);
    expect(fs.statSync(masterKeyFilePath(dataDir)).mode & 0o777).toBe(0o600);
    const ring = await loadMasterKeyring({ masterKey: null, dataDir });
    expect(ring.current.id).toBe(b.id);
    expect(ring.ids()).toEqual([b.id, a.id]);
  });

  it('refuses a malformed or empty key file', async () => {
    const dataDir = makeDataDir();
    const file = masterKeyFilePath(dataDir);
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, '# nothing here\n', { mode: 0o600 });
    await expect(readMasterKeyFile(file)).rejects.toThrow(/holds no key/);
    fs.writeFileSync(file, 'abcd\n', { mode: 0o600 });
    await expect(readMasterKeyFile(file)).rejects.toThrow(/:1: a key is 64 hex characters/);
    await expect(readMasterKeyFile(path.join(dataDir, 'none'))).resolves.toBeNull();
  });
});
