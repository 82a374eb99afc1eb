// Capture failures (SPEC §5 "never a silent loss"): one row per captured call whose
// recording failed — a stream that never received media, a full disk, an encoder error — with the
// reason, the org's failure behaviour at the time, what was stored anyway, and the journal kept
// on the recorder's disk until an operator deals with it (`resolved_at`).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('capture_failures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('call_id', 'text', (c) => c.notNull())
    // no-media | disk-full | journal-write | encoder-error | store-error | no-owner | unreadable
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('failure_behavior', 'text')
    // JSON arrays: the owners the call had, the recordings stored anyway (partial audio)
    .addColumn('owner_ids', 'text', (c) => c.notNull())
    .addColumn('recording_ids', 'text', (c) => c.notNull())
    .addColumn('journal_dir', 'text', (c) => c.notNull())
    .addColumn('failed_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .execute();
  await db.schema
    .createIndex('capture_failures_org_failed')
    .on('capture_failures')
    .columns(['org_id', 'failed_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('capture_failures').execute();
}
