// The pg-boss job queue against the shared contract. pg-boss always needs PostgreSQL, so this
// suite creates a throwaway PostgreSQL database even when CALLVAULT_TEST_DB=sqlite. Without a
// reachable server it skips locally and fails in CI.
import crypto from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.js';
import { describeJobQueueContract, type JobQueueHarness } from './job-queue.contract.js';
import { createPgBossJobQueue } from './pg-boss-job-queue.js';

const adminUrl = process.env.CALLVAULT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const inCi = process.env.CI === 'true';

async function isPostgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function runAdmin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function createPgBossHarness(): Promise<JobQueueHarness> {
  const name = `callvault_pgboss_${crypto.randomBytes(6).toString('hex')}`;
  await runAdmin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    open: () => {
      const handle = openDatabase({ kind: 'postgres', url: url.toString() });
      let closed = false;
      return Promise.resolve({
        queue: createPgBossJobQueue({
          db: handle.db,
          pollIntervalMs: 50,
          maintenanceIntervalSeconds: 1,
        }),
        closeConnection: async () => {
          if (closed) return;
          closed = true;
          await handle.close();
        },
      });
    },
    reset: async () => {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        await client.query(
          'DELETE FROM pgboss.job; DELETE FROM pgboss.archive; DELETE FROM pgboss.schedule',
        );
      } finally {
        await client.end();
      }
    },
    dispose: async () => {
      await runAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

const reachable = await isPostgresReachable();

if (reachable) {
  describeJobQueueContract('pg-boss', createPgBossHarness);
} else if (inCi) {
  describe('pg-boss job queue', () => {
    it('needs PostgreSQL, which CI must provide', () => {
      expect.fail(`PostgreSQL is not reachable at ${adminUrl}; pg-boss cannot be tested`);
    });
  });
} else {
  describe.skip(`pg-boss job queue: PostgreSQL not reachable at ${adminUrl} (required in CI)`, () => {
    it('runs the JobQueue contract on pg-boss', () => undefined);
  });
}
