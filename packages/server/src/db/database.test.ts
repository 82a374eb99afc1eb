// Two writers on one SQLite file (`callvault import` beside a running `serve`): a transaction that
// reads and then writes must wait for the other writer's lock instead of failing with
// "database is locked".
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from './database.js';

const require = createRequire(import.meta.url);
const dirs: string[] = [];
const handles: DatabaseHandle[] = [];

afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/**
 * Another connection (in a worker thread, as another process would be) takes the write lock,
 * signals, holds it for `holdMs` and commits one row.
 */
function holdWriteLock(
  file: string,
  holdMs: number,
): { locked: Promise<void>; done: Promise<void> } {
  const worker = new Worker(
    `
    const { parentPort, workerData } = require('node:worker_threads');
    const SQLite = require(workerData.module);
    const db = new SQLite(workerData.file);
    db.pragma('busy_timeout = 5000');
    db.exec('BEGIN IMMEDIATE');
    db.prepare('INSERT INTO t (v) VALUES (?)').run('worker');
    parentPort.postMessage('locked');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.holdMs);
    db.exec('COMMIT');
    db.close();
    parentPort.postMessage('done');
    `,
    {
      eval: true,
      workerData: { file, holdMs, module: require.resolve('better-sqlite3') },
    },
  );
  let locked!: () => void;
  let done!: () => void;
  const lockedP = new Promise<void>((resolve) => (locked = resolve));
  const doneP = new Promise<void>((resolve, reject) => {
    done = resolve;
    worker.on('error', reject);
  });
  worker.on('message', (m) => (m === 'locked' ? locked() : done()));
  return { locked: lockedP, done: doneP };
}

describe('SQLite transactions', () => {
  it('wait for another connection’s write lock instead of failing with SQLITE_BUSY', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-db-'));
    dirs.push(dir);
    const file = path.join(dir, 'test.sqlite');
    const setup = new SQLite(file);
    setup.pragma('journal_mode = WAL');
    setup.exec('CREATE TABLE t (v TEXT NOT NULL)');
    setup.close();

    const handle = openDatabase({ kind: 'sqlite', file });
    handles.push(handle);
    const other = holdWriteLock(file, 300);
    await other.locked;
    // Read, then write, in one transaction: with BEGIN DEFERRED the write upgrade fails at once.
    const count = await handle.db.transaction().execute(async (trx) => {
      const before = await sql<{ n: number }>`select count(*) as n from t`.execute(trx);
      await sql`insert into t (v) values (${'main'})`.execute(trx);
      return Number(before.rows[0]?.n);
    });
    await other.done;
    // The transaction began after the other writer committed, so it saw its row.
    expect(count).toBe(1);
    const rows = await sql<{ v: string }>`select v from t order by rowid`.execute(handle.db);
    expect(rows.rows.map((r) => r.v)).toEqual(['worker', 'main']);
  });
});

describe('a full SQLite database', () => {
  it('a transaction the full disk refuses fails with SQLITE_FULL, not with its rollback', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-sqlite-full-'));
    dirs.push(dir);
    const handle = openDatabase({ kind: 'sqlite', file: path.join(dir, 'full.db') });
    handles.push(handle);
    await sql`create table filler (v text)`.execute(handle.db);
    // The database may grow no further: what a full disk does to SQLite's writes.
    const pages = await sql<{ page_count: number }>`pragma page_count`.execute(handle.db);
    await sql.raw(`pragma max_page_count = ${pages.rows[0]!.page_count}`).execute(handle.db);
    const error = await handle.db
      .transaction()
      .execute(async (trx) => {
        await sql`insert into filler (v) values (${'x'.repeat(100_000)})`.execute(trx);
      })
      .then(
        () => null,
        (e: unknown) => e as { code?: string },
      );
    expect(error?.code).toBe('SQLITE_FULL');
    // The connection is usable afterwards, and nothing was written.
    const count = await sql<{ n: number }>`select count(*) as n from filler`.execute(handle.db);
    expect(count.rows[0]!.n).toBe(0);
  });
});
