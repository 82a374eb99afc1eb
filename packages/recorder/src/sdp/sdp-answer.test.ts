import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isG729Decodable } from '../media/codecs/g729-decoder.js';
import { splitFixtureMessage } from '../siprec/fixture-multipart.test-helper.js';
import { pickSiprecBodyParts } from '../siprec/siprec-body-parts.js';
import type { SdpAnswerOptions, SdpPortRequest } from './sdp-answer.js';
import { buildSdpAnswer } from './sdp-answer.js';
import { SdpError } from './sdp-error.js';
import { parseSdp } from './sdp-parser.js';

const lines = (...l: string[]): string => l.join('\r\n') + '\r\n';

const SESSION = [
  'v=0',
  'o=SRC 2890844526 2890844526 IN IP4 198.51.100.1',
  's=-',
  'c=IN IP4 198.51.100.1',
  't=0 0',
];
const offerOf = (...media: string[]) => parseSdp(lines(...SESSION, ...media));

const KEY_A = 'PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR';
const KEY_B = 'NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj';

interface Harness extends SdpAnswerOptions {
  readonly requests: SdpPortRequest[];
  readonly randomCalls: number[];
}

/** A counting allocator (even ports from 40000) and a predictable random source. */
function harness(overrides: Partial<SdpAnswerOptions> = {}): Harness {
  const requests: SdpPortRequest[] = [];
  const randomCalls: number[] = [];
  let next = 40000;
  let seed = 1;
  return {
    requests,
    randomCalls,
    localAddress: '192.0.2.10',
    allocatePortPair: (request) => {
      requests.push(request);
      next += 2;
      return next - 2;
    },
    randomBytes: (length) => {
      randomCalls.push(length);
      return new Uint8Array(length).map(() => (seed = (seed * 73 + 41) & 0xff));
    },
    ...overrides,
  };
}

