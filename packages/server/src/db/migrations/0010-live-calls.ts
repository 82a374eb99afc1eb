// Live calls shared between processes (SPEC §4 live state, §10 split roles): each recorder
// process mirrors the calls it captures into `live_calls` (a JSON snapshot of its LiveCallHub's
// call, refreshed by a heartbeat), and API processes without that call in memory queue recording
// controls in `live_call_commands` for the recorder holding it to apply and answer. Both tables
// hold only what is live: rows of a recorder that stopped heartbeating are ignored, then swept.
// No foreign keys: the recorder writes these beside the capture path and must never be refused.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('live_calls')
    .addColumn('session_id', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('call_id', 'text', (c) => c.notNull())
    // the recorder process holding the call (its LiveCallHub's instance id)
    .addColumn('instance_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    // JSON: owners with states, parties, actions, onHold, failure (what LiveCall exposes)
    .addColumn('snapshot', 'text', (c) => c.notNull())
    // heartbeat: readers ignore a call whose recorder has not refreshed it for a while
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('live_calls_org_call')
    .on('live_calls')
    .columns(['org_id', 'call_id'])
    .execute();
  await db.schema
    .createIndex('live_calls_instance')
    .on('live_calls')
    .columns(['instance_id'])
    .execute();
  await db.schema
    .createTable('live_call_commands')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull())
    // start | stop | pause | resume
    .addColumn('control', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    // JSON: the recorder's LiveCallControlResult; null until it has applied the command
    .addColumn('result', 'text')
    .addColumn('done_at', 'text')
    .execute();
  await db.schema
    .createIndex('live_call_commands_pending')
    .on('live_call_commands')
    .columns(['done_at', 'session_id'])
    .execute();
  await db.schema
    .createIndex('live_call_commands_created')
    .on('live_call_commands')
    .columns(['created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('live_call_commands').execute();
  await db.schema.dropTable('live_calls').execute();
}
