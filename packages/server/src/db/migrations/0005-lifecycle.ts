// The recordings lifecycle (SPEC §6): legal holds, the quota notification level each org
// was last told about, and Webex-style webhooks with one delivery row per (event, webhook). The
// delivery rows are written in the transaction of the catalogue change they report, so an event
// is never lost between the change and the job that posts it (a transactional outbox).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('legal_holds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    // recording | owner | org
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('recording_id', 'text')
    .addColumn('owner_id', 'text')
    .addColumn('owner_type', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('released_by', 'text')
    .addColumn('released_at', 'text')
    .addColumn('release_reason', 'text')
    .execute();
  // "Is this recording held?": the active holds of an org, checked on every purge and delete.
  await db.schema
    .createIndex('legal_holds_org_active')
    .on('legal_holds')
    .columns(['org_id', 'released_at', 'scope'])
    .execute();

  await db.schema
    .createTable('quota_notifications')
    .addColumn('org_id', 'text', (c) => c.primaryKey().references('organizations.id'))
    // 0, 80, 90 or 100: the highest threshold the org's usage has crossed and been told about.
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('target_url', 'text', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('filter', 'text')
    .addColumn('secret', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('webhooks_org_resource')
    .on('webhooks')
    .columns(['org_id', 'resource', 'status'])
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('webhook_id', 'text', (c) =>
      c.notNull().references('webhooks.id').onDelete('cascade'),
    )
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    // JSON text: the envelope's `data`, as it was when the event happened.
    .addColumn('data', 'text', (c) => c.notNull())
    // pending | delivered | failed | skipped
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_attempt_at', 'text')
    .addColumn('delivered_at', 'text')
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_webhook')
    .on('webhook_deliveries')
    .columns(['webhook_id', 'created_at', 'id'])
    .execute();
  // The sweep that enqueues deliveries whose job was never enqueued (a crash after commit).
  await db.schema
    .createIndex('webhook_deliveries_status')
    .on('webhook_deliveries')
    .columns(['status', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.dropTable('webhooks').execute();
  await db.schema.dropTable('quota_notifications').execute();
  await db.schema.dropTable('legal_holds').execute();
}
