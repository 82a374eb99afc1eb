// Call-recording jobs: the record of each vendor change (Webex's `jobs/callRecording`), with its
// counts and the users the new vendor cannot record. Announcement files get a `prompt`, so a scope
// holds its compliance announcement and one file per recording prompt (start, stop, pause, …).
import { PostgresAdapter, sql, type CreateTableBuilder, type Kysely } from 'kysely';

const FILE_COLUMNS = sql.raw(
  'id, org_id, scope_id, file_name, content_type, duration_ms, size_bytes, data, created_at',
);

async function copyAnnouncementFiles(db: Kysely<unknown>, withPrompt: boolean): Promise<void> {
  // SQLite cannot change a unique constraint in place: the table is copied into a new one.
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const bytes = postgres ? sql`bytea` : sql`blob`;
  let table: CreateTableBuilder<'announcement_files_next', string> = db.schema
    .createTable('announcement_files_next')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('scope_id', 'text', (c) => c.notNull());
  if (withPrompt)
    table = table.addColumn('prompt', 'text', (c) => c.notNull().defaultTo('compliance'));
  await table
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('data', bytes, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint(
      withPrompt ? 'announcement_files_scope_prompt' : 'announcement_files_scope',
      withPrompt ? ['org_id', 'scope_id', 'prompt'] : ['org_id', 'scope_id'],
    )
    .execute();
  const only = withPrompt ? sql`` : sql` where prompt = 'compliance'`;
  await sql`insert into announcement_files_next (${FILE_COLUMNS}) select ${FILE_COLUMNS} from announcement_files${only}`.execute(
    db,
  );
  await db.schema.dropTable('announcement_files').execute();
  await db.schema.alterTable('announcement_files_next').renameTo('announcement_files').execute();
  // PostgreSQL keeps the primary key's index name across the rename; it gets the table's name back.
  if (postgres)
    await sql`alter index announcement_files_next_pkey rename to announcement_files_pkey`.execute(
      db,
    );
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('call_recording_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('instance_id', 'integer', (c) => c.notNull())
    .addColumn('location_id', 'text')
    .addColumn('vendor_id', 'text', (c) => c.notNull())
    .addColumn('source_user_id', 'text', (c) => c.notNull())
    .addColumn('tracking_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('counts', 'text', (c) => c.notNull())
    .addColumn('errors', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .execute();
  await db.schema
    .createIndex('call_recording_jobs_org')
    .on('call_recording_jobs')
    .columns(['org_id', 'instance_id'])
    .execute();
  await copyAnnouncementFiles(db, true);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('call_recording_jobs').execute();
  await copyAnnouncementFiles(db, false);
}
