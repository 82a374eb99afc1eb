// Live call recording controls (SPEC §4, §9.1) for the person whose call it is: list their calls
// being recorded now with the recording state, and start/stop/pause/resume one of them. The
// mode's rules are the recorder's pure table; a refused control changes nothing and answers 400
// with the reason. Administrators do not control other people's calls (SPEC §1 gives the live
// controls to the user), and a call that is not the caller's is answered as unknown (404).
// The same rules hold for a call another recorder process holds (SPEC §10 split roles): its
// state is read from the database and the control travels there (live-calls-remote.ts).
import {
  allowedRecordingControls,
  type RecordingControl,
  type RecordingControlRefusal,
} from '@callvault/recorder';
import type { TelephonyCall } from '@callvault/shared';
import { audit } from '../audit/audit.service.js';
import type { Clock } from '../clock.js';
import type { Db, Trx } from '../db/database.js';
import type { DbNotifications } from '../db/notifications.js';
import { AppError, notFound } from '../errors.js';
import type { Actor } from '../policy/actor.js';
import { assertCan, can } from '../policy/policy.js';
import {
  liveCallOwnerEvent,
  type LiveCall,
  type LiveCallControlResult,
  type LiveCallEvent,
  type LiveCallHub,
} from './live-calls.js';
import {
  findRemoteLiveCall,
  listRemoteLiveCalls,
  requestRemoteControl,
  type RemoteLiveCallOptions,
  type RemoteLiveCallSource,
} from './live-calls-remote.js';

export interface CallsDeps {
  readonly db: Db;
  readonly clock: Clock;
  /** The live calls of this process's recorder; null without the recorder role. */
  readonly calls: LiveCallHub | null;
  /** Calls held by other recorder processes, through the database (timings for tests). */
  readonly remote?: RemoteLiveCallOptions;
  /** Wake-ups to and from recorder processes (LISTEN/NOTIFY on PostgreSQL). */
  readonly notifications?: DbNotifications;
}

/** Webex's operation names and the control each one is. */
export const CALL_CONTROL_OPERATIONS = {
  startRecording: 'start',
  stopRecording: 'stop',
  pauseRecording: 'pause',
  resumeRecording: 'resume',
} as const satisfies Record<string, RecordingControl>;
export type CallControlOperation = keyof typeof CALL_CONTROL_OPERATIONS;

const OPERATION_OF: Record<RecordingControl, CallControlOperation> = {
  start: 'startRecording',
  stop: 'stopRecording',
  pause: 'pauseRecording',
  resume: 'resumeRecording',
};

/** Other recorder processes' calls, from their mirror in the database. */
export function remoteSourceOf(deps: CallsDeps): RemoteLiveCallSource {
  return {
    db: deps.db,
    clock: deps.clock,
    excludeInstanceId: deps.calls?.instanceId ?? null,
    ...(deps.remote ? { options: deps.remote } : {}),
    ...(deps.notifications ? { notifications: deps.notifications } : {}),
  };
}

/**
 * The org's live calls: this process's recorder's from memory, and those other recorder
 * processes hold from the database (a process without the recorder role has only those).
 */
async function listLiveCalls(deps: CallsDeps, orgId: string): Promise<LiveCall[]> {
  return withRemoteCalls(deps, orgId, await listRemoteLiveCalls(remoteSourceOf(deps), orgId));
}

/**
 * The org's calls in this process's hub, then those of `remote` (other recorders' mirrored calls)
 * it does not hold itself, oldest first.
 */
function withRemoteCalls(deps: CallsDeps, orgId: string, remote: readonly LiveCall[]): LiveCall[] {
  const local = deps.calls?.list(orgId) ?? [];
  const seen = new Set(local.map((c) => c.sessionId));
  return [...local, ...remote.filter((c) => c.orgId === orgId && !seen.has(c.sessionId))].sort(
    (a, b) => a.startedAt - b.startedAt,
  );
}

/** The caller's own owner entry of a call (a person owns calls; workspaces have no caller). */
function ownEntry(call: LiveCall, actor: Actor) {
  return call.owners.find((o) => o.kind === 'person' && o.id === actor.personId);
}