describe('SRS answer (RFC 3264 §6, RFC 7866 §8.1.1)', () => {
  it('RFC 3264 §6: the answer has o=, s=, c=, t= and one recvonly m-line per offered stream, byte for byte', () => {
    const offer = offerOf(
      'm=audio 49170 RTP/AVP 0',
      'a=rtpmap:0 PCMU/8000',
      'a=label:1',
      'a=sendonly',
      'm=audio 49172 RTP/AVP 9 101',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-16',
      'a=label:2',
      'a=sendonly',
    );
    const answer = buildSdpAnswer(
      offer,
      harness({ randomBytes: (n) => new Uint8Array(n).fill(1) }),
    );
    // 6 bytes of 0x01 = 1103823438081, plus one.
    expect(answer.sdp).toBe(
      lines(
        'v=0',
        'o=callvault 1103823438082 1 IN IP4 192.0.2.10',
        's=Callvault SRS',
        'c=IN IP4 192.0.2.10',
        't=0 0',
        'm=audio 40000 RTP/AVP 0',
        'a=rtpmap:0 PCMU/8000',
        'a=label:1',
        'a=recvonly',
        'm=audio 40002 RTP/AVP 9 101',
        'a=rtpmap:9 G722/8000',
        'a=rtpmap:101 telephone-event/8000',
        'a=fmtp:101 0-16',
        'a=label:2',
        'a=recvonly',
      ),
    );
    expect(answer.state).toMatchObject({ sessionId: '1103823438082', sessionVersion: 1 });
    expect(answer.streams[1]).toMatchObject({
      accepted: true,
      localPort: 40002,
      localRtcpPort: 40003,
      codec: { name: 'G722', payloadType: 9, clockRate: 8000, channels: 1 },
      telephoneEvent: { payloadType: 101, clockRate: 8000, fmtp: '0-16' },
      payloadTypes: [
        { payloadType: 9, encodingName: 'G722', clockRate: 8000, channels: 1 },
        { payloadType: 101, encodingName: 'telephone-event', clockRate: 8000, fmtp: '0-16' },
      ],
    });
  });

  it('RFC 3264 §6.1: the codec is the first supported one in the offer’s order', () => {
    const answer = buildSdpAnswer(
      offerOf(
        'm=audio 1000 RTP/AVP 18 3 9 0',
        'm=audio 1002 RTP/AVP 96 111 8',
        'a=rtpmap:96 opus/48000/1',
        'a=rtpmap:111 opus/48000/2',
        'm=audio 1004 RTP/AVP 0 8',
        'a=rtpmap:0 telephone-event/8000',
      ),
      harness({ g729: false }),
    );
    expect(answer.streams.map((s) => [s.codec?.name, s.codec?.payloadType])).toEqual([
      ['G722', 9],
      ['opus', 111],
      ['PCMA', 8],
    ]);
    expect(answer.streams.map((s) => s.codecs.map((c) => c.payloadType))).toEqual([
      [9, 0],
      [111, 8],
      [8],
    ]);
    expect(answer.sdp).toContain(
      'm=audio 40002 RTP/AVP 111 8\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:8 PCMA/8000\r\n',
    );
  });

  it('RFC 3551 §4.5.4: G726-16/24/32/40 are answered at their dynamic PTs; AAL2 packing is not', () => {
    const answer = buildSdpAnswer(
      offerOf(
        'm=audio 1000 RTP/AVP 113 112 114 115 116 0',
        'a=rtpmap:113 AAL2-G726-32/8000',
        'a=rtpmap:112 g726-32/8000',
        'a=rtpmap:114 G726-16/8000',
        'a=rtpmap:115 G726-24/8000',
        'a=rtpmap:116 G726-40/8000',
      ),
      harness(),
    );
    expect(answer.streams[0]?.codec).toEqual({
      name: 'G726-32',
      payloadType: 112,
      clockRate: 8000,
      channels: 1,
    });
    expect(answer.streams[0]?.codecs.map((c) => [c.name, c.payloadType])).toEqual([
      ['G726-32', 112],
      ['G726-16', 114],
      ['G726-24', 115],
      ['G726-40', 116],
      ['PCMU', 0],
    ]);
    expect(answer.sdp).toContain(
      'm=audio 40000 RTP/AVP 112 114 115 116 0\r\na=rtpmap:112 G726-32/8000\r\n',
    );
  });

  it('RFC 3551 §4.5.6: G729 (static 18, or G729A) is answered with its annexb fmtp when the recorder decodes it', () => {
    const offer = offerOf(
      'm=audio 1000 RTP/AVP 18 0 101',
      'a=fmtp:18 annexb=no',
      'a=rtpmap:101 telephone-event/8000',
      'm=audio 1002 RTP/AVP 97 8',
      'a=rtpmap:97 G729a/8000',
    );
    const answer = buildSdpAnswer(offer, harness({ g729: true }));
    expect(answer.streams.map((s) => s.codecs.map((c) => [c.name, c.payloadType]))).toEqual([
      [
        ['G729', 18],
        ['PCMU', 0],
      ],
      [
        ['G729', 97],
        ['PCMA', 8],
      ],
    ]);
    expect(answer.sdp).toContain(
      'm=audio 40000 RTP/AVP 18 0 101\r\na=rtpmap:18 G729/8000\r\na=fmtp:18 annexb=no\r\n',
    );
  });

  it('G729 is not answered where the recorder cannot decode it (its addon not built): PCMU instead', () => {
    const offer = offerOf('m=audio 1000 RTP/AVP 18 0', 'm=audio 1002 RTP/AVP 18');
    const answer = buildSdpAnswer(offer, harness({ g729: false }));
    expect(answer.streams.map((s) => s.codecs.map((c) => c.name))).toEqual([['PCMU'], []]);
    expect(answer.streams[1]?.rejectReason).toBe('no-common-codec');
    // By default the answer follows whether this process decodes G.729.
    const byDefault = buildSdpAnswer(offer, harness());
    expect(byDefault.streams[0]?.codec?.name).toBe(isG729Decodable() ? 'G729' : 'PCMU');
  });

  it('RFC 3264 §6.1: every offered codec the recorder decodes is answered, telephone-event kept (Connectel offer)', () => {
    // A captured SRC offer (test-fixtures/siprec/vendor-offers, MIT, see SOURCE): PCMU, PCMA, GSM
    // and telephone-event on the first stream, PCMA first on the second. An SRC may send any
    // codec of the answer without re-offering, so both G.711 laws are answered on both streams.
    const message = splitFixtureMessage(
      readFileSync(
        fileURLToPath(
          new URL('../../test-fixtures/siprec/vendor-offers/connectel-offer.txt', import.meta.url),
        ),
        'utf8',
      ),
    );
    const answer = buildSdpAnswer(parseSdp(pickSiprecBodyParts(message.parts).sdp!), harness());
    expect(answer.sdp.split('\r\n').filter((l) => !/^[vost]=/.test(l))).toEqual([
      'c=IN IP4 192.0.2.10',
      'm=audio 40000 RTP/AVP 0 8 101',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-16',
      'a=label:1',
      'a=recvonly',
      'm=audio 40002 RTP/AVP 8 0 101',
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-16',
      'a=label:2',
      'a=recvonly',
      '',
    ]);
    expect(answer.streams.map((s) => s.codec?.name)).toEqual(['PCMU', 'PCMA']);
    expect(answer.streams[0]?.codecs.map((c) => c.name)).toEqual(['PCMU', 'PCMA']);
  });

  it('RFC 4733 §7.1.1: telephone-event is answered at the offered PT, preferring the codec’s clock rate', () => {
    const answer = buildSdpAnswer(
      offerOf(
        'm=audio 1000 RTP/AVP 111 101 102',
        'a=rtpmap:111 opus/48000/2',
        'a=rtpmap:101 telephone-event/8000',
        'a=rtpmap:102 telephone-event/48000',
      ),
      harness(),
    );
    expect(answer.streams[0]?.telephoneEvent).toEqual({ payloadType: 102, clockRate: 48000 });
    expect(answer.sdp).toContain('m=audio 40000 RTP/AVP 111 102\r\n');
  });

  it('RFC 3264 §6: streams the recorder cannot take get port 0 with the offered formats echoed', () => {
    const answer = buildSdpAnswer(
      offerOf(
        'm=audio 1000 RTP/AVP 3 4',
        'm=video 1002 RTP/AVP 96',
        'm=audio 1004 UDP/TLS/RTP/SAVPF 0',
        'm=audio 0 RTP/AVP 0',
        'm=audio 1006 RTP/AVP 0',
      ),
      harness(),
    );
    expect(answer.sdp.split('\r\n').filter((l) => l.startsWith('m='))).toEqual([
      'm=audio 0 RTP/AVP 3 4',
      'm=video 0 RTP/AVP 96',
      'm=audio 0 UDP/TLS/RTP/SAVPF 0',
      'm=audio 0 RTP/AVP 0',
      'm=audio 40000 RTP/AVP 0',
    ]);
    expect(answer.streams.map((s) => s.rejectReason)).toEqual([
      'no-common-codec',
      'unsupported-media',
      'unsupported-protocol',
      'disabled-in-offer',
      undefined,
    ]);
  });

  it('RFC 3550 §11: ports come from the allocator as even RTP ports, one request per accepted stream with its label', () => {
    const h = harness();
    buildSdpAnswer(
      offerOf(
        'm=audio 1000 RTP/AVP 0',
        'a=label:a',
        'm=video 1002 RTP/AVP 96',
        'm=audio 1004 RTP/AVP 8',
      ),
      h,
    );
    expect(h.requests).toEqual([
      { index: 0, media: 'audio', label: 'a' },
      { index: 2, media: 'audio' },
    ]);
    const odd = harness({ allocatePortPair: () => 40001 });
    expect(() => buildSdpAnswer(offerOf('m=audio 1000 RTP/AVP 0'), odd)).toThrow(SdpError);
    const full = buildSdpAnswer(
      offerOf('m=audio 1000 RTP/AVP 0'),
      harness({ allocatePortPair: () => undefined }),
    );
    expect(full.streams[0]).toMatchObject({
      accepted: false,
      rejectReason: 'no-port',
      localPort: 0,
    });
  });

  it('RFC 3264 §6.1: sendrecv is answered recvonly; recvonly and inactive offers are answered inactive', () => {
    const answer = buildSdpAnswer(
      offerOf(
        'm=audio 1000 RTP/AVP 0',
        'm=audio 1002 RTP/AVP 0',
        'a=recvonly',
        'm=audio 1004 RTP/AVP 0',
        'a=inactive',
      ),
      harness(),
    );
    expect(answer.streams.map((s) => [s.offeredDirection, s.direction])).toEqual([
      ['sendrecv', 'recvonly'],
      ['recvonly', 'inactive'],
      ['inactive', 'inactive'],
    ]);
  });

  it('answers with IP6 when the local address is IPv6', () => {
    const answer = buildSdpAnswer(
      offerOf('m=audio 1000 RTP/AVP 0'),
      harness({ localAddress: '2001:db8::10' }),
    );
    expect(answer.sdp).toContain('\r\nc=IN IP6 2001:db8::10\r\n');
    expect(answer.sdp).toMatch(/^v=0\r\no=callvault \d+ 1 IN IP6 2001:db8::10\r\n/);
  });

  it('refuses a random source that returns the wrong length with SDP_RANDOM_INVALID', () => {
    expect(() =>
      buildSdpAnswer(
        offerOf('m=audio 1000 RTP/AVP 0'),
        harness({ randomBytes: () => new Uint8Array(2) }),
      ),
    ).toThrow(expect.objectContaining({ code: 'SDP_RANDOM_INVALID' }) as Error);
  });
});

