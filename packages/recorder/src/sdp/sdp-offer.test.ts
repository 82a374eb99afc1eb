import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSdp } from './sdp-parser.js';
import { buildSdpAnswer } from './sdp-answer.js';
import { buildSdpOffer, readSdpAnswerToOffer, type SdpOfferOptions } from './sdp-offer.js';

const answerFixture = (): string =>
  fs.readFileSync(
    new URL('../../test-fixtures/sip/cucm-delayed-offer-ACK-answer.sdp', import.meta.url),
    'utf8',
  );

function options(labels: readonly string[], free = 10): SdpOfferOptions {
  let next = 40000;
  let left = free;
  return {
    localAddress: '192.0.2.10',
    allocatePortPair: () => {
      if (left-- <= 0) return undefined;
      const port = next;
      next += 2;
      return port;
    },
    randomBytes: (n) => new Uint8Array(n).fill(1),
    labels,
    g729: false,
  };
}

describe('sdp-offer: the SRS offer of a delayed-offer INVITE (RFC 3261 §13.2.1, RFC 3264 §5)', () => {
  it('one recvonly RTP/AVP stream per label, every decodable codec and telephone-event', () => {
    const offer = buildSdpOffer(options(['1', '2']));
    if (!offer) throw new Error('offer expected');
    expect(offer.sdp).toBe(
      [
        'v=0',
        'o=callvault 1103823438082 1 IN IP4 192.0.2.10',
        's=Callvault SRS',
        'c=IN IP4 192.0.2.10',
        't=0 0',
        ...[40000, 40002].flatMap((port, i) => [
          `m=audio ${port} RTP/AVP 0 8 9 112 113 114 115 111 101`,
          'a=rtpmap:0 PCMU/8000',
          'a=rtpmap:8 PCMA/8000',
          'a=rtpmap:9 G722/8000',
          'a=rtpmap:112 G726-16/8000',
          'a=rtpmap:113 G726-24/8000',
          'a=rtpmap:114 G726-32/8000',
          'a=rtpmap:115 G726-40/8000',
          'a=rtpmap:111 opus/48000/2',
          'a=rtpmap:101 telephone-event/8000',
          'a=fmtp:101 0-16',
          `a=label:${i + 1}`,
          'a=recvonly',
        ]),
        '',
      ].join('\r\n'),
    );
    // Our offer is a valid SDP in its own right.
    expect(parseSdp(offer.sdp).media.map((m) => [m.label, m.direction, m.port])).toEqual([
      ['1', 'recvonly', 40000],
      ['2', 'recvonly', 40002],
    ]);
    expect(offer.state.streams.map((s) => s.port)).toEqual([40000, 40002]);
  });

  it('G.729 is offered (static PT 18, Annex B) only where this process decodes it', () => {
    const offer = buildSdpOffer({ ...options(['1']), g729: true });
    if (!offer) throw new Error('offer expected');
    const lines = offer.sdp.split('\r\n');
    expect(lines).toContain('m=audio 40000 RTP/AVP 0 8 9 18 112 113 114 115 111 101');
    expect(lines).toContain('a=rtpmap:18 G729/8000');
    expect(lines).toContain('a=fmtp:18 annexb=yes');
  });

  it('an answer choosing G.729 or G.726-32 from our offer is read as that codec', () => {
    const offer = buildSdpOffer({ ...options(['1', '2']), g729: true });
    if (!offer) throw new Error('offer expected');
    const answer = [
      'v=0',
      'o=SBC 7 7 IN IP4 198.51.100.7',
      's=-',
      'c=IN IP4 198.51.100.7',
      't=0 0',
      'm=audio 20000 RTP/AVP 18',
      'a=rtpmap:18 G729/8000',
      'a=sendonly',
      'm=audio 20002 RTP/AVP 114',
      'a=rtpmap:114 G726-32/8000',
      'a=sendonly',
      '',
    ].join('\r\n');
    const read = readSdpAnswerToOffer(offer, parseSdp(answer), {
      localAddress: '192.0.2.10',
      randomBytes: (n) => new Uint8Array(n),
      g729: true,
    });
    expect(read.streams.map((s) => [s.label, s.codec?.name, s.codec?.payloadType])).toEqual([
      ['1', 'G729', 18],
      ['2', 'G726-32', 114],
    ]);
  });

  it('no port pair for every stream: no offer', () => {
    expect(buildSdpOffer(options(['1', '2'], 1))).toBeUndefined();
    expect(() => buildSdpOffer(options([]))).toThrow(/at least one stream/);
  });

  it("the CUCM answer in the ACK: the SRC's codec and address on the offered ports, labels kept", () => {
    const offer = buildSdpOffer(options(['1', '2']));
    if (!offer) throw new Error('offer expected');
    const read = readSdpAnswerToOffer(offer, parseSdp(answerFixture()), {
      localAddress: '192.0.2.10',
      randomBytes: (n) => new Uint8Array(n),
    });
    expect(
      read.streams.map((s) => ({
        label: s.label,
        accepted: s.accepted,
        port: s.localPort,
        codec: s.codec?.name,
        te: s.telephoneEvent?.payloadType,
        remote: s.remote,
        direction: s.direction,
      })),
    ).toEqual([
      {
        label: '1',
        accepted: true,
        port: 40000,
        codec: 'PCMU',
        te: 101,
        remote: { address: '172.31.93.236', port: 10292, rtcpPort: 10293 },
        direction: 'recvonly',
      },
      {
        label: '2',
        accepted: true,
        port: 40002,
        codec: 'PCMU',
        te: 101,
        remote: { address: '172.31.93.236', port: 10294, rtcpPort: 10295 },
        direction: 'recvonly',
      },
    ]);
    expect(read.releasedPorts).toEqual([]);
    // What was last sent is the offer: the next answer in the dialog is version 2 of our origin.
    expect(read.state.sdp).toBe(offer.sdp);
    const reoffer = buildSdpAnswer(parseSdp(answerFixture()), {
      localAddress: '192.0.2.10',
      allocatePortPair: () => undefined,
      randomBytes: (n) => new Uint8Array(n),
      previous: read.state,
    });
    expect(reoffer.sdp).toMatch(/^o=callvault 1103823438082 2 IN IP4 192\.0\.2\.10$/m);
    expect(reoffer.streams.map((s) => s.localPort)).toEqual([40000, 40002]);
  });

  it('an unlabelled answer takes the offered labels; an m-line count that differs is refused', () => {
    const offer = buildSdpOffer(options(['a', 'b']));
    if (!offer) throw new Error('offer expected');
    const unlabelled = answerFixture().replace(/a=label:\d\n/g, '');
    const read = readSdpAnswerToOffer(offer, parseSdp(unlabelled), {
      localAddress: '192.0.2.10',
      randomBytes: (n) => new Uint8Array(n),
    });
    expect(read.streams.map((s) => s.label)).toEqual(['a', 'b']);
    const one = answerFixture().split('m=audio 10294')[0] ?? '';
    expect(() =>
      readSdpAnswerToOffer(offer, parseSdp(one), {
        localAddress: '192.0.2.10',
        randomBytes: (n) => new Uint8Array(n),
      }),
    ).toThrow(/1 m-lines, the offer 2/);
  });
});
