// SIP, SIPS and tel URIs (RFC 3261 §19.1, §25.1; RFC 3966) and, for any other scheme, the
// absoluteURI of RFC 3261 §25.1 kept opaque (RFC 4475 §3.3.2-§3.3.4: unknown schemes are
// well-formed; what to do with them is the element's business).
//
//   sip:alice:secret@atlanta.example.com:5060;transport=tcp;lr?subject=project%20x&priority=urgent
//   \_/ \___/ \____/ \_________________/ \__/ \________________/ \__________________________/
//  scheme user passwd       host          port   uri-parameters              headers
//
// user, password, parameter names/values and header names/values are stored with %HEX escapes
// expanded (RFC 4475 §3.1.1.3: equivalence is decided on the unescaped form), and formatUri
// escapes them again. The parser is liberal in the user part (any visible character but "@"),
// because real PBXs send "#" and "*" unescaped; it is strict about whitespace, the host and the port.
import { SipParseError } from './sip-parse-error.js';
import { createParams, decodeEscapes, encodeEscapes, type SipParams } from './sip-grammar.js';

export interface SipUri {
  readonly kind: 'sip';
  readonly scheme: 'sip' | 'sips';
  readonly user?: string;
  readonly password?: string;
  /** hostname, IPv4 address, or IPv6 reference with its brackets ("[2001:db8::1]"). */
  readonly host: string;
  readonly port?: number;
  readonly params: SipParams;
  readonly headers: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}

export interface TelUri {
  readonly kind: 'tel';
  readonly scheme: 'tel';
  readonly number: string;
  readonly params: SipParams;
}

/** Any other absoluteURI (http:, urn:, isbn:, ...): scheme plus the untouched rest. */
export interface OpaqueUri {
  readonly kind: 'opaque';
  readonly scheme: string;
  readonly opaque: string;
}

export type Uri = SipUri | TelUri | OpaqueUri;

const SCHEME_RE = /^[A-Za-z][A-Za-z0-9+\-.]*$/;
const HOSTNAME_RE = /^[A-Za-z0-9_](?:[A-Za-z0-9_\-.]*[A-Za-z0-9_.])?$/;
const IPV6_REF_RE = /^\[[0-9A-Fa-f:.]+\]$/;
const TEL_NUMBER_RE = /^[0-9A-Fa-f*#+\-.()]+$/;

function fail(text: string, why: string): never {
  throw new SipParseError('URI', `invalid URI "${text.slice(0, 200)}": ${why}`);
}

/** Parses a URI as it appears in a Request-URI or inside <...> of a name-addr. */
export function parseUri(text: string): Uri {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) fail(text, 'whitespace or control character');
  }
  const colon = text.indexOf(':');
  if (colon <= 0) fail(text, 'no scheme');
  const scheme = text.slice(0, colon);
  if (!SCHEME_RE.test(scheme)) fail(text, 'bad scheme');
  const lower = scheme.toLowerCase();
  const rest = text.slice(colon + 1);
  if (rest.length === 0) fail(text, 'empty after scheme');
  if (lower === 'sip' || lower === 'sips') return parseSipUri(text, lower, rest);
  if (lower === 'tel') return parseTelUri(text, rest);
  return { kind: 'opaque', scheme: lower, opaque: rest };
}

function parseSipUri(text: string, scheme: 'sip' | 'sips', rest: string): SipUri {
  // "@" may not appear unescaped in user, password, parameters or headers, so the first one
  // ends the userinfo even when the user part holds ";" or "?" (RFC 4475 §3.1.1.9).
  const at = rest.indexOf('@');
  let user: string | undefined;
  let password: string | undefined;
  let hostPart = rest;
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    hostPart = rest.slice(at + 1);
    const pw = userinfo.indexOf(':');
    const rawUser = pw >= 0 ? userinfo.slice(0, pw) : userinfo;
    if (rawUser.length === 0) fail(text, 'empty user');
    user = decodeEscapes(rawUser);
    if (pw >= 0) password = decodeEscapes(userinfo.slice(pw + 1));
  }
  const q = hostPart.indexOf('?');
  const beforeHeaders = q >= 0 ? hostPart.slice(0, q) : hostPart;
  const semi = beforeHeaders.indexOf(';');
  const hostport = semi >= 0 ? beforeHeaders.slice(0, semi) : beforeHeaders;
  const { host, port } = parseHostPort(text, hostport);
  const params = semi >= 0 ? parseUriParams(text, beforeHeaders.slice(semi + 1)) : createParams();
  const headers = q >= 0 ? parseUriHeaders(text, hostPart.slice(q + 1)) : [];
  const uri: SipUri = { kind: 'sip', scheme, host, params, headers };
  return {
    ...uri,
    ...(user !== undefined ? { user } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(port !== undefined ? { port } : {}),
  };
}

