// Structured values of the headers the stack relies on (RFC 3261 §20, grammar in §25.1):
// name-addr / addr-spec (From, To, Contact, Route, Record-Route ...), Via, CSeq, Max-Forwards,
// Content-Type (RFC 3261 §20.15 / RFC 2045 media-type), Date (SIP-date, RFC 3261 §20.17) and
// option-tag lists (Require, Supported ...). Every parser takes the unfolded header value and
// throws SipParseError('HEADER_VALUE' | 'URI') when it does not match the grammar.
import { SipParseError } from './sip-parse-error.js';
import {
  formatParams,
  isToken,
  quoteString,
  readParams,
  readQuotedString,
  readToken,
  skipLws,
  splitHeaderList,
  type SipParams,
} from './sip-grammar.js';
import { formatUri, parseHostPort, parseUri, type Uri } from './sip-uri.js';
import { getHeader, getHeaders, type SipMessage } from './sip-message.js';

function fail(why: string): never {
  throw new SipParseError('HEADER_VALUE', why);
}

// ---------------------------------------------------------------------------------------------
// name-addr / addr-spec
//
//   From: "Alice \"A\"" <sip:alice@atlanta.example.com>;tag=1928301774
//         \___________/ \_____________________________/ \____________/
//          display-name            addr-spec (URI)        header params
//
//   To: sip:bob@biloxi.example.com;tag=a6c85cf      (no <...>: the ";tag" is a header param)

export interface NameAddr {
  /** Display name, unquoted and unescaped; absent when none was given. */
  readonly displayName?: string;
  readonly uri: Uri;
  /** The URI text as received (inside <...> or the bare addr-spec). */
  readonly uriText: string;
  /** Header parameters after the URI (tag, expires, q, +sip.src ...), keyed lower-case. */
  readonly params: SipParams;
}

export interface ParseNameAddrOptions {
  /**
   * Read a name-addr whose "<" is never closed as if the ">" stood at the end of the value
   * (`Contact: <sip:a@192.0.2.1;transport=tcp`): a slip some devices make in Contact, harmless
   * there since the whole rest is the URI. RFC 3261 §7.3.1 and its robustness note in §16.3 let
   * an element be liberal in what it accepts where the meaning is not in doubt.
   */
  readonly tolerateUnclosedAngle?: boolean;
}

/** Parses one name-addr or addr-spec followed by header parameters (From, To, one Contact ...). */
export function parseNameAddr(value: string, options: ParseNameAddrOptions = {}): NameAddr {
  const text = value;
  let i = skipLws(text, 0);
  let displayName: string | undefined;
  let uriText: string;
  if (text.charCodeAt(i) === 0x22) {
    const q = readQuotedString(text, i);
    displayName = q.value;
    i = skipLws(text, q.end);
    if (text.charCodeAt(i) !== 0x3c) fail('quoted display name not followed by <URI>');
  } else {
    // display-name = *(token LWS): look ahead over tokens and LWS for a "<". No LWS is needed
    // before "<" (RFC 4475 §3.1.1.6 accepts `caller<sip:...>`).
    let j = i;
    for (;;) {
      const end = readToken(text, j);
      if (end === j) break;
      j = skipLws(text, end);
    }
    if (text.charCodeAt(j) === 0x3c) {
      const name = text.slice(i, j).trim();
      if (name.length > 0) displayName = name.replace(/[ \t]+/g, ' ');
      i = j;
    }
  }
  if (text.charCodeAt(i) === 0x3c) {
    const close = text.indexOf('>', i + 1);
    if (close < 0 && options.tolerateUnclosedAngle === true) {
      uriText = text.slice(i + 1).replace(/[ \t]+$/, '');
      i = text.length;
    } else {
      if (close < 0) fail('unterminated <URI>');
      uriText = text.slice(i + 1, close);
      i = close + 1;
    }
  } else {
    // addr-spec without brackets: the URI ends at ";" or LWS, and may not contain "?" or ","
    // (RFC 3261 §20: such URIs must be enclosed in <...>; RFC 4475 §3.1.2.13).
    const start = i;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x3b || c === 0x20 || c === 0x09) break;
      i++;
    }
    uriText = text.slice(start, i);
    if (uriText.includes('?') || uriText.includes(',')) {
      fail('an addr-spec with "?" or "," must be enclosed in <...>');
    }
  }
  const uri = parseUri(uriText);
  const { params, end } = readParams(text, i);
  if (end !== text.length)
    fail(`unexpected characters after name-addr: "${text.slice(end, end + 40)}"`);
  return displayName === undefined
    ? { uri, uriText, params }
    : { displayName, uri, uriText, params };
}

