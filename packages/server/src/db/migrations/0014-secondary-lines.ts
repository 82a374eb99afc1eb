// Secondary lines: the people who have a virtual line on their phone beside their own line (Webex
// calls the virtual line their "secondary line owner"). A row goes with its person or virtual line.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('secondary_lines')
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('virtual_line_id', 'text', (c) =>
      c.notNull().references('virtual_lines.id').onDelete('cascade'),
    )
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('secondary_lines_pk', ['person_id', 'virtual_line_id'])
    .execute();
  await db.schema
    .createIndex('secondary_lines_virtual_line')
    .on('secondary_lines')
    .columns(['virtual_line_id', 'person_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('secondary_lines').execute();
}
