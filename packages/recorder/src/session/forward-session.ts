// A session the policy forwards to an external recorder (RecordingOwnerDecision.forward), on
// the session handler's side: the leg is started before the SRC's INVITE is answered (so no
// forwarded session claims media it cannot deliver), its failures follow the org's options, its
// changes are mirrored, its end goes with the session's, and the vendor's own requests in the
// leg's dialog are answered here.
//
//   vendor answered 2xx ─► the SRC gets 200; recorded here too only with dual recording
//   vendor failed, "record here when the vendor fails" on (or dual) ─► the SRC gets 200 and the
//     call is recorded here for the forward's owners; the forward shows `failed` with the reason
//   vendor failed, the option off ─► the SRC gets 503 naming the failure; the sink hears of the
//     session opened and closed at once, so the failure is reported and audited
//   the leg fails mid-call ─► as above, from then on (the journal of the fallback holds the call
//     from its start: it is written whenever the fallback is on)
import type { SipUasAnswer } from '../sip/dialog/sip-user-agent-core.js';
import { formatDialogId } from '../sip/dialog/sip-dialog.js';
import { getCallId, getFrom, getTo, type SipRequest } from '../sip/message/index.js';
import type { RecordingMetadata } from '../siprec/index.js';
import type { SdpAnsweredStream } from '../sdp/index.js';
import { startForward, type ForwardStartFailure } from './forward/forward-session.js';
import type { ForwardFailure } from './forward/forward-leg.js';
import type { RecordingForwardTarget, RecordingOwnerDecision } from './ports.js';
import { notifySessionUpdated, type CallIds, type SessionContext } from './session-context.js';
import { applyOwnerDecision, type SessionRecord } from './session-record.js';

type ForwardStateRecord = NonNullable<SessionRecord['forward']>;

export interface ForwardOutcome {
  readonly state: ForwardStateRecord;
  readonly runtime?: SessionRecord['forwardRuntime'];
  readonly failure?: ForwardStartFailure;
}

