// Master keys (SPEC §9.4 CALLVAULT_MASTER_KEY): the key that wraps every data key. It comes from
// the configuration, or else from the key file `<dataDir>/master.key`, created on first start with
// mode 0600. A keyring holds the current key plus older ones that still wrap some data keys, so a
// rotation can run for hours and resume after a crash; a key's id is derived from the key itself,
// so ids need no storage and two copies of one key always agree.
//
// Key file format, one key per line as 64 hex characters; the first line is the current key:
//
//   # Callvault master keys ...
//   3f0c…(64 hex)
//   9a11…(64 hex)      <- older, kept until `callvault keys rotate` has finished
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { MasterKeyError } from './crypto-errors.js';

export const MASTER_KEY_BYTES = 32;
export const MASTER_KEY_FILE = 'master.key';

export interface MasterKey {
  /** 16 hex characters derived one-way from the key; safe to store and log. */
  readonly id: string;
  readonly key: Buffer;
}

/** An HMAC of a fixed label: reveals nothing of the key, and names it stably. */
export function deriveMasterKeyId(key: Buffer): string {
  return crypto
    .createHmac('sha256', key)
    .update('callvault master key id v1')
    .digest()
    .subarray(0, 8)
    .toString('hex');
}

export function createMasterKey(key: Buffer): MasterKey {
  if (key.length !== MASTER_KEY_BYTES) throw new MasterKeyError('a master key is 32 bytes');
  return Object.freeze({ id: deriveMasterKeyId(key), key: Buffer.from(key) });
}

export function generateMasterKey(): MasterKey {
  return createMasterKey(crypto.randomBytes(MASTER_KEY_BYTES));
}

export class MasterKeyring {
  private readonly byId: ReadonlyMap<string, MasterKey>;

  /** `current` wraps new data keys; `older` keys only open existing ones. */
  constructor(
    readonly current: MasterKey,
    older: readonly MasterKey[] = [],
  ) {
    const byId = new Map<string, MasterKey>([[current.id, current]]);
    for (const key of older) if (!byId.has(key.id)) byId.set(key.id, key);
    this.byId = byId;
  }

  find(id: string): MasterKey | undefined {
    return this.byId.get(id);
  }

  /** Current key first. */
  ids(): string[] {
    return [...this.byId.keys()];
  }

  keys(): MasterKey[] {
    return [...this.byId.values()];
  }

  /** A keyring whose current key is `key`, keeping every key of this one for reading. */
  withCurrent(key: MasterKey): MasterKeyring {
    return new MasterKeyring(key, this.keys());
  }

  /** A keyring without the given older keys (the current key always stays). */
  without(ids: readonly string[]): MasterKeyring {
    return new MasterKeyring(
      this.current,
      this.keys().filter((key) => !ids.includes(key.id)),
    );
  }
}

export function masterKeyFilePath(dataDir: string): string {
  return path.join(dataDir, MASTER_KEY_FILE);
}

function parseKeyFile(file: string, text: string): MasterKey[] {
  const keys: MasterKey[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (!/^[0-9a-fA-F]{64}$/.test(line)) {
      throw new MasterKeyError(`${file}:${index + 1}: a key is 64 hex characters`);
    }
    keys.push(createMasterKey(Buffer.from(line, 'hex')));
  });
  if (keys.length === 0) throw new MasterKeyError(`${file} holds no key`);
  return keys;
}

/**
 * The keys in a key file, current first, or null when there is no file. Refuses a file that
 * group or others may read or write: the key there opens every recording.
 */
export async function readMasterKeyFile(file: string): Promise<MasterKey[] | null> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new MasterKeyError(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new MasterKeyError(`${file} is not a file`);
    if ((stat.mode & 0o077) !== 0) {
      throw new MasterKeyError(
        `${file} is accessible to group or others (mode ${(stat.mode & 0o777).toString(8)}): ` +
          `run chmod 600 ${file} and consider the key exposed`,
      );
    }
    return parseKeyFile(file, await handle.readFile('utf8'));
  } finally {
    await handle.close();
  }
}

function formatKeyFile(keys: readonly MasterKey[]): string {
  return [
    '# Callvault master keys, one per line. The first wraps new data keys; later ones are kept',
    '# only until `callvault keys rotate` has re-wrapped every data key under the first.',
    '# Keep this file secret (mode 0600) and back it up: without it no recording can be read.',
    ...keys.map((key) => key.key.toString('hex')),
    '',
  ].join('\n');
}

/** Replaces the key file atomically (temp file, fsync, rename), mode 0600. */
export async function writeMasterKeyFile(file: string, keys: readonly MasterKey[]): Promise<void> {
  if (keys.length === 0) throw new MasterKeyError('a key file needs at least one key');
  const dir = path.dirname(file);
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(dir, `.${path.basename(file)}.${crypto.randomBytes(6).toString('hex')}`);
  const handle = await fsp.open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(formatKeyFile(keys), 'utf8');
    await handle.sync();
    await handle.close();
    await fsp.rename(temp, file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fsp.rm(temp, { force: true });
    throw error;
  }
}

export interface LoadMasterKeyringOptions {
  /** CALLVAULT_MASTER_KEY (config.masterKey); null to use the key file. */
  readonly masterKey: Buffer | null;
  readonly dataDir: string;
}

/**
 * The keyring the server starts with. A configured key is current; the key file, when present,
 * adds its keys for reading (so moving from the file to the variable loses nothing). Without a
 * configured key the file's first key is current, and a missing file is created with a new key.
 * Throws MasterKeyError (and the server refuses to start) on an unsafe or malformed file.
 */
export async function loadMasterKeyring(options: LoadMasterKeyringOptions): Promise<MasterKeyring> {
  const file = masterKeyFilePath(options.dataDir);
  const fileKeys = await readMasterKeyFile(file);
  if (options.masterKey !== null) {
    return new MasterKeyring(createMasterKey(options.masterKey), fileKeys ?? []);
  }
  if (fileKeys) {
    const [current, ...older] = fileKeys as [MasterKey, ...MasterKey[]];
    return new MasterKeyring(current, older);
  }
  const key = generateMasterKey();
  await fsp.mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  // Written in full under a temporary name, then linked into place: link() fails if the file
  // exists, so two processes starting at once never each create a different key, and a reader
  // never sees a half-written file.
  const temp = `${file}.${crypto.randomBytes(6).toString('hex')}.new`;
  await writeMasterKeyFile(temp, [key]);
  try {
    await fsp.link(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return loadMasterKeyring(options);
  } finally {
    await fsp.rm(temp, { force: true });
  }
  return new MasterKeyring(key);
}
