// The language a person chose for the console (`en`, `sv`). Null (every existing person) = no
// choice yet: the console follows the browser. Distinct from the announcement language, which is
// what the person's callers hear.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('people').addColumn('console_language', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('people').dropColumn('console_language').execute();
}
