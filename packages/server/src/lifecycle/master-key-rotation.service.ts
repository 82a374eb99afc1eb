// `callvault keys rotate` (SPEC §6): re-wraps every data key under a new master key without
// touching the audio (crypto/encrypted-blob-store.ts rotateMasterKey), in an order that survives
// a crash at any point:
//   1. key file: the new key first, every old key kept (new objects use the new key; every
//      object stays readable);
//   2. rotateMasterKey over every key record (idempotent; a rerun finishes an interrupted one);
//   3. key file: only the new key (the old one no longer opens anything).
// With CALLVAULT_MASTER_KEY set the key lives outside the data dir: the operator passes the new
// key (`--new-key`), and sets the variable to it afterwards; the key file is not written.
// Processes that are running keep the keyring they started with, so they must be restarted
// after a rotation (or stopped during it): an object they write with the old key after step 3
// could not be read once they restart.
import { AppError } from '../errors.js';
import {
  MasterKeyring,
  createMasterKey,
  generateMasterKey,
  masterKeyFilePath,
  readMasterKeyFile,
  rotateMasterKey,
  writeMasterKeyFile,
  KEY_RECORD_SUFFIX,
  type MasterKey,
  type RotationProgress,
} from '../crypto/index.js';
import type { BlobStore } from '../storage/blob-store.js';

export interface RotateMasterKeysOptions {
  readonly dataDir: string;
  /** CALLVAULT_MASTER_KEY, or null when the key file holds the keys. */
  readonly configuredKey: Buffer | null;
  /** The new key; generated when the key file is used, required with CALLVAULT_MASTER_KEY. */
  readonly newKey?: Buffer | null;
  readonly onProgress?: (progress: RotationProgress) => void;
}

export interface RotateMasterKeysResult {
  readonly newKeyId: string;
  readonly retiredKeyIds: readonly string[];
  readonly progress: RotationProgress;
  /** The key file rewritten with only the new key, or null in CALLVAULT_MASTER_KEY mode. */
  readonly keyFile: string | null;
  /** CALLVAULT_MASTER_KEY mode: the value the variable must be set to now. */
  readonly setMasterKeyTo: string | null;
}

/** Counts the key records (one per encrypted object) under the blob store, for a progress bar. */
export async function countEncryptedObjects(inner: BlobStore): Promise<number> {
  let n = 0;
  for await (const key of inner.list('')) if (key.endsWith(KEY_RECORD_SUFFIX)) n++;
  return n;
}

/** Parses `--new-key`: 64 hex characters. */
export function parseNewMasterKey(text: string): Buffer {
  if (!/^[0-9a-fA-F]{64}$/.test(text.trim())) {
    throw new AppError('VALIDATION_FAILED', '--new-key: a master key is 64 hex characters');
  }
  return Buffer.from(text.trim(), 'hex');
}

/** `inner` is the store under the encryption decorator (the raw files or bucket). */
export async function rotateMasterKeys(
  inner: BlobStore,
  options: RotateMasterKeysOptions,
): Promise<RotateMasterKeysResult> {
  const file = masterKeyFilePath(options.dataDir);
  const fileKeys = (await readMasterKeyFile(file)) ?? [];
  if (options.configuredKey !== null) {
    if (!options.newKey) {
      throw new AppError(
        'VALIDATION_FAILED',
        'CALLVAULT_MASTER_KEY is set: pass the new key with --new-key (64 hex characters), then set the variable to it',
      );
    }
    const current = createMasterKey(options.configuredKey);
    const next = createMasterKey(options.newKey);
    if (next.id === current.id) {
      throw new AppError('VALIDATION_FAILED', '--new-key is the key already in use');
    }
    const progress = await rotateMasterKey(
      inner,
      new MasterKeyring(current, fileKeys),
      next,
      options.onProgress ? { onProgress: options.onProgress } : {},
    );
    return {
      newKeyId: next.id,
      retiredKeyIds: [current, ...fileKeys].map((k) => k.id).filter((id) => id !== next.id),
      progress,
      keyFile: null,
      setMasterKeyTo: next.key.toString('hex'),
    };
  }
  const [current, ...older] = fileKeys;
  if (!current) {
    throw new AppError(
      'VALIDATION_FAILED',
      `no key file at ${file}: nothing is encrypted under a key from this data dir yet`,
    );
  }
  const next: MasterKey = options.newKey ? createMasterKey(options.newKey) : generateMasterKey();
  const old = [current, ...older].filter((k) => k.id !== next.id);
  await writeMasterKeyFile(file, [next, ...old]);
  const progress = await rotateMasterKey(
    inner,
    new MasterKeyring(current, older),
    next,
    options.onProgress ? { onProgress: options.onProgress } : {},
  );
  await writeMasterKeyFile(file, [next]);
  return {
    newKeyId: next.id,
    retiredKeyIds: old.map((k) => k.id),
    progress,
    keyFile: file,
    setMasterKeyTo: null,
  };
}
