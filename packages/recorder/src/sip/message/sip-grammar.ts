// Lexical building blocks of the SIP grammar (RFC 3261 §25.1): token, LWS, quoted-string,
// generic parameters, comma-separated lists, and %HEX escaping. Header values reach these
// functions already unfolded (RFC 3261 §7.3.1), so LWS here is only SP and HTAB.
import { SipParseError } from './sip-parse-error.js';

/** Generic parameters keyed by lower-cased name (names are case-insensitive, RFC 3261 §7.3.1). A
 * parameter without a value maps to null. The record has no prototype, so any name is safe. */
export type SipParams = Readonly<Record<string, string | null>>;

export function createParams(): Record<string, string | null> {
  return Object.create(null) as Record<string, string | null>;
}

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
const TOKEN_CHARS = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~") {
  TOKEN_CHARS[c.charCodeAt(0)] = 1;
}

export function isTokenChar(code: number): boolean {
  return code < 128 && TOKEN_CHARS[code] === 1;
}

export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) if (!isTokenChar(text.charCodeAt(i))) return false;
  return true;
}

export function isWsp(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

export function skipLws(text: string, from: number): number {
  let i = from;
  while (i < text.length && isWsp(text.charCodeAt(i))) i++;
  return i;
}

export function readToken(text: string, from: number): number {
  let i = from;
  while (i < text.length && isTokenChar(text.charCodeAt(i))) i++;
  return i;
}

/**
 * quoted-string = SWS DQUOTE *(qdtext / quoted-pair) DQUOTE, starting at the DQUOTE.
 * quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F): a backslash may escape even NUL (RFC 4475
 * §3.1.1.2), so the result can contain control characters. Returns the unescaped content.
 */
export function readQuotedString(text: string, from: number): { value: string; end: number } {
  let i = from + 1;
  let value = '';
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return { value, end: i + 1 };
    if (c === 0x5c) {
      const next = text.charCodeAt(i + 1);
      if (Number.isNaN(next) || next === 0x0a || next === 0x0d || next > 0x7f) {
        throw new SipParseError('HEADER_VALUE', 'invalid quoted-pair in quoted-string');
      }
      value += text[i + 1];
      i += 2;
      continue;
    }
    if (c === 0x0a || c === 0x0d) break;
    value += text[i];
    i++;
  }
  throw new SipParseError('HEADER_VALUE', 'unterminated quoted-string');
}

/** Quotes a value for use as a quoted-string, escaping DQUOTE and backslash. */
export function quoteString(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/**
 * Splits a header value into its comma-separated elements (RFC 3261 §7.3.1), ignoring commas
 * inside quoted-strings and <...>. Never throws: an unterminated quote or bracket keeps the rest
 * as one element, and the structured parser of that element reports the error.
 */
export function splitHeaderList(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let inQuote = false;
  let inAngle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (inQuote) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inQuote = false;
    } else if (c === 0x22) inQuote = true;
    else if (c === 0x3c) inAngle = true;
    else if (c === 0x3e) inAngle = false;
    else if (c === 0x2c && !inAngle) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out;
}

/** Characters that end an unquoted generic-param value. */
const PARAM_VALUE_STOPS = new Set([0x3b, 0x2c, 0x22, 0x20, 0x09, 0x3c, 0x3e]);

export interface ReadParamsOptions {
  /** Allow "," inside an unquoted value (media-type parameters of a single Content-Type value). */
  readonly allowCommaInValue?: boolean;
}

/**
 * *( SEMI generic-param ) with generic-param = token [ EQUAL gen-value ] and
 * gen-value = token / host / quoted-string (RFC 3261 §25.1). SEMI and EQUAL allow LWS around
 * them. Parsing stops at the first character that is not LWS or ";", and returns its index.
 * Quoted values are returned unescaped. A parameter with an empty name (";;") is an error.
 */
export function readParams(
  text: string,
  from: number,
  options: ReadParamsOptions = {},
): { params: Record<string, string | null>; end: number } {
  const params = createParams();
  let i = skipLws(text, from);
  while (i < text.length && text.charCodeAt(i) === 0x3b) {
    i = skipLws(text, i + 1);
    const nameEnd = readToken(text, i);
    if (nameEnd === i) throw new SipParseError('HEADER_VALUE', 'empty or invalid parameter name');
    const name = text.slice(i, nameEnd).toLowerCase();
    i = skipLws(text, nameEnd);
    let value: string | null = null;
    if (text.charCodeAt(i) === 0x3d) {
      i = skipLws(text, i + 1);
      if (text.charCodeAt(i) === 0x22) {
        const q = readQuotedString(text, i);
        value = q.value;
        i = q.end;
      } else {
        const start = i;
        while (i < text.length) {
          const c = text.charCodeAt(i);
          if (PARAM_VALUE_STOPS.has(c) && !(c === 0x2c && options.allowCommaInValue === true)) {
            break;
          }
          if (c < 0x20 || c === 0x7f) break;
          i++;
        }
        if (i === start) throw new SipParseError('HEADER_VALUE', `parameter ${name} has no value`);
        value = text.slice(start, i);
      }
      i = skipLws(text, i);
    }
    // The first occurrence wins: later duplicates cannot change tag or branch after the fact.
    if (!(name in params)) params[name] = value;
  }
  return { params, end: i };
}

/** Formats parameters as ";name=value" pairs, quoting values that are not tokens. */
export function formatParams(params: SipParams): string {
  let out = '';
  for (const [name, value] of Object.entries(params)) {
    if (value === null) out += `;${name}`;
    else out += `;${name}=${isToken(value) || isBracketedHost(value) ? value : quoteString(value)}`;
  }
  return out;
}

function isBracketedHost(value: string): boolean {
  return /^\[[0-9A-Fa-f:.]+\]$/.test(value);
}

/** Reads a parameter case-insensitively from a SipParams record. */
export function getParam(params: SipParams, name: string): string | null | undefined {
  return params[name.toLowerCase()];
}

const HEX = '0123456789ABCDEF';

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/**
 * Expands %HEX escapes (RFC 3261 §25.1 "escaped"), interpreting the octets as UTF-8 where they
 * form valid UTF-8 and as single octets otherwise, so "%00" stays a NUL and never truncates
 * (RFC 4475 §3.1.1.4). A "%" not followed by two hex digits is an error.
 */
export function decodeEscapes(text: string): string {
  if (!text.includes('%')) return text;
  // Work on the UTF-8 octets: "%" and hex digits are ASCII, so escapes are found unambiguously.
  const src = Buffer.from(text, 'utf8');
  const bytes: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src[i] ?? 0;
    if (c === 0x25) {
      const hi = hexValue(src[i + 1] ?? -1);
      const lo = hexValue(src[i + 2] ?? -1);
      if (hi < 0 || lo < 0) throw new SipParseError('URI', `invalid %-escape in "${text}"`);
      bytes.push(hi * 16 + lo);
      i += 2;
    } else {
      bytes.push(c);
    }
  }
  const buf = Buffer.from(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return buf.toString('latin1');
  }
}

/** Escapes every octet of the UTF-8 form of `text` whose ASCII character is not in `allowed`. */
export function encodeEscapes(text: string, allowed: (code: number) => boolean): string {
  let out = '';
  for (const b of Buffer.from(text, 'utf8')) {
    if (b < 0x80 && allowed(b)) out += String.fromCharCode(b);
    else out += `%${HEX[b >> 4] ?? '0'}${HEX[b & 15] ?? '0'}`;
  }
  return out;
}
