// The Compliance Events API and webhooks beyond administrators (Webex's `/v1/events` and
// `ownedBy`): every change to a recording is kept as an event row, written in the change's own
// transaction, so that a compliance officer can list what happened to the org's recordings;
// a webhook is owned by the org (administrators, compliance officers) or by the person who made
// it (their own recordings only); a delivery carries Webex's sub-type of an `updated` event
// (TRASH, RESTORE, PURGE).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('compliance_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    // Webex's `resource` (convergedRecordings) and `type` (created, updated, deleted).
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    // TRASH | RESTORE | PURGE for the recycle bin, restore and purge; null otherwise.
    .addColumn('sub_type', 'text')
    .addColumn('service_type', 'text', (c) => c.notNull())
    // The person who made the change; the owner for a new recording.
    .addColumn('actor_id', 'text')
    // The recording's id, for looking up its history; the row outlives the recording.
    .addColumn('subject_id', 'text', (c) => c.notNull())
    // JSON text: the resource as it was once the change was made.
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('compliance_events_org_created')
    .on('compliance_events')
    .columns(['org_id', 'created_at', 'id'])
    .execute();
  // Every existing webhook was made by an administrator for the whole org.
  await db.schema
    .alterTable('webhooks')
    .addColumn('owned_by', 'text', (c) => c.notNull().defaultTo('org'))
    .execute();
  await db.schema.alterTable('webhook_deliveries').addColumn('event_sub_type', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('webhook_deliveries').dropColumn('event_sub_type').execute();
  await db.schema.alterTable('webhooks').dropColumn('owned_by').execute();
  await db.schema.dropTable('compliance_events').execute();
}
