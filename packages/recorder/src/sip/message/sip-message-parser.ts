// SIP message parser (RFC 3261 §7 message format, §7.3.1 folding, §7.5 leading CRLF, §18.3
// framing, §20 header grammar; RFC 4475 torture tests). Bytes in, SipMessage out, no I/O.
//
//   INVITE sip:bob@biloxi.example.com SIP/2.0 CRLF         Request-Line (or Status-Line:
//   Via: SIP/2.0/UDP pc33.atlanta.example.com CRLF          "SIP/2.0 200 OK")
//    ;branch=z9hG4bK776asdhds CRLF                          folded: CRLF + SP/HTAB continues
//   l: 4 CRLF                                               compact form of Content-Length
//   CRLF                                                    empty line ends the headers
//   v=0 ...                                                 body: Content-Length octets
//
// Two entry points differ only in framing:
// - parseDatagram: one UDP datagram. The body is Content-Length octets and octets after it are
//   ignored; without Content-Length the body runs to the end of the datagram; a Content-Length
//   beyond the datagram is an error (RFC 3261 §18.3, RFC 4475 §3.1.1.8, §3.1.2.2).
// - parseFramedMessage: one message cut from a stream by the stream framer; Content-Length is
//   mandatory and must match exactly.
//
// Parsing has two stages. Framing (start line, header lines, Content-Length) failures throw a
// SipParseError without `partial`: nothing sensible can be answered. Afterwards the Request-URI
// and the headers the stack relies on are checked against their grammar; failures there throw a
// SipParseError carrying `partial` (the framed message) and `status` (400, or 505 for an unknown
// SIP version) so the UAS can still answer (RFC 3261 §8.2, RFC 4475 §3.1.2).
// Lines are decoded as UTF-8 (RFC 3261 §7.3.1 TEXT-UTF8); a line that is not valid UTF-8 is read
// as Latin-1 so that no octet is lost.
import { SipParseError } from './sip-parse-error.js';
import { isToken, isWsp } from './sip-grammar.js';
import { canonicalizeHeaderName, type SipHeader, type SipMessage } from './sip-message.js';
import {
  parseCallId,
  parseContacts,
  parseCSeq,
  parseMaxForwards,
  parseMediaType,
  parseNameAddr,
  parseNameAddrList,
  parseOptionTags,
  parseSipDate,
  parseVia,
} from './sip-header-values.js';
import { parseUri } from './sip-uri.js';

export interface SipParseLimits {
  /** Largest message accepted, start line to end of body (default 256 KiB: SIPREC metadata is big). */
  readonly maxMessageBytes: number;
  /** Most header fields after unfolding (default 256). */
  readonly maxHeaders: number;
  /** Longest header field after unfolding, and longest physical line (default 16 KiB). */
  readonly maxHeaderLineBytes: number;
}

export const DEFAULT_SIP_PARSE_LIMITS: SipParseLimits = Object.freeze({
  maxMessageBytes: 262_144,
  maxHeaders: 256,
  maxHeaderLineBytes: 16_384,
});

export interface SipParseOptions {
  readonly limits?: Partial<SipParseLimits>;
}

export function resolveLimits(options: SipParseOptions | undefined): SipParseLimits {
  return { ...DEFAULT_SIP_PARSE_LIMITS, ...options?.limits };
}

/** Parses one UDP datagram (RFC 3261 §18.3 datagram framing). */
export function parseDatagram(bytes: Uint8Array, options?: SipParseOptions): SipMessage {
  return parseMessage(bytes, 'datagram', resolveLimits(options));
}

/** Parses one message cut from a stream by createStreamFramer / extractMessage. */
export function parseFramedMessage(bytes: Uint8Array, options?: SipParseOptions): SipMessage {
  return parseMessage(bytes, 'stream', resolveLimits(options));
}

const CR = 0x0d;
const LF = 0x0a;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeLine(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
}

function trimLws(text: string): string {
  let a = 0;
  let b = text.length;
  while (a < b && isWsp(text.charCodeAt(a))) a++;
  while (b > a && isWsp(text.charCodeAt(b - 1))) b--;
  return text.slice(a, b);
}

