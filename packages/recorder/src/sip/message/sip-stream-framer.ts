// Splits a SIP byte stream (TCP, TLS) into messages (RFC 3261 §18.3: on stream transports the
// Content-Length header is mandatory and delimits the body; §7.5: CRLF before a start line is
// ignored) and recognises the RFC 5626 §3.5.1 keep-alives between messages:
//
//   ... previous message | CRLF CRLF | INVITE ... CRLF CRLF <Content-Length octets> | CRLF | ...
//                          \_ ping _/  \____________ one message ______________/     \pong/
//
// A ping (double CRLF) is reported so the transport can answer with a pong (single CRLF); a lone
// CRLF is skipped. Framing errors (no or conflicting Content-Length, a header section that never
// ends within the size limit) throw SipParseError: the stream has lost sync and the connection
// must be closed (RFC 4475 §3.1.2.2). A message whose headers frame but whose Content-Length is
// over the limit is reported (for a 513) and its body skipped: the stream stays in sync.
// Parse each framed message with parseFramedMessage.
import { SipParseError } from './sip-parse-error.js';
import { resolveLimits, type SipParseLimits, type SipParseOptions } from './sip-message-parser.js';

const CR = 0x0d;
const LF = 0x0a;

export type StreamFrame =
  /** One whole message; `rest` is what follows it. */
  | { readonly kind: 'message'; readonly bytes: Uint8Array; readonly rest: Uint8Array }
  /** A CRLFCRLF keep-alive ping to answer with CRLF (RFC 5626 §3.5.1). */
  | { readonly kind: 'ping'; readonly rest: Uint8Array }
  /** Not enough data yet: keep the buffer and call again when more arrives. */
  | { readonly kind: 'need-more' };

type RawFrame =
  | { kind: 'message'; start: number; end: number }
  | { kind: 'oversize'; start: number; headerEnd: number; end: number }
  | { kind: 'ping'; end: number }
  | { kind: 'need-more'; scanFrom: number; needEnd: number | null };

/**
 * Pure form of the framer: looks at the start of `buffer` and returns the first frame in it.
 * `bytes` and `rest` are views into `buffer`, not copies.
 */
export function extractMessage(buffer: Uint8Array, options?: SipParseOptions): StreamFrame {
  const resolved = resolveLimits(options);
  const raw = frameAt(buffer, 0, buffer.length, resolved, 0);
  switch (raw.kind) {
    case 'message':
      return {
        kind: 'message',
        bytes: buffer.subarray(raw.start, raw.end),
        rest: buffer.subarray(raw.end),
      };
    case 'oversize':
      throw oversizeError(raw.end - raw.start, resolved);
    case 'ping':
      return { kind: 'ping', rest: buffer.subarray(raw.end) };
    case 'need-more':
      return { kind: 'need-more' };
  }
}

function frameAt(
  whole: Uint8Array,
  from: number,
  to: number,
  limits: SipParseLimits,
  scanHint: number,
): RawFrame {
  // The framer's buffer has spare capacity after `to`: never look there.
  const buf = whole.subarray(0, to);
  let i = from;
  for (;;) {
    if (i >= to) return { kind: 'need-more', scanFrom: from, needEnd: null };
    const c = buf[i];
    if (c === LF) {
      i++; // a bare LF between messages: tolerated like CRLF
      continue;
    }
    if (c !== CR) break;
    if (i + 1 >= to) return { kind: 'need-more', scanFrom: from, needEnd: null };
    if (buf[i + 1] !== LF) break; // a lone CR: let the parser reject the start line
    if (i + 2 >= to) return { kind: 'need-more', scanFrom: from, needEnd: null };
    if (buf[i + 2] === CR) {
      if (i + 3 >= to) return { kind: 'need-more', scanFrom: from, needEnd: null };
      if (buf[i + 3] === LF) return { kind: 'ping', end: i + 4 };
    }
    i += 2; // a lone CRLF: a pong, or CRLF before a start line (RFC 3261 §7.5)
  }
  const start = i;
  const maxEnd = Math.min(to, start + limits.maxMessageBytes);
  const headerEnd = findEmptyLine(buf, Math.max(start, scanHint), maxEnd);
  if (headerEnd < 0) {
    if (to - start >= limits.maxMessageBytes) {
      throw new SipParseError(
        'TOO_LARGE',
        `no end of headers within ${limits.maxMessageBytes} octets`,
        { status: 513 },
      );
    }
    // Resume the search a little before the end: the empty line may straddle two chunks.
    return { kind: 'need-more', scanFrom: Math.max(start, to - 3), needEnd: null };
  }
  const contentLength = readContentLength(buf.subarray(start, headerEnd));
  const end = headerEnd + contentLength;
  if (end - start > limits.maxMessageBytes) return { kind: 'oversize', start, headerEnd, end };
  if (end > to) return { kind: 'need-more', scanFrom: start, needEnd: end };
  return { kind: 'message', start, end };
}

function oversizeError(size: number, limits: SipParseLimits): SipParseError {
  return new SipParseError(
    'TOO_LARGE',
    `message of ${size} octets exceeds ${limits.maxMessageBytes}`,
    { status: 513 },
  );
}

/** Index just after the empty line ending the header section, or -1. Accepts CRLF or bare LF. */
function findEmptyLine(buf: Uint8Array, from: number, to: number): number {
  let k = buf.indexOf(LF, from);
  while (k >= 0 && k < to) {
    if (buf[k + 1] === LF && k + 1 < to) return k + 2;
    if (buf[k + 1] === CR && buf[k + 2] === LF && k + 2 < to) return k + 3;
    k = buf.indexOf(LF, k + 1);
  }
  return -1;
}

