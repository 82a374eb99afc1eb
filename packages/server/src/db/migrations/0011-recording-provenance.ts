// How each recording was made, as columns the search can filter on: rebuilt after a crash
// (`recovered`, with what the journal held in `recovery`), the capture's failures (`failures`,
// a JSON array; '[]' when nothing failed) and why the recording ended (`end_reason`; null for
// imports). Recordings stored before kept these in their metadata document: they are copied over.
import { sql, type Kysely } from 'kysely';

interface OldMetadata {
  recovered?: unknown;
  endReason?: unknown;
  failed?: { reason?: unknown; detail?: unknown; at?: unknown };
  failures?: Array<{ stream?: unknown; label?: unknown; reason?: unknown }>;
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The provenance an older metadata document recorded, in the new columns' shape. */
export function provenanceOfOldMetadata(metadata: OldMetadata): {
  recovered: number;
  end_reason: string | null;
  failures: string;
} {
  const failures: unknown[] = [];
  if (metadata.failed && typeof metadata.failed === 'object') {
    failures.push({
      code: text(metadata.failed.reason) ?? 'unknown',
      detail: text(metadata.failed.detail) ?? '',
      at: text(metadata.failed.at),
      resolvedAt: null,
      stream: null,
    });
  }
  for (const f of Array.isArray(metadata.failures) ? metadata.failures : []) {
    const stream = text(f.label) ?? (typeof f.stream === 'number' ? `#${f.stream}` : null);
    const reason = text(f.reason) ?? 'no media received';
    failures.push({
      code: reason === 'journal unreadable' ? 'unreadable' : 'no-media',
      detail: `stream ${stream ?? '?'}: ${reason}`,
      at: null,
      resolvedAt: null,
      stream,
    });
  }
  const recovered = metadata.recovered === true;
  return {
    recovered: recovered ? 1 : 0,
    end_reason: text(metadata.endReason) ?? (recovered ? 'recovered' : null),
    failures: JSON.stringify(failures),
  };
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('recordings')
    .addColumn('recovered', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('recordings').addColumn('recovery', 'text').execute();
  await db.schema
    .alterTable('recordings')
    .addColumn('failures', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema.alterTable('recordings').addColumn('end_reason', 'text').execute();
  // Only recorder recordings have these keys; a page at a time, so a large catalogue is never
  // all in memory.
  let after = '';
  for (;;) {
    const rows = await sql<{ id: string; metadata: string }>`select id, metadata from recordings
      where id > ${after} and (metadata like ${'%"recovered"%'} or metadata like ${'%"failed"%'}
        or metadata like ${'%"failures"%'} or metadata like ${'%"endReason"%'})
      order by id limit 500`.execute(db);
    if (rows.rows.length === 0) break;
    for (const row of rows.rows) {
      const p = provenanceOfOldMetadata(JSON.parse(row.metadata) as OldMetadata);
      await sql`update recordings set recovered = ${p.recovered}, end_reason = ${p.end_reason},
        failures = ${p.failures} where id = ${row.id}`.execute(db);
    }
    after = rows.rows[rows.rows.length - 1]!.id;
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['end_reason', 'failures', 'recovery', 'recovered']) {
    await db.schema.alterTable('recordings').dropColumn(column).execute();
  }
}
