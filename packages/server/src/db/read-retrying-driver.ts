// A Kysely driver decorator that runs a SELECT again, on a fresh connection, when its connection
// was lost (PostgreSQL restarted, the backend was terminated): a read outside a transaction is
// safe to repeat, and after a fast restart the pooled connection it was given may be one the
// server has just closed. Writes, raw SQL and everything inside a transaction go through once;
// whole transactions are retried by their callers (withDbRetry) where that is safe.
import type {
  CompiledQuery,
  DatabaseConnection,
  Driver,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';
import { withDbRetry, type RetryOptions } from './connection-loss.js';

class ReadRetryingConnection implements DatabaseConnection {
  inTransaction = false;

  constructor(
    public inner: DatabaseConnection,
    private readonly driver: Driver,
    private readonly retry: RetryOptions,
  ) {}

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    if (this.inTransaction || compiledQuery.query.kind !== 'SelectQueryNode') {
      return this.inner.executeQuery<R>(compiledQuery);
    }
    let first = true;
    return withDbRetry(async () => {
      if (!first) await this.replaceInner();
      first = false;
      return this.inner.executeQuery<R>(compiledQuery);
    }, this.retry);
  }

  streamQuery<R>(compiledQuery: CompiledQuery, chunkSize?: number) {
    return this.inner.streamQuery<R>(compiledQuery, chunkSize);
  }

  /** Hands the broken connection back (the pool drops it) and takes a new one. */
  private async replaceInner(): Promise<void> {
    await this.driver.releaseConnection(this.inner).catch(() => undefined);
    this.inner = await this.driver.acquireConnection();
  }
}

/**
 * Three tries over about a second (150 ms, then 300 ms between them): a fast restart of
 * PostgreSQL is over by then, and a longer outage is reported (503) without keeping an SRC or an
 * API client waiting long.
 */
export const READ_RETRY: RetryOptions = { attempts: 3, delayMs: 150 };

export class ReadRetryingDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly retry: RetryOptions = READ_RETRY,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    // Nothing has been sent when a connection cannot be made: trying again is always safe.
    const connection = await withDbRetry(() => this.inner.acquireConnection(), this.retry);
    return new ReadRetryingConnection(connection, this.inner, this.retry);
  }

  async beginTransaction(c: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const connection = c as ReadRetryingConnection;
    await this.inner.beginTransaction(connection.inner, settings);
    connection.inTransaction = true;
  }

  async commitTransaction(c: DatabaseConnection): Promise<void> {
    const connection = c as ReadRetryingConnection;
    connection.inTransaction = false;
    await this.inner.commitTransaction(connection.inner);
  }

  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    const connection = c as ReadRetryingConnection;
    connection.inTransaction = false;
    await this.inner.rollbackTransaction(connection.inner);
  }

  async savepoint(
    c: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.inner.savepoint?.((c as ReadRetryingConnection).inner, name, compile);
  }

  async rollbackToSavepoint(
    c: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.inner.rollbackToSavepoint?.((c as ReadRetryingConnection).inner, name, compile);
  }

  async releaseSavepoint(
    c: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    await this.inner.releaseSavepoint?.((c as ReadRetryingConnection).inner, name, compile);
  }

  releaseConnection(c: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((c as ReadRetryingConnection).inner);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}
