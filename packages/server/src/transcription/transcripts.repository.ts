// The transcripts table: what each recording's transcribe job decided.
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

export async function insertTranscript(db: DbOrTrx, t: TranscriptRecord): Promise<void> {
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

export async function deleteTranscriptRow(db: DbOrTrx, recordingId: string): Promise<void> {
  await db.deleteFrom('transcripts').where('recording_id', '=', recordingId).execute();
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