/** Index of the first octet that is not CR or LF (RFC 3261 §7.5: ignore CRLF before a message). */
export function skipLeadingLineEnds(bytes: Uint8Array, from = 0): number {
  let i = from;
  while (i < bytes.length && (bytes[i] === CR || bytes[i] === LF)) i++;
  return i;
}

interface HeaderSection {
  readonly lines: string[];
  /** Index of the first body octet (just after the empty line). */
  readonly bodyStart: number;
}

/**
 * Splits the start line and header lines up to the empty line. Lines end in CRLF; a bare LF is
 * tolerated (some devices send it), a CR anywhere else is an error. Returns null when the empty
 * line has not been seen.
 */
function readHeaderSection(
  bytes: Uint8Array,
  start: number,
  limits: SipParseLimits,
): HeaderSection | null {
  const lines: string[] = [];
  let pos = start;
  for (;;) {
    const lf = bytes.indexOf(LF, pos);
    if (lf < 0) return null;
    const end = lf > pos && bytes[lf - 1] === CR ? lf - 1 : lf;
    if (end - pos > limits.maxHeaderLineBytes) {
      throw new SipParseError(
        'TOO_LARGE',
        `header line longer than ${limits.maxHeaderLineBytes} octets`,
        { status: 513 },
      );
    }
    if (end === pos) return { lines, bodyStart: lf + 1 };
    const raw = bytes.subarray(pos, end);
    if (raw.includes(CR)) {
      throw new SipParseError(
        lines.length === 0 ? 'START_LINE' : 'HEADER_SYNTAX',
        'bare CR inside a line',
      );
    }
    lines.push(decodeLine(raw));
    // Physical lines, folding included; readHeaders applies the exact limit to logical fields.
    if (lines.length > limits.maxHeaders * 4 + 1) {
      throw new SipParseError('TOO_LARGE', `more than ${limits.maxHeaders} header fields`, {
        status: 513,
      });
    }
    pos = lf + 1;
  }
}

type StartLine =
  | { kind: 'request'; method: string; uri: string; version: string }
  | { kind: 'response'; version: string; status: number; reason: string };

const VERSION_RE = /^SIP\/\d+\.\d+$/i;

/**
 * Request-Line = Method SP Request-URI SP SIP-Version (RFC 3261 §7.1): exactly one SP between
 * the three elements and none around them (RFC 4475 §3.1.2.8-§3.1.2.10 reject the rest).
 * Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (§7.2), Status-Code = 3DIGIT.
 */
function parseStartLine(line: string): StartLine {
  if (/^SIP\/\d/i.test(line)) {
    const sp1 = line.indexOf(' ');
    const version = sp1 < 0 ? line : line.slice(0, sp1);
    if (sp1 < 0 || !VERSION_RE.test(version))
      throw new SipParseError('START_LINE', 'malformed Status-Line');
    const rest = line.slice(sp1 + 1);
    const sp2 = rest.indexOf(' ');
    const code = sp2 < 0 ? rest : rest.slice(0, sp2);
    if (!/^[1-6]\d\d$/.test(code))
      throw new SipParseError('START_LINE', `Status-Code "${code.slice(0, 20)}" is not 100-699`);
    // Reason-Phrase may be empty (RFC 4475 §3.1.1.13) and may hold UTF-8 (§3.1.1.12).
    const reason = sp2 < 0 ? '' : rest.slice(sp2 + 1);
    return { kind: 'response', version: version.toUpperCase(), status: Number(code), reason };
  }
  const parts = line.split(' ');
  if (parts.length !== 3 || /[\t]/.test(line)) {
    throw new SipParseError(
      'START_LINE',
      'Request-Line must be "Method SP Request-URI SP SIP-Version"',
    );
  }
  const [method = '', uri = '', version = ''] = parts;
  if (!isToken(method)) throw new SipParseError('START_LINE', 'Method is not a token');
  if (uri.length === 0) throw new SipParseError('START_LINE', 'empty Request-URI');
  if (!VERSION_RE.test(version)) throw new SipParseError('START_LINE', 'malformed SIP-Version');
  return { kind: 'request', method, uri, version: version.toUpperCase() };
}

