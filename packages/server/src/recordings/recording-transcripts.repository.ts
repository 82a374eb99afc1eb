// What the catalogue reads of transcripts: the search index of completed transcripts
// (`transcript_segments`, FTS5 on SQLite and a tsvector on PostgreSQL, migration 0007) for
// Callvault's search, and a recording's transcript state for its details. The transcription
// feature writes these tables (transcription/transcripts.repository.ts).
import { sql, type RawBuilder } from 'kysely';
import { dialectOf, type DbOrTrx } from '../db/database.js';
import { toFts5Query, toTsQuery } from './transcript-search.js';

export interface TranscriptState {
  readonly status: 'completed' | 'skipped';
  readonly reason: string | null;
  /** The stored transcript document, when there is one to download. */
  readonly blobKey: string | null;
}

/** What the transcribe job decided for a recording, or null while it has not. */
export async function findTranscriptState(
  db: DbOrTrx,
  recordingId: string,
): Promise<TranscriptState | null> {
  const row = await db
    .selectFrom('transcripts')
    .select(['status', 'reason', 'blob_key'])
    .where('recording_id', '=', recordingId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    status: row.status as TranscriptState['status'],
    reason: row.reason,
    blobKey: row.blob_key,
  };
}

/**
 * SQL true for a row of `transcript_segments` (under `alias`) whose text holds every term (as a
 * word prefix). Terms come from parseTranscriptQuery.
 */
export function segmentMatches(
  db: DbOrTrx,
  alias: string,
  terms: readonly string[],
): RawBuilder<boolean> {
  const ref = sql.ref(alias);
  if (dialectOf(db) === 'postgres') {
    return sql<boolean>`${ref}.search @@ to_tsquery('simple', ${toTsQuery(terms)})`;
  }
  return sql<boolean>`${ref}.id in (select rowid from transcript_segments_fts where transcript_segments_fts match ${toFts5Query(terms)})`;
}

/** SQL true for a `recordings` row with a transcript segment holding every term. */
export function recordingHasTranscriptMatch(
  db: DbOrTrx,
  terms: readonly string[],
): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from transcript_segments ts where ts.recording_id = recordings.id and ${segmentMatches(db, 'ts', terms)})`;
}

export interface SegmentMatch {
  readonly recordingId: string;
  readonly start: number;
  readonly end: number;
  readonly speaker: string;
  readonly text: string;
}

/** The earliest matching segment of each of these recordings (of one org), by recording id. */
export async function findFirstSegmentMatches(
  db: DbOrTrx,
  orgId: string,
  recordingIds: readonly string[],
  terms: readonly string[],
): Promise<Map<string, SegmentMatch>> {
  const found = new Map<string, SegmentMatch>();
  if (recordingIds.length === 0) return found;
  const rows = await db
    .selectFrom('transcript_segments as s')
    .select(['s.recording_id', 's.start_seconds', 's.end_seconds', 's.speaker', 's.text'])
    .where('s.org_id', '=', orgId)
    .where('s.recording_id', 'in', [...recordingIds])
    .where(segmentMatches(db, 's', terms))
    .orderBy('s.recording_id')
    .orderBy('s.seq')
    .execute();
  for (const row of rows) {
    if (found.has(row.recording_id)) continue;
    found.set(row.recording_id, {
      recordingId: row.recording_id,
      start: Number(row.start_seconds),
      end: Number(row.end_seconds),
      speaker: row.speaker,
      text: row.text,
    });
  }
  return found;
}