/** hostport = host [ ":" port ] where host is a hostname, IPv4address or IPv6reference. */
export function parseHostPort(context: string, hostport: string): { host: string; port?: number } {
  let host = hostport;
  let portText: string | undefined;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) fail(context, 'unterminated IPv6 reference');
    host = hostport.slice(0, close + 1);
    const after = hostport.slice(close + 1);
    if (after.length > 0) {
      if (!after.startsWith(':')) fail(context, 'junk after IPv6 reference');
      portText = after.slice(1);
    }
    if (!IPV6_REF_RE.test(host)) fail(context, 'bad IPv6 reference');
  } else {
    const c = hostport.indexOf(':');
    if (c >= 0) {
      host = hostport.slice(0, c);
      portText = hostport.slice(c + 1);
    }
    if (!HOSTNAME_RE.test(host)) fail(context, 'bad host');
  }
  if (portText === undefined) return { host };
  if (!/^\d{1,5}$/.test(portText)) fail(context, 'bad port');
  const port = Number(portText);
  if (port > 65535) fail(context, 'port out of range');
  return { host, port };
}

function parseUriParams(text: string, raw: string): Record<string, string | null> {
  const params = createParams();
  for (const item of raw.split(';')) {
    const eq = item.indexOf('=');
    const rawName = eq >= 0 ? item.slice(0, eq) : item;
    if (rawName.length === 0) fail(text, 'empty uri-parameter name');
    const name = decodeEscapes(rawName).toLowerCase();
    const value = eq >= 0 ? decodeEscapes(item.slice(eq + 1)) : null;
    if (!(name in params)) params[name] = value;
  }
  return params;
}

function parseUriHeaders(text: string, raw: string): Array<{ name: string; value: string }> {
  if (raw.length === 0) fail(text, 'empty headers after "?"');
  return raw.split('&').map((item) => {
    const eq = item.indexOf('=');
    if (eq <= 0) fail(text, 'uri header without name=value');
    return { name: decodeEscapes(item.slice(0, eq)), value: decodeEscapes(item.slice(eq + 1)) };
  });
}

function parseTelUri(text: string, rest: string): TelUri {
  const semi = rest.indexOf(';');
  const number = semi >= 0 ? rest.slice(0, semi) : rest;
  if (!TEL_NUMBER_RE.test(number)) fail(text, 'bad telephone-subscriber');
  const params = semi >= 0 ? parseUriParams(text, rest.slice(semi + 1)) : createParams();
  return { kind: 'tel', scheme: 'tel', number, params };
}

// Character sets that may stay unescaped when formatting (RFC 3261 §25.1).
const UNRESERVED = /[A-Za-z0-9\-_.!~*'()]/;
const isUserChar = (c: number): boolean =>
  UNRESERVED.test(String.fromCharCode(c)) || '&=+$,;?/'.includes(String.fromCharCode(c));
const isPasswordChar = (c: number): boolean =>
  UNRESERVED.test(String.fromCharCode(c)) || '&=+$,'.includes(String.fromCharCode(c));
const isParamChar = (c: number): boolean =>
  UNRESERVED.test(String.fromCharCode(c)) || '[]/:&+$'.includes(String.fromCharCode(c));
const isHeaderChar = (c: number): boolean =>
  UNRESERVED.test(String.fromCharCode(c)) || '[]/?:+$'.includes(String.fromCharCode(c));

/** Formats a URI, escaping what its grammar does not allow literally. */
export function formatUri(uri: Uri): string {
  switch (uri.kind) {
    case 'opaque':
      return `${uri.scheme}:${uri.opaque}`;
    case 'tel':
      return `tel:${uri.number}${formatUriParams(uri.params)}`;
    case 'sip': {
      let out = `${uri.scheme}:`;
      if (uri.user !== undefined) {
        out += encodeEscapes(uri.user, isUserChar);
        if (uri.password !== undefined) out += `:${encodeEscapes(uri.password, isPasswordChar)}`;
        out += '@';
      }
      out += uri.host;
      if (uri.port !== undefined) out += `:${uri.port}`;
      out += formatUriParams(uri.params);
      if (uri.headers.length > 0) {
        out += `?${uri.headers
          .map(
            (h) => `${encodeEscapes(h.name, isHeaderChar)}=${encodeEscapes(h.value, isHeaderChar)}`,
          )
          .join('&')}`;
      }
      return out;
    }
  }
}

function formatUriParams(params: SipParams): string {
  let out = '';
  for (const [name, value] of Object.entries(params)) {
    out += `;${encodeEscapes(name, isParamChar)}`;
    if (value !== null) out += `=${encodeEscapes(value, isParamChar)}`;
  }
  return out;
}
