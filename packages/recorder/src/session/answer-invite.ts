// The initial INVITE of a recording session (RFC 7866 §6-§8):
//
//   admit (admit-invite.ts: 403 / 401 + challenge / 503) ─► overload (overload.ts: 503)
//   ─► body (request-body.ts; unreadable: 400 + Warning; no SDP offer: a delayed offer, below)
//   ─► owners (RecordingPolicy.decideOwners) ─► refusal: 403 + Reason (RFC 3326), 503
//   ─► SDP answer on port pairs of CALLVAULT_RTP_PORTS (RFC 3264; recvonly, SAVP kept with our
//      key) ─► no free port pair: 503; nothing recordable: 488
//   ─► the session opens, the sink hears of it ─► 200 OK, body SDP only (a multipart answer
//      breaks common SBCs)
// A CANCEL seen between the steps answers 487; the ports of an INVITE not answered 2xx go back.
// An INVITE without SDP (a delayed offer, RFC 3261 §13.2.1; CUCM's built-in bridge) is answered
// with our offer in the 200 OK (sdp-offer.ts): recvonly streams labelled as the metadata's
// streams. The session then waits for the answer in the ACK (siprec-session-handler.ts), and the
// sink hears of it only once the answer names the SRC's codecs and addresses.
import { createRecordingMetadataState, readSiprecRequestIndicators } from '../siprec/index.js';
import {
  buildSdpAnswer,
  buildSdpOffer,
  DEFAULT_OFFER_LABELS,
  type SdpAnswer,
  type SdpOffer,
} from '../sdp/index.js';
import type { SipDialogContext, SipUasAnswer } from '../sip/dialog/sip-user-agent-core.js';
import { getFrom, getHeaders, getTo, type SipRequest } from '../sip/message/index.js';
import { admitInvite } from './admit-invite.js';
import { reasonHeader, retryAfterHeader, warningHeader } from './answer-headers.js';
import { negotiateSessionTimer, startSessionTimer } from './session-timer.js';
import { decideSessionOwners, type InviteParties } from './owner-decision.js';
import { refuseWhenOverloaded } from './overload.js';
import { bindPortPairs } from './port-pair-allocator.js';
import type { RecordingTrunk } from './ports.js';
import { BodyError, readSessionBody, type SessionBody } from './request-body.js';
import {
  allocatePortsInto,
  answerWith,
  moveSession,
  releasePorts,
  type InFlightInvite,
  type SessionContext,
} from './session-context.js';
import { applyOwnerDecision, snapshotSession, type SessionRecord } from './session-record.js';
import { closeSession } from './close-session.js';
import { forwardNewSession, forwardRefusal, recordHereAfterFailure } from './forward-session.js';

/** Answers a new session's INVITE; the session is open when the answer is 2xx. */
export async function answerInvite(
  context: SessionContext,
  request: SipRequest,
  dialog: SipDialogContext,
): Promise<SipUasAnswer> {
  const flight: InFlightInvite = { cancelled: false };
  context.inFlight.set(dialog.dialogId, flight);
  const held = new Set<number>();
  try {
    const answer = await answerAdmitted(context, request, dialog, flight, held);
    if (answer.status >= 300) releasePorts(context, held);
    return answer;
  } catch (err) {
    releasePorts(context, held);
    context.log('error', dialog, 'INVITE failed', { err });
    return answerWith(context, request, dialog, true, { status: 500 });
  } finally {
    context.inFlight.delete(dialog.dialogId);
  }
}

/** The INVITE's body with its SIPREC indicators, or the 400/488 answer when it has no offer. */
function readInviteBody(
  context: SessionContext,
  request: SipRequest,
  dialog: SipDialogContext,
):
  | {
      ok: true;
      body: SessionBody;
      indicators: SessionRecord['siprecIndicators'];
    }
  | { ok: false; answer: SipUasAnswer } {
  const indicators = readSiprecRequestIndicators({
    contactHeader: getHeaders(request, 'Contact'),
    requireHeader: getHeaders(request, 'Require'),
  });
  let body: SessionBody;
  try {
    body = readSessionBody(
      request,
      createRecordingMetadataState(),
      1,
      context.options.metadataLimits,
      context.clock.now(),
    );
  } catch (err) {
    if (!(err instanceof BodyError)) throw err;
    context.log('warn', dialog, `unreadable body: ${err.message}`, {
      part: err.part,
      code: err.code,
    });
    const answer = { status: 400, headers: [warningHeader(err.message)] };
    return { ok: false, answer: answerWith(context, request, dialog, true, answer, err) };
  }
  const siprecIndicators = { ...indicators, metadataPart: body.parts.metadata !== undefined };
  context.log('info', dialog, 'offer read', {
    siprec: siprecIndicators,
    metadataType: body.parts.metadataContentType,
    dialect: body.metadata.current?.dialect,
    streams: body.offer?.media.length ?? 0,
  });
  return { ok: true, body, indicators: siprecIndicators };
}

