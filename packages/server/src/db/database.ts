// The database adapter: one Kysely instance over better-sqlite3 (the embedded default, WAL) or
// PostgreSQL. Repositories take `Db` (or a transaction of it) and write portable SQL.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  Migrator,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import {
  createConnectionErrorLog,
  isConnectionLoss,
  type ConnectionErrorLog,
} from './connection-loss.js';
import { migrationProvider } from './migrations/index.js';
import {
  createInProcessNotifications,
  createPostgresNotifications,
  type DbNotifications,
} from './notifications.js';
import { ReadRetryingDriver } from './read-retrying-driver.js';
import { SqliteStatementCache } from './sqlite-statement-cache.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
export type DbOrTrx = Db | Trx;
export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  readonly db: Db;
  readonly dialect: Dialect;
  /**
   * Errors of the connections themselves (PostgreSQL restarted, a backend terminated), which no
   * query saw: counted for /metrics and logged once per outage. Null for SQLite (a file).
   */
  readonly connectionErrors: ConnectionErrorLog | null;
  /**
   * Wake-ups between processes (LISTEN/NOTIFY on PostgreSQL; within this process on SQLite).
   * The listening connection opens on the first listen.
   */
  readonly notifications: DbNotifications;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Where connection errors are logged (once per outage); without it they are only counted. */
  readonly logger?: Logger;
  /**
   * SQLite: how many prepared statements are kept for reuse (sqlite-statement-cache.ts); 0
   * prepares every query afresh, as Kysely does by itself. Default 500.
   */
  readonly sqliteStatementCache?: number;
}

// PostgreSQL returns int8 (counts, sums, bigint columns) as strings; every value we keep there
// fits in a double, so parse them once here instead of in every repository.
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): ((value: string) => unknown) =>
    oid === 20
      ? (value: string): number => Number(value)
      : (pg.types.getTypeParser(oid, format) as (
          value: string,
        ) => unknown)) as typeof pg.types.getTypeParser,
};

/**
 * SQLite transactions that take the write lock when they begin. Kysely begins DEFERRED: a
 * transaction that reads and then writes while another process (`callvault import` beside a
 * running `serve`) holds the lock fails at once with SQLITE_BUSY, because SQLite cannot wait
 * there without risking a deadlock. BEGIN IMMEDIATE waits for the lock under busy_timeout.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  readonly #sqlite: SQLite.Database;
  constructor(config: SqliteDialectConfig, sqlite: SQLite.Database) {
    super(config);
    this.#sqlite = sqlite;
  }
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
  /**
   * Some errors (SQLITE_FULL on a full disk, SQLITE_IOERR) make SQLite roll the transaction back
   * itself; a ROLLBACK then fails with "no transaction is active" and that error would replace
   * the one that says what went wrong.
   */
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (!this.#sqlite.inTransaction) return;
    await super.rollbackTransaction(connection);
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  readonly #sqlite: SQLite.Database;
  /** Queries run through `config.database` (the statement cache) over the `sqlite` handle. */
  constructor(config: SqliteDialectConfig, sqlite: SQLite.Database) {
    super(config);
    this.#config = config;
    this.#sqlite = sqlite;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config, this.#sqlite);
  }
}

/** PostgreSQL whose reads outside transactions survive a lost connection (read-retrying-driver.ts). */
class ReadRetryingPostgresDialect extends PostgresDialect {
  override createDriver(): Driver {
    return new ReadRetryingDriver(super.createDriver());
  }
}

export function openDatabase(
  config: DatabaseConfig,
  options: OpenDatabaseOptions = {},
): DatabaseHandle {
  if (config.kind === 'sqlite') {
    fs.mkdirSync(path.dirname(config.file), { recursive: true });
    const sqlite = new SQLite(config.file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    const db = new Kysely<Database>({
      dialect: new ImmediateSqliteDialect(
        {
          database:
            options.sqliteStatementCache === 0
              ? sqlite
              : new SqliteStatementCache(sqlite, options.sqliteStatementCache),
        },
        sqlite,
      ),
    });
    const notifications = createInProcessNotifications();
    return {
      db,
      dialect: 'sqlite',
      connectionErrors: null,
      notifications,
      close: async () => {
        await notifications.close();
        await db.destroy();
      },
    };
  }
  const pool = new pg.Pool({
    connectionString: config.url,
    max: 10,
    types: pgTypes,
    // An unreachable server (not one that refuses) fails a query in 5 s instead of hanging it.
    connectionTimeoutMillis: 5000,
    keepAlive: true,
  });
  const connectionErrors = createConnectionErrorLog({
    logger: options.logger?.child({ module: 'db' }) ?? null,
    message: 'a PostgreSQL connection failed',
  });
  // node-postgres emits 'error' on a client whose connection breaks (a restart of the server,
  // pg_terminate_backend) even when no query is running on it, and on the pool for its idle
  // clients; an 'error' event nobody listens to ends the process. Every client gets a listener
  // for as long as it lives (the pool's own only covers it while idle); the pool already drops
  // a broken client and the next query opens a new connection, so counting and logging is all
  // that is left to do. A query that was running gets the error as its rejection as well.
  pool.on('connect', (client) => {
    client.on('error', (err) => connectionErrors.report(err, 'connection'));
    // A new connection after errors: the server is back.
    connectionErrors.recovered();
  });
  // Connections that cannot be made (the server is down or starting) are counted the same way.
  // (Kysely asks for connections with the promise form; the callback form passes through.)
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => Promise<pg.PoolClient>;
  pool.connect = ((...args: unknown[]) => {
    if (args.length > 0) return connect(...args);
    return connect().catch((err: unknown) => {
      if (isConnectionLoss(err)) connectionErrors.report(err, 'connect');
      throw err;
    });
  }) as typeof pool.connect;
  pool.on('error', () => {
    // Already reported by the client's own listener above.
  });
  const db = new Kysely<Database>({ dialect: new ReadRetryingPostgresDialect({ pool }) });
  const notifications = createPostgresNotifications({
    connectionString: config.url,
    logger: options.logger?.child({ module: 'db' }) ?? null,
  });
  return {
    db,
    dialect: 'postgres',
    connectionErrors,
    notifications,
    close: async () => {
      await notifications.close();
      await db.destroy();
    },
  };
}

export interface MigrationReport {
  readonly applied: string[];
}

/** Brings the schema to the newest version; safe to run on every start and concurrently. */
export async function migrateToLatest(db: Db): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(JSON.stringify(error));
  return {
    applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
  };
}

/** Which dialect a connection or transaction speaks (repositories need it for locks and FTS). */
export function dialectOf(db: DbOrTrx): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}
