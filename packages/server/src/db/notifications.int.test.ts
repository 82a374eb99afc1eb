// The notifications port's contract, on the database under test (CALLVAULT_TEST_DB): what every
// implementation promises (delivery to listeners, unsubscribe, payload bound, nothing from a
// rolled-back transaction), then what PostgreSQL's adds (delivery to another process's
// connection, and a listening connection that comes back after its backend is terminated, with
// listeners told to resync).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { openDatabase, type DatabaseHandle } from './database.js';
import {
  MAX_NOTIFICATION_PAYLOAD_BYTES,
  NOTIFICATION_CHANNELS,
  type NotificationListener,
} from './notifications.js';

const { liveCommands, liveResults } = NOTIFICATION_CHANNELS;

async function waitFor(what: string, probe: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const settle = (ms = 150): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function recorder(): NotificationListener & { payloads: string[]; resyncs: number } {
  const state = {
    payloads: [] as string[],
    resyncs: 0,
    onNotification: (payload: string) => state.payloads.push(payload),
    onResync: () => {
      state.resyncs++;
    },
  };
  return state;
}

describe(`database notifications on ${testDialect}`, () => {
  let database: TestDatabase;
  /** A second handle on the same database: another process, as far as connections go. */
  let other: DatabaseHandle;

  beforeAll(async () => {
    database = await createTestDatabase();
    other = openDatabase(database.config);
  });
  afterAll(async () => {
    await other.close();
    await database.drop();
  });

  it('delivers a notification to the listeners of its channel only, in order, until they stop', async () => {
    const { notifications, db } = database;
    const commands = recorder();
    const results = recorder();
    const stopCommands = notifications.listen(liveCommands, commands);
    const stopResults = notifications.listen(liveResults, results);
    // PostgreSQL: the listening connection opens on the first listen; resync says it is ready.
    if (notifications.crossProcess) await waitFor('listening', () => commands.resyncs > 0);
    await notifications.notify(db, liveCommands, 'session-1');
    await notifications.notify(db, liveCommands, 'session-2');
    await notifications.notify(db, liveResults, 'command-1');
    await waitFor('both commands', () => commands.payloads.length === 2);
    await waitFor('the result', () => results.payloads.length === 1);
    expect(commands.payloads).toEqual(['session-1', 'session-2']);
    expect(results.payloads).toEqual(['command-1']);

    stopCommands();
    await notifications.notify(db, liveCommands, 'session-3');
    await notifications.notify(db, liveResults, 'command-2');
    await waitFor('the second result', () => results.payloads.length === 2);
    await settle();
    expect(commands.payloads).toEqual(['session-1', 'session-2']);
    stopResults();
  });

  it('a listener that throws does not keep the others from hearing', async () => {
    const { notifications, db } = database;
    const heard = recorder();
    const stopThrowing = notifications.listen(liveCommands, {
      onNotification: () => {
        throw new Error('listener failure');
      },
    });
    const stopHeard = notifications.listen(liveCommands, heard);
    if (notifications.crossProcess) await settle(300);
    await notifications.notify(db, liveCommands, 'after-a-throw');
    await waitFor('the notification', () => heard.payloads.includes('after-a-throw'));
    stopThrowing();
    stopHeard();
  });

  it('refuses a payload over the bound before it reaches the database', async () => {
    const { notifications, db } = database;
    await expect(
      notifications.notify(db, liveCommands, 'x'.repeat(MAX_NOTIFICATION_PAYLOAD_BYTES + 1)),
    ).rejects.toThrow(RangeError);
  });

  if (testDialect === 'postgres') {
    it('another process hears it; a transaction that rolls back sends nothing, one that commits sends at commit', async () => {
      const heard = recorder();
      const stop = other.notifications.listen(liveResults, heard);
      await waitFor('listening', () => heard.resyncs > 0);
      const { db, notifications } = database;
      await db
        .transaction()
        .execute(async (trx) => {
          await notifications.notify(trx, liveResults, 'rolled-back');
          throw new Error('roll back');
        })
        .catch(() => undefined);
      await db.transaction().execute(async (trx) => {
        await notifications.notify(trx, liveResults, 'committed');
        await settle(100);
        // Not before the commit.
        expect(heard.payloads).toEqual([]);
      });
      await waitFor('the committed one', () => heard.payloads.length === 1);
      await settle();
      expect(heard.payloads).toEqual(['committed']);
      stop();
    });

    it('the listening connection comes back after its backend is terminated; listeners resync and hear again', async () => {
      const heard = recorder();
      const stop = other.notifications.listen(liveCommands, heard);
      await waitFor('listening', () => heard.resyncs > 0);
      const resyncsBefore = heard.resyncs;
      const dbName = new URL(
        database.config.kind === 'postgres' ? database.config.url : 'postgres://x/none',
      ).pathname.slice(1);
      const admin = new pg.Client({
        connectionString:
          process.env.CALLVAULT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      });
      admin.on('error', () => undefined);
      await admin.connect();
      try {
        const terminated = await admin.query(
          `select pg_terminate_backend(pid) from pg_stat_activity
            where datname = $1 and query ilike 'LISTEN%'`,
          [dbName],
        );
        expect(terminated.rowCount).toBeGreaterThan(0);
      } finally {
        await admin.end();
      }
      await waitFor('the resync after reconnecting', () => heard.resyncs > resyncsBefore, 10_000);
      await database.notifications.notify(database.db, liveCommands, 'after-reconnect');
      await waitFor('a notification on the new connection', () =>
        heard.payloads.includes('after-reconnect'),
      );
      stop();
    });
  } else {
    it('SQLite: notifications stay within the process (other processes poll)', async () => {
      expect(database.notifications.crossProcess).toBe(false);
      const heard = recorder();
      const stop = other.notifications.listen(liveCommands, heard);
      await database.notifications.notify(database.db, liveCommands, 'elsewhere');
      await settle();
      expect(heard.payloads).toEqual([]);
      stop();
    });
  }
});
