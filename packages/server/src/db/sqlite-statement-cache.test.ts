// Reused SQLite statements: the same text is prepared once, a statement still iterating is not
// handed out twice, the cache stays within its capacity, and results are those of fresh
// statements.
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqliteStatementCache } from './sqlite-statement-cache.js';

let sqlite: SQLite.Database;

beforeEach(() => {
  sqlite = new SQLite(':memory:');
  sqlite.exec('create table t (id integer primary key, name text)');
  const insert = sqlite.prepare('insert into t (name) values (?)');
  for (const name of ['a', 'b', 'c']) insert.run(name);
});

afterEach(() => {
  if (sqlite.open) sqlite.close();
});

describe('SqliteStatementCache', () => {
  it('prepares a statement once and gives the same results as a fresh one', () => {
    const prepare = vi.spyOn(sqlite, 'prepare');
    const cache = new SqliteStatementCache(sqlite);
    const select = 'select name from t where id > ? order by id';
    expect(cache.prepare(select).all([1])).toEqual([{ name: 'b' }, { name: 'c' }]);
    expect(cache.prepare(select).all([2])).toEqual([{ name: 'c' }]);
    expect(cache.prepare(select)).toBe(cache.prepare(select));
    expect(prepare).toHaveBeenCalledTimes(1);
    expect(cache.prepare('insert into t (name) values (?)').run(['d']).changes).toBe(1);
    expect(cache.prepare(select).all([3])).toEqual([{ name: 'd' }]);
  });

  it('gives a statement of its own to a query whose kept statement is still iterating', () => {
    const cache = new SqliteStatementCache(sqlite);
    const select = 'select name from t order by id';
    const streaming = cache.prepare(select);
    const rows = streaming.iterate([]);
    expect(rows.next().value).toEqual({ name: 'a' });
    const other = cache.prepare(select);
    expect(other).not.toBe(streaming);
    expect(other.all([])).toHaveLength(3);
    expect([...rows]).toEqual([{ name: 'b' }, { name: 'c' }]);
    // Done iterating: the kept one is handed out again.
    expect(cache.prepare(select)).toBe(streaming);
  });

  it('keeps at most its capacity, dropping the least recently used', () => {
    const prepare = vi.spyOn(sqlite, 'prepare');
    const cache = new SqliteStatementCache(sqlite, 2);
    const q = (n: number): string => `select ${n} as n`;
    cache.prepare(q(1));
    cache.prepare(q(2));
    cache.prepare(q(1)); // 1 is now the most recent
    cache.prepare(q(3)); // drops 2
    expect(cache.size).toBe(2);
    expect(prepare).toHaveBeenCalledTimes(3);
    cache.prepare(q(1));
    cache.prepare(q(3));
    expect(prepare).toHaveBeenCalledTimes(3);
    cache.prepare(q(2));
    expect(prepare).toHaveBeenCalledTimes(4);
    expect(() => new SqliteStatementCache(sqlite, 0)).toThrow(RangeError);
  });

  it('follows a schema change under a kept statement, and closes the database', () => {
    const cache = new SqliteStatementCache(sqlite);
    const select = 'select * from t where id = ?';
    expect(cache.prepare(select).get([1])).toEqual({ id: 1, name: 'a' });
    sqlite.exec('alter table t add column note text');
    expect(cache.prepare(select).get([1])).toEqual({ id: 1, name: 'a', note: null });
    cache.close();
    expect(sqlite.open).toBe(false);
    expect(cache.size).toBe(0);
  });
});
