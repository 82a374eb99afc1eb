// The recordings catalogue (SPEC §6): audio objects in the blob store, the recordings that
// point at them (one per owner; an internal call between two recorded people gives two recordings
// of one audio object) and each org's exact storage usage. Indexes serve the searches of the
// Webex-compatible list (org + time, owner, status, location) and of Callvault's own search
// (party numbers, owner email).
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audio_objects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('blob_key', 'text', (c) => c.notNull().unique())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    // bigint: one org's audio passes 2 GiB long before its quota does.
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('channels', 'integer', (c) => c.notNull())
    .addColumn('sample_rate', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // Import skips audio it already holds: found by content hash within the org.
  await db.schema
    .createIndex('audio_objects_org_sha256')
    .on('audio_objects')
    .columns(['org_id', 'sha256'])
    .execute();

  await db.schema
    .createTable('recordings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    // null once the recording is purged and its audio is gone.
    .addColumn('audio_id', 'text', (c) => c.references('audio_objects.id'))
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('create_time', 'text', (c) => c.notNull())
    .addColumn('time_recorded', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('service_type', 'text', (c) => c.notNull())
    .addColumn('duration_seconds', 'integer', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('owner_email', 'text')
    .addColumn('owner_name', 'text', (c) => c.notNull())
    .addColumn('owner_type', 'text', (c) => c.notNull())
    .addColumn('storage_region', 'text', (c) => c.notNull())
    .addColumn('location_id', 'text')
    .addColumn('call_session_id', 'text')
    .addColumn('call_id', 'text')
    .addColumn('direction', 'text')
    .addColumn('local_number', 'text')
    .addColumn('remote_number', 'text')
    .addColumn('parties', 'text', (c) => c.notNull())
    .addColumn('channels', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('has_transcript', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'text')
    .addColumn('purged_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  const index = async (name: string, columns: string[]): Promise<void> => {
    await db.schema.createIndex(name).on('recordings').columns(columns).execute();
  };
  // Newest first within an org, with the id as tie-breaker for keyset paging.
  await index('recordings_org_time', ['org_id', 'time_recorded', 'id']);
  await index('recordings_org_owner_time', ['org_id', 'owner_id', 'time_recorded', 'id']);
  await index('recordings_org_status_time', ['org_id', 'status', 'time_recorded', 'id']);
  await index('recordings_org_location_time', ['org_id', 'location_id', 'time_recorded', 'id']);
  await index('recordings_remote_number', ['remote_number']);
  await index('recordings_local_number', ['local_number']);
  await index('recordings_owner_email', ['owner_email']);
  // "Is this audio object still needed?" when a recording is purged or deleted.
  await index('recordings_audio', ['audio_id']);

  await db.schema
    .createTable('org_usage')
    .addColumn('org_id', 'text', (c) => c.primaryKey().references('organizations.id'))
    .addColumn('bytes_used', 'bigint', (c) => c.notNull().defaultTo(sql`0`))
    .addColumn('recordings', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('org_usage').execute();
  await db.schema.dropTable('recordings').execute();
  await db.schema.dropTable('audio_objects').execute();
}
