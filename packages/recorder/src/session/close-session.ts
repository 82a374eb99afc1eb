// The end of a recording session: BYE (RFC 3261 §15.1.2), no ACK for the 2xx (§13.3.1.4; the
// core has sent BYE), no media for the inactivity timeout (rtp-inactivity.ts), no session refresh
// in time (RFC 4028 §10) or no answer to our in-dialog OPTIONS (dialog-liveness.ts) — in these
// three we send BYE — or the process shutting down. The ports go back, the session leaves the
// table, and the sink hears whether anything is kept: with no owner by then nothing is, and
// the log says why.
import type { RecordingSessionClosed } from './ports.js';
import type { RecordingSessionEvent } from './recording-session-state.js';
import { moveSession, releasePorts, type SessionContext } from './session-context.js';
import { closingOutcome, snapshotSession, type SessionRecord } from './session-record.js';
import { endForward } from './forward-session.js';

export function closeSession(
  context: SessionContext,
  session: SessionRecord,
  event: RecordingSessionEvent,
): void {
  if (session.state === 'closed') return;
  moveSession(context, session, event);
  releasePorts(context, session.ports);
  context.sessions.delete(session.id);
  endForward(context, session);
  if (session.forward?.state === 'established' || session.forward?.state === 'inviting') {
    session.forward.state = 'ended';
    session.forward.endedAt = context.clock.now();
  }
  const { kept, outcome } = closingOutcome(session);
  const ids = { callId: session.callId, dialogId: session.id };
  context.log(kept ? 'info' : 'warn', ids, `session closed: ${outcome}`, { endReason: event });
  const closed: RecordingSessionClosed = {
    ...snapshotSession(session, context.patterns),
    endedAt: context.clock.now(),
    endReason:
      event === 'ack-timeout' ||
      event === 'shutdown' ||
      event === 'cancel' ||
      event === 'rtp-timeout' ||
      event === 'session-timer' ||
      event === 'probe-failed'
        ? event
        : event === 'refused'
          ? 'forward-failed'
          : 'bye',
    kept,
    outcome,
  };
  try {
    context.sink.sessionClosed(closed);
  } catch (err) {
    context.log('error', ids, 'recording sink failed on sessionClosed', { err });
  }
}
