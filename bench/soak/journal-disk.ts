// The recorder's journal directory (<dataDir>/journal) on a small tmpfs of its own, so the
// `disk` fault can fill it (a filler file takes every free byte) and free it again without
// touching any other file system. Unmounted by the cleanup (lazily if something still holds it).
import fs from 'node:fs';
import path from 'node:path';
import type { Cleanup } from './cleanup.js';
import { mustRun, runSync } from './util.js';

const FILLER = '.soak-filler';

export class JournalDisk {
  private constructor(readonly dir: string) {}

  static async mount(dir: string, sizeMiB: number, cleanup: Cleanup): Promise<JournalDisk> {
    fs.mkdirSync(dir, { recursive: true });
    await mustRun(
      'mount',
      ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0700`, 'tmpfs', dir],
      10_000,
    );
    cleanup.add('unmount the journal tmpfs', () => {
      if (runSync('umount', [dir], 15_000) !== 0) runSync('umount', ['-l', dir], 15_000);
    });
    return new JournalDisk(dir);
  }

  /** Bytes free and in use. */
  usage(): { freeBytes: number; usedBytes: number } {
    const stats = fs.statfsSync(this.dir);
    return {
      freeBytes: stats.bavail * stats.bsize,
      usedBytes: (stats.blocks - stats.bfree) * stats.bsize,
    };
  }

  /**
   * Fills the file system: one file grown in 1 MiB writes, then 4 KiB writes, until ENOSPC (at
   * most as many writes as the free space has MiB, plus 1024). Returns the bytes taken.
   */
  fill(): number {
    const file = path.join(this.dir, FILLER);
    const fd = fs.openSync(file, 'a');
    let written = 0;
    try {
      for (const chunk of [Buffer.alloc(1 << 20, 0xa5), Buffer.alloc(4096, 0xa5)]) {
        const limit = Math.ceil(this.usage().freeBytes / chunk.length) + 1024;
        for (let i = 0; i < limit; i++) {
          try {
            written += fs.writeSync(fd, chunk);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
            throw err;
          }
        }
      }
    } finally {
      fs.closeSync(fd);
    }
    return written;
  }

  free(): void {
    fs.rmSync(path.join(this.dir, FILLER), { force: true });
  }

  /**
   * The session directories: `pending` (open, or closed and not finalized yet), `failed` (kept
   * with failed.json because finalizing failed) and `unreadable` (no session.json: nothing can
   * finalize them, not even crash recovery).
   */
  sessions(): { pending: number; failed: number; unreadable: number } {
    const counts = { pending: 0, failed: 0, unreadable: 0 };
    for (const entry of fs.readdirSync(this.dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = path.join(this.dir, entry.name);
      if (fs.existsSync(path.join(dir, 'failed.json'))) counts.failed++;
      else if (fs.existsSync(path.join(dir, 'session.json'))) counts.pending++;
      else counts.unreadable++;
    }
    return counts;
  }
}
