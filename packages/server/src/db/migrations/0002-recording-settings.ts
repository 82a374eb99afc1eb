// Recording settings per org, location and entity; external recording vendors; recording trunks;
// custom announcement files; which call sessions already heard the compliance announcement.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Binary columns are the one type spelled differently: bytea on PostgreSQL, blob on SQLite.
  const bytes = db.getExecutor().adapter instanceof PostgresAdapter ? sql`bytea` : sql`blob`;

  await db.schema
    .createTable('org_recording_settings')
    .addColumn('org_id', 'text', (c) => c.primaryKey().references('organizations.id'))
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('location_recording_settings')
    .addColumn('location_id', 'text', (c) => c.primaryKey().references('locations.id'))
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('entity_recording_settings')
    .addColumn('entity_id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('recording_vendors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('sip_uri', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('recording_vendors_org_name', ['org_id', 'name'])
    .execute();

  await db.schema
    .createTable('recording_trunks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('allowed_sources', 'text', (c) => c.notNull())
    .addColumn('digest_username', 'text')
    .addColumn('digest_realm', 'text')
    .addColumn('digest_ha1', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('recording_trunks_org_name', ['org_id', 'name'])
    .execute();

  await db.schema
    .createTable('announcement_files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('scope_id', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('data', bytes, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('announcement_files_scope', ['org_id', 'scope_id'])
    .execute();

  await db.schema
    .createTable('announcement_plays')
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('call_session_id', 'text', (c) => c.notNull())
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('played_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('announcement_plays_pk', ['org_id', 'call_session_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'announcement_plays',
    'announcement_files',
    'recording_trunks',
    'recording_vendors',
    'entity_recording_settings',
    'location_recording_settings',
    'org_recording_settings',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
