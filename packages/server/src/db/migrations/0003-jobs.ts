// The embedded job queue's table (jobs/embedded-job-queue.ts). pg-boss keeps its own schema
// (`pgboss`) and does not use this table. Times are ISO-8601 UTC text like every other table, so
// the claim query compares strings the same way on SQLite and PostgreSQL.
import { sql, type Kysely } from 'kysely';

const PENDING_STATES = sql.raw(`('queued', 'retry', 'active')`);

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('singleton_key', 'text')
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('run_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('retry_limit', 'integer', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .execute();

  // Claiming: the next due job of one name, highest priority first.
  await db.schema
    .createIndex('jobs_claim')
    .on('jobs')
    .columns(['name', 'state', 'priority', 'run_at'])
    .execute();
  // Reaping: active jobs whose worker stopped renewing its lease.
  await db.schema.createIndex('jobs_lease').on('jobs').columns(['state', 'locked_until']).execute();
  // Removing old finished jobs.
  await db.schema
    .createIndex('jobs_finished')
    .on('jobs')
    .columns(['state', 'completed_at'])
    .execute();
  // At most one pending job per (name, singleton key): the database, not a read-then-write race,
  // makes enqueue idempotent.
  await db.schema
    .createIndex('jobs_singleton')
    .on('jobs')
    .columns(['name', 'singleton_key'])
    .unique()
    .where(sql<boolean>`singleton_key IS NOT NULL AND state IN ${PENDING_STATES}`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('jobs').execute();
}
