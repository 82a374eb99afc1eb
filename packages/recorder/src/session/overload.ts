// Overload (SPEC §5): a new session is refused early and cheaply, 503 with Retry-After and a
// Reason, so the SBC fails over to another recorder — when the session limit is reached (open
// sessions plus INVITEs being answered), the media path is unhealthy, the journal disk is low, or
// the ended calls still to be finalized have reached the host's bound.
// A draining recorder (on its way out of service) refuses every new session the same way, and
// its out-of-dialog OPTIONS too, so a dispatcher probing with OPTIONS marks it down.
import type { SipDialogContext, SipUasAnswer } from '../sip/dialog/sip-user-agent-core.js';
import type { SipRequest } from '../sip/message/index.js';
import { reasonHeader, retryAfterHeader } from './answer-headers.js';
import { answerWith, sessionLoad, type SessionContext } from './session-context.js';

/**
 * Overload (SPEC §5): refuse early and cheaply so the SBC fails over to another recorder. The
 * 503 answer when the session limit is reached, the media path is unhealthy or the journal disk
 * is low; undefined when a session can be taken.
 */
export function refuseWhenOverloaded(
  context: SessionContext,
  dialog: SipDialogContext,
): SipUasAnswer | undefined {
  const { options, retryAfter } = context;
  const busy = (reason: string): SipUasAnswer => ({
    status: 503,
    headers: [retryAfterHeader(retryAfter), reasonHeader(503, reason)],
  });
  if (sessionLoad(context) > context.maxSessions) {
    context.log('warn', dialog, 'overloaded: session limit reached', {
      limit: context.maxSessions,
    });
    return busy('session limit');
  }
  if (options.mediaHealthy && !options.mediaHealthy()) {
    context.log('warn', dialog, 'overloaded: the media path is unhealthy');
    return busy('media overload');
  }
  // A journal that cannot be written is audio lost: refuse while the disk is low, so the SBC
  // records elsewhere (or its failure behaviour applies) instead of a recording failing mid-call.
  if (options.storageHasRoom && !options.storageHasRoom()) {
    context.log('warn', dialog, 'refused: the journal disk is below its free-space minimum');
    return busy('insufficient storage');
  }
  // Finalize (encode, encrypt, store) slower than the calls end: every new call would only
  // lengthen the queue, its journals on disk and its memory, so the SBC goes elsewhere meanwhile.
  if (options.finalizeHasRoom && !options.finalizeHasRoom()) {
    context.log('warn', dialog, 'overloaded: the finalize backlog is at its limit');
    return busy('finalize backlog');
  }
  return undefined;
}

const DRAINING_REASON = 'the recorder is draining';

/** The 503 a draining recorder answers to a new INVITE and to an out-of-dialog OPTIONS. */
function drainingAnswer(context: SessionContext): SipUasAnswer {
  return {
    status: 503,
    headers: [retryAfterHeader(context.retryAfter), reasonHeader(503, DRAINING_REASON)],
  };
}

/**
 * A new INVITE while draining: 503 before admission (no policy lookup, no digest challenge), so
 * the SBC sends the session to another recorder; undefined when not draining.
 */
export function refuseWhileDraining(
  context: SessionContext,
  request: SipRequest,
  dialog: SipDialogContext,
): SipUasAnswer | undefined {
  if (!context.draining) return undefined;
  context.log('info', dialog, 'refused: the recorder is draining');
  return answerWith(context, request, dialog, true, drainingAnswer(context));
}

/** An out-of-dialog OPTIONS while draining: 503, so a dispatcher's probe marks us down. */
export function refuseOptionsWhileDraining(context: SessionContext): SipUasAnswer | undefined {
  return context.draining ? drainingAnswer(context) : undefined;
}
