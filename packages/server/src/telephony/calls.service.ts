// Live call recording controls (SPEC §4, §9.1) for the person whose call it is: list their calls
// being recorded now with the recording state, and start/stop/pause/resume one of them. The
// mode's rules are the recorder's pure table; a refused control changes nothing and answers 400
// with the reason. Administrators do not control other people's calls (SPEC §1 gives the live
// controls to the user), and a call that is not the caller's is answered as unknown (404).
import {
  allowedRecordingControls,
  type RecordingControl,
  type RecordingControlRefusal,
} from '@callvault/recorder';
import type { TelephonyCall } from '@callvault/shared';
import { audit } from '../audit/audit.service.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import type { Actor } from '../policy/actor.js';
import { assertCan, can } from '../policy/policy.js';
import type { LiveCall, LiveCallEvent, LiveCallHub } from './live-calls.js';

export interface CallsDeps {
  readonly db: Db;
  readonly clock: Clock;
  /** The live calls of this process's recorder; null without the recorder role. */
  readonly calls: LiveCallHub | null;
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

/**
 * This process's live calls. Without the recorder role (`serve --roles api` beside a separate
 * recorder process) there are none to show or control here: say so (503) rather than answer
 * with an empty list or a 404 that would read as "no call".
 */
export function requireLiveCalls(deps: CallsDeps): LiveCallHub {
  if (deps.calls) return deps.calls;
  throw new AppError(
    'UNAVAILABLE',
    'Live calls are served by the process that runs the recorder role; this one runs without it',
  );
}

/** The caller's own owner entry of a call (a person owns calls; workspaces have no caller). */
function ownEntry(call: LiveCall, actor: Actor) {
  return call.owners.find((o) => o.kind === 'person' && o.id === actor.personId);
}

export function listMyCalls(deps: CallsDeps, actor: Actor): TelephonyCall[] {
  assertCan(actor, 'liveCall.read', { orgId: actor.orgId, ownerId: actor.personId });
  const calls = requireLiveCalls(deps).list(actor.orgId);
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

/** Applies one control to the caller's call; audited with the state it led to. */
export async function controlMyCall(
  deps: CallsDeps,
  actor: Actor,
  callId: string,
  operation: CallControlOperation,
): Promise<void> {
  const hub = requireLiveCalls(deps);
  const call = hub.findByCallId(actor.orgId, callId);
  const owner = call ? ownEntry(call, actor) : undefined;
  if (!call || !owner) throw notFound('Call');
  assertCan(actor, 'liveCall.control', { orgId: actor.orgId, ownerId: owner.id });
  const control = CALL_CONTROL_OPERATIONS[operation];
  await deps.db.transaction().execute(async (trx) => {
    const result = hub.control(
      call.sessionId,
      owner.id,
      control,
      'api',
      deps.clock.now().getTime(),
    );
    if (!result.ok) {
      throw new AppError('VALIDATION_FAILED', `${operation} refused: ${result.message}`, [
        `${result.reason}: ${result.message}`,
      ]);
    }
    await audit(
      trx,
      deps.clock,
      actor,
      `liveCall.${operation}`,
      { type: 'call', id: call.callId },
      { callSessionId: call.sessionId, ownerId: owner.id, recordingState: result.state },
    );
  });
}

/** Whether the actor may see this event: their own calls, or their org's as admin/CO. */
export function mayReceiveEvent(actor: Actor, event: LiveCallEvent): boolean {
  return can(actor, 'liveCall.read', { orgId: event.orgId, ownerId: event.ownerId });
}

/** The current state of every call the actor may see, as events (sent first on connect). */
export function snapshotEvents(deps: CallsDeps, actor: Actor): LiveCallEvent[] {
  const now = deps.clock.now().getTime();
  return (deps.calls?.list(actor.orgId) ?? []).flatMap((call) =>
    call.owners
      .map((owner): LiveCallEvent => ({
        type: 'recordingState',
        sessionId: call.sessionId,
        callId: call.callId,
        orgId: call.orgId,
        ownerId: owner.id,
        ownerKind: owner.kind,
        recordingState: owner.state,
        atMs: now,
      }))
      .filter((event) => mayReceiveEvent(actor, event)),
  );
}
