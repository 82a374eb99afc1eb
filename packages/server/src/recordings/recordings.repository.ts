// The only SQL of the recordings catalogue: audio objects, recordings, org usage, and the owner
// look-ups that resolve an import's owner to a person, workspace or virtual line.
import type {
  CallDirection,
  RecordingCaptureFailure,
  RecordingEndReason,
  RecordingFormat,
  RecordingOwnerType,
  RecordingParty,
  RecordingRecovery,
  RecordingStatus,
} from '@callvault/shared';
import { sql, type Selectable } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import { recordingHasTranscriptMatch } from './recording-transcripts.repository.js';
import { parseJsonColumn, toJsonColumn } from '../db/json.js';
import {
  decodeCursor,
  encodeCursor,
  LIKE_ESCAPE,
  likeContaining,
  likePrefix,
  type Page,
} from '../db/paging.js';
import type { AudioObjectsTable, RecordingsTable } from '../db/schema.js';
import type {
  AudioObjectRecord,
  OrgUsage,
  RecordingMetadataDocument,
  RecordingOwner,
  RecordingRecord,
} from './recordings.model.js';

// Audio objects ----------------------------------------------------------------------------------

function toAudioObject(row: Selectable<AudioObjectsTable>): AudioObjectRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    blobKey: row.blob_key,
    format: row.format as RecordingFormat,
    contentType: row.content_type,
    sizeBytes: Number(row.size_bytes),
    sha256: row.sha256,
    durationMs: row.duration_ms,
    channels: row.channels,
    sampleRate: row.sample_rate,
    createdAt: row.created_at,
  };
}

export async function insertAudioObject(db: DbOrTrx, a: AudioObjectRecord): Promise<void> {
  await db
    .insertInto('audio_objects')
    .values({
      id: a.id,
      org_id: a.orgId,
      blob_key: a.blobKey,
      format: a.format,
      content_type: a.contentType,
      size_bytes: a.sizeBytes,
      sha256: a.sha256,
      duration_ms: a.durationMs,
      channels: a.channels,
      sample_rate: a.sampleRate,
      created_at: a.createdAt,
    })
    .execute();
}

export async function findAudioObjectById(
  db: DbOrTrx,
  id: string,
): Promise<AudioObjectRecord | null> {
  const row = await db
    .selectFrom('audio_objects')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toAudioObject(row) : null;
}

export async function findAudioObjectBySha256(
  db: DbOrTrx,
  orgId: string,
  sha256: string,
): Promise<AudioObjectRecord | null> {
  const row = await db
    .selectFrom('audio_objects')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('sha256', '=', sha256)
    .orderBy('created_at')
    .executeTakeFirst();
  return row ? toAudioObject(row) : null;
}

/** Recordings that still need this audio object: every one that is not purged. */
export async function countRecordingsNeedingAudio(db: DbOrTrx, audioId: string): Promise<number> {
  const row = await db
    .selectFrom('recordings')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('audio_id', '=', audioId)
    .where('status', '!=', 'purged')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Removes an audio object's row; purged recordings that pointed at it lose the pointer. */
export async function deleteAudioObject(db: DbOrTrx, audioId: string, at: string): Promise<void> {
  await db
    .updateTable('recordings')
    .set({ audio_id: null, updated_at: at })
    .where('audio_id', '=', audioId)
    .execute();
  await db.deleteFrom('audio_objects').where('id', '=', audioId).execute();
}

// Recordings -------------------------------------------------------------------------------------

function toRecording(row: Selectable<RecordingsTable>): RecordingRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    audioId: row.audio_id,
    topic: row.topic,
    createTime: row.create_time,
    timeRecorded: row.time_recorded,
    format: row.format as RecordingFormat,
    serviceType: 'calling',
    durationSeconds: row.duration_seconds,
    sizeBytes: Number(row.size_bytes),
    status: row.status as RecordingStatus,
    ownerId: row.owner_id,
    ownerEmail: row.owner_email,
    ownerName: row.owner_name,
    ownerType: row.owner_type as RecordingOwnerType,
    storageRegion: row.storage_region,
    locationId: row.location_id,
    callSessionId: row.call_session_id,
    callId: row.call_id,
    direction: row.direction as CallDirection | null,
    localNumber: row.local_number,
    remoteNumber: row.remote_number,
    parties: parseJsonColumn<RecordingParty[]>(row.parties),
    channels: row.channels,
    sha256: row.sha256,
    hasTranscript: row.has_transcript === 1,
    metadata: parseJsonColumn<RecordingMetadataDocument>(row.metadata),
    provenance: {
      recovered: row.recovered === 1,
      recovery: row.recovery === null ? null : parseJsonColumn<RecordingRecovery>(row.recovery),
      failures: parseJsonColumn<RecordingCaptureFailure[]>(row.failures),
      endReason: row.end_reason as RecordingEndReason | null,
    },
    deletedAt: row.deleted_at,
    purgedAt: row.purged_at,
    updatedAt: row.updated_at,
  };
}