/** Trims SP and HTAB only, exactly like the parser (String.trim would also eat NBSP). */
function trimLws(text: string): string {
  return text.replace(/^[ \t]+|[ \t]+$/g, '');
}

/** Content-Length (or "l") from a raw header section; mandatory and unambiguous on streams. */
function readContentLength(header: Uint8Array): number {
  const text = Buffer.from(header.buffer, header.byteOffset, header.byteLength).toString('latin1');
  const fields: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.length === 0) continue;
    if ((line.startsWith(' ') || line.startsWith('\t')) && fields.length > 0) {
      fields[fields.length - 1] += ` ${trimLws(line)}`;
    } else {
      fields.push(line);
    }
  }
  const values = new Set<string>();
  for (const field of fields.slice(1)) {
    const colon = field.indexOf(':');
    if (colon <= 0) continue;
    const name = trimLws(field.slice(0, colon)).toLowerCase();
    if (name !== 'content-length' && name !== 'l') continue;
    const value = trimLws(field.slice(colon + 1));
    if (!/^\d+$/.test(value)) {
      throw new SipParseError(
        'CONTENT_LENGTH',
        `Content-Length "${value.slice(0, 30)}" is not a non-negative number`,
      );
    }
    values.add(value.replace(/^0+(?=\d)/, ''));
  }
  if (values.size === 0) {
    throw new SipParseError(
      'CONTENT_LENGTH',
      'Content-Length is mandatory on stream transports (RFC 3261 §18.3)',
    );
  }
  if (values.size > 1)
    throw new SipParseError('CONTENT_LENGTH', 'conflicting Content-Length values');
  const [only = '0'] = values;
  return only.length > 15 ? Number.MAX_SAFE_INTEGER : Number(only);
}

export type StreamEvent =
  | { readonly kind: 'message'; readonly bytes: Uint8Array }
  | { readonly kind: 'ping' }
  /**
   * A message whose header section framed but whose Content-Length exceeds the size limit: its
   * `head` (start line and headers) is reported so it can be answered 513, and its body is
   * skipped as it arrives, so the stream stays in sync without holding the body.
   */
  | { readonly kind: 'oversize'; readonly head: Uint8Array; readonly error: SipParseError };

export interface StreamFramer {
  /**
   * Adds received octets and returns the complete messages and pings they finish, in order.
   * Emitted bytes are copies the caller owns. Throws SipParseError on a framing error; the
   * framer then stays failed and the connection must be closed.
   */
  push(chunk: Uint8Array): StreamEvent[];
  /** Octets held while waiting for the rest of a message. */
  readonly bufferedBytes: number;
  /** Octets of an oversized message's body still to be skipped. */
  readonly skippingBytes: number;
  /** A copy of the first octets held (after a framing error: the head of the failed message). */
  peek(maxBytes: number): Uint8Array;
}

/**
 * Stateful framer for one connection. Work per pushed octet is constant: the header search
 * resumes where it stopped, and a known body length is simply awaited, so a peer sending one
 * octet at a time cannot make it quadratic. Memory stays below maxMessageBytes plus one chunk.
 */
export function createStreamFramer(options?: SipParseOptions): StreamFramer {
  const limits = resolveLimits(options);
  let buf = new Uint8Array(4096);
  let len = 0;
  let skip = 0;
  let scanFrom = 0;
  let needEnd: number | null = null;
  let failure: SipParseError | undefined;

  function append(chunk: Uint8Array): void {
    if (len + chunk.length > buf.length) {
      let size = buf.length;
      while (size < len + chunk.length) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(buf.subarray(0, len));
      buf = grown;
    }
    buf.set(chunk, len);
    len += chunk.length;
  }

  function consume(end: number): void {
    buf.copyWithin(0, end, len);
    len -= end;
    scanFrom = 0;
    needEnd = null;
    if (buf.length > 65_536 && len < buf.length / 4) buf = buf.slice(0, Math.max(4096, len * 2));
  }

  return {
    get bufferedBytes() {
      return len;
    },
    get skippingBytes() {
      return skip;
    },
    peek(maxBytes) {
      return buf.slice(0, Math.min(len, maxBytes));
    },
    push(chunk) {
      if (failure) throw failure;
      let data = chunk;
      if (skip > 0) {
        const dropped = Math.min(skip, data.length);
        skip -= dropped;
        data = data.subarray(dropped);
      }
      append(data);
      const events: StreamEvent[] = [];
      try {
        for (;;) {
          if (needEnd !== null && len < needEnd) break;
          const raw = frameAt(buf, 0, len, limits, scanFrom);
          if (raw.kind === 'need-more') {
            scanFrom = raw.scanFrom;
            needEnd = raw.needEnd;
            break;
          }
          if (raw.kind === 'ping') {
            events.push({ kind: 'ping' });
            consume(raw.end);
          } else if (raw.kind === 'oversize') {
            events.push({
              kind: 'oversize',
              head: buf.slice(raw.start, raw.headerEnd),
              error: oversizeError(raw.end - raw.start, limits),
            });
            const available = Math.min(raw.end, len);
            skip = raw.end - available;
            consume(available);
          } else {
            events.push({ kind: 'message', bytes: buf.slice(raw.start, raw.end) });
            consume(raw.end);
          }
        }
      } catch (err) {
        if (err instanceof SipParseError) failure = err;
        throw err;
      }
      return events;
    },
  };
}
