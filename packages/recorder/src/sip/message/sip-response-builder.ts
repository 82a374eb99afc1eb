// Builds a response to a request as a UAS must (RFC 3261 §8.2.6): same Via values in the same
// order, From, To, Call-ID and CSeq copied, a To tag added unless the request already had one
// or the response is 100 Trying (§8.2.6.2), and Timestamp echoed in 100 Trying (§8.2.6.1).
// Record-Route copying for dialog-creating responses (§12.1.1) is the dialog layer's business:
// pass those headers in `headers`.
import { SipParseError } from './sip-parse-error.js';
import {
  getHeader,
  getHeaders,
  type SipHeader,
  type SipRequest,
  type SipResponse,
} from './sip-message.js';
import { parseNameAddr } from './sip-header-values.js';
import { isToken } from './sip-grammar.js';

/** Reason phrases of RFC 3261 §21 and of later RFCs the recorder may send. */
const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  181: 'Call Is Being Forwarded',
  182: 'Queued',
  183: 'Session Progress',
  199: 'Early Dialog Terminated',
  200: 'OK',
  202: 'Accepted',
  204: 'No Notification',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Moved Temporarily',
  305: 'Use Proxy',
  380: 'Alternative Service',
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  410: 'Gone',
  412: 'Conditional Request Failed',
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Unsupported URI Scheme',
  420: 'Bad Extension',
  421: 'Extension Required',
  422: 'Session Interval Too Small',
  423: 'Interval Too Brief',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  482: 'Loop Detected',
  483: 'Too Many Hops',
  484: 'Address Incomplete',
  485: 'Ambiguous',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  489: 'Bad Event',
  491: 'Request Pending',
  493: 'Undecipherable',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Server Time-out',
  505: 'Version Not Supported',
  513: 'Message Too Large',
  580: 'Precondition Failure',
  600: 'Busy Everywhere',
  603: 'Decline',
  604: 'Does Not Exist Anywhere',
  606: 'Not Acceptable',
};

/** The standard reason phrase for a status code, or a generic one for its class. */
export function getReasonPhrase(status: number): string {
  const known = REASON_PHRASES[status];
  if (known !== undefined) return known;
  const generic = [
    '',
    'Provisional',
    'Success',
    'Redirection',
    'Client Error',
    'Server Error',
    'Global Failure',
  ];
  return generic[Math.floor(status / 100)] ?? 'Unknown';
}

export interface CreateResponseOptions {
  readonly reason?: string;
  /** Tag for the To header when the request's To has none (a UAS dialog's local tag). */
  readonly toTag?: string;
  /** Extra headers after the copied ones (Contact, Allow, Supported, Record-Route ...). */
  readonly headers?: readonly SipHeader[];
  readonly body?: Uint8Array;
  /** Content-Type of the body, added after the extra headers. */
  readonly contentType?: string;
}

/** True when the To value carries a tag parameter (tolerant of a To that does not parse). */
export function hasToTag(toValue: string): boolean {
  try {
    return typeof parseNameAddr(toValue).params.tag === 'string';
  } catch (err) {
    if (!(err instanceof SipParseError)) throw err;
    return /;\s*tag\s*=/i.test(toValue);
  }
}

export function createResponse(
  request: SipRequest,
  status: number,
  options: CreateResponseOptions = {},
): SipResponse {
  if (!Number.isInteger(status) || status < 100 || status > 699) {
    throw new RangeError(`status ${status} is not 100-699`);
  }
  const headers: SipHeader[] = [];
  for (const value of getHeaders(request, 'Via')) headers.push({ name: 'Via', value });
  const from = getHeader(request, 'From');
  if (from !== undefined) headers.push({ name: 'From', value: from });
  const to = getHeader(request, 'To');
  if (to !== undefined) {
    const addTag = status !== 100 && options.toTag !== undefined && !hasToTag(to);
    if (addTag && !isToken(options.toTag ?? '')) throw new RangeError('To tag is not a token');
    headers.push({ name: 'To', value: addTag ? `${to};tag=${options.toTag}` : to });
  }
  const callId = getHeader(request, 'Call-ID');
  if (callId !== undefined) headers.push({ name: 'Call-ID', value: callId });
  const cseq = getHeader(request, 'CSeq');
  if (cseq !== undefined) headers.push({ name: 'CSeq', value: cseq });
  const timestamp = getHeader(request, 'Timestamp');
  if (status === 100 && timestamp !== undefined)
    headers.push({ name: 'Timestamp', value: timestamp });
  headers.push(...(options.headers ?? []));
  if (options.contentType !== undefined)
    headers.push({ name: 'Content-Type', value: options.contentType });
  return {
    kind: 'response',
    version: 'SIP/2.0',
    status,
    reason: options.reason ?? getReasonPhrase(status),
    headers,
    body: options.body ?? new Uint8Array(0),
  };
}
