// Answering a request the parser refused (RFC 3261 §8.2: a UAS answers what it cannot process;
// §21.4.1 400 "the Reason-Phrase SHOULD identify the syntax problem in more detail"; §21.5.14 513
// Message Too Large; §21.5.15 505; §20.43 Warning with code 399 "Miscellaneous warning" carrying
// the detail). Pure: octets and a SipParseError in, a response (or null: do not answer) out.
//
//   bytes ──parse──► SipParseError ──► partial request? ─yes─► 400/505/513 + reason + Warning
//                                         │ no (start line, oversize, framing)
//                                         └─► salvageRequestHead(bytes): start-line method and
//                                             Via/From/To/Call-ID/CSeq read line by line ─► same
//
// Nothing is answered when the octets are (or look like) a response, an ACK (§17.2.1), or lack
// any of Via, From, To, Call-ID and CSeq: without them no client could match the answer, and a
// datagram of junk then costs one counter, not a reply.
import type { SipParseError, SipParseErrorCode } from './sip-parse-error.js';
import { isToken } from './sip-grammar.js';
import { canonicalizeHeaderName, type SipHeader, type SipRequest } from './sip-message.js';
import { createResponse } from './sip-response-builder.js';
import type { SipResponse } from './sip-message.js';

/** Headers a response copies from its request (RFC 3261 §8.2.6.2); all are needed to answer. */
const RESPONSE_HEADERS: ReadonlySet<string> = new Set(['Via', 'From', 'To', 'Call-ID', 'CSeq']);

/** Longest header line read while salvaging; longer lines are skipped. */
const SALVAGE_MAX_LINE = 8192;
/** Octets looked at while salvaging: the head of an oversized message is enough. */
const SALVAGE_MAX_BYTES = 65_536;

/**
 * The start-line method and the Via, From, To, Call-ID and CSeq headers of a request that did not
 * parse, read leniently line by line from its first octets; null when the octets are a response
 * or any of those headers is missing. The Request-URI is not trusted: the result carries a
 * placeholder, since a response never repeats it.
 */