/** The INVITE's From and To: the call's parties when the INVITE has no metadata. */
function invitePartiesOf(request: SipRequest): InviteParties {
  const from = getFrom(request);
  const to = getTo(request);
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/** Stream labels of a delayed offer: the metadata's stream labels, else two streams. */
export function delayedOfferLabels(body: SessionBody): readonly string[] {
  const labels = (body.metadata.current?.streams ?? []).flatMap((stream) =>
    stream.label === undefined ? [] : [stream.label],
  );
  const unique = [...new Set(labels)];
  return unique.length > 0 ? unique : DEFAULT_OFFER_LABELS;
}

/**
 * Our side of the SDP exchange: the answer to the SRC's offer, or our own offer when the INVITE
 * had none. The streams of an offer stay empty until the ACK's answer fills them.
 */
function describeMedia(
  context: SessionContext,
  body: SessionBody,
  held: Set<number>,
): { answer: SdpAnswer; delayedOffer?: SdpOffer } | 'no-port' {
  const common = {
    localAddress: context.options.mediaAddress,
    allocatePortPair: allocatePortsInto(context, held),
    randomBytes: context.options.randomBytes,
  };
  if (body.offer !== undefined) return { answer: buildSdpAnswer(body.offer, common) };
  const offer = buildSdpOffer({ ...common, labels: delayedOfferLabels(body) });
  if (offer === undefined) return 'no-port';
  return {
    answer: { sdp: offer.sdp, streams: [], state: offer.state, releasedPorts: [] },
    delayedOffer: offer,
  };
}

async function answerAdmitted(
  context: SessionContext,
  request: SipRequest,
  dialog: SipDialogContext,
  flight: InFlightInvite,
  held: Set<number>,
): Promise<SipUasAnswer> {
  const answer = (a: SipUasAnswer) => answerWith(context, request, dialog, true, a);
  context.log('info', dialog, 'INVITE received', {
    source: `${dialog.source.transport}:${dialog.source.address}:${dialog.source.port}`,
    requestUri: request.uri,
  });
  const admission = await admitInvite(context, request, dialog);
  if (!admission.ok) return answer(admission.answer);
  const { trunk } = admission;
  context.log('info', dialog, 'admitted', { orgId: trunk.orgId, trunk: trunk.trunkName });
  if (flight.cancelled) return answer({ status: 487 });

  const overloaded = refuseWhenOverloaded(context, dialog);
  if (overloaded) return answer(overloaded);

  // RFC 4028 §9: a session interval below our minimum is refused before any work is done.
  const timer = negotiateSessionTimer(request, context.options.sessionMinSeSeconds);
  if (timer.kind === 'malformed') {
    context.log('warn', dialog, 'refused: unreadable session timer', { detail: timer.detail });
    return answer({ status: 400, headers: [warningHeader(timer.detail)] });
  }
  if (timer.kind === 'too-small') {
    context.log('info', dialog, 'session interval too small: 422 with our Min-SE');
    return answer({ status: 422, headers: timer.headers });
  }
  if (timer.kind === 'none' && timer.declined !== undefined) {
    context.log('info', dialog, `session timer declined: ${timer.declined}`);
  }
  const timerHeaders = timer.kind === 'timer' ? timer.headers : [];

  const read = readInviteBody(context, request, dialog);
  if (!read.ok) return read.answer;
  const { body } = read;

  const decision = await decideSessionOwners(
    context,
    { orgId: trunk.orgId, trunkId: trunk.trunkId },
    body.metadata,
    dialog,
    invitePartiesOf(request),
    context.options.forwarding !== undefined,
  );
  if (decision.refusal) {
    const refusal = decision.refusal;
    context.log('warn', dialog, `refused: ${refusal.reason}`, { status: refusal.status });
    return answer({
      status: refusal.status,
      headers: [
        ...(refusal.status === 503 ? [retryAfterHeader(refusal.retryAfterSeconds)] : []),
        reasonHeader(refusal.status, refusal.reason),
      ],
    });
  }
  if (flight.cancelled) return answer({ status: 487 });

  // The RTP port pairs of the answer (or of our offer) are taken here, one pair per stream.
  const media = describeMedia(context, body, held);
  if (media === 'no-port' || media.answer.streams.some((s) => s.rejectReason === 'no-port')) {
    context.log('warn', dialog, 'overloaded: no free RTP port pair', {
      inUse: context.ports.inUse,
    });
    return answer({
      status: 503,
      headers: [retryAfterHeader(context.retryAfter), reasonHeader(503, 'no RTP ports')],
    });
  }
  const sdpAnswer = media.answer;
  if (media.delayedOffer === undefined && !sdpAnswer.streams.some((s) => s.accepted)) {
    const reasons = sdpAnswer.streams.map((s) => s.rejectReason ?? 'accepted');
    context.log('warn', dialog, 'no stream can be recorded', { reasons });
    return answer({
      status: 488,
      headers: [warningHeader(`no recordable stream: ${reasons.join(', ')}`)],
    });
  }
  // The answered ports' sockets are bound before the answer names them.
  const binding = bindPortPairs(context.ports, held);
  const unbound = binding && (await binding);
  if (unbound) {
    context.log('error', dialog, 'RTP ports could not be bound', { err: unbound });
    return answer({
      status: 503,
      headers: [
        retryAfterHeader(context.retryAfter),
        reasonHeader(503, 'RTP ports could not be bound'),
      ],
    });
  }
  if (flight.cancelled) return answer({ status: 487 });

  // A forwarded session: the vendor answers before the SRC is answered (forward-session.ts).
  const target = decision.forward;
  const forwarded =
    target === undefined
      ? undefined
      : await forwardNewSession(
          context,
          dialog,
          { ...decision, forward: target },
          sdpAnswer.streams,
          body.metadata.current,
          () => context.sessions.get(dialog.dialogId),
        );
  if (flight.cancelled) {
    if (forwarded?.runtime) void forwarded.runtime.end();
    return answer({ status: 487 });
  }

  const session = openSession(context, dialog, trunk, read.indicators, body, sdpAnswer, held);
  if (media.delayedOffer !== undefined) session.delayedOffer = media.delayedOffer;
  const sessionTimer = startSessionTimer(timer, context.clock.now());
  if (sessionTimer) session.sessionTimer = sessionTimer;
  applyOwnerDecision(session, decision);
  if (target !== undefined && forwarded !== undefined) {
    session.forward = forwarded.state;
    if (forwarded.runtime) session.forwardRuntime = forwarded.runtime;
    const failure = forwarded.failure;
    if (failure !== undefined && (target.fallbackToLocal || forwarded.state.recordedHere)) {
      recordHereAfterFailure(session, target, failure.reason);
    } else if (failure !== undefined) {
      // Nothing records the call: the SRC hears so, and the sink of the failed forward.
      const refusal = forwardRefusal(target, failure);
      held.clear();
      try {
        context.sink.sessionOpened(snapshotSession(session, context.patterns));
      } catch (err) {
        context.log('error', dialog, 'recording sink failed on sessionOpened', { err });
      }
      closeSession(context, session, 'refused');
      return answer({ status: refusal.status, headers: [reasonHeader(503, refusal.reason)] });
    }
  }
  moveSession(context, session, 'answered');
  held.clear();
  context.sessions.set(session.id, session);
  if (media.delayedOffer !== undefined) {
    context.log(
      'info',
      dialog,
      'delayed offer: our offer goes in the 200 OK, the answer in the ACK',
      {
        ownership: session.ownership,
        labels: media.delayedOffer.labels,
        ports: media.delayedOffer.state.streams.map((s) => s.port),
      },
    );
    return answer({
      status: 200,
      body: new TextEncoder().encode(media.delayedOffer.sdp),
      contentType: 'application/sdp',
      headers: timerHeaders,
    });
  }
  context.log('info', dialog, 'session answered', {
    ownership: session.ownership,
    streams: sdpAnswer.streams.map((s) => ({
      label: s.label,
      port: s.localPort,
      codec: s.codec?.name,
      protocol: s.protocol,
      rejected: s.rejectReason,
    })),
  });
  try {
    context.sink.sessionOpened(snapshotSession(session, context.patterns));
  } catch (err) {
    context.log('error', dialog, 'recording sink failed on sessionOpened', { err });
  }
  return answer({
    status: 200,
    body: new TextEncoder().encode(sdpAnswer.sdp),
    contentType: 'application/sdp',
    headers: timerHeaders,
  });
}

/** The record of a session about to be answered 200, holding the answer's ports. */
function openSession(
  context: SessionContext,
  dialog: SipDialogContext,
  trunk: RecordingTrunk,
  siprecIndicators: SessionRecord['siprecIndicators'],
  body: SessionBody,
  sdpAnswer: SessionRecord['answer'],
  held: ReadonlySet<number>,
): SessionRecord {
  return {
    id: dialog.dialogId,
    callId: dialog.callId,
    orgId: trunk.orgId,
    trunkId: trunk.trunkId,
    trunkName: trunk.trunkName,
    ...(trunk.mediaLatching === undefined ? {} : { mediaLatching: trunk.mediaLatching }),
    source: dialog.source,
    startedAt: context.clock.now(),
    siprecIndicators,
    state: 'answering',
    ownership: 'no-owner',
    owners: [],
    metadata: body.metadata,
    answer: sdpAnswer,
    ports: new Set(held),
  };
}
