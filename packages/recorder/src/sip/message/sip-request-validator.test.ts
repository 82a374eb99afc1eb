import { describe, expect, it } from 'vitest';
import {
  parseDatagram,
  validateRequest,
  validateResponse,
  type SipRequest,
  type UasCapabilities,
} from './index.js';

const CAPS: UasCapabilities = {
  allowedMethods: ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS'],
  supportedOptionTags: ['siprec'],
  acceptedContentTypes: ['application/sdp', 'multipart/mixed'],
  answerContentTypes: ['application/sdp'],
};

function request(method: string, extra: string[] = [], body = ''): SipRequest {
  const lines = [
    `${method} sip:srs@example.com SIP/2.0`,
    'Via: SIP/2.0/UDP src.example.com;branch=z9hG4bK1',
    'To: <sip:srs@example.com>',
    'From: <sip:src@example.com>;tag=1',
    'Call-ID: c1',
    `CSeq: 1 ${method}`,
    ...extra,
    `Content-Length: ${body.length}`,
    '',
    body,
  ];
  const msg = parseDatagram(Buffer.from(lines.join('\r\n')));
  if (msg.kind !== 'request') throw new Error('request expected');
  return msg;
}

describe('validateRequest (RFC 3261 §8.2)', () => {
  it('RFC 3261 §8.2: a plain request the UAS supports is processed', () => {
    expect(validateRequest(request('OPTIONS'), CAPS)).toBeNull();
    expect(
      validateRequest(
        request(
          'INVITE',
          ['Require: siprec', 'Content-Type: application/sdp', 'Accept: application/*'],
          'v=0\r\n',
        ),
        CAPS,
      ),
    ).toBeNull();
  });

  it('RFC 3261 §8.2.1: a known but unsupported method gets 405 with Allow; an unknown one 501', () => {
    expect(validateRequest(request('SUBSCRIBE'), CAPS)).toEqual({
      status: 405,
      reason: 'Method Not Allowed',
      detail: 'SUBSCRIBE is not allowed',
      headers: [{ name: 'Allow', value: 'INVITE, ACK, BYE, CANCEL, OPTIONS' }],
    });
    expect(validateRequest(request('FROBNICATE'), CAPS)?.status).toBe(501);
  });

  it('RFC 3261 §8.2.2.1: an unsupported Request-URI scheme gets 416', () => {
    const req = { ...request('OPTIONS'), uri: 'im:srs@example.com' };
    expect(validateRequest(req, CAPS)?.status).toBe(416);
    expect(validateRequest(req, { ...CAPS, uriSchemes: ['sip', 'im'] })).toBeNull();
  });

  it('RFC 3261 §8.2.2.3: unknown Require tags get 420 with Unsupported, except for ACK and CANCEL', () => {
    const rejection = validateRequest(
      request('OPTIONS', ['Require: siprec, 100rel', 'Require: foo']),
      CAPS,
    );
    expect(rejection?.status).toBe(420);
    expect(rejection?.headers).toEqual([{ name: 'Unsupported', value: '100rel, foo' }]);
    expect(validateRequest(request('ACK', ['Require: 100rel']), CAPS)).toBeNull();
    expect(validateRequest(request('CANCEL', ['Require: 100rel']), CAPS)).toBeNull();
  });

  it('RFC 3261 §8.2.3: an unknown body type gets 415 with Accept; a content coding 415 with Accept-Encoding', () => {
    const rejection = validateRequest(
      request('INVITE', ['Content-Type: application/isup'], 'x'),
      CAPS,
    );
    expect(rejection?.status).toBe(415);
    expect(rejection?.headers).toEqual([
      { name: 'Accept', value: 'application/sdp, multipart/mixed' },
    ]);
    const gzip = validateRequest(
      request('INVITE', ['Content-Type: application/sdp', 'Content-Encoding: gzip'], 'x'),
      CAPS,
    );
    expect(gzip?.headers).toEqual([{ name: 'Accept-Encoding', value: 'identity' }]);
  });

  it('RFC 3261 §20.15: a body without Content-Type is a bad request', () => {
    expect(validateRequest(request('INVITE', [], 'v=0'), CAPS)).toMatchObject({ status: 400 });
  });

  it('RFC 3261 §20.1: an INVITE whose Accept excludes SDP gets 406; wildcards match', () => {
    expect(validateRequest(request('INVITE', ['Accept: text/plain']), CAPS)?.status).toBe(406);
    expect(validateRequest(request('INVITE', ['Accept: */*']), CAPS)).toBeNull();
    expect(
      validateRequest(request('INVITE', ['Accept: text/plain']), {
        ...CAPS,
        answerContentTypes: undefined,
      }),
    ).toBeNull();
  });

  it('RFC 4475 §3.3.1 and §3.3.8: missing or repeated single-value headers get 400', () => {
    const req = request('OPTIONS');
    expect(
      validateRequest({ ...req, headers: req.headers.filter((h) => h.name !== 'Call-ID') }, CAPS),
    ).toMatchObject({ status: 400, detail: 'missing Call-ID' });
    expect(
      validateRequest(request('OPTIONS', ['Max-Forwards: 70', 'Max-Forwards: 69']), CAPS),
    ).toMatchObject({
      status: 400,
      detail: 'Max-Forwards appears more than once',
    });
  });
});

describe('validateResponse (RFC 3261 §8.1.3.3)', () => {
  const response = (vias: string[]): ReturnType<typeof parseDatagram> =>
    parseDatagram(
      Buffer.from(
        [
          'SIP/2.0 200 OK',
          ...vias.map((v) => `Via: ${v}`),
          'To: <sip:a@b>;tag=2',
          'From: <sip:c@d>;tag=1',
          'Call-ID: c',
          'CSeq: 1 OPTIONS',
          'l: 0',
          '',
          '',
        ].join('\r\n'),
      ),
    );

  it('RFC 3261 §8.1.3.3: a UAC processes a response with one Via and discards one with more', () => {
    const one = response(['SIP/2.0/UDP a;branch=z9hG4bK1']);
    const two = response(['SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2']);
    expect(one.kind === 'response' && validateResponse(one)).toBeNull();
    expect(two.kind === 'response' && validateResponse(two)).toMatchObject({ discard: true });
  });
});
