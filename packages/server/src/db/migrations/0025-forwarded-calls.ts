// Forwarding calls to external recorders (docs/adr/0010): the health of each registered vendor as
// the recorders' OPTIONS probes last saw it (one row per vendor, written by whichever recorder
// probed last, read by every API process), and the catalogue of forwarded calls — the vendor,
// times, parties and outcome of each call sent to a vendor (no audio here) — with its owners.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('recording_vendor_health')
    .addColumn('vendor_id', 'text', (c) =>
      c.primaryKey().references('recording_vendors.id').onDelete('cascade'),
    )
    .addColumn('org_id', 'text', (c) => c.notNull())
    // up | down | unknown
    .addColumn('state', 'text', (c) => c.notNull())
    // ISO 8601: the first failed probe of the current outage; null while up.
    .addColumn('down_since', 'text')
    .addColumn('last_error', 'text')
    .addColumn('last_up_at', 'text')
    .addColumn('checked_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('forwarded_calls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    // The recorder's session (SIP dialog id): one entry per forwarded session.
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('call_id', 'text', (c) => c.notNull())
    .addColumn('trunk_id', 'text', (c) => c.notNull())
    // The vendor as it was (it may be renamed or removed later).
    .addColumn('vendor_id', 'text', (c) => c.notNull())
    .addColumn('vendor_name', 'text', (c) => c.notNull())
    .addColumn('sip_uri', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('established_at', 'text')
    .addColumn('ended_at', 'text', (c) => c.notNull())
    // completed | failed
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('failure_code', 'text')
    .addColumn('failure_status', 'integer')
    .addColumn('failure_reason', 'text')
    // 1: Callvault recorded the call as well (dual recording, or the fallback after a failure).
    .addColumn('recorded_here', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('end_reason', 'text', (c) => c.notNull())
    // JSON: the metadata's parties [{id, aor?, name?}] and the owners [{kind, id, displayName}].
    .addColumn('parties', 'text', (c) => c.notNull())
    .addColumn('owners', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('forwarded_calls_session', ['org_id', 'session_id'])
    .execute();
  await db.schema
    .createIndex('forwarded_calls_org_started')
    .on('forwarded_calls')
    .columns(['org_id', 'started_at', 'id'])
    .execute();

  await db.schema
    .createTable('forwarded_call_owners')
    .addColumn('forwarded_call_id', 'text', (c) =>
      c.notNull().references('forwarded_calls.id').onDelete('cascade'),
    )
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('forwarded_call_owners_pk', ['forwarded_call_id', 'owner_id'])
    .execute();
  await db.schema
    .createIndex('forwarded_call_owners_owner')
    .on('forwarded_call_owners')
    .columns(['org_id', 'owner_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('forwarded_call_owners').execute();
  await db.schema.dropTable('forwarded_calls').execute();
  await db.schema.dropTable('recording_vendor_health').execute();
}
