import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SIP_PARSE_LIMITS,
  getHeader,
  getHeaders,
  getHeaderValues,
  parseDatagram,
  parseFramedMessage,
  serializeMessage,
  SipParseError,
  type SipParseErrorCode,
} from './index.js';

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));
const crlf = (lines: string[]): Uint8Array => bytes(lines.join('\r\n'));

/** RFC 3261 §24.2, message F1 (Alice's INVITE to Bob), with its SDP body. */
const F1_BODY =
  'v=0\r\no=alice 2890844526 2890844526 IN IP4 pc33.atlanta.com\r\ns=-\r\nc=IN IP4 pc33.atlanta.com\r\nt=0 0\r\nm=audio 3456 RTP/AVP 0 1 3 99\r\na=rtpmap:0 PCMU/8000\r\n';
const F1 = [
  'INVITE sip:bob@biloxi.com SIP/2.0',
  'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.com>',
  'From: Alice <sip:alice@atlanta.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@pc33.atlanta.com>',
  'Content-Type: application/sdp',
  `Content-Length: ${F1_BODY.length}`,
  '',
  F1_BODY,
];

function codeOf(fn: () => unknown): SipParseErrorCode | 'none' {
  try {
    fn();
    return 'none';
  } catch (err) {
    if (err instanceof SipParseError) return err.code;
    throw err;
  }
}