/** Joins folded lines (RFC 3261 §7.3.1) and splits each field into name and value. */
function readHeaders(lines: readonly string[], limits: SipParseLimits): SipHeader[] {
  const fields: string[] = [];
  for (const line of lines) {
    if (isWsp(line.charCodeAt(0))) {
      const last = fields.pop();
      if (last === undefined)
        throw new SipParseError('HEADER_SYNTAX', 'continuation line before any header');
      fields.push(`${last.replace(/[ \t]+$/, '')} ${line.replace(/^[ \t]+/, '')}`);
    } else {
      fields.push(line);
    }
    const current = fields[fields.length - 1] ?? '';
    if (current.length > limits.maxHeaderLineBytes) {
      throw new SipParseError(
        'TOO_LARGE',
        `header field longer than ${limits.maxHeaderLineBytes} octets`,
        { status: 513 },
      );
    }
  }
  if (fields.length > limits.maxHeaders) {
    throw new SipParseError('TOO_LARGE', `more than ${limits.maxHeaders} header fields`, {
      status: 513,
    });
  }
  return fields.map((field) => {
    // HCOLON = *( SP / HTAB ) ":" SWS: whitespace may precede the colon (RFC 4475 §3.1.1.1).
    const colon = field.indexOf(':');
    const name = colon > 0 ? field.slice(0, colon).replace(/[ \t]+$/, '') : '';
    if (!isToken(name)) {
      throw new SipParseError('HEADER_SYNTAX', `not a header field: "${field.slice(0, 60)}"`);
    }
    return { name: canonicalizeHeaderName(name), value: trimLws(field.slice(colon + 1)) };
  });
}

type Framing = 'datagram' | 'stream';

/** Content-Length per framing rules; `null` means "to the end of the data". */
function resolveContentLength(headers: readonly SipHeader[], framing: Framing): number | null {
  const values = headers.filter((h) => h.name === 'Content-Length').map((h) => h.value);
  for (const v of values) {
    if (!/^\d+$/.test(v)) {
      throw new SipParseError(
        'CONTENT_LENGTH',
        `Content-Length "${v.slice(0, 30)}" is not a non-negative number`,
        {
          header: 'Content-Length',
        },
      );
    }
  }
  const distinct = new Set(values.map((v) => v.replace(/^0+(?=\d)/, '')));
  if (distinct.size === 0) {
    if (framing === 'stream') {
      throw new SipParseError(
        'CONTENT_LENGTH',
        'Content-Length is mandatory on stream transports (RFC 3261 §18.3)',
      );
    }
    return null;
  }
  if (distinct.size > 1) {
    // Conflicting values (RFC 4475 §3.3.9): a datagram keeps everything so the UAS can answer
    // 400 (validateRequest reports it); a stream has lost its framing.
    if (framing === 'stream')
      throw new SipParseError('CONTENT_LENGTH', 'conflicting Content-Length values');
    return null;
  }
  const [only = '0'] = distinct;
  return only.length > 15 ? Number.MAX_SAFE_INTEGER : Number(only);
}

