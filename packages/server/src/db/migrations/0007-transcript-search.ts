// Search inside transcripts (SPEC §7). The transcript itself is stored encrypted in the blob
// store; to find words the index has to hold them, so each transcript segment (one speaker's
// stretch of speech) is a row here with its times and speaker, and a hit returns that segment.
// Rows belong to the transcript row and go with it (cascade, and transcripts.repository deletes
// them explicitly too). The full-text index is dialect-specific:
// - SQLite: an FTS5 table over the rows (external content), kept in step by triggers;
// - PostgreSQL: a generated tsvector column with a GIN index.
// Both tokenise with the plain `unicode61`/`simple` rules (no stemming, no stop words) so the same
// query finds the same segments on either database.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('transcript_segments')
    // SQLite: an INTEGER PRIMARY KEY is the rowid the FTS5 table points at.
    .addColumn('id', postgres ? 'bigserial' : 'integer', (c) => c.primaryKey())
    .addColumn('recording_id', 'text', (c) =>
      c.notNull().references('transcripts.recording_id').onDelete('cascade'),
    )
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('start_seconds', 'double precision', (c) => c.notNull())
    .addColumn('end_seconds', 'double precision', (c) => c.notNull())
    .addColumn('speaker', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('transcript_segments_recording_seq')
    .on('transcript_segments')
    .columns(['recording_id', 'seq'])
    .unique()
    .execute();
  if (postgres) {
    await sql`alter table transcript_segments
      add column search tsvector generated always as (to_tsvector('simple', text)) stored`.execute(
      db,
    );
    await sql`create index transcript_segments_search on transcript_segments using gin (search)`.execute(
      db,
    );
    return;
  }
  await sql`create virtual table transcript_segments_fts using fts5(
      text, content='transcript_segments', content_rowid='id',
      tokenize='unicode61 remove_diacritics 0')`.execute(db);
  await sql`create trigger transcript_segments_ai after insert on transcript_segments begin
      insert into transcript_segments_fts(rowid, text) values (new.id, new.text);
    end`.execute(db);
  await sql`create trigger transcript_segments_ad after delete on transcript_segments begin
      insert into transcript_segments_fts(transcript_segments_fts, rowid, text)
        values ('delete', old.id, old.text);
    end`.execute(db);
  await sql`create trigger transcript_segments_au after update on transcript_segments begin
      insert into transcript_segments_fts(transcript_segments_fts, rowid, text)
        values ('delete', old.id, old.text);
      insert into transcript_segments_fts(rowid, text) values (new.id, new.text);
    end`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) {
    await sql`drop table if exists transcript_segments_fts`.execute(db);
  }
  await db.schema.dropTable('transcript_segments').execute();
}