describe('parseDatagram: start line and headers (RFC 3261 §7)', () => {
  it('RFC 3261 §24.2: the F1 INVITE parses into method, Request-URI, headers and body', () => {
    const msg = parseDatagram(crlf(F1));
    expect(msg).toMatchObject({
      kind: 'request',
      method: 'INVITE',
      uri: 'sip:bob@biloxi.com',
      version: 'SIP/2.0',
    });
    expect(msg.headers).toHaveLength(9);
    expect(getHeader(msg, 'call-id')).toBe('a84b4c76e66710');
    expect(Buffer.from(msg.body).toString()).toBe(F1_BODY);
    expect(Buffer.from(serializeMessage(msg)).toString()).toBe(F1.join('\r\n'));
  });

  it('RFC 3261 §7.2: a Status-Line gives status code and reason phrase', () => {
    const msg = parseDatagram(
      crlf([
        'SIP/2.0 180 Ringing',
        'Via: SIP/2.0/UDP h;branch=z9hG4bKa',
        'Content-Length: 0',
        '',
        '',
      ]),
    );
    expect(msg).toMatchObject({ kind: 'response', status: 180, reason: 'Ringing' });
    expect(parseDatagram(crlf(['SIP/2.0 200', 'l: 0', '', '']))).toMatchObject({
      status: 200,
      reason: '',
    });
  });

  it('RFC 3261 §7.3.1: folded lines are joined with a single SP and LWS around values is removed', () => {
    const msg = parseDatagram(
      crlf([
        'OPTIONS sip:a@b SIP/2.0',
        "Subject: I know you're there,",
        '         pick up the phone',
        '\tand talk to me!   ',
        'l: 0',
        '',
        '',
      ]),
    );
    expect(getHeader(msg, 'Subject')).toBe(
      "I know you're there, pick up the phone and talk to me!",
    );
  });

  it('RFC 3261 §7.3.1: header names are case-insensitive and may have LWS before the colon', () => {
    const msg = parseDatagram(
      crlf(['OPTIONS sip:a@b SIP/2.0', 'cAlL-iD  : abc', 'X-Custom-Thing:v', 'l: 0', '', '']),
    );
    expect(msg.headers.map((h) => h.name)).toEqual(['Call-ID', 'X-Custom-Thing', 'Content-Length']);
    expect(getHeader(msg, 'x-custom-thing')).toBe('v');
  });

  it('RFC 3261 §7.3.3: compact forms are normalised to the long names', () => {
    const compact = [
      'i',
      'm',
      'e',
      'l',
      'c',
      'f',
      's',
      'k',
      't',
      'v',
      'o',
      'u',
      'r',
      'b',
      'a',
      'j',
      'd',
      'x',
      'y',
      'n',
    ];
    const lines = [
      'OPTIONS sip:a@b SIP/2.0',
      ...compact.filter((c) => c !== 'l').map((c) => `${c.toUpperCase()}: v-${c}`),
      'l: 0',
      '',
      '',
    ];
    // Values must still satisfy the grammar of the headers checked at parse time.
    const fixed = lines.map((line) =>
      line
        .replace('M: v-m', 'M: <sip:m@h>')
        .replace('C: v-c', 'C: text/plain')
        .replace('F: v-f', 'F: <sip:f@h>;tag=1')
        .replace('T: v-t', 'T: <sip:t@h>')
        .replace('V: v-v', 'V: SIP/2.0/UDP h;branch=z9hG4bK1')
        .replace('I: v-i', 'I: v-i@h'),
    );
    const msg = parseDatagram(crlf(fixed));
    expect(msg.headers.map((h) => h.name)).toEqual([
      'Call-ID',
      'Contact',
      'Content-Encoding',
      'Content-Type',
      'From',
      'Subject',
      'Supported',
      'To',
      'Via',
      'Event',
      'Allow-Events',
      'Refer-To',
      'Referred-By',
      'Accept-Contact',
      'Reject-Contact',
      'Request-Disposition',
      'Session-Expires',
      'Identity',
      'Identity-Info',
      'Content-Length',
    ]);
  });

  it('RFC 3261 §7.3.1: a list header may be split over lines or comma-separated, with the same meaning', () => {
    const msg = parseDatagram(
      crlf([
        'OPTIONS sip:a@b SIP/2.0',
        'Route: <sip:alice@atlanta.com>, <sip:bob@biloxi.com>',
        'Route: <sip:carol@chicago.com>',
        'Subject: a, b',
        'l: 0',
        '',
        '',
      ]),
    );
    expect(getHeaderValues(msg, 'Route')).toEqual([
      '<sip:alice@atlanta.com>',
      '<sip:bob@biloxi.com>',
      '<sip:carol@chicago.com>',
    ]);
    expect(getHeaders(msg, 'Route')).toHaveLength(2);
    expect(getHeaderValues(msg, 'Subject')).toEqual(['a, b']);
  });

  it('RFC 3261 §20.10 (liberal reading): an INVITE whose Contact lacks its closing ">" parses', () => {
    const text = F1.map((l) =>
      l.startsWith('Contact:') ? 'Contact: <sip:alice@pc33.atlanta.com' : l,
    );
    const msg = parseDatagram(crlf(text));
    expect(getHeader(msg, 'Contact')).toBe('<sip:alice@pc33.atlanta.com');
  });

  it('RFC 3261 §7.5: CRLFs before the start line are ignored', () => {
    const msg = parseDatagram(bytes(`\r\n\r\n${F1.join('\r\n')}`));
    expect(msg.kind === 'request' && msg.method).toBe('INVITE');
  });

  it('RFC 3261 §7: bare LF line ends are tolerated in the header section', () => {
    const msg = parseDatagram(
      bytes('OPTIONS sip:a@b SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nl: 2\n\nok'),
    );
    expect(getHeader(msg, 'Via')).toBe('SIP/2.0/UDP h;branch=z9hG4bK1');
    expect(Buffer.from(msg.body).toString()).toBe('ok');
  });

  it('RFC 3261 §7.3.1 TEXT-UTF8: a line that is not UTF-8 is kept octet for octet as Latin-1', () => {
    const raw = Buffer.concat([
      Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nSubject: caf'),
      Buffer.from([0xe9]),
      Buffer.from('\r\nl: 0\r\n\r\n'),
    ]);
    const msg = parseDatagram(raw);
    expect(getHeader(msg, 'Subject')).toBe('café');
    // Serialization writes UTF-8, and what it writes parses back to the same value.
    expect(getHeader(parseDatagram(serializeMessage(msg)), 'Subject')).toBe('café');
  });

  it('RFC 3261 §25.1: a Request-URI with a non-ASCII octet still serializes and parses back', () => {
    const raw = Buffer.concat([
      Buffer.from('OPTIONS sip:'),
      Buffer.from([0xa0]),
      Buffer.from('x@b SIP/2.0\r\nl: 0\r\n\r\n'),
    ]);
    const msg = parseDatagram(raw);
    expect(msg.kind === 'request' && msg.uri).toBe('sip:\u00a0x@b');
    expect(parseDatagram(serializeMessage(msg))).toMatchObject({ uri: 'sip:\u00a0x@b' });
  });
});