describe('SDES-SRTP answer (RFC 4568 §7.1)', () => {
  it('RFC 4568 §7.1.2: an RTP/SAVP offer is answered RTP/SAVP with the chosen tag and our own 30-byte key', () => {
    const h = harness();
    const answer = buildSdpAnswer(
      offerOf(
        'm=audio 1000 RTP/SAVP 0',
        'a=crypto:1 AEAD_AES_256_GCM inline:' + 'A'.repeat(58),
        `a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}|2^31`,
        `a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:${KEY_B}`,
        'a=sendonly',
      ),
      h,
    );
    const stream = answer.streams[0];
    expect(stream?.protocol).toBe('RTP/SAVP');
    expect(stream?.srtp).toMatchObject({
      suite: 'AES_CM_128_HMAC_SHA1_80',
      tag: 2,
      remote: { method: 'inline', keySalt: KEY_A, lifetime: '2^31' },
    });
    const local = stream?.srtp?.local.keySalt ?? '';
    expect(Buffer.from(local, 'base64')).toHaveLength(30);
    expect(local).not.toBe(KEY_A);
    expect(h.randomCalls).toEqual([30, 6]);
    expect(answer.sdp).toContain(
      `m=audio 40000 RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\na=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:${local}\r\na=recvonly\r\n`,
    );
  });

  it('RFC 4568 §6.2.2: AES_CM_128_HMAC_SHA1_32 is accepted too', () => {
    const answer = buildSdpAnswer(
      offerOf('m=audio 1000 RTP/SAVP 8', `a=crypto:7 AES_CM_128_HMAC_SHA1_32 inline:${KEY_B}`),
      harness(),
    );
    expect(answer.streams[0]?.srtp).toMatchObject({ suite: 'AES_CM_128_HMAC_SHA1_32', tag: 7 });
    expect(answer.sdp).toMatch(/a=crypto:7 AES_CM_128_HMAC_SHA1_32 inline:[A-Za-z0-9+/]{40}\r\n/);
  });

  it('RFC 4568 §7.1.2: RTP/SAVP without a usable crypto attribute is refused with port 0, never downgraded to RTP/AVP', () => {
    const answer = buildSdpAnswer(
      offerOf(
        'm=audio 1000 RTP/SAVP 0',
        `a=crypto:1 F8_128_HMAC_SHA1_80 inline:${KEY_A}`,
        'm=audio 1002 RTP/SAVP 0',
        `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A} UNENCRYPTED_SRTP`,
        'm=audio 1004 RTP/SAVP 0',
        'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:c2hvcnQ=',
        'm=audio 1006 RTP/SAVP 0',
      ),
      harness(),
    );
    expect(answer.sdp.split('\r\n').filter((l) => l.startsWith('m='))).toEqual([
      'm=audio 0 RTP/SAVP 0',
      'm=audio 0 RTP/SAVP 0',
      'm=audio 0 RTP/SAVP 0',
      'm=audio 0 RTP/SAVP 0',
    ]);
    expect(answer.streams.every((s) => s.rejectReason === 'no-supported-crypto')).toBe(true);
    expect(answer.sdp).not.toContain('RTP/AVP');
  });

  const key = (bytes: number, fill: number): string => Buffer.alloc(bytes, fill).toString('base64');

  it('the answer takes the strongest suite offered (AES-256-GCM > AES-256-CM > AES-128-GCM > _80 > _32), with a key of its length', () => {
    const h = harness();
    const answer = buildSdpAnswer(
      offerOf(
        'm=audio 1000 RTP/SAVP 0',
        `a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:${KEY_B}`,
        `a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}`,
        `a=crypto:3 AEAD_AES_128_GCM inline:${key(28, 3)}`,
        `a=crypto:4 AEAD_AES_256_GCM inline:${key(44, 4)}`,
        `a=crypto:5 AES_256_CM_HMAC_SHA1_80 inline:${key(46, 5)}`,
      ),
      h,
    );
    expect(answer.streams[0]?.srtp).toMatchObject({ suite: 'AEAD_AES_256_GCM', tag: 4 });
    expect(h.randomCalls[0]).toBe(44);
    const local = answer.streams[0]?.srtp?.local.keySalt ?? '';
    expect(Buffer.from(local, 'base64')).toHaveLength(44);
    expect(answer.sdp).toContain(`a=crypto:4 AEAD_AES_256_GCM inline:${local}\r\n`);
  });

  it.each([
    ['AES_256_CM_HMAC_SHA1_80', 46],
    ['AEAD_AES_128_GCM', 28],
  ] as const)('RFC 6188 / RFC 7714: %s with its %d-byte inline key is accepted', (suite, bytes) => {
    const answer = buildSdpAnswer(
      offerOf(
        'm=audio 1000 RTP/SAVP 0',
        `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}`,
        `a=crypto:9 ${suite} inline:${key(bytes, 7)}|1:4`,
      ),
      harness(),
    );
    expect(answer.streams[0]?.srtp).toMatchObject({
      suite,
      tag: 9,
      remote: { keySalt: key(bytes, 7), mki: { value: '1', length: 4 } },
    });
    expect(Buffer.from(answer.streams[0]?.srtp?.local.keySalt ?? '', 'base64')).toHaveLength(bytes);
  });

  it("a key of another suite's length is not acceptable: the next-strongest usable line is taken", () => {
    const answer = buildSdpAnswer(
      offerOf(
        'm=audio 1000 RTP/SAVP 0',
        `a=crypto:1 AEAD_AES_256_GCM inline:${key(46, 1)}`,
        `a=crypto:2 AES_256_CM_HMAC_SHA1_80 inline:${key(44, 1)}`,
        `a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}`,
      ),
      harness(),
    );
    expect(answer.streams[0]?.srtp).toMatchObject({ suite: 'AES_CM_128_HMAC_SHA1_80', tag: 3 });
  });

  it("equally strong lines: the offer's order decides", () => {
    const answer = buildSdpAnswer(
      offerOf(
        'm=audio 1000 RTP/SAVP 0',
        `a=crypto:5 AES_CM_128_HMAC_SHA1_80 inline:${KEY_B}`,
        `a=crypto:6 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}`,
      ),
      harness(),
    );
    expect(answer.streams[0]?.srtp).toMatchObject({ tag: 5, remote: { keySalt: KEY_B } });
  });

  it('an RTP/AVP offer with crypto lines is answered plain RTP/AVP without crypto', () => {
    const answer = buildSdpAnswer(
      offerOf('m=audio 1000 RTP/AVP 0', `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}`),
      harness(),
    );
    expect(answer.streams[0]?.srtp).toBeUndefined();
    expect(answer.sdp).not.toContain('a=crypto');
  });
});

