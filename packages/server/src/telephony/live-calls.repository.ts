// Live calls shared between processes (migration 0010): the recorder's mirror of its LiveCallHub
// (`live_calls`, one JSON snapshot per call with a heartbeat) and the recording controls other
// processes queue for it (`live_call_commands`, answered with the recorder's result).
import crypto from 'node:crypto';
import type { RecordingControl } from '@callvault/recorder';
import type { DbOrTrx } from '../db/database.js';
import { parseJsonColumn, toJsonColumn } from '../db/json.js';
import type { LiveCall, LiveCallControlResult } from './live-calls.js';

export interface StoredLiveCall {
  readonly call: LiveCall;
  /** The recorder process holding the call. */
  readonly instanceId: string;
  readonly updatedAt: string;
}

export async function upsertLiveCall(
  db: DbOrTrx,
  call: LiveCall,
  instanceId: string,
  updatedAt: string,
): Promise<void> {
  const snapshot = toJsonColumn(call);
  await db
    .insertInto('live_calls')
    .values({
      session_id: call.sessionId,
      org_id: call.orgId,
      call_id: call.callId,
      instance_id: instanceId,
      started_at: new Date(call.startedAt).toISOString(),
      snapshot,
      updated_at: updatedAt,
    })
    .onConflict((oc) =>
      oc.column('session_id').doUpdateSet({
        org_id: call.orgId,
        call_id: call.callId,
        instance_id: instanceId,
        snapshot,
        updated_at: updatedAt,
      }),
    )
    .execute();
}

export async function deleteLiveCall(db: DbOrTrx, sessionId: string): Promise<void> {
  await db.deleteFrom('live_calls').where('session_id', '=', sessionId).execute();
}

/** The heartbeat: every call of this recorder is still live at `updatedAt`. */
export async function touchLiveCalls(
  db: DbOrTrx,
  instanceId: string,
  updatedAt: string,
): Promise<void> {
  await db
    .updateTable('live_calls')
    .set({ updated_at: updatedAt })
    .where('instance_id', '=', instanceId)
    .execute();
}

/**
 * Calls whose recorder has not refreshed them since `before`: the recorder stopped heartbeating
 * (killed, its machine lost), and a worker finalizes what it shipped of them.
 */
export async function listLiveCallsNotRefreshedSince(
  db: DbOrTrx,
  before: string,
): Promise<Array<{ sessionId: string; callId: string; instanceId: string; updatedAt: string }>> {
  const rows = await db
    .selectFrom('live_calls')
    .select(['session_id', 'call_id', 'instance_id', 'updated_at'])
    .where('updated_at', '<', before)
    .orderBy('updated_at')
    .execute();
  return rows.map((r) => ({
    sessionId: r.session_id,
    callId: r.call_id,
    instanceId: r.instance_id,
    updatedAt: r.updated_at,
  }));
}

export async function deleteLiveCallsOfInstance(db: DbOrTrx, instanceId: string): Promise<void> {
  await db.deleteFrom('live_calls').where('instance_id', '=', instanceId).execute();
}

export interface LiveCallQuery {
  /** One org, or every org (the event feed filters per listener). */
  readonly orgId?: string;
  readonly callId?: string;
  /** Heartbeats older than this (ISO time) are a recorder that went away: ignored. */
  readonly freshSince: string;
  /** The asking process's own recorder: its calls are read from memory instead. */
  readonly excludeInstanceId?: string | null;
}

/** Live calls with a fresh heartbeat, oldest first. */
export async function listLiveCalls(db: DbOrTrx, q: LiveCallQuery): Promise<StoredLiveCall[]> {
  let query = db
    .selectFrom('live_calls')
    .select(['instance_id', 'snapshot', 'updated_at'])
    .where('updated_at', '>=', q.freshSince);
  if (q.orgId !== undefined) query = query.where('org_id', '=', q.orgId);
  if (q.callId !== undefined) query = query.where('call_id', '=', q.callId);
  if (q.excludeInstanceId) query = query.where('instance_id', '<>', q.excludeInstanceId);
  const rows = await query.orderBy('started_at').orderBy('session_id').execute();
  return rows.map((row) => ({
    call: parseJsonColumn<LiveCall>(row.snapshot),
    instanceId: row.instance_id,
    updatedAt: row.updated_at,
  }));
}

export interface LiveCallCommand {
  readonly id: string;
  readonly sessionId: string;
  readonly ownerId: string;
  readonly control: RecordingControl;
  readonly source: 'api';
  readonly requestedBy: string;
  readonly createdAt: string;
}

export function newLiveCallCommandId(): string {
  return crypto.randomUUID();
}

export async function insertLiveCallCommand(db: DbOrTrx, c: LiveCallCommand): Promise<void> {
  await db
    .insertInto('live_call_commands')
    .values({
      id: c.id,
      session_id: c.sessionId,
      owner_id: c.ownerId,
      control: c.control,
      source: c.source,
      requested_by: c.requestedBy,
      created_at: c.createdAt,
      result: null,
      done_at: null,
    })
    .execute();
}

/** Commands not answered yet for the calls this recorder holds, oldest first. */
export async function listPendingLiveCallCommands(
  db: DbOrTrx,
  instanceId: string,
): Promise<LiveCallCommand[]> {
  const rows = await db
    .selectFrom('live_call_commands as c')
    .innerJoin('live_calls as l', 'l.session_id', 'c.session_id')
    .select([
      'c.id',
      'c.session_id',
      'c.owner_id',
      'c.control',
      'c.source',
      'c.requested_by',
      'c.created_at',
    ])
    .where('c.done_at', 'is', null)
    .where('l.instance_id', '=', instanceId)
    .orderBy('c.created_at')
    .orderBy('c.id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    sessionId: row.session_id,
    ownerId: row.owner_id,
    control: row.control as RecordingControl,
    source: 'api',
    requestedBy: row.requested_by,
    createdAt: row.created_at,
  }));
}

/**
 * The recorder takes a command before applying it. False when it is taken already: the asker gave
 * up waiting (a control must not happen after the asker was told it did not).
 */
export async function claimLiveCallCommand(db: DbOrTrx, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('live_call_commands')
    .set({ done_at: at })
    .where('id', '=', id)
    .where('done_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The recorder's answer to a command it claimed. */
export async function answerLiveCallCommand(
  db: DbOrTrx,
  id: string,
  result: LiveCallControlResult,
): Promise<void> {
  await db
    .updateTable('live_call_commands')
    .set({ result: toJsonColumn(result) })
    .where('id', '=', id)
    .execute();
}

/** The asker stops waiting; false when a recorder has claimed the command meanwhile. */
export async function cancelLiveCallCommand(db: DbOrTrx, id: string, at: string): Promise<boolean> {
  return claimLiveCallCommand(db, id, at);
}

/** The recorder's answer to a command, or null while it has not answered. */
export async function findLiveCallCommandResult(
  db: DbOrTrx,
  id: string,
): Promise<LiveCallControlResult | null> {
  const row = await db
    .selectFrom('live_call_commands')
    .select('result')
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.result ? parseJsonColumn<LiveCallControlResult>(row.result) : null;
}

/** Sweeps what a recorder that went away left, and answered or abandoned commands. */
export async function deleteExpiredLiveCallState(db: DbOrTrx, before: string): Promise<void> {
  await db.deleteFrom('live_calls').where('updated_at', '<', before).execute();
  await db.deleteFrom('live_call_commands').where('created_at', '<', before).execute();
}
