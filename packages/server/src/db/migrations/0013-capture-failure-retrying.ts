// A capture failure the finalize job is still retrying (a blob store outage): listed while the
// retries run, resolved by the job itself when one succeeds, and final (`retrying` 0, counted
// and alerted as every other failure) only when the retry horizon is spent.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('capture_failures')
    .addColumn('retrying', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('capture_failures_journal')
    .on('capture_failures')
    .column('journal_dir')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('capture_failures_journal').execute();
  await db.schema.alterTable('capture_failures').dropColumn('retrying').execute();
}