function parseMessage(bytes: Uint8Array, framing: Framing, limits: SipParseLimits): SipMessage {
  if (bytes.length > limits.maxMessageBytes) {
    throw new SipParseError('TOO_LARGE', `message larger than ${limits.maxMessageBytes} octets`, {
      status: 513,
    });
  }
  const start = skipLeadingLineEnds(bytes);
  if (start === bytes.length) throw new SipParseError('EMPTY', 'no message, only line ends');
  const section = readHeaderSection(bytes, start, limits);
  if (section === null)
    throw new SipParseError('INCOMPLETE', 'header section has no terminating empty line');
  const [startLineText = '', ...headerLines] = section.lines;
  const startLine = parseStartLine(startLineText);
  const headers = readHeaders(headerLines, limits);
  const available = bytes.length - section.bodyStart;

  let bodyLength: number;
  let lengthError: SipParseError | undefined;
  try {
    const declared = resolveContentLength(headers, framing);
    bodyLength = declared ?? available;
    if (declared !== null && declared > available) {
      lengthError = new SipParseError(
        'CONTENT_LENGTH',
        `Content-Length ${declared} exceeds the ${available} octets present`,
      );
    } else if (framing === 'stream' && declared !== null && declared !== available) {
      lengthError = new SipParseError(
        'CONTENT_LENGTH',
        'framed message does not end where Content-Length says',
      );
    }
  } catch (err) {
    if (!(err instanceof SipParseError) || framing === 'stream') throw err;
    lengthError = err;
    bodyLength = available;
  }
  // A copy into a plain Uint8Array: the caller's (possibly pooled Buffer) memory is not retained.
  const body = new Uint8Array(
    bytes.subarray(section.bodyStart, section.bodyStart + Math.min(bodyLength, available)),
  );
  const message: SipMessage =
    startLine.kind === 'request'
      ? {
          kind: 'request',
          method: startLine.method,
          uri: startLine.uri,
          version: startLine.version,
          headers,
          body,
        }
      : {
          kind: 'response',
          status: startLine.status,
          reason: startLine.reason,
          version: startLine.version,
          headers,
          body,
        };
  const answerable = message.kind === 'request';

  if (lengthError !== undefined) {
    throw lengthError.withDetails({
      header: 'Content-Length',
      partial: message,
      ...(answerable ? { status: 400 } : {}),
    });
  }
  if (message.version !== 'SIP/2.0') {
    throw new SipParseError('VERSION', `unsupported ${message.version}`, {
      partial: message,
      ...(answerable ? { status: 505 } : {}),
    });
  }
  checkHeaderValues(message);
  return message;
}

/**
 * Checks the Request-URI and every header the transaction and dialog layers read, so that code
 * above this layer can use the typed getters without handling syntax errors.
 */
function checkHeaderValues(message: SipMessage): void {
  const answerable = message.kind === 'request';
  const wrap = (err: unknown, header: string | undefined): never => {
    if (!(err instanceof SipParseError)) throw err;
    throw new SipParseError(
      err.code,
      header === undefined ? err.message : `${header}: ${err.message}`,
      {
        partial: message,
        ...(header !== undefined ? { header } : {}),
        ...(answerable ? { status: 400 } : {}),
      },
    );
  };
  if (message.kind === 'request') {
    try {
      const uri = parseUri(message.uri);
      // RFC 3261 §19.1.1 table: headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11).
      if (uri.kind === 'sip' && uri.headers.length > 0) {
        throw new SipParseError('URI', 'a Request-URI may not carry headers');
      }
    } catch (err) {
      wrap(err, undefined);
    }
  }
  for (const { name, value } of message.headers) {
    try {
      switch (name) {
        case 'Via':
          parseVia(value);
          break;
        case 'From':
        case 'To':
          parseNameAddr(value);
          break;
        case 'Contact':
          parseContacts(value);
          break;
        case 'Route':
        case 'Record-Route':
          parseNameAddrList(value);
          break;
        case 'Call-ID':
          parseCallId(value);
          break;
        case 'CSeq': {
          const cseq = parseCSeq(value);
          if (message.kind === 'request' && cseq.method !== message.method) {
            // RFC 3261 §8.1.1.5 / RFC 4475 §3.1.2.17-18: the methods must match; answer 400.
            throw new SipParseError(
              'CSEQ_METHOD',
              `CSeq method ${cseq.method} differs from ${message.method}`,
            );
          }
          break;
        }
        case 'Max-Forwards':
          parseMaxForwards(value);
          break;
        case 'Content-Type':
          parseMediaType(value);
          break;
        case 'Date':
          parseSipDate(value);
          break;
        case 'Require':
        case 'Proxy-Require':
        case 'Supported':
        case 'Unsupported':
          parseOptionTags(value);
          break;
        default:
          break;
      }
    } catch (err) {
      wrap(err, name);
    }
  }
}
