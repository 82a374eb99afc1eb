// The ACK of a session's 2xx (RFC 3261 §13.3.1.4): the session becomes active. After a delayed
// offer (answer-invite.ts) the ACK carries the SRC's answer to our offer (RFC 3261 §13.2.1,
// RFC 3264 §6): its streams become the session's, and only then does the sink hear of the session
// so capture starts on the SRC's codecs and addresses. An ACK without a usable answer leaves
// nothing to record: the session ends and the dialog is ended with BYE (§13.2.1: a UAS that
// cannot accept the answer in an ACK terminates the session).
import { isSdpError, parseSdp, readSdpAnswerToOffer, type SdpAnswer } from '../sdp/index.js';
import type { SipDialogContext } from '../sip/dialog/sip-user-agent-core.js';
import type { SipRequest } from '../sip/message/index.js';
import { closeSession } from './close-session.js';
import { BodyError, readBodyParts } from './request-body.js';
import { moveSession, notifySessionUpdated, type SessionContext } from './session-context.js';
import { snapshotSession, type SessionRecord } from './session-record.js';

/** The answer an ACK brings to a delayed offer, or why it cannot be used. */
export function readAckAnswer(
  context: SessionContext,
  session: SessionRecord & { delayedOffer: NonNullable<SessionRecord['delayedOffer']> },
  ack: SipRequest,
): { ok: true; answer: SdpAnswer } | { ok: false; reason: string } {
  let sdp: string | undefined;
  try {
    sdp = readBodyParts(ack).sdp;
  } catch (err) {
    if (err instanceof BodyError) return { ok: false, reason: err.message };
    throw err;
  }
  if (sdp === undefined) return { ok: false, reason: 'the ACK carries no SDP answer' };
  try {
    const answer = readSdpAnswerToOffer(session.delayedOffer, parseSdp(sdp), {
      localAddress: context.options.mediaAddress,
      randomBytes: context.options.randomBytes,
    });
    if (!answer.streams.some((s) => s.accepted)) {
      const reasons = answer.streams.map((s) => s.rejectReason ?? 'accepted');
      return { ok: false, reason: `no recordable stream in the answer: ${reasons.join(', ')}` };
    }
    return { ok: true, answer };
  } catch (err) {
    if (isSdpError(err)) return { ok: false, reason: `SDP answer: ${err.message}` };
    throw err;
  }
}

export function acceptAck(
  context: SessionContext,
  ack: SipRequest,
  dialog: SipDialogContext,
): void {
  const session = context.sessions.get(dialog.dialogId);
  if (!session) return;
  const offer = session.delayedOffer;
  if (offer !== undefined && session.state === 'awaiting-ack') {
    const read = readAckAnswer(context, { ...session, delayedOffer: offer }, ack);
    if (!read.ok) {
      context.log('warn', dialog, `delayed offer: ${read.reason}; the session ends with BYE`);
      closeSession(context, session, 'bye');
      context.options.terminateDialog?.(dialog.dialogId);
      return;
    }
    delete session.delayedOffer;
    session.answer = read.answer;
    moveSession(context, session, 'ack');
    context.log('info', dialog, 'ACK received with the answer: the session is active', {
      ownership: session.ownership,
      streams: read.answer.streams.map((s) => ({
        label: s.label,
        port: s.localPort,
        codec: s.codec?.name,
        rejected: s.rejectReason,
      })),
    });
    try {
      context.sink.sessionOpened(snapshotSession(session, context.patterns));
    } catch (err) {
      context.log('error', dialog, 'recording sink failed on sessionOpened', { err });
    }
    return;
  }
  const before = session.state;
  moveSession(context, session, 'ack');
  if (before !== session.state) {
    context.log('info', dialog, 'ACK received: the session is active');
    notifySessionUpdated(context, session);
  }
}
