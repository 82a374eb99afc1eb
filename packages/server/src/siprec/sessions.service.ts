// GET /api/sessions: the SIPREC sessions this process is recording now, for the
// administrators of their org. Read from the in-memory registry; nothing touches the database.
import type { RecordingSessionSnapshot } from '@callvault/recorder';
import { audit } from '../audit/audit.service.js';
import {
  findCaptureFailure,
  listOpenCaptureFailures,
  markCaptureFailureResolved,
} from '../capture/capture-failures.repository.js';
import { isJournalOnThisServer, retryCaptureFinalize } from '../capture/capture.jobs.js';
import type { Clock } from '../clock.js';
import type { Db, DbOrTrx } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import type { JobQueue } from '../jobs/job-queue.js';
import { assertCan } from '../policy/policy.js';
import type { Actor } from '../policy/actor.js';
import type { LiveCall } from '../telephony/live-calls.js';
import { forwardOwnersOf } from './forward-sink.js';
import type { SessionRegistry } from './session-registry.js';

export interface SessionView {
  readonly id: string;
  readonly callId: string;
  readonly state: string;
  readonly ownership: string;
  /** Why nobody owns the call, while it is recorded unattributed. */
  readonly unattributedReason?: string;
  readonly startedAt: string;
  readonly trunk: { readonly id: string; readonly name: string };
  readonly source: string;
  readonly parties: Array<{
    readonly id: string;
    readonly aor: string | null;
    readonly name: string | null;
    readonly placeholder: boolean;
  }>;
  readonly owners: Array<{
    readonly type: string;
    readonly id: string;
    readonly displayName: string;
    readonly mode: string;
    readonly matchedBy: string;
    readonly recordingState: string | null;
    readonly failureBehavior: string | null;
  }>;
  readonly streams: Array<{
    readonly label: string | null;
    readonly port: number;
    readonly protocol: string;
    readonly codec: string | null;
    readonly direction: string;
  }>;
  readonly metadataRevisions: number;
  /** `failed` when the live capture failed, else the first owner's live recording state. */
  readonly recordingState: string | null;
  readonly onHold: boolean;
  readonly failure: {
    readonly reason: string;
    readonly detail: string;
    readonly at: string;
    /** What the call system must do (SPEC §3.1), from the first owner's effective settings. */
    readonly failureBehavior: string | null;
  } | null;
  /** The external recorder the session is forwarded to (docs/adr/0010), or null. */
  readonly forward: {
    readonly vendorId: string;
    readonly vendorName: string;
    readonly sipUri: string;
    readonly state: string;
    readonly failure: { code: string; status: number | null; reason: string } | null;
    readonly recordedHere: boolean;
  } | null;
}

export interface CaptureFailureView {
  readonly id: string;
  readonly callId: string;
  readonly callSessionId: string;
  readonly reason: string;
  readonly detail: string;
  readonly failureBehavior: string | null;
  readonly ownerIds: string[];
  readonly recordingIds: string[];
  readonly failedAt: string;
  /** The finalize job is still retrying (the journal is kept); false once the failure is final. */
  readonly retrying: boolean;
}

