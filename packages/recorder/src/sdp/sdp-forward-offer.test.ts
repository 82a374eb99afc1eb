import { describe, expect, it } from 'vitest';
import { buildSdpAnswer, type SdpAnswerOptions } from './sdp-answer.js';
import { SdpError } from './sdp-error.js';
import { buildForwardSdpOffer } from './sdp-forward-offer.js';
import { parseSdp } from './sdp-parser.js';

const lines = (...l: string[]): string => l.join('\r\n') + '\r\n';

function answerOptions(): SdpAnswerOptions {
  let next = 40000;
  return {
    localAddress: '192.0.2.10',
    allocatePortPair: () => (next += 2) - 2,
    randomBytes: (length) => new Uint8Array(length).fill(7),
  };
}

/** The inbound leg as the recorder answered it: PCMA with telephone-event, and Opus on hold. */
function inboundStreams() {
  const offer = parseSdp(
    lines(
      'v=0',
      'o=SRC 1 1 IN IP4 198.51.100.1',
      's=-',
      'c=IN IP4 198.51.100.1',
      't=0 0',
      'm=audio 49170 RTP/AVP 8 101',
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-15',
      'a=label:1',
      'a=sendonly',
      'm=audio 49172 RTP/AVP 111',
      'a=rtpmap:111 opus/48000/2',
      'a=fmtp:111 useinbandfec=1',
      'a=label:2',
      'a=inactive',
    ),
  );
  return buildSdpAnswer(offer, answerOptions()).streams;
}

describe('forwarded session offer (RFC 7866 §8.1, RFC 3264 §5)', () => {
  it('RFC 7866 §8.1: one sendonly m-line per recorded stream with its label, offering the inbound payload types unchanged, byte for byte', () => {
    const [first, second] = inboundStreams();
    const sdp = buildForwardSdpOffer({
      localAddress: '192.0.2.1',
      sessionId: '4242',
      sessionVersion: 1,
      streams: [
        { inbound: first!, relayPort: 30000 },
        { inbound: second!, relayPort: 30002 },
      ],
    });
    expect(sdp).toBe(
      lines(
        'v=0',
        'o=callvault 4242 1 IN IP4 192.0.2.1',
        's=Callvault SRC',
        'c=IN IP4 192.0.2.1',
        't=0 0',
        'm=audio 30000 RTP/AVP 8 101',
        'a=rtpmap:8 PCMA/8000',
        'a=rtpmap:101 telephone-event/8000',
        'a=fmtp:101 0-15',
        'a=label:1',
        'a=sendonly',
        'm=audio 30002 RTP/AVP 111',
        'a=rtpmap:111 opus/48000/2',
        'a=fmtp:111 useinbandfec=1',
        'a=label:2',
        'a=inactive',
      ),
    );
  });

  it('RFC 3264 §6: a recording server (Callvault itself) accepts every forwarded stream with the same labels and codecs', () => {
    const inbound = inboundStreams();
    const sdp = buildForwardSdpOffer({
      localAddress: '192.0.2.1',
      sessionId: '1',
      sessionVersion: 1,
      streams: inbound.map((s, i) => ({ inbound: s, relayPort: 30000 + 2 * i })),
    });
    const answered = buildSdpAnswer(parseSdp(sdp), answerOptions()).streams;
    expect(answered.map((s) => [s.accepted, s.label, s.codec?.name, s.direction])).toEqual([
      [true, '1', 'PCMA', 'recvonly'],
      [true, '2', 'opus', 'inactive'],
    ]);
    expect(answered[0]?.remote.port).toBe(30000);
  });

  it.each([0, 30001, 70000])('a relay port of %i is refused', (relayPort) => {
    const [first] = inboundStreams();
    expect(() =>
      buildForwardSdpOffer({
        localAddress: '192.0.2.1',
        sessionId: '1',
        sessionVersion: 1,
        streams: [{ inbound: first!, relayPort }],
      }),
    ).toThrow(SdpError);
  });

  it('an offer without streams is refused', () => {
    expect(() =>
      buildForwardSdpOffer({
        localAddress: '192.0.2.1',
        sessionId: '1',
        sessionVersion: 1,
        streams: [],
      }),
    ).toThrow(SdpError);
  });
});
