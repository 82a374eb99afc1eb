import { describe, expect, it } from 'vitest';
import {
  buildParseErrorResponse,
  describeParseError,
  findAnswerableRequest,
  parseDatagram,
  parseFramedMessage,
  salvageRequestHead,
  serializeMessage,
  SipParseError,
} from './index.js';

const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));
const str = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

const HEAD = [
  'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKpe1',
  'Max-Forwards: 70',
  'To: <sip:srs@192.0.2.1>',
  'From: <sip:src@192.0.2.10>;tag=f1',
  'Call-ID: pe-1@192.0.2.10',
  'CSeq: 7 OPTIONS',
];

function request(startLine: string, extra: string[] = []): string {
  return [startLine, ...HEAD, ...extra, 'Content-Length: 0', '', ''].join('\r\n');
}

function failureOf(text: string, parse = parseDatagram): SipParseError {
  try {
    parse(bytes(text));
  } catch (err) {
    if (err instanceof SipParseError) return err;
    throw err;
  }
  throw new Error('expected a parse failure');
}

function answer(text: string, parse = parseDatagram): string | null {
  const err = failureOf(text, parse);
  const req = findAnswerableRequest(bytes(text), err);
  return req === null
    ? null
    : str(serializeMessage(buildParseErrorResponse(req, err, { warnAgent: 'srs.example' })));
}

describe('answers to refused requests (RFC 3261 §21.4.1, §20.43)', () => {
  it('RFC 3261 §21.4.1: "The Reason-Phrase SHOULD identify the syntax problem in more detail" — a Route with a bad port', () => {
    const text = request('OPTIONS sip:srs@192.0.2.1 SIP/2.0', ['Route: <sip:p.example:99999;lr>']);
    expect(answer(text)).toBe(
      [
        'SIP/2.0 400 Bad Route Header',
        'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKpe1',
        'From: <sip:src@192.0.2.10>;tag=f1',
        'To: <sip:srs@192.0.2.1>',
        'Call-ID: pe-1@192.0.2.10',
        'CSeq: 7 OPTIONS',
        'Warning: 399 srs.example "Route: invalid URI \\"sip:p.example:99999;lr\\": port out of range"',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
  });

  it('RFC 3261 §7.1: a malformed Request-Line gets 400 built from the salvaged headers', () => {
    const text = request('OPTIONS  sip:srs@192.0.2.1 SIP/2.0');
    const out = answer(text);
    expect(out?.split('\r\n').slice(0, 6)).toEqual([
      'SIP/2.0 400 Bad Request-Line',
      'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKpe1',
      'From: <sip:src@192.0.2.10>;tag=f1',
      'To: <sip:srs@192.0.2.1>',
      'Call-ID: pe-1@192.0.2.10',
      'CSeq: 7 OPTIONS',
    ]);
    expect(out).toContain(
      'Warning: 399 srs.example "Request-Line must be \\"Method SP Request-URI SP SIP-Version\\""',
    );
  });

  it('RFC 3261 §21.5.14: a message over the size limit gets 513 Message Too Large', () => {
    const text = request('OPTIONS sip:srs@192.0.2.1 SIP/2.0', ['X-Pad: ' + 'a'.repeat(3000)]);
    const err = failureOf(text, (b) => parseDatagram(b, { limits: { maxHeaderLineBytes: 1000 } }));
    const req = findAnswerableRequest(bytes(text), err);
    expect(req?.method).toBe('OPTIONS');
    const res = buildParseErrorResponse(req!, err, { warnAgent: 'srs.example' });
    expect(`${res.status} ${res.reason}`).toBe('513 Message Too Large');
  });

  it('RFC 3261 §17.2.1: "The server transaction MUST NOT generate a response to an ACK" — nor does a refused ACK get one', () => {
    const text = request('ACK  sip:srs@192.0.2.1 SIP/2.0').replace('7 OPTIONS', '7 ACK');
    expect(answer(text)).toBeNull();
  });

  it('RFC 3261 §8.1.3.3: a response that does not parse is never answered', () => {
    expect(answer(['SIP/2.0 2000 OK', ...HEAD, '', ''].join('\r\n'))).toBeNull();
  });

  it('RFC 3261 §8.2.6.2: without Via, From, To, Call-ID and CSeq nothing is answered (junk costs no reply)', () => {
    expect(answer('\x00\x01 definitely not SIP\r\n\r\n')).toBeNull();
    const noCallId = request('OPTIONS  sip:srs@192.0.2.1 SIP/2.0').replace(
      'Call-ID: pe-1@192.0.2.10\r\n',
      '',
    );
    expect(answer(noCallId)).toBeNull();
  });

  it('RFC 3261 §7.3.1: salvaging unfolds continuation lines and reads compact forms', () => {
    const head = salvageRequestHead(
      bytes(
        'INVITE  bad line\r\nv: SIP/2.0/UDP 192.0.2.10\r\n ;branch=z9hG4bKx\r\nf: <sip:a@b>;tag=1\r\nt: <sip:c@d>\r\ni: id-1\r\nCSeq: 1 INVITE\r\n\r\n',
      ),
    );
    expect(head?.method).toBe('INVITE');
    expect(head?.headers).toEqual([
      { name: 'Via', value: 'SIP/2.0/UDP 192.0.2.10 ;branch=z9hG4bKx' },
      { name: 'From', value: '<sip:a@b>;tag=1' },
      { name: 'To', value: '<sip:c@d>' },
      { name: 'Call-ID', value: 'id-1' },
      { name: 'CSeq', value: '1 INVITE' },
    ]);
  });

  it('the method comes from CSeq when the Request-Line has no token', () => {
    const head = salvageRequestHead(
      bytes(request('<>INVITE sip:a@b SIP/2.0').replace('7 OPTIONS', '7 BYE')),
    );
    expect(head?.method).toBe('BYE');
  });

  it('RFC 3261 §20.43: warn-text is a quoted-string: quotes and backslashes are escaped, control octets replaced', () => {
    const described = describeParseError(
      new SipParseError('HEADER_SYNTAX', 'not a header field: "a\\b\x01"'),
    );
    expect(described).toEqual({
      reason: 'header-syntax',
      header: undefined,
      status: 400,
      phrase: 'Bad Header Line',
      detail: 'not a header field: \\"a\\\\b?\\"',
    });
  });

  it('RFC 3261 §8.2.2: a framed stream message with another SIP version is answered 505', () => {
    const text = request('OPTIONS sip:srs@192.0.2.1 SIP/3.0');
    expect(answer(text, parseFramedMessage)?.split('\r\n')[0]).toBe(
      'SIP/2.0 505 Version Not Supported',
    );
  });
});
