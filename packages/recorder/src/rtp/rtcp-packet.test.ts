import { describe, expect, it } from 'vitest';
import { isRtcpPacket, parseRtcpCompound, type RtcpParseResult } from './rtcp-packet.js';
import { serializeRtpPacket } from './rtp-packet.js';

function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

// SR (no report blocks): header, SSRC, NTP (8), RTP ts, packet count, octet count = 7 words.
const SR = '80c8 0006 0a11ce01 e4a1b2c3d4e5f607 00001f40 00000032 00001f40';
// RR with one report block: header + SSRC + 6 words.
const RR = '81c9 0007 0b0b0002 0a11ce01 00000000 00000100 00000000 00000000 00000000';
// SDES with one chunk: SSRC, CNAME "ab" (type 1, len 2), then the null item ending the chunk
// and padding to the next 32-bit boundary (RFC 3550 §6.5).
const SDES = '81ca 0003 0a11ce01 0102 6162 0000 0000';
// BYE for two sources.
const BYE = '82cb 0002 0a11ce01 0b0b0002';

function expectFailure(result: RtcpParseResult, reason: string): void {
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.reason).toBe(reason);
}

describe('isRtcpPacket (RFC 5761 §4)', () => {
  it('RFC 5761 §4: a second octet of 192-223 marks RTCP (SR 200 .. APP 204 and feedback)', () => {
    expect(isRtcpPacket(hex(SR))).toBe(true);
    expect(isRtcpPacket(hex(BYE))).toBe(true);
    expect(isRtcpPacket(hex('81cd 0002 00000001 00000002'))).toBe(true); // RTPFB 205
  });

  it('RTP payload types outside 64-95 are RTP, with or without the marker bit', () => {
    for (const [pt, marker] of [
      [0, true],
      [8, false],
      [9, true],
      [101, false],
      [111, true],
      [96, true],
    ] as const) {
      const rtp = serializeRtpPacket({
        marker,
        payloadType: pt,
        sequenceNumber: 1,
        timestamp: 1,
        ssrc: 1,
        payload: new Uint8Array(4),
      });
      expect(isRtcpPacket(rtp)).toBe(false);
    }
  });

  it('rejects short datagrams and other versions', () => {
    expect(isRtcpPacket(hex('80c8'))).toBe(false);
    expect(isRtcpPacket(hex('40c8 0006 0a11ce01'))).toBe(false);
  });
});

describe('parseRtcpCompound (RFC 3550 §6.1, Appendix A.2)', () => {
  it('counts SR, RR, SDES and BYE in a compound packet and lists the BYE sources', () => {
    const result = parseRtcpCompound(hex(SR + RR + SDES + BYE));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.compound).toMatchObject({
      senderReports: 1,
      receiverReports: 1,
      sourceDescriptions: 1,
      byes: 1,
      byeSsrcs: [0x0a11ce01, 0x0b0b0002],
      other: 0,
    });
    expect(result.compound.packets.map((p) => [p.packetType, p.byteLength, p.ssrc])).toEqual([
      [200, 28, 0x0a11ce01],
      [201, 32, 0x0b0b0002],
      [202, 16, 0x0a11ce01],
      [203, 12, 0x0a11ce01],
    ]);
  });

  it('RFC 3550 A.2: the first packet of a compound must be SR or RR', () => {
    expectFailure(parseRtcpCompound(hex(SDES + BYE)), 'bad-first-packet');
  });

  it('RFC 3550 A.2: the lengths must add up to the datagram exactly', () => {
    expectFailure(parseRtcpCompound(hex(SR + '81ca 0005 0a11ce01')), 'bad-length');
    expectFailure(parseRtcpCompound(hex(SR + '81')), 'bad-length');
  });

  it('RFC 3550 A.2: every packet carries version 2', () => {
    expectFailure(
      parseRtcpCompound(hex(SR + '41ca 0003 0a11ce01 01026162 00000000')),
      'bad-version',
    );
  });

  it('RFC 3550 §6.4.1: only the last packet of a compound may be padded', () => {
    const paddedBye = 'a1cb 0002 0a11ce01 00000004';
    const ok = parseRtcpCompound(hex(RR + paddedBye));
    expect(ok.ok && ok.compound.byeSsrcs).toEqual([0x0a11ce01]);
    expectFailure(parseRtcpCompound(hex(RR + paddedBye + BYE)), 'bad-padding');
    expectFailure(parseRtcpCompound(hex(RR + 'a1cb 0002 0a11ce01 00000009')), 'bad-padding');
  });

  it('counts APP and feedback packets as other', () => {
    const result = parseRtcpCompound(hex(RR + '80cc 0002 0a11ce01 74657374'));
    expect(result.ok && result.compound.other).toBe(1);
  });
});
