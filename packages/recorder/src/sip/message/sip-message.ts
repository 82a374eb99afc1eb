// The SIP message value (RFC 3261 §7): a request or a response with an ordered header list and a
// body of raw octets, plus header-name handling (case-insensitive names and the compact forms of
// RFC 3261 §7.3.3 and later RFCs) and small, pure accessors. Messages are plain immutable
// values: helpers that "change" a message return a new one.
import { splitHeaderList } from './sip-grammar.js';

export interface SipHeader {
  /** Canonical name ("Call-ID", "Via") for known headers, the received spelling otherwise. */
  readonly name: string;
  /** The field value with folding replaced by a single SP and surrounding LWS removed. */
  readonly value: string;
}

interface SipMessageBase {
  /** SIP-Version as received, upper-cased ("SIP/2.0"). */
  readonly version: string;
  readonly headers: readonly SipHeader[];
  readonly body: Uint8Array;
}

export interface SipRequest extends SipMessageBase {
  readonly kind: 'request';
  readonly method: string;
  /** The Request-URI exactly as received; parse it with parseUri. */
  readonly uri: string;
}

export interface SipResponse extends SipMessageBase {
  readonly kind: 'response';
  readonly status: number;
  readonly reason: string;
}

export type SipMessage = SipRequest | SipResponse;

/** RFC 3261 §7.3.3 compact forms and those registered by later RFCs. */
const COMPACT_FORMS: Readonly<Record<string, string>> = {
  a: 'Accept-Contact', // RFC 3841
  b: 'Referred-By', // RFC 3892
  c: 'Content-Type',
  d: 'Request-Disposition', // RFC 3841
  e: 'Content-Encoding',
  f: 'From',
  i: 'Call-ID',
  j: 'Reject-Contact', // RFC 3841
  k: 'Supported',
  l: 'Content-Length',
  m: 'Contact',
  n: 'Identity-Info', // RFC 4474
  o: 'Event', // RFC 6665
  r: 'Refer-To', // RFC 3515
  s: 'Subject',
  t: 'To',
  u: 'Allow-Events', // RFC 6665
  v: 'Via',
  x: 'Session-Expires', // RFC 4028
  y: 'Identity', // RFC 8224
};

const KNOWN_HEADERS = [
  'Accept',
  'Accept-Contact',
  'Accept-Encoding',
  'Accept-Language',
  'Alert-Info',
  'Allow',
  'Allow-Events',
  'Authentication-Info',
  'Authorization',
  'Call-ID',
  'Call-Info',
  'Contact',
  'Content-Disposition',
  'Content-Encoding',
  'Content-ID',
  'Content-Language',
  'Content-Length',
  'Content-Transfer-Encoding',
  'Content-Type',
  'CSeq',
  'Date',
  'Diversion',
  'Error-Info',
  'Event',
  'Expires',
  'From',
  'History-Info',
  'Identity',
  'Identity-Info',
  'In-Reply-To',
  'Info-Package',
  'Join',
  'Max-Forwards',
  'MIME-Version',
  'Min-Expires',
  'Min-SE',
  'Organization',
  'P-Asserted-Identity',
  'P-Preferred-Identity',
  'Path',
  'Priority',
  'Privacy',
  'Proxy-Authenticate',
  'Proxy-Authorization',
  'Proxy-Require',
  'RAck',
  'Reason',
  'Record-Route',
  'Recv-Info',
  'Refer-To',
  'Referred-By',
  'Reject-Contact',
  'Replaces',
  'Reply-To',
  'Request-Disposition',
  'Require',
  'Retry-After',
  'Route',
  'RSeq',
  'Security-Client',
  'Security-Server',
  'Security-Verify',
  'Server',
  'Service-Route',
  'Session-Expires',
  'SIP-ETag',
  'SIP-If-Match',
  'Subject',
  'Subscription-State',
  'Supported',
  'Target-Dialog',
  'Timestamp',
  'To',
  'Unsupported',
  'User-Agent',
  'Via',
  'Warning',
  'WWW-Authenticate',
];

