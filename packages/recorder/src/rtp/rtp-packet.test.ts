import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildRtpHeaderExtension,
  parseRtpPacket,
  serializeRtpPacket,
  type RtpPacket,
  type RtpParseResult,
} from './rtp-packet.js';

function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}

function parseOk(bytes: Uint8Array): RtpPacket {
  const result = parseRtpPacket(bytes);
  if (!result.ok) throw new Error(`expected a packet, got ${result.reason}: ${result.detail}`);
  return result.packet;
}

function expectFailure(result: RtpParseResult, reason: string): void {
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.reason).toBe(reason);
}

describe('parseRtpPacket (RFC 3550 §5.1)', () => {
  it('RFC 3550 §5.1: reads V, P, X, CC, M, PT, sequence number, timestamp and SSRC', () => {
    // The first packet of the alice flow of conv_2streams_pcmu.pcap (marker set, PT 0).
    const packet = parseOk(hex('80 80 03e8 00003e80 0a11ce01 ff fe 7f'));
    expect(packet).toMatchObject({
      version: 2,
      padding: false,
      extension: false,
      marker: true,
      payloadType: 0,
      sequenceNumber: 1000,
      timestamp: 16000,
      ssrc: 0x0a11ce01,
      csrcs: [],
      headerExtension: null,
      headerLength: 12,
      paddingLength: 0,
    });
    expect(Array.from(packet.payload)).toEqual([0xff, 0xfe, 0x7f]);
  });

  it('reads the largest field values (seq 65535, timestamp 2^32-1, PT 127)', () => {
    const packet = parseOk(hex('80 ff ffff ffffffff ffffffff 01'));
    expect(packet.payloadType).toBe(127);
    expect(packet.marker).toBe(true);
    expect(packet.sequenceNumber).toBe(65535);
    expect(packet.timestamp).toBe(0xffffffff);
    expect(packet.ssrc).toBe(0xffffffff);
  });

  it('the payload is a view into the input, not a copy', () => {
    const bytes = hex('80 00 0001 00000010 00000001 aa bb');
    const packet = parseOk(bytes);
    expect(packet.payload.buffer).toBe(bytes.buffer);
    expect(packet.payload.byteOffset).toBe(12);
  });

  it('RFC 3550 §5.1: "CC ... the number of CSRC identifiers that follow the fixed header"', () => {
    const packet = parseOk(hex('82 08 0001 00000010 00000001 11111111 22222222 dd'));
    expect(packet.csrcs).toEqual([0x11111111, 0x22222222]);
    expect(packet.headerLength).toBe(20);
    expect(Array.from(packet.payload)).toEqual([0xdd]);
  });

  it('RFC 3550 §5.1: the last padding octet counts the padding octets, itself included', () => {
    const packet = parseOk(hex('a0 00 0001 00000010 00000001 01 02 03 00 00 03'));
    expect(packet.padding).toBe(true);
    expect(packet.paddingLength).toBe(3);
    expect(Array.from(packet.payload)).toEqual([1, 2, 3]);
  });

  it('RFC 3550 §5.3.1: a header extension with an unknown profile is exposed raw', () => {
    const packet = parseOk(hex('90 00 0001 00000010 00000001 abcd 0001 01020304 ee'));
    expect(packet.headerExtension?.profile).toBe(0xabcd);
    expect(Array.from(packet.headerExtension?.data ?? [])).toEqual([1, 2, 3, 4]);
    expect(packet.headerExtension?.elements).toBeNull();
    expect(Array.from(packet.payload)).toEqual([0xee]);
  });

  it('RFC 8285 §4.2: one-byte elements (0xBEDE) with padding bytes between them', () => {
    // id 1 len 1 [0x11]; padding 0x00; id 3 len 2 [0x33 0x34]; padding to 8 bytes.
    const packet = parseOk(hex('90 00 0001 00000010 00000001 bede 0002 10 11 00 31 33 34 00 00'));
    const elements = packet.headerExtension?.elements ?? [];
    expect(elements.map((e) => [e.id, Array.from(e.data)])).toEqual([
      [1, [0x11]],
      [3, [0x33, 0x34]],
    ]);
  });

  it('RFC 8285 §4.2: ID 15 is reserved and parsing stops there', () => {
    const packet = parseOk(hex('90 00 0001 00000010 00000001 bede 0001 10 11 f0 22'));
    expect(packet.headerExtension?.elements?.map((e) => e.id)).toEqual([1]);
  });

  it('RFC 8285 §4.3: two-byte elements (0x100 + appbits), zero-length data allowed', () => {
    const packet = parseOk(hex('90 00 0001 00000010 00000001 1003 0002 05 00 40 02 aa bb 00 00'));
    expect(packet.headerExtension?.profile).toBe(0x1003);
    const elements = packet.headerExtension?.elements ?? [];
    expect(elements.map((e) => [e.id, Array.from(e.data)])).toEqual([
      [5, []],
      [64, [0xaa, 0xbb]],
    ]);
  });

  it('rejects malformed packets with a typed reason', () => {
    expectFailure(parseRtpPacket(hex('80 00 0001 00000010 000000')), 'too-short');
    expectFailure(parseRtpPacket(hex('40 00 0001 00000010 00000001')), 'bad-version');
    expectFailure(parseRtpPacket(hex('81 00 0001 00000010 00000001 0000')), 'truncated-csrc');
    expectFailure(parseRtpPacket(hex('90 00 0001 00000010 00000001 bede')), 'truncated-extension');
    expectFailure(
      parseRtpPacket(hex('90 00 0001 00000010 00000001 bede 0002 01020304')),
      'truncated-extension',
    );
    expectFailure(
      parseRtpPacket(hex('90 00 0001 00000010 00000001 bede 0001 13 11 22 33')),
      'bad-extension-element',
    );
    // Padding count 0 and padding longer than the payload are both invalid.
    expectFailure(parseRtpPacket(hex('a0 00 0001 00000010 00000001 01 00')), 'bad-padding');
    expectFailure(parseRtpPacket(hex('a0 00 0001 00000010 00000001 01 05')), 'bad-padding');
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const result = parseRtpPacket(bytes);
        if (result.ok) {
          expect(result.packet.headerLength + result.packet.payload.length).toBeLessThanOrEqual(
            bytes.length,
          );
        }
      }),
    );
  });
});

