// Live call recording controls (SPEC §4, §9.1) for the person whose call it is: list the calls of
// their line (or of a virtual line they have as a secondary line: Webex `lineOwnerId`) that
// Callvault holds now, show one, and start/stop/pause/resume one of them — the only one when no
// `callId` is given. The mode's rules are the recorder's pure table; a refused control changes
// nothing and answers 400 with the reason. Administrators do not control other people's calls
// (SPEC §1 gives the live controls to the user), and a call that is not the line's is answered as
// unknown (404).
// The same rules hold for a call another recorder process holds (SPEC §10 split roles): its
// state is read from the database and the control travels there (live-calls-remote.ts).
import type { RecordingControl, RecordingControlRefusal } from '@callvault/recorder';
import type { TelephonyCall } from '@callvault/shared';
import { audit } from '../audit/audit.service.js';
import type { Clock } from '../clock.js';
import type { Db, Trx } from '../db/database.js';
import type { DbNotifications } from '../db/notifications.js';
import { AppError, forbidden, notFound } from '../errors.js';
import { hasSecondaryLine } from '../org/secondary-lines.js';
import type { Actor } from '../policy/actor.js';
import { assertCan, can } from '../policy/policy.js';
import { findRecordableEntity } from '../recording-settings/effective-settings.service.js';
import type { RecordableKind } from '../recording-settings/recording-settings.model.js';
import { presentCall, remotePartyEntryOf, type RemoteOwnerPlace } from './calls.presenter.js';
import {
  liveCallOwnerEvent,
  type LiveCall,
  type LiveCallControlResult,
  type LiveCallEvent,
  type LiveCallHub,
  type LiveCallOwner,
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

/** The line the request acts for: the caller's own, or a virtual line on their phone. */
export interface CallLine {
  readonly kind: 'person' | 'virtualLine';
  readonly id: string;
  /** The people who have the line as a secondary line (authorisation, policy.ts). */
  readonly holderIds: readonly string[];
}

/**
 * Webex `lineOwnerId`: absent or the caller's own id is their own line; a virtual line the caller
 * has as a secondary line is that line. Any other id is refused (403): a user acts only for the
 * lines on their own phone.
 */
export async function resolveCallLine(
  deps: CallsDeps,
  actor: Actor,
  lineOwnerId: string | undefined,
): Promise<CallLine> {
  if (lineOwnerId === undefined || lineOwnerId === actor.personId) {
    return { kind: 'person', id: actor.personId, holderIds: [] };
  }
  // Only the lines on the caller's own phone: an administrator's role gives no line either.
  if (!(await hasSecondaryLine(deps.db, actor.orgId, actor.personId, lineOwnerId))) {
    throw forbidden('lineOwnerId is neither you nor a virtual line you have as a secondary line');
  }
  return { kind: 'virtualLine', id: lineOwnerId, holderIds: [actor.personId] };
}

const lineResource = (actor: Actor, line: CallLine) => ({
  orgId: actor.orgId,
  ownerId: line.id,
  lineHolderIds: line.holderIds,
});

/** The line's owner entry of a call; undefined when the line is not recorded on it. */
function lineEntry(call: LiveCall, line: CallLine) {
  return call.owners.find((o) => o.kind === line.kind && o.id === line.id);
}

/**
 * The remote party when it is itself recorded on the call (another owner), with whether it is in
 * the line's location (Webex `callType` location/organization).
 */
async function remoteOwnerOf(
  deps: CallsDeps,
  orgId: string,
  call: LiveCall,
  owner: LiveCallOwner,
): Promise<RemoteOwnerPlace | null> {
  const party = remotePartyEntryOf(call, owner);
  const other = party && call.owners.find((o) => o !== owner && o.participantId === party.id);
  if (!other) return null;
  const locationOf = async (o: LiveCallOwner) =>
    isRecordableKind(o.kind)
      ? ((await findRecordableEntity(deps.db, orgId, o.kind, o.id))?.locationId ?? null)
      : null;
  const [mine, theirs] = await Promise.all([locationOf(owner), locationOf(other)]);
  return { owner: other, sameLocation: mine !== null && mine === theirs };
}

function isRecordableKind(kind: string): kind is RecordableKind {
  return kind === 'person' || kind === 'workspace' || kind === 'virtualLine';
}

/**
 * The calls of the line that Callvault holds now: every SIPREC session, in this process's
 * recorder or another's, on which the line is recorded, whatever its recording state (On Demand
 * not started or stopped, paused, failed included), oldest first.
 */
export async function listMyCalls(
  deps: CallsDeps,
  actor: Actor,
  lineOwnerId?: string,
): Promise<TelephonyCall[]> {
  const line = await resolveCallLine(deps, actor, lineOwnerId);
  assertCan(actor, 'liveCall.read', lineResource(actor, line));
  const calls = await listLiveCalls(deps, actor.orgId);
  const shown: TelephonyCall[] = [];
  for (const call of calls) {
    const owner = lineEntry(call, line);
    if (!owner) continue;
    shown.push(presentCall(call, owner, await remoteOwnerOf(deps, actor.orgId, call, owner)));
  }
  return shown;
}

/** One call of the line; 404 when the line has no such call (another person's included). */
export async function getMyCall(
  deps: CallsDeps,
  actor: Actor,
  callId: string,
  lineOwnerId?: string,
): Promise<TelephonyCall> {
  const line = await resolveCallLine(deps, actor, lineOwnerId);
  assertCan(actor, 'liveCall.read', lineResource(actor, line));
  const call = await findLiveCall(deps, actor.orgId, callId);
  const owner = call ? lineEntry(call, line) : undefined;
  if (!call || !owner) throw notFound('Call');
  return presentCall(call, owner, await remoteOwnerOf(deps, actor.orgId, call, owner));
}

async function findLiveCall(
  deps: CallsDeps,
  orgId: string,
  callId: string,
): Promise<LiveCall | undefined> {
  return (
    deps.calls?.findByCallId(orgId, callId) ??
    (await findRemoteLiveCall(remoteSourceOf(deps), orgId, callId))
  );
}

/**
 * The call a control without `callId` means (Webex: optional when the user has one call): the
 * line's only call; 400 when it has none or several.
 */
async function onlyCallOf(deps: CallsDeps, actor: Actor, line: CallLine): Promise<LiveCall> {
  const calls = (await listLiveCalls(deps, actor.orgId)).filter((c) => lineEntry(c, line));
  const [only, ...more] = calls;
  if (!only) {
    throw new AppError('NO_ACTIVE_CALL', 'You have no active call to control', [
      'callId: no call of this line is being held by Callvault',
    ]);
  }
  if (more.length > 0) {
    throw new AppError('CALL_ID_REQUIRED', `You have ${calls.length} calls: name one with callId`, [
      `callId is required when the line has more than one call (it has ${calls.length}: ${calls.map((c) => c.callId).join(', ')})`,
    ]);
  }
  return only;
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
  target: { readonly callId?: string | undefined; readonly lineOwnerId?: string | undefined },
  operation: CallControlOperation,
): Promise<void> {
  const line = await resolveCallLine(deps, actor, target.lineOwnerId);
  assertCan(actor, 'liveCall.control', lineResource(actor, line));
  const hub = deps.calls;
  const found =
    target.callId === undefined
      ? await onlyCallOf(deps, actor, line)
      : await findLiveCall(deps, actor.orgId, target.callId);
  const local = found && hub?.get(found.sessionId);
  const call = local ?? found;
  const owner = call ? lineEntry(call, line) : undefined;
  if (!call || !owner) throw notFound('Call');
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