function idsOf(session: SessionRecord): CallIds {
  return { callId: session.callId, dialogId: session.id };
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/**
 * Starts the leg for a new session and waits for the vendor. `lookup` finds the session once it
 * is open (the leg's later failure or end acts on it).
 */
export async function forwardNewSession(
  context: SessionContext,
  ids: CallIds,
  decision: RecordingOwnerDecision & { forward: RecordingForwardTarget },
  inbound: readonly SdpAnsweredStream[],
  metadata: RecordingMetadata | undefined,
  lookup: () => SessionRecord | undefined,
): Promise<ForwardOutcome> {
  const forwarding = context.options.forwarding;
  const target = decision.forward;
  const recordedHere = target.dualRecording || decision.owners.length > 0;
  const failedState = (failure: ForwardStartFailure): ForwardStateRecord => ({
    vendorId: target.vendorId,
    vendorName: target.vendorName,
    sipUri: target.sipUri,
    state: 'failed',
    owners: target.owners,
    startedAt: context.clock.now(),
    endedAt: context.clock.now(),
    failure: {
      code: failure.code,
      ...(failure.status === undefined ? {} : { status: failure.status }),
      reason: failure.reason,
    },
    recordedHere,
    fallbackToLocal: target.fallbackToLocal,
  });
  if (!forwarding) {
    const failure = { code: 'vendor-unresolvable' as const, reason: 'forwarding is off' };
    return { state: failedState(failure), failure };
  }
  const started = await startForward(forwarding, {
    target,
    inbound,
    ...(metadata === undefined ? {} : { metadata }),
    mediaAddress: context.options.mediaAddress,
    now: () => context.clock.now(),
    sessionId: String(parseInt(hex(context.options.randomBytes(4)), 16)),
    randomBytes: context.options.randomBytes,
    recordedHere,
    onFailed: (failure) => {
      const session = lookup();
      if (session) legFailedMidCall(context, session, failure);
    },
    onEnded: () => {
      const session = lookup();
      if (session) context.log('info', idsOf(session), 'forward leg ended');
    },
    log: (level, message, fields) => context.log(level, ids, message, fields),
  });
  if (!started.ok) {
    context.log('warn', ids, `forwarding to ${target.vendorName} failed`, {
      code: started.failure.code,
      reason: started.failure.reason,
    });
    return { state: failedState(started.failure), failure: started.failure };
  }
  const { runtime } = started;
  const legId = runtime.dialogId();
  if (legId !== undefined) context.forwardLegs.set(legId, runtime);
  context.log('info', ids, `forwarded to ${target.vendorName}`, { leg: legId });
  return { state: runtime.state, runtime };
}

/**
 * The owners a forward failure hands the call to when it is recorded here: the forward's owners,
 * or unattributed (the org's default sent it, nobody matched) with the failure as the reason.
 */
export function recordHereAfterFailure(
  session: SessionRecord,
  target: RecordingForwardTarget,
  reason: string,
): void {
  applyOwnerDecision(session, {
    owners: target.owners,
    waitingForParticipants: false,
    unattributed: `forwarding to ${target.vendorName} failed (${reason}); recorded here`,
  });
  if (session.forward) session.forward.recordedHere = true;
}

function legFailedMidCall(
  context: SessionContext,
  session: SessionRecord,
  failure: ForwardFailure,
): void {
  const runtime = session.forwardRuntime;
  const legId = runtime?.dialogId();
  if (legId !== undefined) context.forwardLegs.delete(legId);
  context.log(
    'warn',
    idsOf(session),
    `the forward to ${session.forward?.vendorName ?? '?'} failed`,
    {
      code: failure.code,
      reason: failure.reason,
    },
  );
  if (
    runtime &&
    session.forward &&
    !session.forward.recordedHere &&
    runtime.target.fallbackToLocal
  ) {
    recordHereAfterFailure(session, runtime.target, failure.reason);
    context.log(
      'info',
      idsOf(session),
      'recorded here from now on: the journal holds the whole call',
    );
  }
  notifySessionUpdated(context, session);
}

/** Mirrors the session's current streams (and new metadata) to the vendor. */
export function mirrorToVendor(
  session: SessionRecord,
  metadata: RecordingMetadata | undefined,
): void {
  const runtime = session.forwardRuntime;
  if (!runtime || session.forward?.state !== 'established') return;
  runtime.update(session.answer.streams, metadata);
}

/** The session closed: the leg ends with BYE and the relay closes. */
export function endForward(context: SessionContext, session: SessionRecord): void {
  const runtime = session.forwardRuntime;
  if (!runtime) return;
  const legId = runtime.dialogId();
  void runtime.end().catch((err: unknown) => {
    context.log('warn', idsOf(session), 'the relay did not close cleanly', { err });
  });
  // The vendor's answer to our BYE is a response, not a request: the leg needs no entry now.
  if (legId !== undefined) context.forwardLegs.delete(legId);
}

/** A request from a vendor inside a forward leg's dialog; undefined when no leg has that dialog. */
export function answerVendorRequest(
  context: SessionContext,
  request: SipRequest,
): SipUasAnswer | undefined {
  const localTag = getTo(request)?.params.tag;
  const remoteTag = getFrom(request)?.params.tag;
  if (typeof localTag !== 'string' || typeof remoteTag !== 'string') return undefined;
  const id = formatDialogId(getCallId(request) ?? '', localTag, remoteTag);
  const runtime = context.forwardLegs.get(id);
  if (!runtime) return undefined;
  switch (request.method) {
    case 'BYE':
      context.forwardLegs.delete(id);
      runtime.leg.receiveBye();
      return { status: 200 };
    case 'OPTIONS':
      return { status: 200 };
    default:
      // The SRC side offers; a vendor's re-offer in a recording session is not taken (RFC 7866
      // §8.1.1 leaves media changes to the SRC).
      return { status: 488, reason: 'Not Acceptable Here' };
  }
}

/** The SIP answer to the SRC when its call could not be forwarded and nothing records it here. */
export function forwardRefusal(target: RecordingForwardTarget, failure: ForwardStartFailure) {
  return {
    status: 503 as const,
    reason: `the external recorder ${target.vendorName} failed: ${failure.reason}`,
  };
}