describe('parseDatagram: framing by Content-Length (RFC 3261 §18.3)', () => {
  it('RFC 3261 §18.3: octets after Content-Length in a datagram are ignored', () => {
    const msg = parseDatagram(bytes('OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 2\r\n\r\nokJUNK'));
    expect(Buffer.from(msg.body).toString()).toBe('ok');
  });

  it('RFC 3261 §18.3: without Content-Length the datagram body runs to the end', () => {
    const msg = parseDatagram(
      bytes('OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n\r\nwhole rest'),
    );
    expect(Buffer.from(msg.body).toString()).toBe('whole rest');
  });

  it('RFC 3261 §18.3: a Content-Length larger than the datagram is an error answerable with 400', () => {
    let err: unknown;
    try {
      parseDatagram(bytes('OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\nl: 10\r\n\r\nshort'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SipParseError);
    expect(err).toMatchObject({ code: 'CONTENT_LENGTH', status: 400, header: 'Content-Length' });
    expect((err as SipParseError).partial).toMatchObject({ kind: 'request', method: 'OPTIONS' });
  });

  it('RFC 3261 §20.14: Content-Length is 1*DIGIT; leading zeros are fine, signs and junk are not', () => {
    expect(parseDatagram(bytes('OPTIONS sip:a@b SIP/2.0\r\nl: 0002\r\n\r\nok')).body.length).toBe(
      2,
    );
    expect(codeOf(() => parseDatagram(bytes('OPTIONS sip:a@b SIP/2.0\r\nl: +2\r\n\r\nok')))).toBe(
      'CONTENT_LENGTH',
    );
    expect(codeOf(() => parseDatagram(bytes('OPTIONS sip:a@b SIP/2.0\r\nl: 2 2\r\n\r\nok')))).toBe(
      'CONTENT_LENGTH',
    );
    expect(
      codeOf(() =>
        parseDatagram(bytes('OPTIONS sip:a@b SIP/2.0\r\nl: 99999999999999999999\r\n\r\nok')),
      ),
    ).toBe('CONTENT_LENGTH');
  });

  it('RFC 3261 §18.3: a framed stream message must carry Content-Length and end exactly there', () => {
    expect(parseFramedMessage(bytes('OPTIONS sip:a@b SIP/2.0\r\nl: 2\r\n\r\nok')).body.length).toBe(
      2,
    );
    expect(codeOf(() => parseFramedMessage(bytes('OPTIONS sip:a@b SIP/2.0\r\n\r\nok')))).toBe(
      'CONTENT_LENGTH',
    );
    expect(
      codeOf(() => parseFramedMessage(bytes('OPTIONS sip:a@b SIP/2.0\r\nl: 1\r\n\r\nok'))),
    ).toBe('CONTENT_LENGTH');
    expect(
      codeOf(() => parseFramedMessage(bytes('OPTIONS sip:a@b SIP/2.0\r\nl: 1\r\nl: 2\r\n\r\nok'))),
    ).toBe('CONTENT_LENGTH');
  });

  it('the body is a copy: changing the input afterwards does not change the message', () => {
    const input = bytes('OPTIONS sip:a@b SIP/2.0\r\nl: 2\r\n\r\nok');
    const msg = parseDatagram(input);
    input.fill(0x41);
    expect(Buffer.from(msg.body).toString()).toBe('ok');
    expect(
      Object.getPrototypeOf(
        parseDatagram(Buffer.from(input.length ? 'OPTIONS sip:a@b SIP/2.0\r\nl: 0\r\n\r\n' : ''))
          .body,
      ),
    ).toBe(Uint8Array.prototype);
  });
});

describe('parseDatagram: refusals with stable codes', () => {
  it.each<[string, SipParseErrorCode, string]>([
    ['only line ends', 'EMPTY', '\r\n\r\n'],
    ['no empty line', 'INCOMPLETE', 'OPTIONS sip:a@b SIP/2.0\r\nl: 0\r\n'],
    ['two-token request line', 'START_LINE', 'OPTIONS sip:a@b\r\n\r\n'],
    ['tab in request line', 'START_LINE', 'OPTIONS\tsip:a@b SIP/2.0\r\n\r\n'],
    ['method not a token', 'START_LINE', 'OPT<IONS sip:a@b SIP/2.0\r\n\r\n'],
    ['bad version syntax', 'START_LINE', 'OPTIONS sip:a@b SIP/two\r\n\r\n'],
    ['status code 2 digits', 'START_LINE', 'SIP/2.0 20 OK\r\n\r\n'],
    ['status code 700', 'START_LINE', 'SIP/2.0 700 Nope\r\n\r\n'],
    ['bare CR in start line', 'START_LINE', 'OPTIONS sip:a@b\rX SIP/2.0\r\n\r\n'],
    ['line without colon', 'HEADER_SYNTAX', 'OPTIONS sip:a@b SIP/2.0\r\nVia SIP/2.0/UDP h\r\n\r\n'],
    ['empty header name', 'HEADER_SYNTAX', 'OPTIONS sip:a@b SIP/2.0\r\n: x\r\n\r\n'],
    [
      'header name with space',
      'HEADER_SYNTAX',
      'OPTIONS sip:a@b SIP/2.0\r\nMax Forwards: 1\r\n\r\n',
    ],
    ['fold before any header', 'HEADER_SYNTAX', 'OPTIONS sip:a@b SIP/2.0\r\n folded: x\r\n\r\n'],
    ['bare CR in a header', 'HEADER_SYNTAX', 'OPTIONS sip:a@b SIP/2.0\r\nSubject: a\rb\r\n\r\n'],
    ['SIP/3.0', 'VERSION', 'OPTIONS sip:a@b SIP/3.0\r\n\r\n'],
    ['bad Request-URI', 'URI', 'OPTIONS sip:a@b:x SIP/2.0\r\n\r\n'],
    ['bad Call-ID', 'HEADER_VALUE', 'OPTIONS sip:a@b SIP/2.0\r\nCall-ID: \r\n\r\n'],
    ['bad Max-Forwards', 'HEADER_VALUE', 'OPTIONS sip:a@b SIP/2.0\r\nMax-Forwards: ten\r\n\r\n'],
    ['bad Content-Type', 'HEADER_VALUE', 'OPTIONS sip:a@b SIP/2.0\r\nContent-Type: sdp\r\n\r\n'],
    ['bad Require', 'HEADER_VALUE', 'OPTIONS sip:a@b SIP/2.0\r\nRequire: a b\r\n\r\n'],
    ['bad Route', 'HEADER_VALUE', 'OPTIONS sip:a@b SIP/2.0\r\nRoute: <sip:a@b\r\n\r\n'],
    ['CSeq method mismatch', 'CSEQ_METHOD', 'OPTIONS sip:a@b SIP/2.0\r\nCSeq: 1 INVITE\r\n\r\n'],
  ])('RFC 3261 §7 / §25.1: %s → %s', (_what, code, text) => {
    expect(codeOf(() => parseDatagram(bytes(text)))).toBe(code);
  });

  it('RFC 3261 §8.2.2 / §21.5.20: an unsupported SIP version is answered with 505, from the partial message', () => {
    try {
      parseDatagram(bytes('OPTIONS sip:a@b SIP/3.0\r\nVia: SIP/3.0/UDP h\r\nl: 0\r\n\r\n'));
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'VERSION', status: 505 });
      expect((err as SipParseError).partial?.headers[0]).toEqual({
        name: 'Via',
        value: 'SIP/3.0/UDP h',
      });
    }
  });

  it('a malformed response header is refused without a status: responses are dropped, not answered', () => {
    try {
      parseDatagram(bytes('SIP/2.0 200 OK\r\nCSeq: x\r\n\r\n'));
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'HEADER_VALUE', status: undefined, header: 'CSeq' });
      expect((err as SipParseError).partial?.kind).toBe('response');
    }
  });
});

