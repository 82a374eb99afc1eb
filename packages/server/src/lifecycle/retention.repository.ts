// The SQL of the retention job: which orgs exist, which recordings have outlived their org's
// retention and are not held, which purged recordings still keep audio that no hold needs now,
// and the conditional status change that makes a purge happen once however often it runs.
import { sql, type SqlBool } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import { findRecordingsByIds } from '../recordings/recordings.repository.js';
import type { RecordingRecord } from '../recordings/recordings.model.js';
import { heldCondition } from './legal-holds.repository.js';

export async function listOrganizationIds(db: DbOrTrx): Promise<string[]> {
  const rows = await db.selectFrom('organizations').select('id').orderBy('id').execute();
  return rows.map((r) => r.id);
}

/** Recordings of `orgId` recorded before `cutoff` (exclusive), not purged and not held. */
export async function findExpiredRecordings(
  db: DbOrTrx,
  orgId: string,
  cutoff: string,
  limit: number,
): Promise<RecordingRecord[]> {
  const rows = await db
    .selectFrom('recordings as r')
    .select('r.id')
    .where('r.org_id', '=', orgId)
    .where('r.time_recorded', '<', cutoff)
    .where('r.status', 'in', ['available', 'deleted'])
    .where(sql<SqlBool>`not ${heldCondition('r')}`)
    .orderBy('r.time_recorded')
    .orderBy('r.id')
    .limit(limit)
    .execute();
  return findRecordingsByIds(
    db,
    orgId,
    rows.map((r) => r.id),
  );
}

/**
 * Purged recordings whose audio was kept for a legal hold that no longer applies: no recording
 * sharing the audio is unpurged or held.
 */
export async function findReleasableAudioIds(
  db: DbOrTrx,
  orgId: string,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('recordings as r')
    .select('r.audio_id')
    .distinct()
    .where('r.org_id', '=', orgId)
    .where('r.status', '=', 'purged')
    .where('r.audio_id', 'is not', null)
    .where(
      sql<SqlBool>`not exists (select 1 from recordings o where o.audio_id = r.audio_id and (o.status <> 'purged' or ${heldCondition('o')}))`,
    )
    .limit(limit)
    .execute();
  return rows.map((r) => r.audio_id).filter((id): id is string => id !== null);
}

/**
 * Purged recordings that still have a transcript no legal hold needs: kept while a hold covered
 * the recording, removed once it is released (like the audio).
 */
export async function findReleasableTranscriptRecordings(
  db: DbOrTrx,
  orgId: string,
  limit: number,
): Promise<RecordingRecord[]> {
  const rows = await db
    .selectFrom('recordings as r')
    .innerJoin('transcripts as t', 't.recording_id', 'r.id')
    .select('r.id')
    .where('r.org_id', '=', orgId)
    .where('r.status', '=', 'purged')
    .where(sql<SqlBool>`not ${heldCondition('r')}`)
    .orderBy('r.id')
    .limit(limit)
    .execute();
  return findRecordingsByIds(
    db,
    orgId,
    rows.map((r) => r.id),
  );
}

/** Marks a recording purged unless it already is; true when this call purged it. */
export async function markRecordingPurged(db: DbOrTrx, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('recordings')
    .set({ status: 'purged', purged_at: at, updated_at: at })
    .where('id', '=', id)
    .where('status', '<>', 'purged')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
