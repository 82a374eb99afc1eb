// multipart/* bodies (RFC 2046 §5.1; RFC 5621 for SIP) as SIPREC uses them: an SDP part and an
// rs-metadata part in multipart/mixed (RFC 7866 §8.1). Parser and builder on octets.
//
//   preamble (ignored)
//   --boundary [transport-padding] CRLF        dash-boundary: the first delimiter
//   Content-Type: application/sdp CRLF          part headers
//   CRLF
//   v=0 ...                                     part body, up to the CRLF before the next delimiter
//   CRLF --boundary CRLF                        delimiter
//   ...
//   CRLF --boundary-- [transport-padding]       close-delimiter
//   epilogue (ignored)
//
// Real session border controllers deviate, and the parser accepts what they send: LF-only line
// ends, spaces after a delimiter, and a body that ends without the close-delimiter (the last
// part then runs to the end; `closed` is false). Part bodies are byte-exact views: binary parts
// (RFC 4475 §3.1.1.11) are never decoded. A part's own Content-Length is informative only; the
// delimiters frame the parts.
import { SipParseError } from './sip-parse-error.js';
import { canonicalizeHeaderName, type SipHeader } from './sip-message.js';
import { isToken } from './sip-grammar.js';
import { parseMediaType, type MediaType } from './sip-header-values.js';

export interface MimePart {
  /** Part headers in order, names canonicalised like SIP headers ("Content-ID", "Content-Type"). */
  readonly headers: readonly SipHeader[];
  readonly body: Uint8Array;
}

export interface MultipartBody {
  readonly boundary: string;
  readonly parts: readonly MimePart[];
  /** False when the body ended without the close-delimiter. */
  readonly closed: boolean;
}

export interface MultipartLimits {
  /** Most parts accepted (default 32). */
  readonly maxParts?: number;
}

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;

function fail(why: string): never {
  throw new SipParseError('MULTIPART', why);
}

/** The boundary parameter of a multipart Content-Type (quoted or not), checked per RFC 2046 §5.1.1. */
export function getMultipartBoundary(contentType: string | MediaType): string {
  const mediaType = typeof contentType === 'string' ? parseMediaType(contentType) : contentType;
  if (mediaType.type !== 'multipart')
    fail(`${mediaType.type}/${mediaType.subtype} is not multipart`);
  const boundary = mediaType.params.boundary;
  if (typeof boundary !== 'string' || boundary.length === 0)
    fail('multipart Content-Type has no boundary');
  // RFC 2046 allows 70 characters; some devices use more, so only absurd lengths are refused.
  if (boundary.length > 200) fail('boundary longer than 200 characters');
  return boundary;
}

interface Delimiter {
  /** Where the line break before the delimiter starts (the end of the previous part's body). */
  readonly bodyEnd: number;
  /** First octet after the delimiter line. */
  readonly next: number;
  readonly close: boolean;
}

/**
 * Finds the next delimiter line at or after `from`: "--boundary" at the start of the body or
 * right after LF, followed by optional "--", optional SP/HTAB, then CRLF, LF or the end.
 */
function findDelimiter(body: Uint8Array, dash: Uint8Array, from: number): Delimiter | null {
  let at = Buffer.from(body.buffer, body.byteOffset, body.byteLength).indexOf(dash, from);
  while (at >= 0) {
    const lineStart = at === 0 || body[at - 1] === LF;
    if (lineStart) {
      let i = at + dash.length;
      const close = body[i] === DASH && body[i + 1] === DASH;
      if (close) i += 2;
      while (body[i] === 0x20 || body[i] === 0x09) i++;
      let next = -1;
      if (i >= body.length) next = body.length;
      else if (body[i] === LF) next = i + 1;
      else if (body[i] === CR && body[i + 1] === LF) next = i + 2;
      else if (close) next = i; // trailing junk after a close-delimiter is epilogue
      if (next >= 0) {
        let bodyEnd = at;
        if (at > 0) {
          bodyEnd = at - 1; // the LF
          if (bodyEnd > 0 && body[bodyEnd - 1] === CR) bodyEnd -= 1;
        }
        return { bodyEnd, next, close };
      }
    }
    at = Buffer.from(body.buffer, body.byteOffset, body.byteLength).indexOf(dash, at + 1);
  }
  return null;
}