describe('parse limits', () => {
  const big = (n: number): Uint8Array =>
    bytes(`OPTIONS sip:a@b SIP/2.0\r\nSubject: ${'x'.repeat(n)}\r\nl: 0\r\n\r\n`);

  it('defaults fit a SIPREC INVITE with large metadata', () => {
    expect(DEFAULT_SIP_PARSE_LIMITS).toEqual({
      maxMessageBytes: 262_144,
      maxHeaders: 256,
      maxHeaderLineBytes: 16_384,
    });
    expect(Object.isFrozen(DEFAULT_SIP_PARSE_LIMITS)).toBe(true);
  });

  it('RFC 3261 §21.5.14: a message over maxMessageBytes is TOO_LARGE with status 513', () => {
    expect(() => parseDatagram(big(100), { limits: { maxMessageBytes: 100 } })).toThrow(
      expect.objectContaining({ code: 'TOO_LARGE', status: 513 }),
    );
    expect(parseDatagram(big(100), { limits: { maxMessageBytes: 200 } }).kind).toBe('request');
  });

  it('a header line over maxHeaderLineBytes is TOO_LARGE, before or after unfolding', () => {
    expect(codeOf(() => parseDatagram(big(300), { limits: { maxHeaderLineBytes: 200 } }))).toBe(
      'TOO_LARGE',
    );
    const folded = bytes(
      `OPTIONS sip:a@b SIP/2.0\r\nSubject: ${Array.from({ length: 5 }, () => 'y'.repeat(60)).join('\r\n ')}\r\n\r\n`,
    );
    expect(codeOf(() => parseDatagram(folded, { limits: { maxHeaderLineBytes: 200 } }))).toBe(
      'TOO_LARGE',
    );
    expect(codeOf(() => parseDatagram(folded, { limits: { maxHeaderLineBytes: 400 } }))).toBe(
      'none',
    );
  });

  it('more than maxHeaders header fields is TOO_LARGE', () => {
    const many = (n: number): Uint8Array =>
      bytes(`OPTIONS sip:a@b SIP/2.0\r\n${'X-A: 1\r\n'.repeat(n)}\r\n`);
    expect(codeOf(() => parseDatagram(many(10), { limits: { maxHeaders: 10 } }))).toBe('none');
    expect(codeOf(() => parseDatagram(many(11), { limits: { maxHeaders: 10 } }))).toBe('TOO_LARGE');
  });
});
