import { describe, expect, it } from 'vitest';
import {
  createResponse,
  getHeaders,
  getVias,
  parseDatagram,
  type SipRequest,
} from '../message/index.js';
import { resolveResponseDestination, stampTopVia } from './response-routing.js';
import type { SipSource } from './sip-transport.js';

function request(viaLines: string[]): SipRequest {
  const text = [
    'OPTIONS sip:srs@192.0.2.1 SIP/2.0',
    ...viaLines.map((v) => `Via: ${v}`),
    'Max-Forwards: 70',
    'To: <sip:srs@192.0.2.1>',
    'From: <sip:src@example.com>;tag=1',
    'Call-ID: rr1',
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const msg = parseDatagram(Buffer.from(text));
  if (msg.kind !== 'request') throw new Error('request expected');
  return msg;
}

const NAT: SipSource = { transport: 'udp', address: '198.51.100.7', port: 40112 };

describe('stampTopVia (RFC 3261 §18.2.1, RFC 3581 §4)', () => {
  it('RFC 3261 §18.2.1: received is added when the sent-by host differs from the source address', () => {
    const req = stampTopVia(request(['SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1']), NAT);
    expect(getHeaders(req, 'Via')).toEqual([
      'SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1;received=198.51.100.7',
    ]);
  });

  it('RFC 3261 §18.2.1: nothing is added when the sent-by host is the source address', () => {
    const original = request(['SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK1']);
    expect(stampTopVia(original, NAT)).toBe(original);
  });

  it('RFC 3581 §4: rport gets the source port and received is added even when the host matches', () => {
    const req = stampTopVia(request(['SIP/2.0/UDP 198.51.100.7:5060;rport;branch=z9hG4bK1']), NAT);
    expect(getHeaders(req, 'Via')[0]).toBe(
      'SIP/2.0/UDP 198.51.100.7:5060;rport=40112;branch=z9hG4bK1;received=198.51.100.7',
    );
    expect(getVias(req)[0]).toMatchObject({ rport: 40112, received: '198.51.100.7' });
  });

  it('RFC 3261 §18.2.1: only the top Via of a comma-separated Via line changes, the rest stay as they are', () => {
    const req = stampTopVia(
      request([
        'SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1, SIP/2.0/UDP p1.example.com;branch=z9hG4bK0',
        'SIP/2.0/TCP p0.example.com;branch=z9hG4bKz',
      ]),
      NAT,
    );
    expect(getHeaders(req, 'Via')).toEqual([
      'SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1;received=198.51.100.7, SIP/2.0/UDP p1.example.com;branch=z9hG4bK0',
      'SIP/2.0/TCP p0.example.com;branch=z9hG4bKz',
    ]);
  });

  it('RFC 3261 §20.42: an IPv6 received address is written bare and parses again', () => {
    const src: SipSource = { transport: 'udp', address: '2001:db8::7', port: 5062 };
    const req = stampTopVia(request(['SIP/2.0/UDP [2001:db8::5];rport;branch=z9hG4bK1']), src);
    expect(getHeaders(req, 'Via')[0]).toBe(
      'SIP/2.0/UDP [2001:db8::5];rport=5062;branch=z9hG4bK1;received=2001:db8::7',
    );
  });
});

describe('resolveResponseDestination (RFC 3261 §18.2.2, RFC 3581 §4)', () => {
  it('RFC 3581 §4: over UDP a response goes to received at rport', () => {
    const req = stampTopVia(request(['SIP/2.0/UDP 10.0.0.5:5060;rport;branch=z9hG4bK1']), NAT);
    expect(resolveResponseDestination(createResponse(req, 200), NAT)).toEqual({
      transport: 'udp',
      address: '198.51.100.7',
      port: 40112,
    });
  });

  it('RFC 3261 §18.2.2: without rport a UDP response goes to received at the sent-by port', () => {
    const req = stampTopVia(request(['SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bK1']), NAT);
    expect(resolveResponseDestination(createResponse(req, 200), NAT)).toEqual({
      transport: 'udp',
      address: '198.51.100.7',
      port: 5070,
    });
  });

  it('RFC 3261 §18.2.2: the sent-by port defaults to 5060', () => {
    const src: SipSource = { transport: 'udp', address: '192.0.2.9', port: 33333 };
    const req = stampTopVia(request(['SIP/2.0/UDP 192.0.2.9;branch=z9hG4bK1']), src);
    expect(resolveResponseDestination(createResponse(req, 200), src)).toEqual({
      transport: 'udp',
      address: '192.0.2.9',
      port: 5060,
    });
  });

  it('RFC 3261 §18.2.2: over TCP a response goes back on the connection of the request', () => {
    const src: SipSource = {
      transport: 'tcp',
      address: '192.0.2.9',
      port: 45000,
      connectionId: 'tcp-7',
    };
    const req = stampTopVia(request(['SIP/2.0/TCP client.example.com:5060;branch=z9hG4bK1']), src);
    expect(resolveResponseDestination(createResponse(req, 200), src)).toEqual({
      transport: 'tcp',
      address: '192.0.2.9',
      port: 5060,
      connectionId: 'tcp-7',
    });
  });
});
