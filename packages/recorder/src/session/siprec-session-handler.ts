// The SIPREC user agent of the Session Recording Server (RFC 7866 §6-§9): the transaction user of
// the UAS core (SipUserAgentHandler). It admits the session, reads the SDP offer and the recording
// metadata from the body, asks the RecordingPolicy whose call it is, answers with an SDP answer on
// ports of CALLVAULT_RTP_PORTS, follows metadata revisions, and reports every session to the
// RecordingSink. Sans-I/O: everything it touches comes in through ports.
//
// One module per SIP method, each taking the shared SessionContext (session-context.ts):
//   INVITE          answer-invite.ts (admission and digest in admit-invite.ts, overload in
//                   overload.ts, the body in request-body.ts, owners in owner-decision.ts);
//                   while draining, refused here with overload.ts's 503
//   OPTIONS         answered by the core; while draining, refused with overload.ts's 503
//   re-INVITE/UPDATE answer-reoffer.ts
//   BYE / ACK timeout / shutdown  close-session.ts
//   no RTP for a while            rtp-inactivity.ts decides, endSession ends it with BYE
//   session timer, OPTIONS probe  session-timer.ts (RFC 4028) and dialog-liveness.ts decide,
//                                 endSession ends it with BYE
//   ACK             answer-ack.ts: the session becomes active (a delayed offer's answer read)
//   CANCEL          here: marks the INVITE being answered
// The session's states are the explicit machine of recording-session-state.ts.
//
// `+sip.src` and `Require: siprec` are noted, never required (SPEC §5).
import type { SipUserAgentHandler } from '../sip/dialog/sip-user-agent-core.js';
import { acceptAck } from './answer-ack.js';
import { answerInvite } from './answer-invite.js';
import { answerReoffer } from './answer-reoffer.js';
import { closeSession } from './close-session.js';
import { answerVendorRequest } from './forward-session.js';
import { refuseOptionsWhileDraining, refuseWhileDraining } from './overload.js';
import type { RecordingSessionSnapshot } from './ports.js';
import {
  createSessionContext,
  sessionLoad,
  type SiprecSessionHandlerOptions,
} from './session-context.js';
import { snapshotSession } from './session-record.js';

export type { SiprecSessionHandlerOptions } from './session-context.js';

export interface SiprecSessionHandler extends SipUserAgentHandler {
  /** Sessions that are not closed, oldest first. */
  listSessions(): RecordingSessionSnapshot[];
  getSession(id: string): RecordingSessionSnapshot | undefined;
  /** Sessions counted against maxSessions: open ones plus INVITEs being answered. */
  readonly load: number;
  /**
   * Stops taking sessions (the process is being taken out of service): new INVITEs and
   * out-of-dialog OPTIONS get 503 with Retry-After; live sessions, their re-INVITEs, UPDATEs
   * and BYEs go on as before. There is no way back: a drained recorder exits.
   */
  drain(): void;
  readonly draining: boolean;
  /** Closes every session (process shutdown); the dialogs are the core's business. */
  closeAll(): void;
  /**
   * Ends a session from our side — its RTP stopped (`rtp-timeout`), its session timer ran out
   * (`session-timer`), its SRC did not answer an in-dialog OPTIONS (`probe-failed`): closed with
   * that end reason, its dialog ended with BYE through the terminateDialog option. False when it
   * is not open.
   */
  endSession(id: string, reason: 'rtp-timeout' | 'session-timer' | 'probe-failed'): boolean;
  /** Our UPDATE refreshing the session (we are its refresher) was answered 2xx (RFC 4028 §10). */
  sessionRefreshed(id: string): void;
}

export function createSiprecSessionHandler(
  options: SiprecSessionHandlerOptions,
): SiprecSessionHandler {
  const context = createSessionContext(options);
  const { sessions, inFlight, patterns } = context;
  return {
    onInvite: (request, dialog) => {
      const refusal = refuseWhileDraining(context, request, dialog);
      return refusal ? Promise.resolve(refusal) : answerInvite(context, request, dialog);
    },
    onReinvite: (request, dialog) => answerReoffer(context, request, dialog),
    onUpdate: (request, dialog) => answerReoffer(context, request, dialog),
    onAck: (ack, dialog) => acceptAck(context, ack, dialog),
    onBye(_bye, dialog) {
      const session = sessions.get(dialog.dialogId);
      if (!session) {
        context.log('debug', dialog, 'BYE for a session that is not open');
        return;
      }
      context.log('info', dialog, 'BYE received');
      closeSession(context, session, 'bye');
    },
    onCancel(_cancel, dialog) {
      const flight = inFlight.get(dialog.dialogId);
      if (flight) {
        flight.cancelled = true;
        context.log('info', dialog, 'INVITE cancelled before it was answered');
        return;
      }
      // A cancelled re-INVITE leaves the session as it was (RFC 3261 §9.2).
      context.log('info', dialog, 'a re-INVITE was cancelled; the session continues');
    },
    onAckTimeout(dialog) {
      const session = sessions.get(dialog.dialogId);
      if (!session) return;
      context.log('warn', dialog, 'no ACK for the 2xx (RFC 3261 §13.3.1.4): the core sent BYE');
      closeSession(context, session, 'ack-timeout');
    },
    refuseOptions: () => refuseOptionsWhileDraining(context),
    onForeignInDialog: (request) => answerVendorRequest(context, request),
    listSessions: () => [...sessions.values()].map((s) => snapshotSession(s, patterns)),
    getSession(id) {
      const session = sessions.get(id);
      return session ? snapshotSession(session, patterns) : undefined;
    },
    get load() {
      return sessionLoad(context);
    },
    drain() {
      context.draining = true;
    },
    get draining() {
      return context.draining;
    },
    closeAll() {
      for (const session of [...sessions.values()]) closeSession(context, session, 'shutdown');
    },
    endSession(id, reason) {
      const session = sessions.get(id);
      if (!session) return false;
      context.log(
        'warn',
        { callId: session.callId, dialogId: id },
        `ending the session: ${reason}`,
      );
      closeSession(context, session, reason);
      context.options.terminateDialog?.(id);
      return true;
    },
    sessionRefreshed(id) {
      const session = sessions.get(id);
      if (!session?.sessionTimer) return;
      session.sessionTimer = { ...session.sessionTimer, refreshedAt: context.clock.now() };
    },
  };
}
