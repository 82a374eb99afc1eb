// Admission of a new session (SPEC §5): the RecordingPolicy names the trunks that allow the
// source, with their stored digest credentials, and the recorder picks the trunk, checking the
// Authorization header itself (sip/auth/trunk-digest.ts) with its stateless nonces:
//   no trunk allows the source ─► 403 + Reason     the policy cannot read its trunks ─► 503
//   credentials missing, unknown or of an old nonce ─► 401 + WWW-Authenticate
//   credentials wrong ─► 403 + Reason
import { authenticateTrunk } from '../sip/auth/index.js';
import type { SipDialogContext, SipUasAnswer } from '../sip/dialog/sip-user-agent-core.js';
import { getHeader, type SipRequest } from '../sip/message/index.js';
import { reasonHeader, retryAfterHeader } from './answer-headers.js';
import type { RecordingTrunk } from './ports.js';
import type { SessionContext } from './session-context.js';

export type InviteAdmission =
  | { readonly ok: true; readonly trunk: RecordingTrunk }
  | { readonly ok: false; readonly answer: SipUasAnswer };

export async function admitInvite(
  context: SessionContext,
  request: SipRequest,
  dialog: SipDialogContext,
): Promise<InviteAdmission> {
  const lookup = await context.policy.findTrunks({
    source: dialog.source,
    requestUri: request.uri,
    callId: dialog.callId,
  });
  if (!lookup.ok) {
    context.log('warn', dialog, `not admitted: ${lookup.reason}`, { status: lookup.status });
    return {
      ok: false,
      answer: {
        status: lookup.status,
        headers:
          lookup.status === 503
            ? [retryAfterHeader(lookup.retryAfterSeconds), reasonHeader(503, lookup.reason)]
            : [reasonHeader(403, lookup.reason)],
      },
    };
  }
  const authorization = getHeader(request, 'Authorization');
  const verdict = authenticateTrunk(lookup.trunks, {
    ...(authorization === undefined ? {} : { authorization }),
    method: request.method,
    secret: () => context.nonceSecret(),
    nowMs: context.clock.now(),
    nonceMaxAgeMs: context.nonceMaxAgeMs,
  });
  if (!verdict.ok) {
    context.log('warn', dialog, `not admitted: ${verdict.reason}`, { status: verdict.status });
    return {
      ok: false,
      answer: {
        status: verdict.status,
        headers:
          verdict.status === 401
            ? [{ name: 'WWW-Authenticate', value: verdict.challenge }]
            : [reasonHeader(403, verdict.reason)],
      },
    };
  }
  return { ok: true, trunk: verdict.trunk };
}
