// Usage history: the org's bytes and recordings as they stood at the end of each UTC day, written
// with every change to org_usage so the console can draw the last 90 days. Days before this table
// existed have no row; the current usage of every org is recorded as of today.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('org_usage_history')
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('bytes_used', 'bigint', (c) => c.notNull())
    .addColumn('recordings', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('org_usage_history_pk', ['org_id', 'day'])
    .execute();
  await sql`insert into org_usage_history (org_id, day, bytes_used, recordings, updated_at)
    select org_id, substr(updated_at, 1, 10), bytes_used, recordings, updated_at from org_usage`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('org_usage_history').execute();
}
