// Overload (SPEC §5): a new session is refused early and cheaply, 503 with Retry-After and a
// Reason, so the SBC fails over to another recorder — when the session limit is reached (open
// sessions plus INVITEs being answered), the media path is unhealthy, or the journal disk is low.
import type { SipDialogContext, SipUasAnswer } from '../sip/dialog/sip-user-agent-core.js';
import { reasonHeader, retryAfterHeader } from './answer-headers.js';
import { sessionLoad, type SessionContext } from './session-context.js';

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
  return undefined;
}
