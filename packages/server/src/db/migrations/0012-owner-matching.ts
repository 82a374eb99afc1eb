// Owner matching as real SBCs send identifiers:
// - recording_trunks.country: the dial-plan country (ISO 3166-1 alpha-2) the SBC's national
//   numbers are read with; null = the countries of the org's locations (address.country).
// - recording_trunks.own_domains: JSON array of the hosts whose user parts are extensions
//   (`*` = any host, `*.example.com` = subdomains). Trunks that exist before this migration get
//   `["*"]`, which keeps matching extensions on any host as they did; new trunks start empty.
// - people/workspaces.sip_address rewritten to the canonical form owner matching compares
//   (scheme and parameters dropped, host lower-cased, user part kept: RFC 3261 §19.1.4).
import { sql, type Kysely } from 'kysely';

/** The canonical form at the time of this migration (kept here so later changes do not alter it). */
function canonical(value: string): string {
  const bare = value
    .trim()
    .replace(/^sips?:/i, '')
    .replace(/[;?].*$/, '');
  const at = bare.lastIndexOf('@');
  if (at < 0) return bare;
  const host = bare
    .slice(at + 1)
    .replace(/:\d+$/, '')
    .toLowerCase()
    .replace(/\.$/, '');
  return `${bare.slice(0, at)}@${host}`;
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('recording_trunks').addColumn('country', 'text').execute();
  await db.schema
    .alterTable('recording_trunks')
    .addColumn('own_domains', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await sql`update recording_trunks set own_domains = '["*"]'`.execute(db);
  for (const table of ['people', 'workspaces'] as const) {
    const rows = await sql<{
      id: string;
      sip_address: string;
    }>`select id, sip_address from ${sql.table(table)} where sip_address is not null`.execute(db);
    for (const row of rows.rows) {
      const value = canonical(row.sip_address);
      if (value !== row.sip_address) {
        await sql`update ${sql.table(table)} set sip_address = ${value} where id = ${row.id}`.execute(
          db,
        );
      }
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('recording_trunks').dropColumn('own_domains').execute();
  await db.schema.alterTable('recording_trunks').dropColumn('country').execute();
}
