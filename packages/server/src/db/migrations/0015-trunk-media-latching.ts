// Which RTP senders a recording trunk's streams take media from: `signalled` (the SDP `c=`
// address only) or `first-source` (also the first sender within 5 s of the offer, for SRCs
// behind NAT). Existing trunks get the default, first-source.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('recording_trunks')
    .addColumn('media_latching', 'text', (c) => c.notNull().defaultTo('first-source'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('recording_trunks').dropColumn('media_latching').execute();
}
