// Keyset paging shared by list endpoints: results ordered by (sort key, id); the cursor carries the
// last row's pair, so pages stay stable while rows are added.
import { sql, type RawBuilder } from 'kysely';
import { invalid } from '../errors.js';

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

export function encodeCursor(key: string, id: string): string {
  return Buffer.from(JSON.stringify([key, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { key: string; id: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      parsed.every((v) => typeof v === 'string')
    ) {
      return { key: parsed[0] as string, id: parsed[1] as string };
    }
  } catch {
    // fall through to the validation error
  }
  throw invalid('cursor is not valid; use the Link header of the previous page');
}

/** Splits `limit + 1` fetched rows into a page and the cursor for the next one. */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => [string, string]): Page<T> {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  if (last === undefined) return { items, nextCursor: null };
  const [key, id] = keyOf(last);
  return { items, nextCursor: encodeCursor(key, id) };
}

/**
 * Escapes LIKE's wildcards (`%`, `_`) and its escape character (the backslash) so that user input
 * matches literally; use the pattern with `likes` or LIKE_ESCAPE, which name the escape character.
 */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, '\\$&');
}

/** A LIKE pattern matching `value` literally as a prefix. */
export function likePrefix(value: string): string {
  return `${escapeLike(value)}%`;
}

/** A LIKE pattern matching `value` literally anywhere. */
export function likeContaining(value: string): string {
  return `%${escapeLike(value)}%`;
}

/**
 * `ESCAPE '\'` (one backslash in SQL) after a LIKE pattern. SQLite has no default escape character
 * and PostgreSQL's default is not standard SQL, so every pattern names it.
 */
export const LIKE_ESCAPE = sql.raw(`escape '\\'`);

/** `column LIKE pattern ESCAPE '\'`, for patterns built with likePrefix / likeContaining. */
export function likes(column: string, pattern: string): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(column)} like ${pattern} ${LIKE_ESCAPE}`;
}

/** `(column, id) > cursor` as a row-value comparison (SQLite ≥ 3.15 and PostgreSQL). */
export function afterCursor(column: string, cursor: string): RawBuilder<boolean> {
  const { key, id } = decodeCursor(cursor);
  return sql<boolean>`(${sql.ref(column)}, ${sql.ref('id')}) > (${key}, ${id})`;
}

/** `(column, id) < cursor`: the next page of a list ordered newest first. */
export function beforeCursor(column: string, cursor: string): RawBuilder<boolean> {
  const { key, id } = decodeCursor(cursor);
  return sql<boolean>`(${sql.ref(column)}, ${sql.ref('id')}) < (${key}, ${id})`;
}
