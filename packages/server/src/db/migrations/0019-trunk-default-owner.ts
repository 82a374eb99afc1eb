// A recording trunk's default owner: the person, workspace or virtual line whose call it is when
// nothing in the call names anyone (no metadata, or parties matching no entity). Both columns
// null (every existing trunk) = such a call is kept as an unattributed recording.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One column per statement: SQLite adds one column per ALTER TABLE.
  await db.schema.alterTable('recording_trunks').addColumn('default_owner_type', 'text').execute();
  await db.schema.alterTable('recording_trunks').addColumn('default_owner_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('recording_trunks').dropColumn('default_owner_id').execute();
  await db.schema.alterTable('recording_trunks').dropColumn('default_owner_type').execute();
}
