import { describe, expect, it } from 'vitest';
import { readPcapUdpDatagrams } from './pcap-reader.js';

function udpIpv4(payload: number[], sport = 5000, dport = 6000): number[] {
  const udpLength = 8 + payload.length;
  const total = 20 + udpLength;
  return [
    0x45,
    0,
    total >> 8,
    total & 0xff,
    0,
    1,
    0x40,
    0,
    64,
    17,
    0,
    0,
    10,
    0,
    0,
    1,
    10,
    0,
    0,
    2,
    sport >> 8,
    sport & 0xff,
    dport >> 8,
    dport & 0xff,
    udpLength >> 8,
    udpLength & 0xff,
    0,
    0,
    ...payload,
  ];
}

function pcapFile(
  linkType: number,
  frames: number[][],
  littleEndian = true,
  nano = false,
): Uint8Array {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(24);
  const magic = nano ? 0xa1b23c4d : 0xa1b2c3d4;
  if (littleEndian) {
    header.writeUInt32LE(magic, 0);
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeUInt32LE(65535, 16);
    header.writeUInt32LE(linkType, 20);
  } else {
    header.writeUInt32BE(magic, 0);
    header.writeUInt16BE(2, 4);
    header.writeUInt16BE(4, 6);
    header.writeUInt32BE(65535, 16);
    header.writeUInt32BE(linkType, 20);
  }
  parts.push(header);
  frames.forEach((frame, i) => {
    const record = Buffer.alloc(16);
    const write = (value: number, offset: number) =>
      littleEndian ? record.writeUInt32LE(value, offset) : record.writeUInt32BE(value, offset);
    write(1700000000 + i, 0);
    write(nano ? 500_000_000 : 500_000, 4);
    write(frame.length, 8);
    write(frame.length, 12);
    parts.push(record, Buffer.from(frame));
  });
  return new Uint8Array(Buffer.concat(parts));
}

describe('readPcapUdpDatagrams', () => {
  it('reads Ethernet, VLAN-tagged, raw-IP and Linux cooked frames, either byte order', () => {
    const ip = udpIpv4([1, 2, 3]);
    const ether = [...new Array(12).fill(0), 0x08, 0x00, ...ip];
    const vlan = [...new Array(12).fill(0), 0x81, 0x00, 0x00, 0x05, 0x08, 0x00, ...ip];
    const cooked = [...new Array(14).fill(0), 0x08, 0x00, ...ip];
    for (const [linkType, frame] of [
      [1, ether],
      [1, vlan],
      [101, ip],
      [113, cooked],
    ] as const) {
      for (const littleEndian of [true, false]) {
        const { datagrams, skipped } = readPcapUdpDatagrams(
          pcapFile(linkType, [frame], littleEndian),
        );
        expect(skipped).toBe(0);
        expect(datagrams).toHaveLength(1);
        expect(datagrams[0]).toMatchObject({
          sourceAddress: '10.0.0.1',
          destinationAddress: '10.0.0.2',
          sourcePort: 5000,
          destinationPort: 6000,
          timeMs: 1700000000500,
        });
        expect(Array.from(datagrams[0]!.payload)).toEqual([1, 2, 3]);
      }
    }
  });

  it('reads nanosecond-resolution files', () => {
    const { datagrams } = readPcapUdpDatagrams(pcapFile(101, [udpIpv4([9])], true, true));
    expect(datagrams[0]!.timeMs).toBe(1700000000500);
  });

  it('reads IPv6 UDP', () => {
    const payload = [7, 7];
    const ip6 = [
      0x60,
      0,
      0,
      0,
      0,
      8 + payload.length,
      17,
      64,
      ...new Array(15).fill(0),
      1,
      ...new Array(15).fill(0),
      2,
      0x13,
      0x88,
      0x17,
      0x70,
      0,
      8 + payload.length,
      0,
      0,
      ...payload,
    ];
    const { datagrams } = readPcapUdpDatagrams(pcapFile(101, [ip6]));
    expect(datagrams[0]).toMatchObject({
      destinationAddress: '0:0:0:0:0:0:0:2',
      destinationPort: 6000,
    });
  });

  it('skips non-UDP and fragmented packets, rejects non-pcap and truncated files', () => {
    const tcp = udpIpv4([1]);
    tcp[9] = 6;
    const fragment = udpIpv4([1]);
    fragment[6] = 0x20; // more fragments
    expect(readPcapUdpDatagrams(pcapFile(101, [tcp, fragment])).skipped).toBe(2);
    expect(() => readPcapUdpDatagrams(new Uint8Array(24))).toThrow(RangeError);
    const file = pcapFile(101, [udpIpv4([1, 2, 3])]);
    expect(() => readPcapUdpDatagrams(file.subarray(0, file.length - 1))).toThrow(RangeError);
  });
});
