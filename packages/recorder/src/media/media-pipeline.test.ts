// End to end on a real capture: pcap → RTP parse → jitter buffer (with reordering and
// duplicates) → PCMU decode → two-channel timeline, compared with ffmpeg's decoding of the
// source audio (test-fixtures/pcap/README.md).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readPcapUdpDatagrams } from '../rtp/pcap-reader.js';
import { parseRtpPacket } from '../rtp/rtp-packet.js';
import { createAudioDecoder, getRtpClockRate } from './codecs/audio-decoder.js';
import { JitterBuffer, type JitterOutput } from './jitter-buffer.js';
import { PcmTimeline } from './timeline.js';

const PCAP = new URL('../../test-fixtures/pcap/', import.meta.url);

function readInt16(name: string): Int16Array {
  const bytes = readFileSync(new URL(name, PCAP));
  const out = new Int16Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readInt16LE(i * 2);
  return out;
}

describe('media pipeline on conv_2streams_pcmu_10s.pcap', () => {
  it('reordered and duplicated packets still rebuild both parties sample for sample', () => {
    const { datagrams } = readPcapUdpDatagrams(
      new Uint8Array(readFileSync(new URL('conv_2streams_pcmu_10s.pcap', PCAP))),
    );
    const origin = datagrams[0]!.timeMs;
    // Deterministic disorder: every 7th packet is delayed 35 ms, every 11th is sent twice.
    const arrivals = datagrams.flatMap((d, i) => {
      const at = d.timeMs + (i % 7 === 3 ? 35 : 0);
      return i % 11 === 5
        ? [
            { d, at },
            { d, at: at + 5 },
          ]
        : [{ d, at }];
    });
    arrivals.sort((a, b) => a.at - b.at);

    const clock = { time: origin, now: () => clock.time };
    const channels = new Map([
      [6000, 0],
      [6002, 1],
    ]);
    const buffers = [0, 1].map(() => new JitterBuffer({ clock, depthMs: 60 }));
    const decoders = [0, 1].map(() => createAudioDecoder('PCMU'));
    const timeline = new PcmTimeline({ sampleRate: 8000, channelCount: 2, originMs: origin });
    const consume = (channel: number, outputs: JitterOutput[]) => {
      for (const output of outputs) {
        if (output.kind !== 'frame') continue;
        timeline.place({
          channel,
          segment: output.segment,
          segmentTimestamp: output.segmentTimestamp,
          rtpClockRate: getRtpClockRate('PCMU'),
          arrivalMs: output.arrivalMs,
          samples: decoders[channel]!.decode(output.payload),
          sampleRate: decoders[channel]!.sampleRate,
        });
      }
    };
    for (const { d, at } of arrivals) {
      clock.time = at;
      const channel = channels.get(d.destinationPort)!;
      const parsed = parseRtpPacket(d.payload);
      if (!parsed.ok) throw new Error(parsed.reason);
      buffers[channel]!.push(parsed.packet);
      for (const c of [0, 1]) consume(c, buffers[c]!.pop());
    }
    for (const c of [0, 1]) consume(c, buffers[c]!.flush());

    const [alice, bob] = timeline.readAll();
    const aliceRef = readInt16('conv_alice_10s_ulaw_ref.s16le');
    const bobRef = readInt16('conv_bob_10s_ulaw_ref.s16le');
    expect(alice!.length).toBe(aliceRef.length);
    expect(Buffer.from(alice!.buffer).equals(Buffer.from(aliceRef.buffer))).toBe(true);
    expect(Buffer.from(bob!.buffer).equals(Buffer.from(bobRef.buffer))).toBe(true);
    for (const buffer of buffers) {
      expect(buffer.stats).toMatchObject({ lost: 0, late: 0, released: 500 });
      expect(buffer.stats.duplicates).toBeGreaterThan(40);
    }
  });
});
