import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { createLogger } from '../observability/logger.js';
import {
  createConnectionErrorLog,
  databaseUnavailable,
  isConnectionLoss,
  withDbRetry,
} from './connection-loss.js';

/** A pg DatabaseError as node-postgres makes it: a message and the SQLSTATE in `code`. */
const pgError = (code: string, message = 'error'): Error =>
  Object.assign(new Error(message), { code, severity: 'FATAL' });

describe('isConnectionLoss', () => {
  it.each([
    [
      '57P01 admin_shutdown',
      pgError('57P01', 'terminating connection due to administrator command'),
    ],
    ['57P02 crash_shutdown', pgError('57P02')],
    ['57P03 cannot_connect_now', pgError('57P03', 'the database system is starting up')],
    ['08006 connection_failure', pgError('08006')],
    ['08003 connection_does_not_exist', pgError('08003')],
    [
      'ECONNREFUSED',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ],
    ['ECONNRESET', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['"Connection terminated unexpectedly"', new Error('Connection terminated unexpectedly')],
    [
      '"Connection terminated due to connection timeout"',
      new Error('Connection terminated due to connection timeout'),
    ],
    ['a pool connect timeout', new Error('timeout exceeded when trying to connect')],
    [
      'a client no longer queryable',
      new Error('Client has encountered a connection error and is not queryable'),
    ],
    [
      'an AggregateError of refused addresses',
      new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })], ''),
    ],
    ['an error caused by one', new Error('query failed', { cause: pgError('57P01') })],
    ['DATABASE_UNAVAILABLE', databaseUnavailable()],
  ])('is true for %s', (_name, error) => {
    expect(isConnectionLoss(error)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', pgError('23505', 'duplicate key value')],
    ['a syntax error (42601)', pgError('42601')],
    ['a serialization failure (40001)', pgError('40001')],
    ['query_canceled (57014)', pgError('57014')],
    ['SQLITE_BUSY', Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })],
    ['an AppError of another code', new AppError('NOT_FOUND', 'x')],
    ['a plain error', new Error('boom')],
    ['a string', 'Connection terminated'],
    ['null', null],
    ['undefined', undefined],
  ])('is false for %s', (_name, error) => {
    expect(isConnectionLoss(error)).toBe(false);
  });
});

describe('withDbRetry', () => {
  const noSleep = () => Promise.resolve();

  it('runs the work again while it loses the connection, and returns its result', async () => {
    let calls = 0;
    const waits: number[] = [];
    const result = await withDbRetry(
      () => {
        calls++;
        return calls < 3 ? Promise.reject(pgError('57P01')) : Promise.resolve('rows');
      },
      { sleep: (ms) => (waits.push(ms), Promise.resolve()) },
    );
    expect(result).toBe('rows');
    expect(calls).toBe(3);
    expect(waits).toEqual([250, 500]);
  });

  it('gives up after its attempts with DATABASE_UNAVAILABLE, the last loss as its cause', async () => {
    let calls = 0;
    const last = pgError('57P03');
    const error = await withDbRetry(
      () => {
        calls++;
        return Promise.reject(calls === 3 ? last : pgError('08006'));
      },
      { attempts: 3, sleep: noSleep },
    ).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('DATABASE_UNAVAILABLE');
    expect((error as { cause?: unknown }).cause).toBe(last);
  });

  it('throws any other error at once, unchanged and without retrying', async () => {
    let calls = 0;
    const unique = pgError('23505');
    await expect(
      withDbRetry(
        () => {
          calls++;
          return Promise.reject(unique);
        },
        { sleep: noSleep },
      ),
    ).rejects.toBe(unique);
    expect(calls).toBe(1);
  });
});

describe('createConnectionErrorLog', () => {
  function capture() {
    const lines: Array<{ level: number; msg: string; suppressedSinceLastLog?: number }> = [];
    const logger = createLogger({
      level: 'info',
      destination: {
        write: (line: string) => {
          lines.push(JSON.parse(line));
          return true;
        },
      } as unknown as NodeJS.WritableStream,
    });
    return { lines, logger };
  }

  it('logs the first error of an outage, counts the rest, and logs the recovery once', () => {
    const { lines, logger } = capture();
    let now = 0;
    const log = createConnectionErrorLog({
      logger,
      message: 'db down',
      quietMs: 30_000,
      now: () => now,
    });
    for (let i = 0; i < 50; i++) {
      log.report(pgError('57P01'));
      now += 200;
    }
    expect(log.total).toBe(50);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50 });
    expect(lines[0]?.msg).toMatch(/^db down/);

    // Still failing half a minute later: one more line saying how many were not logged.
    now += 30_000;
    log.report(pgError('57P01'));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ suppressedSinceLastLog: 49 });

    log.recovered();
    log.recovered();
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ level: 30, msg: 'db down: the database answers again' });

    // The next outage is logged at once.
    log.report(pgError('57P01'));
    expect(lines).toHaveLength(4);
  });
});