export function presentSession(s: RecordingSessionSnapshot, call?: LiveCall): SessionView {
  const stateOf = (ownerId: string) => call?.owners.find((o) => o.id === ownerId)?.state ?? null;
  // A forwarded session's failure behaviour is its vendor owners' when none is recorded here.
  const failureBehavior =
    [...s.owners, ...forwardOwnersOf(s)].find((o) => o.failureBehavior)?.failureBehavior ?? null;
  return {
    id: s.id,
    callId: s.callId,
    state: s.state,
    ownership: s.ownership,
    ...(s.unattributedReason === undefined ? {} : { unattributedReason: s.unattributedReason }),
    startedAt: new Date(s.startedAt).toISOString(),
    trunk: { id: s.trunkId, name: s.trunkName },
    source: `${s.source.transport}:${s.source.address}:${s.source.port}`,
    parties: s.parties.map((p) => ({
      id: p.id,
      aor: p.aor ?? null,
      name: p.name ?? null,
      placeholder: p.placeholder,
    })),
    owners: s.owners.map((o) => ({
      type: o.kind,
      id: o.id,
      displayName: o.displayName,
      mode: o.mode,
      matchedBy: o.matchedBy,
      recordingState: stateOf(o.id),
      failureBehavior: o.failureBehavior ?? null,
    })),
    streams: s.streams.map((st) => ({
      label: st.label ?? null,
      port: st.localPort,
      protocol: st.protocol,
      codec: st.codec?.name ?? null,
      direction: st.direction,
    })),
    metadataRevisions: s.metadataRevisions.length,
    recordingState: call?.failure ? 'failed' : (call?.owners[0]?.state ?? null),
    onHold: call?.onHold ?? false,
    failure: call?.failure
      ? {
          reason: call.failure.reason,
          detail: call.failure.detail,
          at: new Date(call.failure.atMs).toISOString(),
          failureBehavior,
        }
      : null,
    forward: s.forward
      ? {
          vendorId: s.forward.vendorId,
          vendorName: s.forward.vendorName,
          sipUri: s.forward.sipUri,
          state: s.forward.state,
          failure: s.forward.failure
            ? {
                code: s.forward.failure.code,
                status: s.forward.failure.status ?? null,
                reason: s.forward.failure.reason,
              }
            : null,
          recordedHere: s.forward.recordedHere,
        }
      : null,
  };
}

/** Administrators of the org (full, read-only, partner acting on it) see its live sessions. */
export function listActiveSessions(registry: SessionRegistry | null, actor: Actor): SessionView[] {
  assertCan(actor, 'session.read', { orgId: actor.orgId });
  return registry
    ? registry.listByOrg(actor.orgId).map((s) => presentSession(s, registry.calls.get(s.id)))
    : [];
}

/** Captured calls of the org whose recording failed and no operator has dealt with yet. */
export async function listCaptureFailures(
  db: DbOrTrx,
  actor: Actor,
): Promise<CaptureFailureView[]> {
  assertCan(actor, 'session.read', { orgId: actor.orgId });
  return (await listOpenCaptureFailures(db, actor.orgId)).map((f) => ({
    id: f.id,
    callId: f.callId,
    callSessionId: f.sessionId,
    reason: f.reason,
    detail: f.detail,
    failureBehavior: f.failureBehavior,
    ownerIds: [...f.ownerIds],
    recordingIds: [...f.recordingIds],
    failedAt: f.failedAt,
    retrying: f.retrying,
  }));
}

/**
 * An operator has dealt with a failed capture: it leaves the open list (audited). With `retry`
 * the kept journal is finalized again (after the disk was freed or the encoder fixed) — only when
 * nothing of the call was stored yet, so no audio is stored twice; a new failure is catalogued
 * again if it fails again.
 */
export async function resolveCaptureFailure(
  deps: { readonly db: Db; readonly clock: Clock; readonly queue: JobQueue | null },
  actor: Actor,
  id: string,
  options: { readonly retry?: boolean | undefined },
): Promise<void> {
  assertCan(actor, 'recording.manage', { orgId: actor.orgId });
  const failure = await findCaptureFailure(deps.db, actor.orgId, id);
  if (!failure) throw notFound('Capture failure');
  if (failure.resolvedAt !== null) throw new AppError('CONFLICT', 'already resolved');
  if (options.retry) {
    if (failure.recordingIds.length > 0) {
      throw new AppError(
        'VALIDATION_FAILED',
        'part of this call is stored already; finalizing it again would store that audio twice',
      );
    }
    if (!deps.queue) throw new AppError('UNAVAILABLE', 'no job queue in this process');
    if (!isJournalOnThisServer(failure.journalDir)) {
      throw new AppError('CONFLICT', `the journal ${failure.journalDir} is not on this server`);
    }
  }
  await deps.db.transaction().execute(async (trx) => {
    if (!(await markCaptureFailureResolved(trx, id, deps.clock.now().toISOString()))) {
      throw new AppError('CONFLICT', 'already resolved');
    }
    await audit(
      trx,
      deps.clock,
      actor,
      'capture.failureResolved',
      {
        type: 'captureFailure',
        id,
      },
      { retry: options.retry === true, journalDir: failure.journalDir, reason: failure.reason },
    );
  });
  if (options.retry && deps.queue) {
    await retryCaptureFinalize(deps.queue, failure.journalDir);
  }
}
