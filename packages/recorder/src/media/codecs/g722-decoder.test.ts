import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { G722_RTP_CLOCK_RATE, G722_SAMPLE_RATE, G722Decoder } from './g722-decoder.js';

const FIXTURES = new URL('../../../test-fixtures/audio/', import.meta.url);

function readFixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, FIXTURES)));
}

function readPcm(name: string): Int16Array {
  const bytes = readFixture(name);
  const out = new Int16Array(bytes.length / 2);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

/** Decode in 20 ms RTP-sized pieces (160 codewords) as the media path does. */
function decodeInPackets(decoder: G722Decoder, bytes: Uint8Array, packetBytes = 160): Int16Array {
  const out = new Int16Array(bytes.length * 2);
  for (let i = 0; i < bytes.length; i += packetBytes) {
    out.set(decoder.decode(bytes.subarray(i, i + packetBytes)), i * 2);
  }
  return out;
}

function countDifferences(a: Int16Array, b: Int16Array): number {
  let differences = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) differences++;
  return differences;
}

describe('G722Decoder (ITU-T G.722, 64 kbit/s)', () => {
  it.each(['conv_alice_6s-10s', 'conv_bob_0s-4s', 'random_codewords_1s', 'loud_sine_noise_1s'])(
    'decodes %s sample-exactly like the ffmpeg reference decoder',
    (stem) => {
      const decoded = decodeInPackets(new G722Decoder(), readFixture(`${stem}.g722`));
      const reference = readPcm(`${stem}.ffmpeg.s16le`);
      expect(decoded.length).toBe(reference.length);
      expect(countDifferences(decoded, reference)).toBe(0);
    },
  );

  it('G.722 §1.4: each 8-bit codeword yields two 16 kHz output samples', () => {
    expect(new G722Decoder().decode(new Uint8Array(160))).toHaveLength(320);
    expect(G722_SAMPLE_RATE).toBe(16000);
  });

  it('RFC 3551 §4.5.2: the RTP clock rate of G722 is 8000 although audio is sampled at 16000', () => {
    expect(G722_RTP_CLOCK_RATE).toBe(8000);
  });

  it('keeps its state across packets: splitting the stream differently gives the same PCM', () => {
    const bytes = readFixture('conv_bob_0s-4s.g722');
    const whole = new G722Decoder().decode(bytes);
    const oddPieces = decodeInPackets(new G722Decoder(), bytes, 37);
    expect(countDifferences(whole, oddPieces)).toBe(0);
  });

  it('reset() returns to the initial state (a new SSRC starts a new G.722 stream)', () => {
    const bytes = readFixture('conv_alice_6s-10s.g722');
    const decoder = new G722Decoder();
    const first = decoder.decode(bytes.subarray(0, 4000));
    decoder.decode(readFixture('random_codewords_1s.g722'));
    decoder.reset();
    expect(countDifferences(decoder.decode(bytes.subarray(0, 4000)), first)).toBe(0);
  });

  it('does not reproduce the reference when the state is not carried (the test can fail)', () => {
    const bytes = readFixture('conv_alice_6s-10s.g722');
    const reference = readPcm('conv_alice_6s-10s.ffmpeg.s16le');
    const statelessPieces = new Int16Array(bytes.length * 2);
    for (let i = 0; i < bytes.length; i += 160) {
      statelessPieces.set(new G722Decoder().decode(bytes.subarray(i, i + 160)), i * 2);
    }
    expect(countDifferences(statelessPieces, reference)).toBeGreaterThan(1000);
  });
});