/** Notes an owner as the catalogue knows it, for the owner prefix search (migration 0009). */
async function noteRecordingOwner(
  db: DbOrTrx,
  orgId: string,
  owner: { readonly id: string; readonly name: string; readonly email: string | null },
): Promise<void> {
  await db
    .insertInto('recording_owners')
    .values({
      org_id: orgId,
      owner_id: owner.id,
      owner_name: owner.name,
      owner_email: owner.email?.toLowerCase() ?? '',
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function insertRecording(db: DbOrTrx, r: RecordingRecord): Promise<void> {
  await noteRecordingOwner(db, r.orgId, { id: r.ownerId, name: r.ownerName, email: r.ownerEmail });
  await db
    .insertInto('recordings')
    .values({
      id: r.id,
      org_id: r.orgId,
      audio_id: r.audioId,
      topic: r.topic,
      create_time: r.createTime,
      time_recorded: r.timeRecorded,
      format: r.format,
      service_type: r.serviceType,
      duration_seconds: r.durationSeconds,
      size_bytes: r.sizeBytes,
      status: r.status,
      owner_id: r.ownerId,
      owner_email: r.ownerEmail?.toLowerCase() ?? null,
      owner_name: r.ownerName,
      owner_type: r.ownerType,
      storage_region: r.storageRegion,
      location_id: r.locationId,
      call_session_id: r.callSessionId,
      call_id: r.callId,
      direction: r.direction,
      local_number: r.localNumber,
      remote_number: r.remoteNumber,
      parties: toJsonColumn(r.parties),
      channels: r.channels,
      sha256: r.sha256,
      has_transcript: r.hasTranscript ? 1 : 0,
      metadata: toJsonColumn(r.metadata),
      recovered: r.provenance.recovered ? 1 : 0,
      recovery: r.provenance.recovery === null ? null : toJsonColumn(r.provenance.recovery),
      failures: toJsonColumn(r.provenance.failures),
      end_reason: r.provenance.endReason,
      deleted_at: r.deletedAt,
      purged_at: r.purgedAt,
      updated_at: r.updatedAt,
    })
    .execute();
}

export async function findRecordingById(
  db: DbOrTrx,
  orgId: string,
  id: string,
): Promise<RecordingRecord | null> {
  const row = await db
    .selectFrom('recordings')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toRecording(row) : null;
}

/** A recording by id in whatever org holds it (signed download links carry no org). */
export async function findRecordingByIdAnyOrg(
  db: DbOrTrx,
  id: string,
): Promise<RecordingRecord | null> {
  const row = await db.selectFrom('recordings').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRecording(row) : null;
}

export async function findRecordingsByIds(
  db: DbOrTrx,
  orgId: string,
  ids: readonly string[],
): Promise<RecordingRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('recordings')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', 'in', [...ids])
    .execute();
  return rows.map(toRecording);
}

/**
 * The recordings one SIPREC session made for these owners starting at `timeRecorded`: finalize
 * looks before storing, so a finalize run again (after a lost database connection, or a job whose
 * outcome could not be recorded) does not store the same recording twice.
 */
export async function findCallSessionRecordings(
  db: DbOrTrx,
  orgId: string,
  callSessionId: string,
  timeRecorded: string,
  ownerIds: readonly string[],
): Promise<RecordingRecord[]> {
  if (ownerIds.length === 0) return [];
  const rows = await db
    .selectFrom('recordings')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('call_session_id', '=', callSessionId)
    .where('time_recorded', '=', timeRecorded)
    .where('owner_id', 'in', [...ownerIds])
    .execute();
  return rows.map(toRecording);
}

/** The recordings backed by one audio object (the owners it was stored for), oldest id first. */
export async function findRecordingsByAudioId(
  db: DbOrTrx,
  audioId: string,
): Promise<RecordingRecord[]> {
  const rows = await db
    .selectFrom('recordings')
    .selectAll()
    .where('audio_id', '=', audioId)
    .orderBy('id')
    .execute();
  return rows.map(toRecording);
}

/** Every recording of one owner (by id or by email) in the given statuses, newest first. */
export async function findRecordingsOfOwner(
  db: DbOrTrx,
  orgId: string,
  owner: { id?: string; email?: string },
  statuses: readonly RecordingStatus[],
): Promise<RecordingRecord[]> {
  let q = db
    .selectFrom('recordings')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('status', 'in', [...statuses]);
  if (owner.id !== undefined) q = q.where('owner_id', '=', owner.id);
  if (owner.email !== undefined) q = q.where('owner_email', '=', owner.email.toLowerCase());
  const rows = await q.orderBy('time_recorded', 'desc').orderBy('id', 'desc').execute();
  return rows.map(toRecording);
}

/** Marks whether a recording has a stored transcript (set by the transcribe job). */
export async function setRecordingHasTranscript(
  db: DbOrTrx,
  id: string,
  hasTranscript: boolean,
  updatedAt: string,
): Promise<void> {
  await db
    .updateTable('recordings')
    .set({ has_transcript: hasTranscript ? 1 : 0, updated_at: updatedAt })
    .where('id', '=', id)
    .execute();
}

export async function updateRecordingState(
  db: DbOrTrx,
  id: string,
  change: {
    status: RecordingStatus;
    deletedAt: string | null;
    purgedAt: string | null;
    updatedAt: string;
  },
): Promise<void> {
  await db
    .updateTable('recordings')
    .set({
      status: change.status,
      deleted_at: change.deletedAt,
      purged_at: change.purgedAt,
      updated_at: change.updatedAt,
    })
    .where('id', '=', id)
    .execute();
}

export async function updateRecordingOwner(
  db: DbOrTrx,
  id: string,
  owner: RecordingOwner,
  updatedAt: string,
): Promise<void> {
  const row = await db
    .selectFrom('recordings')
    .select('org_id')
    .where('id', '=', id)
    .executeTakeFirst();
  if (row) {
    await noteRecordingOwner(db, row.org_id, {
      id: owner.id,
      name: owner.name,
      email: owner.email ?? null,
    });
  }
  await db
    .updateTable('recordings')
    .set({
      owner_id: owner.id,
      owner_email: owner.email?.toLowerCase() ?? null,
      owner_name: owner.name,
      owner_type: owner.type,
      updated_at: updatedAt,
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteRecordingRow(db: DbOrTrx, id: string): Promise<void> {
  await db.deleteFrom('recordings').where('id', '=', id).execute();
}

export interface RecordingFilter {
  readonly orgId: string;
  /** Inclusive. */
  readonly from: string;
  /** Exclusive. */
  readonly to: string;
  readonly statuses: readonly RecordingStatus[];
  /** One owner id, or the stored forms one id from a client may have (any of them matches). */
  readonly ownerId?: string | readonly string[] | undefined;
  readonly ownerEmail?: string | undefined;
  readonly ownerType?: RecordingOwnerType | undefined;
  readonly locationId?: string | readonly string[] | undefined;
  /** Case-insensitive part of the topic. */
  readonly topic?: string | undefined;
  readonly format?: RecordingFormat | undefined;
  readonly storageRegion?: string | undefined;
  /** Owner name (or a later word of it) or owner email starting with this. */
  readonly ownerPrefix?: string | undefined;
  /** The local or the remote number. */
  readonly partyNumber?: string | undefined;
  readonly direction?: CallDirection | undefined;
  readonly minDurationSeconds?: number | undefined;
  readonly maxDurationSeconds?: number | undefined;
  readonly hasTranscript?: boolean | undefined;
  /** Only recordings rebuilt after a crash (true), or only the others (false). */
  readonly recovered?: boolean | undefined;
  /** Only recordings with a capture failure that lasted (true), or only the others (false). */
  readonly failed?: boolean | undefined;
  /** Terms that one segment of the recording's transcript must all hold (transcript-search.ts). */
  readonly transcriptTerms?: readonly string[] | undefined;
  readonly cursor?: string | undefined;
  readonly limit: number;
  /**
   * The sort key, newest first: `timeRecorded` (when the call was recorded; Callvault's search) or
   * `createTime` (when the recording was stored; Webex's lists). Ties are broken by id.
   */
  readonly sortBy?: RecordingSortKey | undefined;
  /** A filter value no recording can have (a Webex value Callvault records nothing for). */
  readonly matchNothing?: boolean | undefined;
}

export type RecordingSortKey = 'timeRecorded' | 'createTime';

const SORT_COLUMNS = { timeRecorded: 'time_recorded', createTime: 'create_time' } as const;

const oneOrMore = (v: string | readonly string[]): string[] =>
  typeof v === 'string' ? [v] : [...v];

/** Recordings matching `f`, newest first by `f.sortBy` (then id), one keyset page. */
export async function searchRecordings(
  db: DbOrTrx,
  f: RecordingFilter,
): Promise<Page<RecordingRecord>> {
  if (f.matchNothing === true) return { items: [], nextCursor: null };
  let q = db
    .selectFrom('recordings')
    .selectAll()
    .where('org_id', '=', f.orgId)
    .where('time_recorded', '>=', f.from)
    .where('time_recorded', '<', f.to)
    .where('status', 'in', [...f.statuses]);
  if (f.ownerId !== undefined) q = q.where('owner_id', 'in', oneOrMore(f.ownerId));
  if (f.ownerEmail !== undefined) q = q.where('owner_email', '=', f.ownerEmail.toLowerCase());
  if (f.ownerType !== undefined) q = q.where('owner_type', '=', f.ownerType);
  if (f.locationId !== undefined) q = q.where('location_id', 'in', oneOrMore(f.locationId));
  if (f.format !== undefined) q = q.where('format', '=', f.format);
  if (f.storageRegion !== undefined) q = q.where('storage_region', '=', f.storageRegion);
  if (f.direction !== undefined) q = q.where('direction', '=', f.direction);
  if (f.topic !== undefined) {
    const part = likeContaining(f.topic.toLowerCase());
    q = q.where(sql<boolean>`lower(topic) like ${part} ${LIKE_ESCAPE}`);
  }
  if (f.ownerPrefix !== undefined) {
    const prefix = likePrefix(f.ownerPrefix.toLowerCase());
    const laterWord = `% ${prefix}`;
    // The few owners whose name or email matches, then their recordings by owner id (indexed).
    q = q.where(
      sql<boolean>`owner_id in (select o.owner_id from recording_owners o where o.org_id = ${f.orgId} and (lower(o.owner_name) like ${prefix} ${LIKE_ESCAPE} or lower(o.owner_name) like ${laterWord} ${LIKE_ESCAPE} or o.owner_email like ${prefix} ${LIKE_ESCAPE}))`,
    );
  }
  if (f.partyNumber !== undefined) {
    const n = f.partyNumber;
    // The local and remote numbers, or any party who took part (one who left mid-call too):
    // the parties column holds JSON.stringify's `"number":"…"` for each.
    const party = likeContaining(JSON.stringify({ number: n }).slice(1, -1));
    q = q.where((eb) =>
      eb.or([
        eb('local_number', '=', n),
        eb('remote_number', '=', n),
        sql<boolean>`parties like ${party} ${LIKE_ESCAPE}`,
      ]),
    );
  }
  if (f.minDurationSeconds !== undefined) {
    q = q.where('duration_seconds', '>=', f.minDurationSeconds);
  }
  if (f.maxDurationSeconds !== undefined) {
    q = q.where('duration_seconds', '<=', f.maxDurationSeconds);
  }
  if (f.hasTranscript !== undefined) q = q.where('has_transcript', '=', f.hasTranscript ? 1 : 0);
  if (f.recovered !== undefined) q = q.where('recovered', '=', f.recovered ? 1 : 0);
  // Failed: some failure that was never over (the column is JSON.stringify's output).
  if (f.failed !== undefined) {
    q = q.where('failures', f.failed ? 'like' : 'not like', '%"resolvedAt":null%');
  }
  if (f.transcriptTerms !== undefined) {
    q = q.where(recordingHasTranscriptMatch(db, f.transcriptTerms));
  }
  const sortBy = f.sortBy ?? 'timeRecorded';
  const column = SORT_COLUMNS[sortBy];
  if (f.cursor !== undefined) {
    const { key, id } = decodeCursor(f.cursor);
    q = q.where(sql<boolean>`(${sql.ref(column)}, id) < (${key}, ${id})`);
  }
  const rows = await q
    .orderBy(column, 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute();
  const items = rows.slice(0, f.limit).map(toRecording);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > f.limit && last ? encodeCursor(last[sortBy], last.id) : null,
  };
}

// Usage ------------------------------------------------------------------------------------------

/**
 * Adds (or with negative numbers removes) bytes and recordings to an org's usage, and records the
 * result as the day's usage history.
 */
export async function addOrgUsage(
  db: DbOrTrx,
  orgId: string,
  delta: { bytes: number; recordings: number },
  at: string,
): Promise<void> {
  await db
    .insertInto('org_usage')
    .values({
      org_id: orgId,
      bytes_used: delta.bytes,
      recordings: delta.recordings,
      updated_at: at,
    })
    .onConflict((oc) =>
      oc.column('org_id').doUpdateSet({
        bytes_used: sql<number>`org_usage.bytes_used + ${delta.bytes}`,
        recordings: sql<number>`org_usage.recordings + ${delta.recordings}`,
        updated_at: at,
      }),
    )
    .execute();
  // The day's history row follows, in the same transaction, so the history never disagrees
  // with org_usage.
  const now = await findOrgUsage(db, orgId);
  await db
    .insertInto('org_usage_history')
    .values({
      org_id: orgId,
      day: at.slice(0, 10),
      bytes_used: now.bytesUsed,
      recordings: now.recordings,
      updated_at: at,
    })
    .onConflict((oc) =>
      oc.columns(['org_id', 'day']).doUpdateSet({
        bytes_used: now.bytesUsed,
        recordings: now.recordings,
        updated_at: at,
      }),
    )
    .execute();
}

export async function findOrgUsage(db: DbOrTrx, orgId: string): Promise<OrgUsage> {
  const row = await db
    .selectFrom('org_usage')
    .selectAll()
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return {
    orgId,
    bytesUsed: row ? Number(row.bytes_used) : 0,
    recordings: row ? Number(row.recordings) : 0,
  };
}

// Owners -----------------------------------------------------------------------------------------

/** The person with this email (any org), as a recording owner. */
export async function findPersonOwnerByEmail(
  db: DbOrTrx,
  email: string,
): Promise<(RecordingOwner & { orgId: string }) | null> {
  const row = await db
    .selectFrom('people')
    .select(['id', 'org_id', 'email', 'display_name', 'location_id'])
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst();
  return row
    ? {
        type: 'user',
        id: row.id,
        orgId: row.org_id,
        email: row.email,
        name: row.display_name,
        locationId: row.location_id,
      }
    : null;
}

/** A person, workspace or virtual line with this id (any org), as a recording owner. */
export async function findOwnerById(
  db: DbOrTrx,
  id: string,
): Promise<(RecordingOwner & { orgId: string }) | null> {
  const person = await db
    .selectFrom('people')
    .select(['id', 'org_id', 'email', 'display_name', 'location_id'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (person) {
    return {
      type: 'user',
      id: person.id,
      orgId: person.org_id,
      email: person.email,
      name: person.display_name,
      locationId: person.location_id,
    };
  }
  const workspace = await db
    .selectFrom('workspaces')
    .select(['id', 'org_id', 'display_name', 'location_id'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (workspace) {
    return {
      type: 'place',
      id: workspace.id,
      orgId: workspace.org_id,
      email: null,
      name: workspace.display_name,
      locationId: workspace.location_id,
    };
  }
  const line = await db
    .selectFrom('virtual_lines')
    .select(['id', 'org_id', 'display_name', 'location_id'])
    .where('id', '=', id)
    .executeTakeFirst();
  return line
    ? {
        type: 'virtualLine',
        id: line.id,
        orgId: line.org_id,
        email: null,
        name: line.display_name,
        locationId: line.location_id,
      }
    : null;
}
