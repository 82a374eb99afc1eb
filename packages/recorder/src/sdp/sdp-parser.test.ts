import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSdpAnswer } from './sdp-answer.js';
import { parseSdpCryptoAttribute } from './sdp-crypto.js';
import { SdpError } from './sdp-error.js';
import { parseSdp } from './sdp-parser.js';

const FIXTURES = fileURLToPath(new URL('../../test-fixtures/siprec/', import.meta.url));

function codeOf(action: () => unknown): string {
  try {
    action();
    return 'no error';
  } catch (error) {
    return error instanceof SdpError ? error.code : 'untyped error';
  }
}

const lines = (...l: string[]): string => l.join('\r\n') + '\r\n';

describe('SDP offer reader (RFC 8866 §5)', () => {
  it('RFC 8866 §5.2: o= fields are kept as written, also ids beyond 2^53', () => {
    const sdp = parseSdp(
      lines('v=0', 'o=SRC 18446744073709551615 2890844526 IN IP4 198.51.100.1', 's=-', 't=0 0'),
    );
    expect(sdp.origin).toEqual({
      username: 'SRC',
      sessionId: '18446744073709551615',
      sessionVersion: '2890844526',
      netType: 'IN',
      addressType: 'IP4',
      address: '198.51.100.1',
    });
    expect(sdp.media).toEqual([]);
  });

  it('RFC 8866 §5.14: an m-line with a port count is kept, with its formats and RFC 3551 static types', () => {
    const sdp = parseSdp(
      lines(
        'v=0',
        'o=- 1 1 IN IP4 192.0.2.1',
        's=-',
        'c=IN IP4 192.0.2.1',
        't=0 0',
        'm=audio 49170/2 RTP/AVP 0 8 9 18',
      ),
    );
    expect(sdp.media[0]).toMatchObject({ port: 49170, portCount: 2, protocol: 'RTP/AVP' });
    expect(sdp.media[0]?.payloadTypes).toEqual([
      { payloadType: 0, encodingName: 'PCMU', clockRate: 8000, channels: 1 },
      { payloadType: 8, encodingName: 'PCMA', clockRate: 8000, channels: 1 },
      { payloadType: 9, encodingName: 'G722', clockRate: 8000, channels: 1 },
      { payloadType: 18, encodingName: 'G729', clockRate: 8000, channels: 1 },
    ]);
  });

  it('RFC 8866 §6.6/§6.15: rtpmap and fmtp give dynamic payload types their encoding', () => {
    const sdp = parseSdp(
      lines(
        'v=0',
        'o=- 1 1 IN IP4 192.0.2.1',
        's=-',
        't=0 0',
        'm=audio 5000 RTP/AVP 111 101 96',
        'a=rtpmap:111 opus/48000/2',
        'a=fmtp:111 minptime=10;useinbandfec=1',
        'a=rtpmap:101 telephone-event/48000',
        'a=ptime:20',
        'a=maxptime:40',
      ),
    );
    expect(sdp.media[0]?.payloadTypes).toEqual([
      {
        payloadType: 111,
        encodingName: 'opus',
        clockRate: 48000,
        channels: 2,
        fmtp: 'minptime=10;useinbandfec=1',
      },
      { payloadType: 101, encodingName: 'telephone-event', clockRate: 48000 },
      { payloadType: 96 },
    ]);
    expect(sdp.media[0]).toMatchObject({ ptime: 20, maxptime: 40 });
  });

  it('RFC 3264 §5.1: the media direction overrides the session one, which overrides sendrecv', () => {
    const sdp = parseSdp(
      lines(
        'v=0',
        'o=- 1 1 IN IP4 192.0.2.1',
        's=-',
        't=0 0',
        'a=sendonly',
        'm=audio 5000 RTP/AVP 0',
        'm=audio 5002 RTP/AVP 0',
        'a=inactive',
      ),
    );
    expect(sdp.direction).toBe('sendonly');
    expect(sdp.media.map((m) => m.direction)).toEqual(['sendonly', 'inactive']);
  });

  it('RFC 3264 §8.4: c=0.0.0.0 (legacy hold) marks the stream on hold; media c= overrides session c=', () => {
    const sdp = parseSdp(
      lines(
        'v=0',
        'o=- 1 1 IN IP4 192.0.2.1',
        's=-',
        'c=IN IP4 0.0.0.0',
        't=0 0',
        'm=audio 5000 RTP/AVP 0',
        'a=sendonly',
        'm=audio 5002 RTP/AVP 0',
        'c=IN IP4 192.0.2.7/127',
        'a=sendonly',
      ),
    );
    expect(sdp.media.map((m) => [m.connection?.address, m.onHold])).toEqual([
      ['0.0.0.0', true],
      ['192.0.2.7', false],
    ]);
  });

  it('RFC 3264 §5.1: a stream the SRC offers recvonly or inactive carries no media from it and is on hold; sendonly (every SIPREC offer) is not', () => {
    const sdp = parseSdp(
      lines(
        'v=0',
        'o=- 1 1 IN IP4 192.0.2.1',
        's=-',
        'c=IN IP4 192.0.2.1',
        't=0 0',
        'm=audio 5000 RTP/AVP 0',
        'a=sendonly',
        'm=audio 5002 RTP/AVP 0',
        'a=recvonly',
        'm=audio 5004 RTP/AVP 0',
        'a=inactive',
        'm=audio 5006 RTP/AVP 0',
      ),
    );
    expect(sdp.media.map((m) => [m.direction, m.onHold])).toEqual([
      ['sendonly', false],
      ['recvonly', true],
      ['inactive', true],
      ['sendrecv', false],
    ]);
  });

  it('RFC 8866 §5: LF-only line ends and trailing blanks are accepted', () => {
    const sdp = parseSdp(
      'v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\nm=audio 5000 RTP/AVP 0 \na=label:7 \n',
    );
    expect(sdp.media[0]?.label).toBe('7');
  });

  it.each([
    ['no v= first', lines('o=- 1 1 IN IP4 192.0.2.1', 'v=0')],
    ['no o=', lines('v=0', 's=-', 't=0 0')],
    ['an o= with five fields', lines('v=0', 'o=- 1 1 IN IP4', 's=-')],
    [
      'an m= without formats',
      lines('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'm=audio 5000 RTP/AVP'),
    ],
    [
      'an m= port above 65535',
      lines('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'm=audio 70000 RTP/AVP 0'),
    ],
    ['a line that is not <type>=<value>', lines('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 'garbage')],
    ['an empty body', ''],
  ])('refuses %s with SDP_MALFORMED', (_, text) => {
    expect(codeOf(() => parseSdp(text))).toBe('SDP_MALFORMED');
  });

  it('refuses a body over the cap with SDP_TOO_LARGE', () => {
    const big = lines('v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', `a=x:${'y'.repeat(70_000)}`);
    expect(codeOf(() => parseSdp(big))).toBe('SDP_TOO_LARGE');
    expect(codeOf(() => parseSdp(lines('v=0', 'o=- 1 1 IN IP4 192.0.2.1'), { maxBytes: 10 }))).toBe(
      'SDP_TOO_LARGE',
    );
  });
});

describe('SDES crypto attribute (RFC 4568 §9.1)', () => {
  it('RFC 4568 §9.1: tag, suite, key with lifetime and MKI, and session parameters', () => {
    expect(
      parseSdpCryptoAttribute(
        '1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4 KDR=1',
      ),
    ).toEqual({
      tag: 1,
      suite: 'AES_CM_128_HMAC_SHA1_80',
      keyParams: [
        {
          method: 'inline',
          keySalt: 'PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR',
          lifetime: '2^20',
          mki: { value: '1', length: 4 },
        },
      ],
      sessionParams: ['KDR=1'],
    });
  });

  it('RFC 4568 §9.1: several key-params are separated by ";"', () => {
    const parsed = parseSdpCryptoAttribute(
      '2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|1:4;inline:QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3|2:4',
    );
    expect(parsed?.keyParams.map((k) => k.mki?.value)).toEqual(['1', '2']);
  });

  it.each([
    ['a non-numeric tag', 'x AES_CM_128_HMAC_SHA1_80 inline:abc'],
    ['no key params', '1 AES_CM_128_HMAC_SHA1_80'],
    ['a key-param without method', '1 AES_CM_128_HMAC_SHA1_80 abc'],
    ['a bad lifetime/mki field', '1 AES_CM_128_HMAC_SHA1_80 inline:abc|forever'],
  ])('ignores an attribute with %s', (_, value) => {
    expect(parseSdpCryptoAttribute(value)).toBeUndefined();
  });

  it('keeps the offer usable when one of its crypto attributes is unreadable (RFC 4568 §6.1)', () => {
    const sdp = parseSdp(
      lines(
        'v=0',
        'o=- 1 1 IN IP4 192.0.2.1',
        's=-',
        't=0 0',
        'm=audio 5000 RTP/SAVP 0',
        'a=crypto:x broken',
        'a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR',
      ),
    );
    expect(sdp.media[0]?.crypto.map((c) => c.tag)).toEqual([2]);
    expect(sdp.media[0]?.transport).toBe('RTP/SAVP');
  });
});

describe('property: random mutations of the fixture offers', () => {
  const offers = [
    readFileSync(`${FIXTURES}srs_stub_200OK.sip`, 'utf8').split('\r\n\r\n')[1] ?? '',
    ...readFileSync(`${FIXTURES}vendor-offers/sample-sdp2.txt`, 'utf8').split('__split_here__\n'),
    lines(
      'v=0',
      'o=- 1 1 IN IP4 192.0.2.1',
      's=-',
      't=0 0',
      'm=audio 5000 RTP/SAVP 0 101',
      'a=rtpmap:101 telephone-event/8000',
      'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4',
      'a=sendonly',
    ),
  ];

  it('RFC 3264 §6: parsing and answering any mutated offer yields an answer or an SdpError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...offers),
        fc.array(
          fc.record({
            at: fc.nat(),
            remove: fc.nat({ max: 12 }),
            insert: fc.oneof(
              fc.constantFrom('\r\n', ' ', '/', ':', 'm=audio 1 RTP/SAVP 0', 'a=crypto:', '0', '|'),
              fc.string({ maxLength: 6 }),
            ),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        (offer, edits) => {
          let text = offer;
          for (const edit of edits) {
            const at = edit.at % (text.length + 1);
            text = text.slice(0, at) + edit.insert + text.slice(at + edit.remove);
          }
          try {
            const answer = buildSdpAnswer(parseSdp(text), {
              localAddress: '192.0.2.10',
              allocatePortPair: (request) => 20000 + request.index * 2,
              randomBytes: (length) => new Uint8Array(length),
            });
            expect(answer.streams).toHaveLength(parseSdp(text).media.length);
          } catch (error) {
            expect(error).toBeInstanceOf(SdpError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
