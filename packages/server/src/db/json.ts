/** Structured columns are JSON text in both dialects. */
export function parseJsonColumn<T>(text: string): T {
  return JSON.parse(text) as T;
}

export function toJsonColumn(value: unknown): string {
  return JSON.stringify(value);
}

/** Portable check for a unique-constraint violation from better-sqlite3 or pg. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; message?: unknown };
  return (
    e.code === '23505' ||
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
