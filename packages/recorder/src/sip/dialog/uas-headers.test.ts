import { describe, expect, it } from 'vitest';
import { parseDatagram, type SipRequest } from '../message/index.js';
import {
  answerOf,
  capabilityHeaders,
  contactHeader,
  isSecureRequest,
  quoteWarnText,
  readContactUri,
  targetOf,
} from './uas-headers.js';
import { offerConflict } from './uas-in-dialog.js';

function invite(uri: string, contacts: string[]): SipRequest {
  const head = [
    `INVITE ${uri} SIP/2.0`,
    'Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKh1',
    'Max-Forwards: 70',
    'To: <sip:srs@192.0.2.5>',
    'From: <sip:src@192.0.2.9>;tag=a',
    'Call-ID: c1',
    'CSeq: 1 INVITE',
    ...contacts.map((c) => `Contact: ${c}`),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const message = parseDatagram(Buffer.from(head));
  if (message.kind !== 'request') throw new Error('request expected');
  return message;
}

describe('uas-headers: Contact, capabilities and targets of the UAS core', () => {
  it('RFC 3261 §12.1.1: our Contact names the listening port, brackets IPv6, adds a non-UDP transport', () => {
    const local = { address: '2001:db8::5', port: 5080 };
    expect(
      contactHeader(local, undefined, { transport: 'tcp', address: '::1', port: 1 }, false),
    ).toEqual({ name: 'Contact', value: '<sip:[2001:db8::5]:5080;transport=tcp>' });
    expect(
      contactHeader(local, 'rec.example', { transport: 'tls', address: 'x', port: 1 }, true),
    ).toEqual({ name: 'Contact', value: '<sips:rec.example:5080;transport=tls>' });
  });

  it('RFC 3261 §11.2: Allow, Accept, Supported, and Server when a user agent is named', () => {
    const headers = capabilityHeaders({
      allowedMethods: ['INVITE', 'BYE'],
      acceptedContentTypes: ['application/sdp'],
      supportedOptionTags: ['siprec'],
      userAgent: 'Callvault',
    });
    expect(headers.map((h) => `${h.name}: ${h.value}`)).toEqual([
      'Allow: INVITE, BYE',
      'Accept: application/sdp',
      'Supported: siprec',
      'Server: Callvault',
    ]);
  });

  it('RFC 3261 §25.1: Warning text is printable ASCII, quotes and backslashes escaped, bounded', () => {
    expect(quoteWarnText('bad "Via"\\\u0001é')).toBe('bad \\"Via\\"\\\\??');
    expect(quoteWarnText('x'.repeat(300))).toHaveLength(200);
  });

  it('RFC 4475 §3.4.1: the target of a request without Contact is where it came from', () => {
    expect(targetOf({ transport: 'udp', address: '192.0.2.9', port: 5060 })).toBe(
      'sip:192.0.2.9:5060',
    );
    expect(targetOf({ transport: 'tls', address: '2001:db8::9', port: 5061 })).toBe(
      'sips:[2001:db8::9]:5061;transport=tls',
    );
  });

  it('RFC 3261 §8.1.1.8: one SIP Contact is the target; none of another scheme, "*" or two', () => {
    expect(readContactUri(invite('sip:srs@192.0.2.5', ['<sip:src@192.0.2.9:5060>']))).toBe(
      'sip:src@192.0.2.9:5060',
    );
    expect(readContactUri(invite('sip:srs@192.0.2.5', ['<tel:+15551234>']))).toBeUndefined();
    expect(
      readContactUri(invite('sip:srs@192.0.2.5', ['<sip:a@192.0.2.9>', '<sip:b@192.0.2.9>'])),
    ).toBeUndefined();
  });

  it('RFC 3261 §12.1.1: secure only for a sips Request-URI over TLS', () => {
    const tls = { transport: 'tls' as const, address: '192.0.2.9', port: 5061 };
    expect(isSecureRequest(invite('sips:srs@192.0.2.5', []), tls)).toBe(true);
    expect(isSecureRequest(invite('sip:srs@192.0.2.5', []), tls)).toBe(false);
    expect(isSecureRequest(invite('sips:srs@192.0.2.5', []), { ...tls, transport: 'tcp' })).toBe(
      false,
    );
  });

  it('a TU answer that failed or names no final status becomes 500', () => {
    expect(answerOf({ status: 'rejected', reason: new Error('x') })).toEqual({ status: 500 });
    expect(answerOf({ status: 'fulfilled', value: { status: 180 } })).toEqual({ status: 500 });
    expect(answerOf({ status: 'fulfilled', value: { status: 200.5 } })).toEqual({ status: 500 });
    expect(answerOf({ status: 'fulfilled', value: { status: 486 } })).toEqual({ status: 486 });
  });
});

describe('uas-in-dialog: offers that cannot be taken now', () => {
  const tx = {} as never;
  it('RFC 3261 §14.2: an offer while another of theirs is unanswered: 500 with Retry-After 0-10', () => {
    expect(offerConflict({ pendingOffer: tx }, true, () => 0.99)).toEqual({
      status: 500,
      headers: [{ name: 'Retry-After', value: '10' }],
    });
  });

  it('RFC 3311 §5.2: an offer while ours awaits its answer in the ACK: 491 (glare)', () => {
    const pendingAck = { cseq: 1, offerInResponse: true, stop: () => {} };
    expect(offerConflict({ pendingAck }, true, () => 0)).toEqual({ status: 491, headers: [] });
    expect(
      offerConflict({ pendingAck: { ...pendingAck, offerInResponse: false } }, true, () => 0),
    ).toBeUndefined();
  });

  it('an UPDATE without a body carries no offer and is never in conflict', () => {
    const pendingAck = { cseq: 1, offerInResponse: true, stop: () => {} };
    expect(offerConflict({ pendingOffer: tx, pendingAck }, false, () => 0)).toBeUndefined();
  });
});