/** Parses a comma-separated list of name-addr (Route, Record-Route, P-Asserted-Identity ...). */
export function parseNameAddrList(value: string, options: ParseNameAddrOptions = {}): NameAddr[] {
  return splitHeaderList(value).map((item) => {
    if (item.length === 0) fail('empty element in list');
    return parseNameAddr(item, options);
  });
}

/**
 * Contact: "*" (RFC 3261 §10.2.2, REGISTER only) or a list of name-addr; a last "<" left
 * unclosed is read to the end of the value (see ParseNameAddrOptions).
 */
export function parseContacts(value: string): NameAddr[] | '*' {
  if (value.trim() === '*') return '*';
  return parseNameAddrList(value, { tolerateUnclosedAngle: true });
}

/** Formats a name-addr, always with <...> so URI parameters and header parameters stay apart. */
export function formatNameAddr(nameAddr: {
  readonly displayName?: string;
  readonly uri: Uri | string;
  readonly params?: SipParams;
}): string {
  const uri = typeof nameAddr.uri === 'string' ? nameAddr.uri : formatUri(nameAddr.uri);
  const name = nameAddr.displayName === undefined ? '' : `${quoteString(nameAddr.displayName)} `;
  return `${name}<${uri}>${nameAddr.params ? formatParams(nameAddr.params) : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Via (RFC 3261 §20.42, §18.2.1; rport RFC 3581)
//
//   Via: SIP / 2.0 / UDP  pc33.atlanta.example.com:5060 ;branch=z9hG4bK776asdhds;rport;received=192.0.2.1
//        \____________/   \__________________________/ \______________________________________/
//         sent-protocol             sent-by                         via-params

export interface Via {
  readonly protocolName: string;
  readonly protocolVersion: string;
  /** Transport token, upper-cased (UDP, TCP, TLS, SCTP, WS ... or any unknown token). */
  readonly transport: string;
  readonly host: string;
  readonly port?: number;
  readonly params: SipParams;
  readonly branch?: string;
  readonly received?: string;
  /** RFC 3581: null when "rport" is present without a value (a request asking for it). */
  readonly rport?: number | null;
}

/** RFC 3261 §8.1.1.7: branches of RFC 3261 elements start with this magic cookie. */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

/**
 * True when the branch is an RFC 3261 transaction id: the magic cookie followed by something.
 * A bare cookie (RFC 4475 §3.2.1) or a missing branch means RFC 2543 matching rules apply.
 */
export function isRfc3261Branch(branch: string | undefined): boolean {
  return (
    branch !== undefined &&
    branch.length > BRANCH_MAGIC_COOKIE.length &&
    branch.startsWith(BRANCH_MAGIC_COOKIE)
  );
}

/** Parses a Via header value, which may hold several comma-separated via-parms. */
export function parseVia(value: string): Via[] {
  return splitHeaderList(value).map(parseViaParm);
}

function parseViaParm(text: string): Via {
  let i = skipLws(text, 0);
  const parts: string[] = [];
  for (let k = 0; k < 3; k++) {
    if (k > 0) {
      if (text.charCodeAt(i) !== 0x2f) fail('Via sent-protocol needs name/version/transport');
      i = skipLws(text, i + 1);
    }
    const end = readToken(text, i);
    if (end === i) fail('Via sent-protocol has an empty part');
    parts.push(text.slice(i, end));
    i = skipLws(text, end);
  }
  const [protocolName = '', protocolVersion = '', transport = ''] = parts;
  const hostStart = i;
  if (text.charCodeAt(i) === 0x5b) {
    const close = text.indexOf(']', i);
    if (close < 0) fail('unterminated IPv6 reference in Via');
    i = close + 1;
  } else {
    while (i < text.length && /[A-Za-z0-9_.-]/.test(text[i] ?? '')) i++;
  }
  let hostport = text.slice(hostStart, i);
  // COLON = SWS ":" SWS between host and port.
  const afterHost = skipLws(text, i);
  if (text.charCodeAt(afterHost) === 0x3a) {
    const portStart = skipLws(text, afterHost + 1);
    let portEnd = portStart;
    while (portEnd < text.length && /\d/.test(text[portEnd] ?? '')) portEnd++;
    hostport += `:${text.slice(portStart, portEnd)}`;
    i = portEnd;
  }
  if (hostport.length === 0) fail('Via has no sent-by host');
  let sentBy: { host: string; port?: number };
  try {
    sentBy = parseHostPort(text, hostport);
  } catch {
    fail(`Via sent-by "${hostport}" is not host[:port]`);
  }
  const { params, end } = readParams(text, i);
  if (end !== text.length) fail(`unexpected characters in Via: "${text.slice(end, end + 40)}"`);
  const rportRaw = params.rport;
  let rport: number | null | undefined;
  if (rportRaw === null) rport = null;
  else if (rportRaw !== undefined) {
    if (!/^\d{1,5}$/.test(rportRaw) || Number(rportRaw) > 65535) fail('Via rport is not a port');
    rport = Number(rportRaw);
  }
  if (
    params.ttl !== undefined &&
    (params.ttl === null || !/^\d{1,3}$/.test(params.ttl) || Number(params.ttl) > 255)
  ) {
    fail('Via ttl is not 0-255');
  }
  const via: Via = {
    protocolName,
    protocolVersion,
    transport: transport.toUpperCase(),
    host: sentBy.host,
    params,
  };
  return {
    ...via,
    ...(sentBy.port !== undefined ? { port: sentBy.port } : {}),
    ...(typeof params.branch === 'string' ? { branch: params.branch } : {}),
    ...(typeof params.received === 'string' ? { received: params.received } : {}),
    ...(rport !== undefined ? { rport } : {}),
  };
}

export function formatVia(via: {
  readonly transport: string;
  readonly host: string;
  readonly port?: number;
  readonly params: SipParams;
}): string {
  const port = via.port === undefined ? '' : `:${via.port}`;
  return `SIP/2.0/${via.transport} ${via.host}${port}${formatParams(via.params)}`;
}

// ---------------------------------------------------------------------------------------------
// Scalars

const UINT32_MAX = 4294967295;

/** Parses 1*DIGIT allowing leading zeros (RFC 4475 §3.1.1.1), failing above `max`. */
function parseBoundedInt(text: string, max: number, what: string): number {
  if (!/^\d+$/.test(text)) fail(`${what} is not a number`);
  const significant = text.replace(/^0+(?=\d)/, '');
  if (significant.length > 10) fail(`${what} is out of range`);
  const n = Number(significant);
  if (n > max) fail(`${what} is out of range`);
  return n;
}

export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

/** CSeq = 1*DIGIT LWS Method with the number at most 2**32-1 (RFC 3261 §8.1.1.5, §20.16). */
export function parseCSeq(value: string): CSeq {
  const m = /^[ \t]*(\d+)[ \t]+(\S+)[ \t]*$/.exec(value);
  if (!m?.[1] || !m[2]) fail('CSeq is not "number method"');
  if (!isToken(m[2])) fail('CSeq method is not a token');
  return { seq: parseBoundedInt(m[1], UINT32_MAX, 'CSeq number'), method: m[2] };
}

export function formatCSeq(cseq: CSeq): string {
  return `${cseq.seq} ${cseq.method}`;
}

/** Max-Forwards = 1*DIGIT, 0-255 (RFC 3261 §20.22; RFC 4475 §3.1.2.4). */
export function parseMaxForwards(value: string): number {
  return parseBoundedInt(value.trim(), 255, 'Max-Forwards');
}

/** delta-seconds (Expires, Min-Expires ...): 0 to 2**32-1 (RFC 3261 §20.19). */
export function parseDeltaSeconds(value: string): number {
  return parseBoundedInt(value.trim(), UINT32_MAX, 'delta-seconds');
}

/** Call-ID = word ["@" word]: any visible characters, no LWS (RFC 3261 §20.8). */
export function parseCallId(value: string): string {
  const v = value.trim();
  if (v.length === 0) fail('Call-ID is empty');
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) fail('Call-ID has whitespace or a control character');
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Content-Type: media-type = m-type SLASH m-subtype *(SEMI m-parameter) (RFC 3261 §20.15)

export interface MediaType {
  /** Lower-cased type ("multipart"). */
  readonly type: string;
  /** Lower-cased subtype ("mixed"). */
  readonly subtype: string;
  /** Parameters with names lower-cased and values unquoted (boundary, charset ...). */
  readonly params: SipParams;
}

export function parseMediaType(value: string): MediaType {
  let i = skipLws(value, 0);
  const typeEnd = readToken(value, i);
  if (typeEnd === i) fail('media type has no type');
  const type = value.slice(i, typeEnd).toLowerCase();
  i = skipLws(value, typeEnd);
  if (value.charCodeAt(i) !== 0x2f) fail('media type has no "/"');
  i = skipLws(value, i + 1);
  const subEnd = readToken(value, i);
  if (subEnd === i) fail('media type has no subtype');
  const subtype = value.slice(i, subEnd).toLowerCase();
  const { params, end } = readParams(value, subEnd, { allowCommaInValue: true });
  if (end !== value.length) fail('unexpected characters in media type');
  return { type, subtype, params };
}

/** "type/subtype" in lower case, the form to compare media types with. */
export function formatMediaTypeEssence(mediaType: MediaType): string {
  return `${mediaType.type}/${mediaType.subtype}`;
}

export function formatMediaType(mediaType: MediaType): string {
  return `${formatMediaTypeEssence(mediaType)}${formatParams(mediaType.params)}`;
}

// ---------------------------------------------------------------------------------------------
// SIP-date = rfc1123-date, always GMT (RFC 3261 §20.17; RFC 4475 §3.1.2.12)

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SIP_DATE_RE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/** Parses a SIP-date into milliseconds since the epoch. */
export function parseSipDate(value: string): number {
  const m = SIP_DATE_RE.exec(value.trim());
  if (!m) fail('Date is not an RFC 1123 date in GMT');
  const [, , dd, mon, yyyy, hh, mi, ss] = m;
  const ms = Date.UTC(
    Number(yyyy),
    MONTHS.indexOf(mon ?? ''),
    Number(dd),
    Number(hh),
    Number(mi),
    Number(ss),
  );
  const check = new Date(ms);
  if (check.getUTCDate() !== Number(dd) || Number(hh) > 23 || Number(mi) > 59 || Number(ss) > 60) {
    fail('Date has an impossible day or time');
  }
  return ms;
}

export function formatSipDate(epochMs: number): string {
  return new Date(epochMs).toUTCString();
}

// ---------------------------------------------------------------------------------------------
// option-tag lists: Require, Proxy-Require, Supported, Unsupported (RFC 3261 §20.32, §20.37)

export function parseOptionTags(value: string): string[] {
  if (value.trim().length === 0) return [];
  return splitHeaderList(value).map((tag) => {
    if (!isToken(tag)) fail(`option-tag "${tag.slice(0, 40)}" is not a token`);
    return tag;
  });
}

// ---------------------------------------------------------------------------------------------
// Typed getters on a message. They return undefined when the header is absent and throw
// SipParseError when it is malformed; parseDatagram has already checked these headers, so on
// a parsed message they only throw for headers it does not check.

export function getFrom(msg: SipMessage): NameAddr | undefined {
  const v = getHeader(msg, 'From');
  return v === undefined ? undefined : parseNameAddr(v);
}

export function getTo(msg: SipMessage): NameAddr | undefined {
  const v = getHeader(msg, 'To');
  return v === undefined ? undefined : parseNameAddr(v);
}

export function getCallId(msg: SipMessage): string | undefined {
  const v = getHeader(msg, 'Call-ID');
  return v === undefined ? undefined : parseCallId(v);
}

export function getCSeq(msg: SipMessage): CSeq | undefined {
  const v = getHeader(msg, 'CSeq');
  return v === undefined ? undefined : parseCSeq(v);
}

export function getMaxForwards(msg: SipMessage): number | undefined {
  const v = getHeader(msg, 'Max-Forwards');
  return v === undefined ? undefined : parseMaxForwards(v);
}

/** Every Via of the message, top-most first, across all Via lines. */
export function getVias(msg: SipMessage): Via[] {
  return getHeaders(msg, 'Via').flatMap(parseVia);
}

/** Every Contact (an empty list when absent; "*" for a wildcard REGISTER). */
export function getContacts(msg: SipMessage): NameAddr[] | '*' {
  const values = getHeaders(msg, 'Contact');
  if (values.length === 1 && values[0]?.trim() === '*') return '*';
  return values.flatMap((v) => {
    const parsed = parseContacts(v);
    if (parsed === '*') fail('Contact "*" mixed with other contacts');
    return parsed;
  });
}

/** Route or Record-Route entries, in order. */
export function getRoutes(msg: SipMessage, name: 'Route' | 'Record-Route'): NameAddr[] {
  return getHeaders(msg, name).flatMap((value) => parseNameAddrList(value));
}

export function getContentType(msg: SipMessage): MediaType | undefined {
  const v = getHeader(msg, 'Content-Type');
  return v === undefined ? undefined : parseMediaType(v);
}

/** Every option-tag of Require / Proxy-Require / Supported / Unsupported lines. */
export function getOptionTags(
  msg: SipMessage,
  name: 'Require' | 'Proxy-Require' | 'Supported' | 'Unsupported',
): string[] {
  return getHeaders(msg, name).flatMap(parseOptionTags);
}
