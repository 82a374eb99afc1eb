import { describe, expect, it } from 'vitest';
import {
  appendHeader,
  createResponse,
  getHeader,
  getHeaders,
  getReasonPhrase,
  hasToTag,
  parseDatagram,
  removeHeaders,
  serializeHead,
  serializeMessage,
  setHeader,
  type SipRequest,
} from './index.js';

const INVITE = [
  'INVITE sip:bob@biloxi.com SIP/2.0',
  'Via: SIP/2.0/UDP server10.biloxi.com;branch=z9hG4bK4b43c2ff8.1',
  'Via: SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1;received=192.0.2.2',
  'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8;received=192.0.2.1',
  'Max-Forwards: 68',
  'To: Bob <sip:bob@biloxi.com>',
  'From: Alice <sip:alice@atlanta.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710',
  'CSeq: 314159 INVITE',
  'Timestamp: 54',
  'Contact: <sip:alice@pc33.atlanta.com>',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

function request(text = INVITE): SipRequest {
  const msg = parseDatagram(Buffer.from(text));
  if (msg.kind !== 'request') throw new Error('request expected');
  return msg;
}

describe('createResponse (RFC 3261 §8.2.6)', () => {
  it('RFC 3261 §8.2.6.2: Via values in order, From, To, Call-ID and CSeq are copied; a To tag is added', () => {
    const res = createResponse(request(), 180, { toTag: 'a6c85cf' });
    expect(res).toMatchObject({
      kind: 'response',
      status: 180,
      reason: 'Ringing',
      version: 'SIP/2.0',
    });
    expect(Buffer.from(serializeMessage(res)).toString()).toBe(
      [
        'SIP/2.0 180 Ringing',
        'Via: SIP/2.0/UDP server10.biloxi.com;branch=z9hG4bK4b43c2ff8.1',
        'Via: SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1;received=192.0.2.2',
        'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8;received=192.0.2.1',
        'From: Alice <sip:alice@atlanta.com>;tag=1928301774',
        'To: Bob <sip:bob@biloxi.com>;tag=a6c85cf',
        'Call-ID: a84b4c76e66710',
        'CSeq: 314159 INVITE',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
  });

  it('RFC 3261 §8.2.6.1: 100 Trying echoes Timestamp and gets no To tag', () => {
    const res = createResponse(request(), 100, { toTag: 'x' });
    expect(getHeader(res, 'To')).toBe('Bob <sip:bob@biloxi.com>');
    expect(getHeader(res, 'Timestamp')).toBe('54');
    expect(getHeader(createResponse(request(), 200), 'Timestamp')).toBeUndefined();
  });

  it('RFC 3261 §8.2.6.2: a To that already has a tag keeps it', () => {
    const inDialog = request(
      INVITE.replace('To: Bob <sip:bob@biloxi.com>', 'To: Bob <sip:bob@biloxi.com>;tag=existing'),
    );
    expect(getHeader(createResponse(inDialog, 200, { toTag: 'new' }), 'To')).toBe(
      'Bob <sip:bob@biloxi.com>;tag=existing',
    );
    expect(hasToTag('garbage <unparsable ; tag = x')).toBe(true);
    expect(hasToTag('<sip:a@b;tag=uriparam>')).toBe(false);
  });

  it('extra headers, Content-Type and body are appended; serialization sets Content-Length', () => {
    const body = Buffer.from('v=0\r\n');
    const res = createResponse(request(), 200, {
      toTag: 't',
      reason: 'Fine',
      headers: [{ name: 'Contact', value: '<sip:srs@192.0.2.10>' }],
      contentType: 'application/sdp',
      body,
    });
    expect(res.reason).toBe('Fine');
    const again = parseDatagram(serializeMessage(res));
    expect(getHeaders(again, 'Content-Type')).toEqual(['application/sdp']);
    expect(getHeader(again, 'Content-Length')).toBe('5');
    expect(Buffer.from(again.body).equals(body)).toBe(true);
  });

  it('RFC 3261 §21: standard reason phrases, and a generic one per class', () => {
    expect(getReasonPhrase(200)).toBe('OK');
    expect(getReasonPhrase(481)).toBe('Call/Transaction Does Not Exist');
    expect(getReasonPhrase(505)).toBe('Version Not Supported');
    expect(getReasonPhrase(499)).toBe('Client Error');
    expect(() => createResponse(request(), 99)).toThrow(RangeError);
    expect(() => createResponse(request(), 200, { toTag: 'bad tag' })).toThrow(RangeError);
  });
});

describe('serializeMessage and header helpers', () => {
  it("RFC 3261 §20.14: exactly one Content-Length equal to the body, at the first one's place", () => {
    const msg = request(INVITE.replace('Content-Length: 0', 'Content-Length: 0\r\nl: 7'));
    const head = serializeHead({ ...msg, body: new Uint8Array(3) });
    expect(head.match(/Content-Length/g)).toHaveLength(1);
    expect(head).toContain('Contact: <sip:alice@pc33.atlanta.com>\r\nContent-Length: 3\r\n');
  });

  it('RFC 3261 §7.3.3: compact names in hand-built messages are written in long form', () => {
    const msg = {
      ...request(),
      headers: [
        { name: 'v', value: 'SIP/2.0/UDP h;branch=z9hG4bK1' },
        { name: 'L', value: '99' },
      ],
    };
    expect(serializeHead(msg)).toBe(
      'INVITE sip:bob@biloxi.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nContent-Length: 0\r\n',
    );
  });

  it('header injection is refused: values with CR or LF, names that are not tokens', () => {
    const msg = request();
    expect(() => serializeMessage(appendHeader(msg, 'Subject', 'a\r\nVia: evil'))).toThrow(
      RangeError,
    );
    expect(() => serializeMessage(appendHeader(msg, 'Bad Name', 'x'))).toThrow(RangeError);
    expect(() => serializeMessage({ ...msg, uri: 'sip:a b' })).toThrow(RangeError);
    expect(() => serializeMessage({ ...msg, method: 'IN VITE' })).toThrow(RangeError);
  });

  it('setHeader, appendHeader and removeHeaders return new messages with canonical names', () => {
    const msg = request();
    const set = setHeader(msg, 'v', 'SIP/2.0/TCP only.example.com;branch=z9hG4bKx');
    expect(getHeaders(set, 'Via')).toEqual(['SIP/2.0/TCP only.example.com;branch=z9hG4bKx']);
    expect(set.headers[0]?.name).toBe('Via');
    expect(getHeaders(msg, 'Via')).toHaveLength(3);
    expect(getHeaders(removeHeaders(msg, 'VIA'), 'Via')).toEqual([]);
    const appended = appendHeader(msg, 'k', 'siprec');
    expect(appended.headers.at(-1)).toEqual({ name: 'Supported', value: 'siprec' });
    expect(getHeader(setHeader(msg, 'Subject', 'new'), 'Subject')).toBe('new');
  });
});
