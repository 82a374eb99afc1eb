// Mutual TLS per recording trunk: the client certificate an SBC must present over SIP TLS (CA
// bundle, pinned SHA-256 fingerprints, expected subjects) as one JSON column; null (every
// existing trunk) = no client certificate, the trunk is chosen by source address as before.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('recording_trunks').addColumn('client_certificate', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('recording_trunks').dropColumn('client_certificate').execute();
}