export async function listMyCalls(deps: CallsDeps, actor: Actor): Promise<TelephonyCall[]> {
  assertCan(actor, 'liveCall.read', { orgId: actor.orgId, ownerId: actor.personId });
  const calls = await listLiveCalls(deps, actor.orgId);
  return calls.flatMap((call) => {
    const owner = ownEntry(call, actor);
    if (!owner) return [];
    const remote = call.parties.find((p) => p.id !== owner.participantId);
    const started = new Date(call.startedAt).toISOString();
    return [
      {
        id: call.callId,
        callSessionId: call.sessionId,
        state: call.onHold ? ('held' as const) : ('connected' as const),
        remoteParty: {
          name: remote?.name ?? null,
          number: remote?.aor ?? null,
        },
        created: started,
        answered: started,
        recordingState: owner.state,
        recordMode: owner.mode,
        allowedRecordingControls:
          owner.state === 'failed'
            ? []
            : allowedRecordingControls(owner.mode).map((c) => OPERATION_OF[c]),
        failureReason: call.failure?.reason ?? null,
      },
    ];
  });
}

export interface CallControlRefused {
  readonly reason: RecordingControlRefusal;
  readonly message: string;
}

/** A refused control: 400 with the reason, or 404 when the call ended meanwhile. */
function refused(
  operation: CallControlOperation,
  result: Extract<LiveCallControlResult, { ok: false }>,
): AppError {
  if (result.reason === 'UNKNOWN_CALL') return notFound('Call');
  return new AppError('VALIDATION_FAILED', `${operation} refused: ${result.message}`, [
    `${result.reason}: ${result.message}`,
  ]);
}

/**
 * Applies one control to the caller's call; audited with the state it led to. A call this
 * process's recorder holds is controlled in memory; one another recorder process holds gets the
 * control through the database and answers within ~3 s, or the request fails with
 * RECORDER_UNAVAILABLE (503) and the control is withdrawn.
 */
export async function controlMyCall(
  deps: CallsDeps,
  actor: Actor,
  callId: string,
  operation: CallControlOperation,
): Promise<void> {
  const hub = deps.calls;
  const local = hub?.findByCallId(actor.orgId, callId);
  const call = local ?? (await findRemoteLiveCall(remoteSourceOf(deps), actor.orgId, callId));
  const owner = call ? ownEntry(call, actor) : undefined;
  if (!call || !owner) throw notFound('Call');
  assertCan(actor, 'liveCall.control', { orgId: actor.orgId, ownerId: owner.id });
  const control = CALL_CONTROL_OPERATIONS[operation];
  const auditControl = (trx: Trx, state: string) =>
    audit(
      trx,
      deps.clock,
      actor,
      `liveCall.${operation}`,
      { type: 'call', id: call.callId },
      { callSessionId: call.sessionId, ownerId: owner.id, recordingState: state },
    );
  if (hub && local) {
    await deps.db.transaction().execute(async (trx) => {
      const result = hub.control(
        call.sessionId,
        owner.id,
        control,
        'api',
        deps.clock.now().getTime(),
      );
      if (!result.ok) throw refused(operation, result);
      await auditControl(trx, result.state);
    });
    return;
  }
  const result = await requestRemoteControl(remoteSourceOf(deps), {
    sessionId: call.sessionId,
    ownerId: owner.id,
    control,
    requestedBy: actor.personId,
  });
  if (!result) {
    throw new AppError(
      'RECORDER_UNAVAILABLE',
      'The recorder process holding this call did not answer in time; the control was not applied',
    );
  }
  if (!result.ok) throw refused(operation, result);
  await deps.db.transaction().execute((trx) => auditControl(trx, result.state));
}

/** Whether the actor may see this event: their own calls, or their org's as admin/CO. */
export function mayReceiveEvent(actor: Actor, event: LiveCallEvent): boolean {
  return can(actor, 'liveCall.read', { orgId: event.orgId, ownerId: event.ownerId });
}

/**
 * The current state of every call the actor may see, as events (sent first on connect): this
 * process's recorder's calls and `remote`, other recorders' calls as the event feed read them.
 */
export function snapshotEvents(
  deps: CallsDeps,
  actor: Actor,
  remote: readonly LiveCall[] = [],
): LiveCallEvent[] {
  const now = deps.clock.now().getTime();
  return withRemoteCalls(deps, actor.orgId, remote).flatMap((call) =>
    call.owners
      .map((owner) => liveCallOwnerEvent(call, owner, now))
      .filter((event) => mayReceiveEvent(actor, event)),
  );
}