export function salvageRequestHead(bytes: Uint8Array): SipRequest | null {
  const head = bytes.subarray(0, Math.min(bytes.length, SALVAGE_MAX_BYTES));
  const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('latin1');
  const lines = text.replace(/^[\r\n]+/, '').split(/\r?\n/);
  // The last line may be cut short by the salvage window: drop it unless the text ended there.
  if (head.length < bytes.length) lines.pop();
  const startLine = lines[0] ?? '';
  if (/^SIP\//i.test(startLine)) return null;
  const headers: SipHeader[] = [];
  let current: SipHeader | null = null;
  const flush = (): void => {
    if (current && RESPONSE_HEADERS.has(current.name)) headers.push(current);
    current = null;
  };
  for (const line of lines.slice(1)) {
    if (line === '') break;
    if (line.length > SALVAGE_MAX_LINE) {
      flush();
      continue;
    }
    if ((line.startsWith(' ') || line.startsWith('\t')) && current !== null) {
      const folded: SipHeader = current;
      current = { name: folded.name, value: `${folded.value} ${line.trim()}` };
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!isToken(name)) continue;
    current = { name: canonicalizeHeaderName(name), value: line.slice(colon + 1).trim() };
  }
  flush();
  for (const name of RESPONSE_HEADERS) {
    if (!headers.some((h) => h.name === name)) return null;
  }
  const cseq = headers.find((h) => h.name === 'CSeq')?.value ?? '';
  const firstToken = startLine.split(/[ \t]/, 1)[0] ?? '';
  const cseqMethod = /^\d+[ \t]+(\S+)$/.exec(cseq)?.[1] ?? '';
  const method = isToken(firstToken) ? firstToken : cseqMethod;
  if (!isToken(method)) return null;
  return {
    kind: 'request',
    method,
    uri: 'sip:invalid.invalid',
    version: 'SIP/2.0',
    headers,
    body: new Uint8Array(0),
  };
}

/** A label for a parse failure, stable and of bounded variety, for counters and log keys. */
export type SipParseErrorReason =
  | 'start-line'
  | 'version'
  | 'uri'
  | 'header-syntax'
  | 'header-value'
  | 'cseq-method'
  | 'content-length'
  | 'too-large'
  | 'incomplete'
  | 'multipart';

const REASON_OF_CODE: Readonly<Record<Exclude<SipParseErrorCode, 'EMPTY'>, SipParseErrorReason>> = {
  START_LINE: 'start-line',
  VERSION: 'version',
  URI: 'uri',
  HEADER_SYNTAX: 'header-syntax',
  HEADER_VALUE: 'header-value',
  CSEQ_METHOD: 'cseq-method',
  CONTENT_LENGTH: 'content-length',
  TOO_LARGE: 'too-large',
  INCOMPLETE: 'incomplete',
  MULTIPART: 'multipart',
};

export interface SipParseErrorDescription {
  readonly reason: SipParseErrorReason;
  /** The header at fault, when one is (a canonical name the parser checks, so few values). */
  readonly header: string | undefined;
  readonly status: number;
  /** Reason-Phrase naming the problem without echoing the peer's octets. */
  readonly phrase: string;
  /** The parser's detail, as safe quoted-string content for a Warning (§20.43). */
  readonly detail: string;
}

function phraseOf(err: SipParseError, status: number): string {
  if (status === 513) return 'Message Too Large';
  if (status === 505) return 'Version Not Supported';
  const header = err.header;
  switch (err.code) {
    case 'START_LINE':
      return 'Bad Request-Line';
    case 'URI':
      return header === undefined ? 'Bad Request-URI' : `Bad ${header} Header`;
    case 'CSEQ_METHOD':
      return 'CSeq Method Does Not Match Request-Line';
    case 'CONTENT_LENGTH':
      return 'Bad Content-Length';
    case 'HEADER_SYNTAX':
      return 'Bad Header Line';
    case 'INCOMPLETE':
      return 'Incomplete Header Section';
    case 'MULTIPART':
      return 'Bad Multipart Body';
    case 'EMPTY':
    case 'HEADER_VALUE':
    case 'TOO_LARGE':
    case 'VERSION':
      return header === undefined ? 'Bad Request' : `Bad ${header} Header`;
  }
}

/** Printable ASCII only, quotes and backslashes escaped, at most 200 characters. */
function toQuotedStringContent(text: string): string {
  const printable = text.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
  return printable.replace(/(["\\])/g, '\\$1');
}

/** What to count, log and answer for a parse failure (not for EMPTY, which is a keep-alive). */
export function describeParseError(err: SipParseError): SipParseErrorDescription {
  const reason = err.code === 'EMPTY' ? 'incomplete' : REASON_OF_CODE[err.code];
  const status =
    err.status ?? (err.code === 'TOO_LARGE' ? 513 : err.code === 'VERSION' ? 505 : 400);
  return {
    reason,
    header: err.header,
    status,
    phrase: phraseOf(err, status),
    detail: toQuotedStringContent(err.message),
  };
}

export interface ParseErrorResponseOptions {
  /** warn-agent of the Warning header (RFC 3261 §20.43: hostport or pseudonym). */
  readonly warnAgent: string;
}

/**
 * The request to answer for octets that failed to parse with `err` — the parser's partial
 * request, or the salvaged head — or null when nothing may be answered (a response, an ACK,
 * a keep-alive, or no Via/From/To/Call-ID/CSeq to build an answer from).
 */
export function findAnswerableRequest(bytes: Uint8Array, err: SipParseError): SipRequest | null {
  if (err.code === 'EMPTY') return null;
  const partial = err.partial;
  if (partial !== undefined && partial.kind !== 'request') return null;
  const request = partial ?? salvageRequestHead(bytes);
  if (request === null || request.method === 'ACK') return null;
  return request;
}

/** The 400/505/513 answering `request` for `err`, the problem named in Reason-Phrase and Warning. */
export function buildParseErrorResponse(
  request: SipRequest,
  err: SipParseError,
  options: ParseErrorResponseOptions,
): SipResponse {
  const described = describeParseError(err);
  return createResponse(request, described.status, {
    reason: described.phrase,
    headers: [{ name: 'Warning', value: `399 ${options.warnAgent} "${described.detail}"` }],
  });
}
