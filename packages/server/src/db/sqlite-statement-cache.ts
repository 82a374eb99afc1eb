// Prepared SQLite statements kept for reuse. Kysely's SQLite driver prepares every query it runs;
// the catalogue runs the same few hundred statements again and again (a finalized call is a few
// dozen), and compiling them was a measurable share of a busy recorder's CPU. A statement is
// reused unless it is still iterating (a streamed query not yet read to its end), and the least
// recently used is dropped beyond `capacity`, so queries whose text varies (IN lists of several
// lengths) cannot grow the cache without bound. SQLite re-prepares a kept statement by itself when
// the schema changes under it.
import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

export const DEFAULT_STATEMENT_CACHE_SIZE = 500;

export class SqliteStatementCache implements SqliteDatabase {
  readonly #sqlite: SQLite.Database;
  readonly #capacity: number;
  /** Insertion order is use order: the first key is the least recently used. */
  readonly #statements = new Map<string, SQLite.Statement>();

  constructor(sqlite: SQLite.Database, capacity = DEFAULT_STATEMENT_CACHE_SIZE) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError('the statement cache needs a capacity of at least 1');
    }
    this.#sqlite = sqlite;
    this.#capacity = capacity;
  }

  /** How many statements are kept. */
  get size(): number {
    return this.#statements.size;
  }

  prepare(sql: string): SQLite.Statement {
    const kept = this.#statements.get(sql);
    if (kept !== undefined && !kept.busy) {
      this.#statements.delete(sql);
      this.#statements.set(sql, kept);
      return kept;
    }
    const statement = this.#sqlite.prepare(sql);
    // A busy one stays kept for later; this query gets a statement of its own.
    if (kept === undefined) {
      this.#statements.set(sql, statement);
      if (this.#statements.size > this.#capacity) {
        const oldest = this.#statements.keys().next().value as string;
        this.#statements.delete(oldest);
      }
    }
    return statement;
  }

  close(): void {
    this.#statements.clear();
    this.#sqlite.close();
  }
}
