// The transcripts table: what each recording's transcribe job decided; and the search index of
// completed transcripts (SPEC §7): one row per segment in `transcript_segments`, full-text
// indexed by FTS5 on SQLite and a tsvector on PostgreSQL (migration 0007).
import type { DbOrTrx } from '../db/database.js';
import type { TranscriberEngine } from './transcriber.js';

export type TranscriptStatus = 'completed' | 'skipped';

export interface TranscriptRecord {
  readonly recordingId: string;
  readonly orgId: string;
  readonly status: TranscriptStatus;
  /** Why there is no transcript (status skipped); null when there is one. */
  readonly reason: string | null;
  readonly engine: TranscriberEngine;
  readonly language: string;
  readonly blobKey: string | null;
  readonly text: string;
  readonly wordCount: number;
  readonly createdAt: string;
}

/** One segment of a transcript as the search index holds it. */
export interface IndexedSegment {
  readonly start: number;
  readonly end: number;
  /** The speaker's name as the transcript shows it. */
  readonly speaker: string;
  readonly text: string;
}

/** Segments written per statement (well under either database's parameter limit). */
const SEGMENT_BATCH = 200;

/**
 * Stores a transcript decision and, for a completed transcript, its segments in the search index
 * (in the caller's transaction, so the index is never ahead of or behind the row).
 */
export async function insertTranscript(
  db: DbOrTrx,
  t: TranscriptRecord,
  segments: readonly IndexedSegment[] = [],
): Promise<void> {
  await db
    .insertInto('transcripts')
    .values({
      recording_id: t.recordingId,
      org_id: t.orgId,
      status: t.status,
      reason: t.reason,
      engine: t.engine,
      language: t.language,
      blob_key: t.blobKey,
      text: t.text,
      word_count: t.wordCount,
      created_at: t.createdAt,
    })
    .execute();
  const rows = segments
    .filter((seg) => seg.text.trim().length > 0)
    .map((seg, seq) => ({
      recording_id: t.recordingId,
      org_id: t.orgId,
      seq,
      start_seconds: seg.start,
      end_seconds: seg.end,
      speaker: seg.speaker,
      text: seg.text,
    }));
  for (let i = 0; i < rows.length; i += SEGMENT_BATCH) {
    await db
      .insertInto('transcript_segments')
      .values(rows.slice(i, i + SEGMENT_BATCH))
      .execute();
  }
}

export async function findTranscriptByRecordingId(
  db: DbOrTrx,
  recordingId: string,
): Promise<TranscriptRecord | null> {
  const row = await db
    .selectFrom('transcripts')
    .selectAll()
    .where('recording_id', '=', recordingId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    recordingId: row.recording_id,
    orgId: row.org_id,
    status: row.status as TranscriptStatus,
    reason: row.reason,
    engine: row.engine as TranscriberEngine,
    language: row.language,
    blobKey: row.blob_key,
    text: row.text,
    wordCount: Number(row.word_count),
    createdAt: row.created_at,
  };
}

/**
 * Removes a recording's transcript row and its search index entries (purge, permanent delete,
 * retention). The blob, if any, is the caller's to delete after the commit.
 */
export async function deleteTranscriptRow(db: DbOrTrx, recordingId: string): Promise<void> {
  await db.deleteFrom('transcript_segments').where('recording_id', '=', recordingId).execute();
  await db.deleteFrom('transcripts').where('recording_id', '=', recordingId).execute();
}

/** The indexed segments of one recording, in order (tests and diagnostics). */
export async function findIndexedSegments(
  db: DbOrTrx,
  recordingId: string,
): Promise<IndexedSegment[]> {
  const rows = await db
    .selectFrom('transcript_segments')
    .select(['start_seconds', 'end_seconds', 'speaker', 'text'])
    .where('recording_id', '=', recordingId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    start: Number(r.start_seconds),
    end: Number(r.end_seconds),
    speaker: r.speaker,
    text: r.text,
  }));
}

/** Available recordings with audio and no transcript decision yet, oldest first. */
export async function findRecordingIdsAwaitingTranscript(
  db: DbOrTrx,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('recordings')
    .leftJoin('transcripts', 'transcripts.recording_id', 'recordings.id')
    .select('recordings.id')
    .where('recordings.status', '=', 'available')
    .where('recordings.audio_id', 'is not', null)
    .where('transcripts.recording_id', 'is', null)
    .orderBy('recordings.create_time')
    .orderBy('recordings.id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

export async function countRecordingsAwaitingTranscript(db: DbOrTrx): Promise<number> {
  const row = await db
    .selectFrom('recordings')
    .leftJoin('transcripts', 'transcripts.recording_id', 'recordings.id')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('recordings.status', '=', 'available')
    .where('recordings.audio_id', 'is not', null)
    .where('transcripts.recording_id', 'is', null)
    .executeTakeFirstOrThrow();
  // PostgreSQL returns counts as strings.
  return Number(row.n);
}