/** Splits a part into headers and body at the first empty line (CRLF or LF line ends). */
function parsePart(raw: Uint8Array): MimePart {
  // No headers at all: the part starts with its empty line (RFC 2046 §5.1.1, text/plain default).
  let i = 0;
  const fields: string[] = [];
  for (;;) {
    if (i >= raw.length) break;
    const lf = raw.indexOf(LF, i);
    const lineEnd = lf < 0 ? raw.length : lf;
    const contentEnd = lineEnd > i && raw[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
    if (contentEnd === i) {
      i = lf < 0 ? raw.length : lf + 1;
      return { headers: toHeaders(fields), body: raw.subarray(i) };
    }
    const line = Buffer.from(raw.buffer, raw.byteOffset + i, contentEnd - i).toString('utf8');
    if ((line.startsWith(' ') || line.startsWith('\t')) && fields.length > 0) {
      fields[fields.length - 1] = `${(fields[fields.length - 1] ?? '').trimEnd()} ${line.trim()}`;
    } else {
      fields.push(line);
    }
    if (fields.length > 64) fail('too many part headers');
    i = lf < 0 ? raw.length : lf + 1;
  }
  // Headers without an empty line: a part with no body.
  return { headers: toHeaders(fields), body: raw.subarray(raw.length) };
}

function toHeaders(fields: readonly string[]): SipHeader[] {
  return fields.map((field) => {
    const colon = field.indexOf(':');
    const name = colon > 0 ? field.slice(0, colon).trim() : '';
    if (!isToken(name)) fail(`not a part header: "${field.slice(0, 60)}"`);
    return { name: canonicalizeHeaderName(name), value: field.slice(colon + 1).trim() };
  });
}

/**
 * Splits a multipart body. `contentType` is the message's Content-Type value (or its parsed
 * form), from which the boundary is taken.
 */
export function parseMultipart(
  body: Uint8Array,
  contentType: string | MediaType,
  limits: MultipartLimits = {},
): MultipartBody {
  const boundary = getMultipartBoundary(contentType);
  const maxParts = limits.maxParts ?? 32;
  const dash = Buffer.from(`--${boundary}`, 'utf8');
  const first = findDelimiter(body, dash, 0);
  if (first === null) fail(`boundary "${boundary}" not found in body`);
  if (first.close) return { boundary, parts: [], closed: true };
  const parts: MimePart[] = [];
  let start = first.next;
  for (;;) {
    const next = findDelimiter(body, dash, start);
    if (parts.length >= maxParts) fail(`more than ${maxParts} parts`);
    if (next === null) {
      parts.push(parsePart(body.subarray(start)));
      return { boundary, parts, closed: false };
    }
    parts.push(parsePart(body.subarray(start, Math.max(start, next.bodyEnd))));
    if (next.close) return { boundary, parts, closed: true };
    start = next.next;
  }
}

/** The value of the first part header with this name (case-insensitive). */
export function getPartHeader(part: MimePart, name: string): string | undefined {
  const canonical = canonicalizeHeaderName(name).toLowerCase();
  return part.headers.find((h) => h.name.toLowerCase() === canonical)?.value;
}

/** The part's media type, or text/plain per RFC 2046 §5.1.1 when it has no Content-Type. */
export function getPartContentType(part: MimePart): MediaType {
  return parseMediaType(getPartHeader(part, 'Content-Type') ?? 'text/plain');
}

export interface MimePartInput {
  readonly contentType: string;
  readonly headers?: readonly SipHeader[];
  readonly body: Uint8Array | string;
}

/**
 * Builds a multipart body with CRLF line ends. Without an explicit boundary one is derived from
 * the content (deterministic, so the same parts give the same octets) and lengthened until no
 * part contains it.
 */
export function buildMultipart(
  parts: readonly MimePartInput[],
  options: { readonly subtype?: string; readonly boundary?: string } = {},
): { readonly contentType: string; readonly body: Uint8Array } {
  const bodies = parts.map((p) =>
    typeof p.body === 'string' ? Buffer.from(p.body, 'utf8') : p.body,
  );
  const boundary = options.boundary ?? deriveBoundary(bodies);
  if (!/^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/.test(boundary)) {
    throw new RangeError(`"${boundary}" is not a valid RFC 2046 boundary`);
  }
  const dash = Buffer.from(`--${boundary}`, 'utf8');
  for (const b of bodies) {
    if (Buffer.from(b.buffer, b.byteOffset, b.byteLength).includes(dash)) {
      throw new RangeError('a part contains the boundary');
    }
  }
  const chunks: Uint8Array[] = [];
  parts.forEach((part, index) => {
    let head = `--${boundary}\r\nContent-Type: ${part.contentType}\r\n`;
    for (const h of part.headers ?? []) {
      if (!isToken(h.name) || /[\r\n]/.test(h.value))
        throw new RangeError(`bad part header ${h.name}`);
      head += `${h.name}: ${h.value}\r\n`;
    }
    chunks.push(
      Buffer.from(`${head}\r\n`, 'utf8'),
      bodies[index] ?? new Uint8Array(0),
      Buffer.from('\r\n'),
    );
  });
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
  const quoted = isToken(boundary) ? boundary : `"${boundary}"`;
  return {
    contentType: `multipart/${options.subtype ?? 'mixed'};boundary=${quoted}`,
    body: new Uint8Array(Buffer.concat(chunks)),
  };
}

function deriveBoundary(bodies: readonly Uint8Array[]): string {
  // FNV-1a over the parts: stable output without a random source in protocol code.
  let hash = 0x811c9dc5;
  for (const b of bodies) {
    for (const octet of b) hash = Math.imul(hash ^ octet, 0x01000193) >>> 0;
  }
  let boundary = `callvault-${hash.toString(16).padStart(8, '0')}`;
  const contains = (candidate: string): boolean => {
    const dash = Buffer.from(`--${candidate}`, 'utf8');
    return bodies.some((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).includes(dash));
  };
  while (contains(boundary) && boundary.length < 60) boundary += 'x';
  if (contains(boundary)) throw new RangeError('could not find a boundary absent from the parts');
  return boundary;
}
