// BlobStore on a local directory (the default, CALLVAULT_STORAGE_URL=file:). A key is a relative
// path under the root. Writes go to a temporary file in the target directory, are fsynced and
// renamed into place, so a crash leaves either the old object or the new one, never a torn file.
// Files are 0600 and directories 0700: recordings are personal data.
//
// A key cannot be both an object and the parent of other keys here ("a/b" and "a/b/c"), unlike on
// S3; Callvault's key layout never needs that.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { AppError } from '../errors.js';
import {
  BlobNotFoundError,
  assertBlobKey,
  assertBlobPrefix,
  assertHashableRead,
  checkReadBytes,
  checkReadStream,
  resolveBlobRange,
  type BlobData,
  type BlobHead,
  type BlobPutOptions,
  type BlobPutResult,
  type BlobRange,
  type BlobReadOptions,
  type BlobReadStream,
  type BlobStore,
} from './blob-store.js';

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
const TEMP_SUFFIX = '.tmp';

function isErrno(error: unknown, ...codes: string[]): boolean {
  return (
    error instanceof Error && codes.includes((error as NodeJS.ErrnoException).code ?? 'unknown')
  );
}

export class FsBlobStore implements BlobStore {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  private pathOf(key: string): string {
    assertBlobKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  /** The content type is not kept: files carry no metadata, and nothing reads it back. */
  async put(key: string, data: BlobData, _options?: BlobPutOptions): Promise<BlobPutResult> {
    const target = this.pathOf(key);
    const dir = path.dirname(target);
    // A concurrent delete may prune the directory between mkdir and open; try again then.
    for (let attempt = 1; ; attempt++) {
      await fsp.mkdir(dir, { recursive: true, mode: DIR_MODE });
      const temp = path.join(
        dir,
        `.${path.basename(target)}.${crypto.randomBytes(6).toString('hex')}${TEMP_SUFFIX}`,
      );
      let handle: fsp.FileHandle;
      try {
        handle = await fsp.open(temp, 'wx', FILE_MODE);
      } catch (error) {
        if (attempt < 5 && isErrno(error, 'ENOENT')) continue;
        throw error;
      }
      try {
        let size = 0;
        if (data instanceof Uint8Array) {
          await handle.writeFile(data);
          size = data.byteLength;
        } else {
          for await (const part of data) {
            await handle.writeFile(part);
            size += part.byteLength;
          }
        }
        await handle.sync();
        await handle.close();
        await fsp.rename(temp, target);
        await this.syncDirectory(dir);
        return { size };
      } catch (error) {
        await handle.close().catch(() => undefined);
        await fsp.rm(temp, { force: true });
        throw error;
      }
    }
  }

  /** Makes a rename durable: the directory entry itself must reach the disk. */
  private async syncDirectory(dir: string): Promise<void> {
    const handle = await fsp.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async get(key: string, options?: BlobReadOptions): Promise<Uint8Array> {
    const file = this.pathOf(key);
    let bytes: Uint8Array;
    try {
      bytes = await fsp.readFile(file);
    } catch (error) {
      if (isErrno(error, 'ENOENT', 'ENOTDIR', 'EISDIR')) throw new BlobNotFoundError(key);
      throw error;
    }
    return checkReadBytes(key, bytes, options);
  }

  async getStream(
    key: string,
    range?: BlobRange,
    options?: BlobReadOptions,
  ): Promise<BlobReadStream> {
    const file = this.pathOf(key);
    let handle: fsp.FileHandle;
    try {
      handle = await fsp.open(file, 'r');
    } catch (error) {
      if (isErrno(error, 'ENOENT', 'ENOTDIR')) throw new BlobNotFoundError(key);
      throw error;
    }
    try {
      // Size and bytes come from the same open file, so a concurrent replace cannot mix them.
      const stat = await handle.stat();
      if (!stat.isFile()) throw new BlobNotFoundError(key);
      const { start, end } = resolveBlobRange(range, stat.size);
      assertHashableRead(key, start === 0 && end === stat.size - 1, options);
      if (end < start) {
        // An empty object read whole: createReadStream has no way to say "no bytes".
        await handle.close();
        return checkReadStream(
          key,
          { stream: Readable.from([]), size: stat.size, start, end },
          options,
        );
      }
      return checkReadStream(
        key,
        {
          stream: handle.createReadStream({ start, end, autoClose: true }),
          size: stat.size,
          start,
          end,
        },
        options,
      );
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw error;
    }
  }

  async head(key: string): Promise<BlobHead | null> {
    const file = this.pathOf(key);
    try {
      const stat = await fsp.stat(file);
      return stat.isFile() ? { size: stat.size } : null;
    } catch (error) {
      if (isErrno(error, 'ENOENT', 'ENOTDIR')) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    try {
      await fsp.unlink(file);
    } catch (error) {
      if (isErrno(error, 'ENOENT', 'ENOTDIR')) return;
      if (isErrno(error, 'EISDIR', 'EPERM')) {
        // unlink on a directory: the key names a "folder" of other keys, not an object.
        const stat = await fsp.stat(file).catch(() => null);
        if (stat?.isDirectory()) return;
      }
      throw error;
    }
    await this.pruneEmptyDirectories(path.dirname(file));
  }

  /** Removes directories left empty by a delete, up to (not including) the root. */
  private async pruneEmptyDirectories(dir: string): Promise<void> {
    let current = dir;
    while (current.startsWith(this.root + path.sep)) {
      try {
        await fsp.rmdir(current);
      } catch {
        return; // not empty, already gone or busy: leave it
      }
      current = path.dirname(current);
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    assertBlobPrefix(prefix);
    // Start the walk at the deepest directory the prefix names in full.
    const slash = prefix.lastIndexOf('/');
    const baseKey = slash === -1 ? '' : prefix.slice(0, slash);
    const start = baseKey === '' ? this.root : path.join(this.root, ...baseKey.split('/'));
    yield* this.walk(start, baseKey, prefix);
  }

  private async *walk(dir: string, dirKey: string, prefix: string): AsyncGenerator<string> {
    let entries: fs.Dirent[];
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isErrno(error, 'ENOENT', 'ENOTDIR')) return;
      throw error;
    }
    for (const entry of entries) {
      // Dot-names are temporary files of writes in progress; keys never start a segment with one.
      if (entry.name.startsWith('.')) continue;
      const key = dirKey === '' ? entry.name : `${dirKey}/${entry.name}`;
      if (entry.isDirectory()) {
        // Descend only where keys below can still match the prefix.
        if (prefix.startsWith(`${key}/`) || `${key}/`.startsWith(prefix)) {
          yield* this.walk(path.join(dir, entry.name), key, prefix);
        }
      } else if (entry.isFile() && key.startsWith(prefix)) {
        yield key;
      }
    }
  }

  async check(): Promise<void> {
    try {
      await fsp.mkdir(this.root, { recursive: true, mode: DIR_MODE });
      await fsp.access(this.root, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
    } catch (error) {
      throw new AppError(
        'UNAVAILABLE',
        `blob directory ${this.root} is not usable: ${(error as Error).message}`,
      );
    }
  }
}
