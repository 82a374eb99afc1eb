// The transactional outbox of domain events (events/): a change writes its event in its own
// transaction, and each consumer records that it handled the event, in the consumer's transaction
// where it writes to the database, so a crash between commit and side effect loses nothing and a
// consumer that runs twice does nothing twice.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('outbox_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // The event's name, such as `recording.stored`.
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    // JSON text: what consumers need to find the change.
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    // Set once every consumer has handled the event; the sweep looks only at open events.
    .addColumn('completed_at', 'text')
    .execute();
  await db.schema
    .createIndex('outbox_events_open')
    .on('outbox_events')
    .columns(['completed_at', 'created_at'])
    .execute();
  await db.schema
    .createTable('outbox_consumptions')
    .addColumn('event_id', 'text', (c) =>
      c.notNull().references('outbox_events.id').onDelete('cascade'),
    )
    .addColumn('consumer', 'text', (c) => c.notNull())
    .addColumn('consumed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('outbox_consumptions_pk', ['event_id', 'consumer'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('outbox_consumptions').execute();
  await db.schema.dropTable('outbox_events').execute();
}