describe('serializeRtpPacket', () => {
  it('writes the RFC 3550 §5.1 layout byte for byte', () => {
    const bytes = serializeRtpPacket({
      marker: true,
      payloadType: 9,
      sequenceNumber: 0x1234,
      timestamp: 0xdecafbad,
      ssrc: 0xcafebabe,
      csrcs: [0x01020304],
      payload: hex('aabb'),
      paddingLength: 2,
    });
    expect(Buffer.from(bytes).toString('hex')).toBe(
      'a189' + '1234' + 'decafbad' + 'cafebabe' + '01020304' + 'aabb' + '0002',
    );
  });

  it('round-trips every field through parseRtpPacket', () => {
    const element = fc.record({
      id: fc.integer({ min: 1, max: 14 }),
      data: fc.uint8Array({ minLength: 1, maxLength: 16 }),
    });
    fc.assert(
      fc.property(
        fc.record({
          marker: fc.boolean(),
          payloadType: fc.integer({ min: 0, max: 127 }),
          sequenceNumber: fc.integer({ min: 0, max: 65535 }),
          timestamp: fc.integer({ min: 0, max: 0xffffffff }),
          ssrc: fc.integer({ min: 0, max: 0xffffffff }),
          csrcs: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }),
          elements: fc.array(element, { maxLength: 4 }),
          payload: fc.uint8Array({ maxLength: 200 }),
          paddingLength: fc.integer({ min: 0, max: 255 }),
        }),
        (fields) => {
          const headerExtension =
            fields.elements.length > 0 ? buildRtpHeaderExtension(fields.elements) : undefined;
          const bytes = serializeRtpPacket({ ...fields, headerExtension });
          const packet = parseOk(bytes);
          expect(packet.marker).toBe(fields.marker);
          expect(packet.payloadType).toBe(fields.payloadType);
          expect(packet.sequenceNumber).toBe(fields.sequenceNumber);
          expect(packet.timestamp).toBe(fields.timestamp);
          expect(packet.ssrc).toBe(fields.ssrc);
          expect(packet.csrcs).toEqual(fields.csrcs);
          expect(Array.from(packet.payload)).toEqual(Array.from(fields.payload));
          expect(packet.paddingLength).toBe(fields.paddingLength);
          expect(
            packet.headerExtension?.elements?.map((e) => [e.id, Array.from(e.data)]) ?? [],
          ).toEqual(fields.elements.map((e) => [e.id, Array.from(e.data)]));
        },
      ),
    );
  });

  it('RFC 8285 §4.3: falls back to two-byte elements for ids above 14 or long data', () => {
    const ext = buildRtpHeaderExtension([{ id: 20, data: new Uint8Array(20).fill(7) }]);
    expect(ext.profile).toBe(0x1000);
    const packet = parseOk(
      serializeRtpPacket({
        payloadType: 0,
        sequenceNumber: 1,
        timestamp: 1,
        ssrc: 1,
        headerExtension: ext,
        payload: new Uint8Array(0),
      }),
    );
    expect(packet.headerExtension?.elements?.[0]?.id).toBe(20);
    expect(packet.headerExtension?.elements?.[0]?.data).toHaveLength(20);
  });
});
