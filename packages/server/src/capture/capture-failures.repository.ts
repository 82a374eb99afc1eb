// The capture-failure catalogue (migrations 0008, 0011): what failed, for whom, what was kept,
// and whether the finalize job is still retrying it.
import crypto from 'node:crypto';
import type { Selectable } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import { parseJsonColumn, toJsonColumn } from '../db/json.js';
import type { CaptureFailuresTable } from '../db/schema.js';

export interface CaptureFailureRecord {
  readonly id: string;
  readonly orgId: string;
  readonly sessionId: string;
  readonly callId: string;
  readonly reason: string;
  readonly detail: string;
  readonly failureBehavior: string | null;
  readonly ownerIds: readonly string[];
  readonly recordingIds: readonly string[];
  readonly journalDir: string;
  readonly failedAt: string;
  readonly resolvedAt: string | null;
  /** The finalize job still retries; the failure becomes final (or resolved) later. */
  readonly retrying: boolean;
}

export function newCaptureFailureId(): string {
  return crypto.randomUUID();
}

export async function insertCaptureFailure(db: DbOrTrx, r: CaptureFailureRecord): Promise<void> {
  await db
    .insertInto('capture_failures')
    .values({
      id: r.id,
      org_id: r.orgId,
      session_id: r.sessionId,
      call_id: r.callId,
      reason: r.reason,
      detail: r.detail,
      failure_behavior: r.failureBehavior,
      owner_ids: toJsonColumn(r.ownerIds),
      recording_ids: toJsonColumn(r.recordingIds),
      journal_dir: r.journalDir,
      failed_at: r.failedAt,
      resolved_at: r.resolvedAt,
      retrying: r.retrying ? 1 : 0,
    })
    .execute();
}

/** The open failure of a journal whose finalize job is still retrying, if any. */
export async function findRetryingCaptureFailure(
  db: DbOrTrx,
  journalDir: string,
): Promise<CaptureFailureRecord | null> {
  const row = await db
    .selectFrom('capture_failures')
    .selectAll()
    .where('journal_dir', '=', journalDir)
    .where('resolved_at', 'is', null)
    .where('retrying', '=', 1)
    .orderBy('failed_at', 'desc')
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** A later attempt's outcome for a retrying failure: still retrying, or final. */
export async function updateRetryingCaptureFailure(
  db: DbOrTrx,
  id: string,
  change: {
    readonly reason: string;
    readonly detail: string;
    readonly recordingIds: readonly string[];
    readonly retrying: boolean;
  },
): Promise<void> {
  await db
    .updateTable('capture_failures')
    .set({
      reason: change.reason,
      detail: change.detail,
      recording_ids: toJsonColumn(change.recordingIds),
      retrying: change.retrying ? 1 : 0,
    })
    .where('id', '=', id)
    .execute();
}

/** A retry stored the recording: its retrying failure is resolved. False when there was none. */
export async function resolveRetryingCaptureFailure(
  db: DbOrTrx,
  id: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('capture_failures')
    .set({ resolved_at: at, retrying: 0 })
    .where('id', '=', id)
    .where('resolved_at', 'is', null)
    .where('retrying', '=', 1)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Failures of an org an operator has not resolved yet, newest first. */
export async function listOpenCaptureFailures(
  db: DbOrTrx,
  orgId: string,
  limit = 100,
): Promise<CaptureFailureRecord[]> {
  const rows = await db
    .selectFrom('capture_failures')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('resolved_at', 'is', null)
    .orderBy('failed_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toRecord);
}

/**
 * Final failures per reason, over every org (the Prometheus counter): a failure still being
 * retried is not counted until its retries are spent.
 */
export async function countCaptureFailuresByReason(db: DbOrTrx): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('capture_failures')
    .select(['reason', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('retrying', '=', 0)
    .groupBy('reason')
    .execute();
  return new Map(rows.map((r) => [r.reason, Number(r.n)]));
}

export async function findCaptureFailure(
  db: DbOrTrx,
  orgId: string,
  id: string,
): Promise<CaptureFailureRecord | null> {
  const row = await db
    .selectFrom('capture_failures')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

/** Marks a failure dealt with; false when it was already resolved (or is not there). */
export async function markCaptureFailureResolved(
  db: DbOrTrx,
  id: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('capture_failures')
    .set({ resolved_at: at })
    .where('id', '=', id)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The open failure of a journal directory with this reason, if one is catalogued. */
export async function findOpenCaptureFailureOfJournal(
  db: DbOrTrx,
  journalDir: string,
  reason?: string,
): Promise<CaptureFailureRecord | null> {
  let query = db
    .selectFrom('capture_failures')
    .select(['id', 'org_id'])
    .where('journal_dir', '=', journalDir)
    .where('resolved_at', 'is', null);
  if (reason !== undefined) query = query.where('reason', '=', reason);
  const row = await query.orderBy('failed_at', 'desc').executeTakeFirst();
  return row ? findCaptureFailure(db, row.org_id, row.id) : null;
}

/** The recordings stored from a failed capture's audio after all (finalize ran late). */
export async function setCaptureFailureRecordings(
  db: DbOrTrx,
  id: string,
  recordingIds: readonly string[],
): Promise<void> {
  await db
    .updateTable('capture_failures')
    .set({ recording_ids: toJsonColumn(recordingIds) })
    .where('id', '=', id)
    .execute();
}

function toRecord(row: Selectable<CaptureFailuresTable>): CaptureFailureRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    sessionId: row.session_id,
    callId: row.call_id,
    reason: row.reason,
    detail: row.detail,
    failureBehavior: row.failure_behavior,
    ownerIds: parseJsonColumn<string[]>(row.owner_ids),
    recordingIds: parseJsonColumn<string[]>(row.recording_ids),
    journalDir: row.journal_dir,
    failedAt: row.failed_at,
    resolvedAt: row.resolved_at,
    retrying: Number(row.retrying) === 1,
  };
}
