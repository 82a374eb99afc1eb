import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readPcapUdpDatagrams } from '../../rtp/pcap-reader.js';
import { parseRtpPacket } from '../../rtp/rtp-packet.js';
import { createOpusDecoder, OPUS_SAMPLE_RATE } from './opus-decoder.js';

const FIXTURES = new URL('../../../test-fixtures/', import.meta.url);

function readInt16(name: string): Int16Array {
  const bytes = readFileSync(new URL(name, FIXTURES));
  return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
}

/** 48 kHz → 8 kHz by averaging six samples. */
function downsample(pcm: Int16Array): Int16Array {
  const out = new Int16Array(Math.floor(pcm.length / 6));
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let k = 0; k < 6; k++) sum += pcm[i * 6 + k]!;
    out[i] = Math.round(sum / 6);
  }
  return out;
}

function correlate(a: Int16Array, b: Int16Array, maxLag = 400): number {
  let best = -1;
  const n = Math.min(a.length, b.length) - maxLag;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let i = maxLag; i < n; i += 2) {
      const x = a[i]!;
      const y = b[i + lag]!;
      ab += x * y;
      aa += x * x;
      bb += y * y;
    }
    best = Math.max(best, ab / Math.sqrt(aa * bb || 1));
  }
  return best;
}

describe('Opus decoder', () => {
  const { datagrams } = readPcapUdpDatagrams(
    new Uint8Array(readFileSync(new URL('opus/conv_2streams_opus_10s.pcap', FIXTURES))),
  );

  function decodeFlow(port: number): Int16Array {
    const decoder = createOpusDecoder();
    const parts: Int16Array[] = [];
    for (const d of datagrams) {
      if (d.destinationPort !== port) continue;
      const parsed = parseRtpPacket(d.payload);
      if (parsed.ok) parts.push(decoder.decode(parsed.packet.payload));
    }
    decoder.close();
    const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }

  it('RFC 7587 §4.1: 20 ms packets on the 48 kHz clock decode to 960 samples each', () => {
    const first = datagrams.find((d) => d.destinationPort === 6000)!;
    const parsed = parseRtpPacket(first.payload);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const decoder = createOpusDecoder();
    expect(decoder.sampleRate).toBe(OPUS_SAMPLE_RATE);
    expect(decoder.decode(parsed.packet.payload)).toHaveLength(960);
    expect(decoder.decode(Uint8Array.from([0xff, 0xff, 0xff]))).toHaveLength(0);
    decoder.close();
  });

  it('each party decodes to what that party said (correlation with the G.711 reference)', () => {
    const alice = downsample(decodeFlow(6000));
    const bob = downsample(decodeFlow(6002));
    expect(alice.length).toBeGreaterThan(79_000);
    const aliceRef = readInt16('pcap/conv_alice_10s_ulaw_ref.s16le');
    const bobRef = readInt16('pcap/conv_bob_10s_ulaw_ref.s16le');
    expect(correlate(alice, aliceRef)).toBeGreaterThan(0.9);
    expect(correlate(bob, bobRef)).toBeGreaterThan(0.9);
    expect(correlate(alice, bobRef)).toBeLessThan(0.5);
  });
});
