// Transcripts (SPEC §8): one row per recording once its transcribe job has decided — either the
// transcript is stored (encrypted, beside the audio in the blob store) or the reason it was not
// made (transcripts off for the owner, a non-English call, transcription off). `text` holds the
// transcript's words for search.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('transcripts')
    .addColumn('recording_id', 'text', (c) =>
      c.primaryKey().references('recordings.id').onDelete('cascade'),
    )
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    // completed | skipped
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('engine', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('blob_key', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('word_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('transcripts_org_status')
    .on('transcripts')
    .columns(['org_id', 'status'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('transcripts').execute();
}
