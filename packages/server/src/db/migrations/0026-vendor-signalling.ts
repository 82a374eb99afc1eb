// How Callvault talks to an external recorder it forwards calls to (docs/adr/0010): the metadata
// dialect the recorder reads (RFC 7865 or BroadWorks), and digest credentials when it challenges
// the INVITE — the username, the realm and H(A1) in MD5 and SHA-256 (RFC 7616 §3.4.2), never the
// password itself, which answers a challenge of that realm only.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('recording_vendors')
    .addColumn('metadata_dialect', 'text', (c) => c.notNull().defaultTo('rfc7865'))
    .execute();
  await db.schema.alterTable('recording_vendors').addColumn('digest_username', 'text').execute();
  await db.schema.alterTable('recording_vendors').addColumn('digest_realm', 'text').execute();
  await db.schema.alterTable('recording_vendors').addColumn('digest_ha1_md5', 'text').execute();
  await db.schema.alterTable('recording_vendors').addColumn('digest_ha1_sha256', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of [
    'digest_ha1_sha256',
    'digest_ha1_md5',
    'digest_realm',
    'digest_username',
    'metadata_dialect',
  ]) {
    await db.schema.alterTable('recording_vendors').dropColumn(column).execute();
  }
}
