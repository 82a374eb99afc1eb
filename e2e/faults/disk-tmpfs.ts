// A small tmpfs for the disk-full scenarios (we run as root: `mount -t tmpfs`), filled to the
// last byte with one file and freed by removing it. Outside CI a machine where mounting is not
// allowed skips the scenario with a warning; in CI that is a failure.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface Tmpfs {
  readonly dir: string;
  /** Writes one file until the file system refuses (ENOSPC); returns its size. */
  fill(): number;
  /** Removes the filling file. */
  free(): void;
  /** Detaches the mount (lazily: a process may still hold files open on it). */
  unmount(): void;
}

export function mountTmpfs(dir: string, sizeBytes: number): Tmpfs {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], {
    stdio: 'pipe',
  });
  const filler = path.join(dir, 'filler.bin');
  let mounted = true;
  return {
    dir,
    fill() {
      const fd = fs.openSync(filler, 'a');
      const block = Buffer.alloc(1 << 20, 0xa5);
      let size = fs.fstatSync(fd).size;
      try {
        for (let chunk = block; chunk.length > 0;) {
          try {
            size += fs.writeSync(fd, chunk);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
            // The last blocks: smaller writes until not even one byte fits.
            chunk = chunk.subarray(0, chunk.length >> 1);
          }
        }
      } finally {
        fs.closeSync(fd);
      }
      return size;
    },
    free() {
      fs.rmSync(filler, { force: true });
    },
    unmount() {
      if (!mounted) return;
      mounted = false;
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    },
  };
}
