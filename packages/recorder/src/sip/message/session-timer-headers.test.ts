import { describe, expect, it } from 'vitest';
import { parseDatagram } from './sip-message-parser.js';
import { SipParseError } from './sip-parse-error.js';
import {
  formatSessionExpires,
  getMinSe,
  getSessionExpires,
  parseMinSe,
  parseSessionExpires,
} from './session-timer-headers.js';

function request(headers: string[]) {
  const text = [
    'INVITE sip:srs@192.0.2.1 SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1',
    'Max-Forwards: 70',
    'To: <sip:srs@192.0.2.1>',
    'From: <sip:src@example.com>;tag=a',
    'Call-ID: c1',
    'CSeq: 1 INVITE',
    ...headers,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  return parseDatagram(Buffer.from(text));
}

describe('session-timer headers (RFC 4028 §4, §5)', () => {
  it('RFC 4028 §4: Session-Expires is delta-seconds with an optional refresher of uac or uas', () => {
    expect(parseSessionExpires('4000;refresher=uac')).toEqual({
      deltaSeconds: 4000,
      refresher: 'uac',
    });
    expect(parseSessionExpires(' 1800 ; refresher = UAS ;x=y')).toEqual({
      deltaSeconds: 1800,
      refresher: 'uas',
    });
    expect(parseSessionExpires('90')).toEqual({ deltaSeconds: 90 });
  });

  it('RFC 4028 §4: the compact form x is Session-Expires; Min-SE is delta-seconds with generic params', () => {
    const msg = request(['x: 1800;refresher=uac', 'Min-SE: 120;foo']);
    expect(getSessionExpires(msg)).toEqual({ deltaSeconds: 1800, refresher: 'uac' });
    expect(getMinSe(msg)).toBe(120);
    expect(parseMinSe('90')).toBe(90);
    const none = request([]);
    expect(getSessionExpires(none)).toBeUndefined();
    expect(getMinSe(none)).toBeUndefined();
  });

  it.each([
    ['no number', 'refresher=uac'],
    ['a negative number', '-90'],
    ['a refresher that is neither side', '1800;refresher=proxy'],
    ['text after the number', '1800 seconds'],
    ['more than 2**32-1', '4294967296'],
    ['an empty value', ''],
  ])('malformed Session-Expires (%s) throws SipParseError', (_why, value) => {
    expect(() => parseSessionExpires(value)).toThrow(SipParseError);
  });

  it('formats as the 2xx carries it, byte for byte', () => {
    expect(formatSessionExpires({ deltaSeconds: 90, refresher: 'uac' })).toBe('90;refresher=uac');
    expect(formatSessionExpires({ deltaSeconds: 1800 })).toBe('1800');
  });
});
