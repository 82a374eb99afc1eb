// Matching requests to server transactions (RFC 3261 §17.2.3) and responses to client
// transactions (§17.1.3).
//
// RFC 3261 requests carry a branch starting with the magic cookie "z9hG4bK": the transaction is
// identified by branch + sent-by of the top Via + method, where ACK matches the INVITE it
// acknowledges and CANCEL forms its own transaction (its INVITE is found by the same key with
// method INVITE, §9.2). Requests from RFC 2543 elements (no cookie) are matched on Request-URI,
// From tag, Call-ID, CSeq number and the whole top Via; their To tag is compared by the caller,
// because an ACK carries the To tag of the response, not of the INVITE (§17.2.3).
import { getHeaderValues, type SipRequest, type SipResponse } from '../message/sip-message.js';
import {
  getCSeq,
  getCallId,
  getFrom,
  getTo,
  getVias,
  isRfc3261Branch,
} from '../message/sip-header-values.js';

export type ServerTransactionKey =
  | { readonly kind: 'rfc3261'; readonly key: string }
  | { readonly kind: 'rfc2543'; readonly key: string; readonly toTag: string | undefined };

/** The method a request's transaction is keyed under: ACK belongs to its INVITE. */
function transactionMethod(method: string): string {
  return method === 'ACK' ? 'INVITE' : method;
}

/**
 * The key of the server transaction a request belongs to, computed as if its method were
 * `asMethod` (CANCEL looks up its INVITE with asMethod 'INVITE'). Throws SipParseError when
 * Via, CSeq, From, To or Call-ID do not parse; the parser has checked them already.
 */
export function getServerTransactionKey(
  request: SipRequest,
  asMethod: string = request.method,
): ServerTransactionKey {
  const [top] = getVias(request);
  const method = transactionMethod(asMethod);
  if (top && isRfc3261Branch(top.branch)) {
    // sent-by compares as written: a retransmission repeats it exactly (host case aside).
    const sentBy = `${top.host.toLowerCase()}:${top.port ?? ''}`;
    return { kind: 'rfc3261', key: `${top.branch ?? ''}|${sentBy}|${method}` };
  }
  const topViaText = getHeaderValues(request, 'Via')[0] ?? '';
  const fromTag = getFrom(request)?.params.tag ?? '';
  const cseq = getCSeq(request)?.seq ?? -1;
  const callId = getCallId(request) ?? '';
  const toTag = getTo(request)?.params.tag ?? undefined;
  return {
    kind: 'rfc2543',
    key: `${request.uri}|${fromTag}|${callId}|${cseq}|${topViaText}|${method}`,
    toTag: toTag ?? undefined,
  };
}

/** §17.1.3: a response matches the client transaction of its top Via branch and CSeq method. */
export function getClientTransactionKeyOfResponse(response: SipResponse): string | undefined {
  const [top] = getVias(response);
  const cseq = getCSeq(response);
  if (!top?.branch || !cseq) return undefined;
  return `${top.branch}|${cseq.method}`;
}

export function getClientTransactionKey(branch: string, method: string): string {
  return `${branch}|${method}`;
}
