// Webex lists converged recordings newest first by createTime (when the recording was stored), not
// by the time the call was recorded: an index per sort the Webex lists page by, keyset (id last).
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('recordings_org_create_time')
    .on('recordings')
    .columns(['org_id', 'create_time', 'id'])
    .execute();
  await db.schema
    .createIndex('recordings_org_owner_create_time')
    .on('recordings')
    .columns(['org_id', 'owner_id', 'create_time', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('recordings_org_owner_create_time').execute();
  await db.schema.dropIndex('recordings_org_create_time').execute();
}
