// The owners a catalogue has ever had, one row per (org, owner, name, email) as recordings carried
// them: the owner name/email prefix search (`GET /api/recordings?q=`) matches here — a few
// thousand rows — and then finds the recordings by owner id through recordings_org_owner_time,
// instead of testing every recording's owner_name with LIKE. Rows are only added (a recording
// stored or reassigned); a name an owner once had stays searchable.
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('recording_owners')
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('owner_name', 'text', (c) => c.notNull())
    // '' when the owner has no email (a workspace, a virtual line): key columns are not null.
    .addColumn('owner_email', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('recording_owners_pk', [
      'org_id',
      'owner_id',
      'owner_name',
      'owner_email',
    ])
    .execute();
  await sql`insert into recording_owners (org_id, owner_id, owner_name, owner_email)
    select distinct org_id, owner_id, owner_name, coalesce(owner_email, '') from recordings`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('recording_owners').execute();
}