const CANONICAL = new Map<string, string>(KNOWN_HEADERS.map((n) => [n.toLowerCase(), n]));
for (const [short, long] of Object.entries(COMPACT_FORMS)) CANONICAL.set(short, long);

/**
 * Headers whose value is a comma-separated list (RFC 3261 §7.3.1: such a header may appear once
 * with commas or several times). Other headers hold commas as part of one value (Date,
 * WWW-Authenticate, Subject, ...) and are never split.
 */
const LIST_HEADERS = new Set([
  'Accept',
  'Accept-Contact',
  'Accept-Encoding',
  'Accept-Language',
  'Alert-Info',
  'Allow',
  'Allow-Events',
  'Call-Info',
  'Contact',
  'Content-Encoding',
  'Content-Language',
  'Diversion',
  'Error-Info',
  'History-Info',
  'In-Reply-To',
  'P-Asserted-Identity',
  'P-Preferred-Identity',
  'Path',
  'Proxy-Require',
  'Reason',
  'Record-Route',
  'Reject-Contact',
  'Request-Disposition',
  'Require',
  'Route',
  'Security-Client',
  'Security-Server',
  'Security-Verify',
  'Service-Route',
  'Supported',
  'Unsupported',
  'Via',
  'Warning',
]);

/** Maps any spelling or compact form to the canonical header name; unknown names are kept. */
export function canonicalizeHeaderName(name: string): string {
  return CANONICAL.get(name.toLowerCase()) ?? name;
}

/** True when the header's grammar is a comma-separated list. */
export function isListHeader(name: string): boolean {
  return LIST_HEADERS.has(canonicalizeHeaderName(name));
}

function sameName(a: string, canonical: string): boolean {
  return a === canonical || a.toLowerCase() === canonical.toLowerCase();
}

interface HasHeaders {
  readonly headers: readonly SipHeader[];
}

/** The value of the first header with this name (any spelling or compact form). */
export function getHeader(msg: HasHeaders, name: string): string | undefined {
  const canonical = canonicalizeHeaderName(name);
  return msg.headers.find((h) => sameName(h.name, canonical))?.value;
}

/** The values of every header line with this name, in order, unsplit. */
export function getHeaders(msg: HasHeaders, name: string): string[] {
  const canonical = canonicalizeHeaderName(name);
  return msg.headers.filter((h) => sameName(h.name, canonical)).map((h) => h.value);
}

/**
 * Every element of a list header across all its lines ("Via: a, b" + "Via: c" → [a, b, c]),
 * split at commas outside quotes and <...>; empty elements are dropped. For a header that is not
 * a list this equals getHeaders.
 */
export function getHeaderValues(msg: HasHeaders, name: string): string[] {
  const values = getHeaders(msg, name);
  if (!isListHeader(name)) return values;
  return values.flatMap((v) => splitHeaderList(v)).filter((v) => v.length > 0);
}

export function hasHeader(msg: HasHeaders, name: string): boolean {
  return getHeader(msg, name) !== undefined;
}

/** A copy with one more header line at the end. */
export function appendHeader<M extends SipMessage>(msg: M, name: string, value: string): M {
  return { ...msg, headers: [...msg.headers, { name: canonicalizeHeaderName(name), value }] };
}

/** A copy without any header of this name. */
export function removeHeaders<M extends SipMessage>(msg: M, name: string): M {
  const canonical = canonicalizeHeaderName(name);
  return { ...msg, headers: msg.headers.filter((h) => !sameName(h.name, canonical)) };
}

/** A copy where the header has exactly this one value, at the place of its first occurrence. */
export function setHeader<M extends SipMessage>(msg: M, name: string, value: string): M {
  const canonical = canonicalizeHeaderName(name);
  const headers: SipHeader[] = [];
  let placed = false;
  for (const h of msg.headers) {
    if (!sameName(h.name, canonical)) headers.push(h);
    else if (!placed) {
      headers.push({ name: canonical, value });
      placed = true;
    }
  }
  if (!placed) headers.push({ name: canonical, value });
  return { ...msg, headers };
}
