// re-INVITE and UPDATE inside an open session (RFC 3261 §14, RFC 3311, RFC 7866 §9.2):
//   metadata: partial merge or complete replace (RFC 7865 §7); owners decided again, the
//     placeholders of the INVITE replaced; a refusal (403) marks the session refused, a policy
//     that cannot decide (503) leaves the owners as they were
//   SDP: answered again on the session's answer (RFC 3264 §8): new streams take port pairs,
//     removed ones give theirs back; an offerless re-INVITE gets our current SDP as the offer
//   session timer (RFC 4028, session-timer.ts): each 2xx refreshes it; 422 below our Min-SE
//   no open session ─► 481; the BYE came while the policy decided ─► 481
import { buildSdpAnswer, type SdpSessionDescription } from '../sdp/index.js';
import type { SipDialogContext, SipUasAnswer } from '../sip/dialog/sip-user-agent-core.js';
import type { SipRequest } from '../sip/message/index.js';
import { reasonHeader, retryAfterHeader, warningHeader } from './answer-headers.js';
import { negotiateSessionTimer, startSessionTimer } from './session-timer.js';
import { bindPortPairs } from './port-pair-allocator.js';
import { decideSessionOwners } from './owner-decision.js';
import { BodyError, readSessionBody, type SessionBody } from './request-body.js';
import {
  allocatePortsInto,
  answerWith,
  moveSession,
  notifySessionUpdated,
  type SessionContext,
} from './session-context.js';
import { applyOwnerDecision, isSessionClosed, type SessionRecord } from './session-record.js';
import { mirrorToVendor } from './forward-session.js';

export async function answerReoffer(
  context: SessionContext,
  request: SipRequest,
  dialog: SipDialogContext,
): Promise<SipUasAnswer> {
  const session = context.sessions.get(dialog.dialogId);
  if (!session) {
    context.log('warn', dialog, `${request.method} for a session that is not open`);
    return answerWith(context, request, dialog, false, { status: 481 });
  }
  try {
    return await answerOpenSession(context, request, dialog, session);
  } catch (err) {
    context.log('error', dialog, `${request.method} failed`, { err });
    return answerWith(context, request, dialog, false, { status: 500 });
  }
}

async function answerOpenSession(
  context: SessionContext,
  request: SipRequest,
  dialog: SipDialogContext,
  session: SessionRecord,
): Promise<SipUasAnswer> {
  const answer = (a: SipUasAnswer, bodyError?: BodyError) =>
    answerWith(context, request, dialog, false, a, bodyError);
  // RFC 4028 §9 and §10: every re-INVITE and UPDATE refreshes the session; a refused interval
  // leaves the session as it was, and one without Session-Expires turns the timer off.
  const timer = negotiateSessionTimer(request, context.options.sessionMinSeSeconds);
  if (timer.kind === 'malformed') {
    return answer({ status: 400, headers: [warningHeader(timer.detail)] });
  }
  if (timer.kind === 'too-small') return answer({ status: 422, headers: timer.headers });
  let body: SessionBody;
  try {
    body = readSessionBody(
      request,
      session.metadata,
      0,
      context.options.metadataLimits,
      context.clock.now(),
    );
  } catch (err) {
    if (!(err instanceof BodyError)) throw err;
    context.log('warn', dialog, `unreadable ${request.method} body: ${err.message}`, {
      part: err.part,
      code: err.code,
    });
    return answer({ status: 400, headers: [warningHeader(err.message)] }, err);
  }
  if (body.parts.metadata !== undefined) {
    const refusal = await applyMetadataRevision(context, dialog, session, body);
    if (refusal) return answer(refusal);
  }

  let answerBody: string | undefined;
  if (body.offer !== undefined) {
    const again = await answerOfferAgain(context, dialog, session, body.offer);
    if (typeof again !== 'string') return answer(again);
    answerBody = again;
  } else if (request.method === 'INVITE') {
    // RFC 3264 §8 / RFC 3261 §14.2: an offerless re-INVITE gets our current description as
    // the offer in the 2xx; the answer comes in the ACK.
    answerBody = session.answer.sdp;
  }
  moveSession(context, session, 'reoffer');
  if (body.offer !== undefined || body.parts.metadata !== undefined) {
    mirrorToVendor(
      session,
      body.parts.metadata !== undefined ? session.metadata.current : undefined,
    );
  }
  const sessionTimer = startSessionTimer(timer, context.clock.now());
  if (sessionTimer) session.sessionTimer = sessionTimer;
  else delete session.sessionTimer;
  notifySessionUpdated(context, session);
  return answer({
    status: 200,
    ...(timer.kind === 'timer' ? { headers: timer.headers } : {}),
    ...(answerBody === undefined
      ? {}
      : { body: new TextEncoder().encode(answerBody), contentType: 'application/sdp' }),
  });
}

