// Integration-test databases: a fresh SQLite file or a fresh PostgreSQL database per test file,
// chosen by CALLVAULT_TEST_DB (sqlite | postgres). The same suite runs unchanged on both.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { DatabaseConfig } from '../config/config.js';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../db/database.js';

export const testDialect: 'sqlite' | 'postgres' =
  process.env.CALLVAULT_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';

const adminUrl = process.env.CALLVAULT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase extends DatabaseHandle {
  readonly config: DatabaseConfig;
  readonly dataDir: string;
  drop(): Promise<void>;
}

/**
 * A short-lived client on the admin database. Its connection can break (the server restarts
 * under a fault test) after the query that used it: the error is then the query's rejection,
 * and the client's 'error' event, which would otherwise end the test process, is ignored.
 */
function adminClient(): pg.Client {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => undefined);
  return client;
}

/** Creates an empty, migrated database of the dialect under test. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-test-'));
  let config: DatabaseConfig;
  let dropRemote: () => Promise<void> = () => Promise.resolve();
  if (testDialect === 'postgres') {
    const name = `callvault_test_${crypto.randomBytes(6).toString('hex')}`;
    const admin = adminClient();
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    config = { kind: 'postgres', url: url.toString() };
    dropRemote = async () => {
      const client = adminClient();
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    };
  } else {
    config = { kind: 'sqlite', file: path.join(dataDir, 'callvault.db') };
  }
  const handle = openDatabase(config);
  await migrateToLatest(handle.db);
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return {
    db: handle.db,
    dialect: handle.dialect,
    connectionErrors: handle.connectionErrors,
    notifications: handle.notifications,
    config,
    dataDir,
    close,
    drop: async () => {
      await close();
      await dropRemote();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
