// Byte-exact checks on real captures (test-fixtures/pcap/README.md): every RTP packet parses,
// sequence numbers and timestamps advance without a gap, and the decoded media equals an
// independent decoder's output (ffmpeg) of the source audio.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createAudioDecoder } from '../media/codecs/audio-decoder.js';
import { readPcapUdpDatagrams } from './pcap-reader.js';
import { isRtcpPacket } from './rtcp-packet.js';
import { parseRtpPacket, serializeRtpPacket, type RtpPacket } from './rtp-packet.js';

const PCAP = new URL('../../test-fixtures/pcap/', import.meta.url);
const AUDIO = new URL('../../test-fixtures/audio/', import.meta.url);

function readInt16(url: URL): Int16Array {
  const bytes = readFileSync(url);
  const out = new Int16Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readInt16LE(i * 2);
  return out;
}

function readFlows(name: string): Map<number, { packets: RtpPacket[]; raw: Uint8Array[] }> {
  const { datagrams, skipped } = readPcapUdpDatagrams(
    new Uint8Array(readFileSync(new URL(name, PCAP))),
  );
  expect(skipped).toBe(0);
  const flows = new Map<number, { packets: RtpPacket[]; raw: Uint8Array[] }>();
  for (const datagram of datagrams) {
    // RFC 5761 §4: PT 0 and 9 are outside 64-95, so none of these may be taken for RTCP.
    expect(isRtcpPacket(datagram.payload)).toBe(false);
    const result = parseRtpPacket(datagram.payload);
    if (!result.ok) throw new Error(`unparseable RTP: ${result.reason}`);
    const flow = flows.get(datagram.destinationPort) ?? { packets: [], raw: [] };
    flow.packets.push(result.packet);
    flow.raw.push(datagram.payload);
    flows.set(datagram.destinationPort, flow);
  }
  return flows;
}

function concat(chunks: Int16Array[]): Int16Array {
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** mkpcap.py numbers flow k (1-based) from seq 1000·k and timestamp 16000·k. */
function expectContinuous(
  packets: RtpPacket[],
  flow: number,
  ssrc: number,
  payloadType: number,
): void {
  expect(packets).toHaveLength(500);
  const firstSeq = packets[0]!.sequenceNumber;
  const firstTs = packets[0]!.timestamp;
  expect([firstSeq, firstTs]).toEqual([1000 * flow, 16000 * flow]);
  packets.forEach((packet, i) => {
    expect(packet.ssrc).toBe(ssrc);
    expect(packet.payloadType).toBe(payloadType);
    // RFC 3550 §5.1: "The sequence number increments by one for each RTP data packet sent".
    expect(packet.sequenceNumber).toBe(firstSeq + i);
    // 20 ms at an 8000 Hz RTP clock is 160 units, also for G.722 (RFC 3551 §4.5.2).
    expect(packet.timestamp).toBe(firstTs + i * 160);
    // RFC 3551 §4.1: the marker flags the first packet of a talkspurt (here the first packet).
    expect(packet.marker).toBe(i === 0);
    expect(packet.payload).toHaveLength(160);
  });
}

describe('RTP captures', () => {
  it('reads two PCMU flows with continuous seq/timestamps, 20 ms apart', () => {
    const { datagrams } = readPcapUdpDatagrams(
      new Uint8Array(readFileSync(new URL('conv_2streams_pcmu_10s.pcap', PCAP))),
    );
    expect(datagrams).toHaveLength(1000);
    const alice = datagrams.filter((d) => d.destinationPort === 6000);
    expect(alice[1]!.timeMs - alice[0]!.timeMs).toBeCloseTo(20, 6);
    expect(alice[0]!.sourceAddress).toBe('127.0.0.1');
    const flows = readFlows('conv_2streams_pcmu_10s.pcap');
    expectContinuous(flows.get(6000)!.packets, 1, 0x0a11ce01, 0);
    expectContinuous(flows.get(6002)!.packets, 2, 0x0b0b0002, 0);
  });

  it('re-serialising every parsed packet gives back the captured bytes', () => {
    for (const name of ['conv_2streams_pcmu_10s.pcap', 'conv_2streams_g722_10s.pcap']) {
      for (const { packets, raw } of readFlows(name).values()) {
        packets.forEach((packet, i) => {
          expect(Buffer.from(serializeRtpPacket(packet)).equals(Buffer.from(raw[i]!))).toBe(true);
        });
      }
    }
  });

  it('PCMU payloads decode to the same PCM as ffmpeg decodes conv_alice.ulaw / conv_bob.ulaw', () => {
    const flows = readFlows('conv_2streams_pcmu_10s.pcap');
    for (const [port, party] of [
      [6000, 'alice'],
      [6002, 'bob'],
    ] as const) {
      const decoder = createAudioDecoder('PCMU');
      const decoded = concat(flows.get(port)!.packets.map((p) => decoder.decode(p.payload)));
      const reference = readInt16(new URL(`conv_${party}_10s_ulaw_ref.s16le`, PCAP));
      expect(decoded.length).toBe(reference.length);
      expect(Buffer.from(decoded.buffer).equals(Buffer.from(reference.buffer))).toBe(true);
    }
  });

  it('G.722 flows (PT 9) decode to the ffmpeg reference for the same stretch of audio', () => {
    const flows = readFlows('conv_2streams_g722_10s.pcap');
    expectContinuous(flows.get(6000)!.packets, 1, 0x0a11ce09, 9);
    expectContinuous(flows.get(6002)!.packets, 2, 0x0b0b0009, 9);
    // Bob's first 4 s (200 packets) from a fresh decoder equal conv_bob_0s-4s decoded by ffmpeg;
    // alice's 6-10 s (packets 300..499) likewise with a decoder started at packet 300.
    const cases = [
      { port: 6000, from: 300, stem: 'conv_alice_6s-10s' },
      { port: 6002, from: 0, stem: 'conv_bob_0s-4s' },
    ];
    for (const { port, from, stem } of cases) {
      const decoder = createAudioDecoder('G722');
      const packets = flows.get(port)!.packets.slice(from, from + 200);
      const decoded = concat(packets.map((p) => decoder.decode(p.payload)));
      const reference = readInt16(new URL(`${stem}.ffmpeg.s16le`, AUDIO));
      expect(decoded.length).toBe(reference.length);
      expect(Buffer.from(decoded.buffer).equals(Buffer.from(reference.buffer))).toBe(true);
    }
  });
});