/**
 * Takes the body's metadata revision into the session and decides the owners again. The answer
 * when the request is refused (403 from the policy, or 481 when the BYE came meanwhile).
 */
export async function applyMetadataRevision(
  context: SessionContext,
  dialog: SipDialogContext,
  session: SessionRecord,
  body: SessionBody,
): Promise<SipUasAnswer | undefined> {
  const { metadata } = body;
  session.metadata = metadata;
  const revision = metadata.revisions[metadata.revisions.length - 1];
  context.log('info', dialog, 'metadata revision applied', {
    seq: revision?.seq,
    dataMode: revision?.dataMode,
    revisions: metadata.revisions.length,
  });
  if (session.ownership === 'refused') return undefined;
  // A forwarded session keeps its vendor and owners: the revision is mirrored to the vendor.
  if (session.forward !== undefined) return undefined;
  const decision = await decideSessionOwners(
    context,
    { orgId: session.orgId, trunkId: session.trunkId },
    metadata,
    dialog,
  );
  // The BYE may have come while the policy was deciding.
  if (isSessionClosed(session)) return { status: 481 };
  if (decision.refusal?.status === 503) {
    // The policy cannot decide now: the session keeps its owners and its media is
    // answered, so nothing of the call is lost; the next revision decides again.
    context.log('warn', dialog, `owners kept as they were: ${decision.refusal.reason}`);
  } else if (decision.refusal) {
    session.ownership = 'refused';
    session.refusalReason = decision.refusal.reason;
    context.log('warn', dialog, `refused on update: ${decision.refusal.reason}`);
    notifySessionUpdated(context, session);
    return {
      status: decision.refusal.status,
      headers: [reasonHeader(decision.refusal.status, decision.refusal.reason)],
    };
  }
  applyOwnerDecision(session, decision);
  return undefined;
}

/**
 * Answers a new offer on the session's previous answer, moving its ports: the answer SDP, or the
 * SIP answer when the new ports cannot be bound (503) or the BYE came meanwhile (481).
 */
export async function answerOfferAgain(
  context: SessionContext,
  dialog: SipDialogContext,
  session: SessionRecord,
  offer: SdpSessionDescription,
): Promise<string | SipUasAnswer> {
  const added = new Set<number>();
  const next = buildSdpAnswer(offer, {
    localAddress: context.options.mediaAddress,
    allocatePortPair: allocatePortsInto(context, added),
    randomBytes: context.options.randomBytes,
    previous: session.answer.state,
  });
  // New ports' sockets are bound before the answer names them; the session stays as it was
  // when they cannot be (RFC 3261 §14.2), or when the BYE came meanwhile.
  const binding = bindPortPairs(context.ports, added);
  const unbound = binding && (await binding);
  if (unbound || isSessionClosed(session)) {
    for (const port of added) context.ports.release(port);
    if (!unbound) return { status: 481 };
    context.log('error', dialog, 'RTP ports could not be bound', { err: unbound });
    notifySessionUpdated(context, session);
    return {
      status: 503,
      headers: [
        retryAfterHeader(context.retryAfter),
        reasonHeader(503, 'RTP ports could not be bound'),
      ],
    };
  }
  for (const port of added) session.ports.add(port);
  for (const port of next.releasedPorts) {
    context.ports.release(port);
    session.ports.delete(port);
  }
  session.answer = next;
  context.log('info', dialog, 'offer answered again', {
    version: next.state.sessionVersion,
    streams: next.streams.map((s) => ({
      label: s.label,
      port: s.localPort,
      onHold: s.onHold,
      rejected: s.rejectReason,
    })),
  });
  return next.sdp;
}