describe('re-offers in a dialog (RFC 3264 §8)', () => {
  const first = offerOf(
    'm=audio 1000 RTP/SAVP 0',
    `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_A}`,
    'a=label:1',
    'a=sendonly',
    'm=audio 1002 RTP/AVP 0',
    'a=label:2',
    'a=sendonly',
  );

  it('RFC 3264 §8: a changed answer keeps the session id and increments the o= version; ports and our key stay', () => {
    const initial = buildSdpAnswer(first, harness());
    const h = harness();
    const hold = offerOf(
      'm=audio 1000 RTP/SAVP 0',
      `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_B}`,
      'a=label:1',
      'a=inactive',
      'm=audio 1002 RTP/AVP 0',
      'a=label:2',
      'a=inactive',
    );
    const reanswer = buildSdpAnswer(hold, { ...h, previous: initial.state });
    expect(reanswer.state.sessionId).toBe(initial.state.sessionId);
    expect(reanswer.state.sessionVersion).toBe(2);
    expect(reanswer.sdp).toContain(
      `o=callvault ${initial.state.sessionId} 2 IN IP4 192.0.2.10\r\n`,
    );
    expect(reanswer.streams.map((s) => s.localPort)).toEqual([40000, 40002]);
    expect(h.requests).toEqual([]);
    expect(h.randomCalls).toEqual([]);
    expect(reanswer.streams[0]?.srtp?.local).toEqual(initial.streams[0]?.srtp?.local);
    expect(reanswer.streams[0]?.srtp?.remote.keySalt).toBe(KEY_B);
    expect(reanswer.streams.map((s) => s.direction)).toEqual(['inactive', 'inactive']);
    expect(reanswer.releasedPorts).toEqual([]);
  });

  it('RFC 3264 §8: an identical answer (session refresh) keeps the o= version', () => {
    const initial = buildSdpAnswer(first, harness());
    const refresh = buildSdpAnswer(first, { ...harness(), previous: initial.state });
    expect(refresh.sdp).toBe(initial.sdp);
    expect(refresh.state.sessionVersion).toBe(1);
  });

  it('RFC 3264 §8.2: a stream removed by the re-offer frees its port; a new stream gets a new pair', () => {
    const initial = buildSdpAnswer(first, harness());
    const h = harness({ allocatePortPair: () => 41000 });
    const changed = buildSdpAnswer(
      offerOf(
        'm=audio 0 RTP/SAVP 0',
        'm=audio 1002 RTP/AVP 0',
        'a=sendonly',
        'm=audio 1004 RTP/AVP 8',
        'a=sendonly',
      ),
      { ...h, previous: initial.state },
    );
    expect(changed.streams.map((s) => s.localPort)).toEqual([0, 40002, 41000]);
    expect(changed.releasedPorts).toEqual([40000]);
    expect(changed.state.sessionVersion).toBe(2);
  });

  it('RFC 4568 §7.1.4: a re-offer choosing another crypto tag gets a fresh key of ours', () => {
    const initial = buildSdpAnswer(first, harness());
    // A random source that differs from the first answer's, so a reused key would show.
    const randomCalls: number[] = [];
    const h = harness({
      randomBytes: (length) => {
        randomCalls.push(length);
        return new Uint8Array(length).fill(9);
      },
    });
    const retagged = buildSdpAnswer(
      offerOf(
        'm=audio 1000 RTP/SAVP 0',
        `a=crypto:5 AES_CM_128_HMAC_SHA1_32 inline:${KEY_A}`,
        'm=audio 1002 RTP/AVP 0',
      ),
      { ...h, previous: initial.state },
    );
    expect(randomCalls).toEqual([30]);
    expect(retagged.streams[0]?.srtp?.tag).toBe(5);
    expect(retagged.streams[0]?.srtp?.local.keySalt).toBe(Buffer.alloc(30, 9).toString('base64'));
    expect(retagged.streams[0]?.srtp?.local).not.toEqual(initial.streams[0]?.srtp?.local);
  });
});
