import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { JobQueue } from '../jobs/job-queue.js';
import { createFinalizeSweep, CAPTURE_FINALIZE_JOB } from './capture.jobs.js';
import {
  FAILED_FILE,
  journalDirFor,
  listPendingJournals,
  listUnfinishedJournals,
  readFailedFile,
} from '@callvault/recorder';
import {
  createDiskSpaceGuard,
  diskSpaceHealthCheck,
  registerDiskSpaceMetric,
  statfsFreeBytes,
} from './disk-space.js';

describe('disk space guard', () => {
  it('has room while every path has the minimum; degraded health names the low path and its bytes', async () => {
    const free: Record<string, number> = { '/j': 5_000, '/d': 50_000 };
    const guard = createDiskSpaceGuard({
      paths: ['/j', '/d', '/j'],
      minFreeBytes: 10_000,
      probe: (p) => Promise.resolve(free[p]!),
    });
    const health = diskSpaceHealthCheck(guard);
    expect(await health.check()).toEqual({
      status: 'degraded',
      detail: expect.stringMatching(/minimum of 10000 bytes.*\/j: 5000 bytes free/),
    });
    expect(guard.hasRoom()).toBe(false);
    expect(guard.readings().map((r) => r.path)).toEqual(['/j', '/d']);
    free['/j'] = 20_000;
    expect(await health.check()).toMatchObject({ status: 'ok' });
    expect(guard.hasRoom()).toBe(true);
  });

  it('a path statfs cannot read counts as low (nothing can be written there)', async () => {
    const guard = createDiskSpaceGuard({
      paths: ['/gone'],
      minFreeBytes: 1,
      probe: () => Promise.reject(new Error('ENOENT: no such file or directory')),
    });
    const result = await diskSpaceHealthCheck(guard).check();
    expect(result.status).toBe('degraded');
    expect(result.detail).toContain('unreadable (ENOENT');
    expect(guard.hasRoom()).toBe(false);
  });

  it('reads real free space with statfs and shows it as callvault_disk_free_bytes{path}', async () => {
    const dir = os.tmpdir();
    expect(await statfsFreeBytes(dir)).toBeGreaterThan(0);
    // Not made yet: the disk it will be made on.
    expect(await statfsFreeBytes(path.join(dir, 'not-yet', 'blobs'))).toBeGreaterThan(0);
    const registry = new Registry();
    registerDiskSpaceMetric(registry, createDiskSpaceGuard({ paths: [dir], minFreeBytes: 1 }));
    expect(await registry.metrics()).toMatch(
      new RegExp(`^callvault_disk_free_bytes\\{path="${dir}"\\} [1-9]\\d*$`, 'm'),
    );
  });

  it('a minimum of 0 never refuses', async () => {
    const guard = createDiskSpaceGuard({
      paths: ['/full', '/gone'],
      minFreeBytes: 0,
      probe: (p) => (p === '/full' ? Promise.resolve(0) : Promise.reject(new Error('ENOENT'))),
    });
    expect(await diskSpaceHealthCheck(guard).check()).toMatchObject({ status: 'ok' });
    expect(guard.hasRoom()).toBe(true);
  });

  it('tells when room is lost and when it comes back', async () => {
    let bytes = 100;
    const changes: boolean[] = [];
    const guard = createDiskSpaceGuard({
      paths: ['/j'],
      minFreeBytes: 50,
      probe: () => Promise.resolve(bytes),
      intervalMs: 5,
    });
    await guard.refresh();
    guard.start((room) => changes.push(room));
    bytes = 10;
    await waitUntil(() => changes.length === 1);
    bytes = 60;
    await waitUntil(() => changes.length === 2);
    guard.stop();
    expect(changes).toEqual([false, true]);
  });
});

async function waitUntil(ok: () => boolean): Promise<void> {
  const until = Date.now() + 2_000;
  while (!ok()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('journals left by a full disk', () => {
  const journal = (dataDir: string, id: string, session: string | null, failed?: string) => {
    const dir = journalDirFor(dataDir, id);
    fs.mkdirSync(dir, { recursive: true });
    if (session !== null) fs.writeFileSync(path.join(dir, 'session.json'), session);
    if (failed !== undefined) fs.writeFileSync(path.join(dir, FAILED_FILE), failed);
    return dir;
  };

  it('an empty or cut-short failed.json does not block finalize; a whole one does', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-journal-'));
    try {
      const closed = JSON.stringify({ sessionId: 'a', closed: { endedAt: 1 } });
      const empty = journal(dataDir, 'empty', closed, '');
      const cut = journal(dataDir, 'cut', '{"sessionId":"b"}', '{"code":"disk-fu');
      const whole = journal(dataDir, 'whole', closed, JSON.stringify({ code: 'no-media' }));
      const truncatedSession = journal(dataDir, 'trunc', '{"sessionId":');
      journal(dataDir, 'no-session', null);
      expect(readFailedFile(empty)).toBeNull();
      expect(readFailedFile(whole)).toMatchObject({ code: 'no-media' });
      const pending = listPendingJournals(dataDir);
      expect(pending).toHaveLength(3);
      expect(pending).toEqual(
        expect.arrayContaining([
          { dir: empty, recovered: false },
          { dir: cut, recovered: true },
          { dir: truncatedSession, recovered: true },
        ]),
      );
      expect(listUnfinishedJournals(dataDir).sort()).toEqual([cut, truncatedSession].sort());
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('finalize sweep', () => {
  it('enqueues held-back finalizes once the disk has room, each once', async () => {
    const enqueued: Array<{ name: string; payload: unknown }> = [];
    let fail = false;
    const queue = {
      enqueue: (name: string, payload: unknown) => {
        if (fail) return Promise.reject(new Error('database down'));
        enqueued.push({ name, payload });
        return Promise.resolve('id');
      },
    } as unknown as JobQueue;
    let room = false;
    const sweep = createFinalizeSweep({ queue, hasRoom: () => Promise.resolve(room) });
    sweep.defer({ dir: '/j/a' });
    sweep.defer({ dir: '/j/b', recovered: true });
    sweep.defer({ dir: '/j/a' });
    expect(await sweep.sweep()).toBe(0);
    expect(sweep.deferred).toBe(2);
    room = true;
    fail = true;
    expect(await sweep.sweep()).toBe(0);
    expect(sweep.deferred).toBe(2);
    fail = false;
    expect(await sweep.sweep()).toBe(2);
    expect(sweep.deferred).toBe(0);
    expect(enqueued).toEqual([
      { name: CAPTURE_FINALIZE_JOB, payload: { dir: '/j/a' } },
      { name: CAPTURE_FINALIZE_JOB, payload: { dir: '/j/b', recovered: true } },
    ]);
    expect(await sweep.sweep()).toBe(0);
  });
});
