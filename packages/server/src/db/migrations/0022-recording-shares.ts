// Sharing recordings (SPEC §7): a row per share of one recording with one person of its org,
// read-only, with an optional expiry and an optional right to download. A revoked share stays (who
// revoked it, when and why) so the owner and compliance officers see its history; the recording's
// deletion, purge or reassignment revokes its shares. Rows go with their recording when a
// compliance officer deletes it permanently (the audit log keeps the history).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('recording_shares')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('recording_id', 'text', (c) =>
      c.notNull().references('recordings.id').onDelete('cascade'),
    )
    .addColumn('recipient_id', 'text', (c) =>
      c.notNull().references('people.id').onDelete('cascade'),
    )
    .addColumn('shared_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    // ISO 8601; null: until revoked.
    .addColumn('expires_at', 'text')
    .addColumn('download_enabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('revoked_at', 'text')
    // The person who revoked it; null when it went with its recording (or retention did it).
    .addColumn('revoked_by', 'text')
    // revoked | recordingDeleted | recordingPurged | recordingReassigned
    .addColumn('revoke_reason', 'text')
    .execute();
  await db.schema
    .createIndex('recording_shares_recipient')
    .on('recording_shares')
    .columns(['recipient_id', 'revoked_at', 'created_at'])
    .execute();
  await db.schema
    .createIndex('recording_shares_recording')
    .on('recording_shares')
    .columns(['recording_id', 'revoked_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('recording_shares').execute();
}
