import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createAudioDecoder, getRtpClockRate, normalizeAudioCodecName } from './audio-decoder.js';
import {
  G726_SAMPLE_RATE,
  G726Decoder,
  g726BitsPerSampleOf,
  type G726BitsPerSample,
} from './g726-decoder.js';

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

/** Decode in 20 ms RTP-sized pieces (160 samples) as the media path does. */
function decodeInPackets(decoder: G726Decoder, bytes: Uint8Array, packetBytes: number): Int16Array {
  const pieces: Int16Array[] = [];
  for (let i = 0; i < bytes.length; i += packetBytes) {
    pieces.push(decoder.decode(bytes.subarray(i, i + packetBytes)));
  }
  const out = new Int16Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

function countDifferences(a: Int16Array, b: Int16Array): number {
  let differences = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) differences++;
  return differences;
}

const RATES = [
  ['G726-16', 2],
  ['G726-24', 3],
  ['G726-32', 4],
  ['G726-40', 5],
] as const satisfies readonly (readonly [string, G726BitsPerSample])[];

describe('G726Decoder (ITU-T G.726, RFC 3551 little-endian packing)', () => {
  it.each(RATES)(
    '%s: decodes a loud tone then pink noise sample-exactly like ffmpeg g726le',
    (name, bits) => {
      const stem = `loud_tone_noise_1s.${name.toLowerCase()}`;
      // 20 ms = 160 samples = 20 * bits bytes per RTP packet.
      const decoded = decodeInPackets(new G726Decoder(bits), readFixture(stem), 20 * bits);
      const reference = readPcm(`${stem}.ffmpeg.s16le`);
      expect(decoded.length).toBe(8000);
      expect(countDifferences(decoded, reference)).toBe(0);
    },
  );

  it.each(RATES)(
    '%s: decodes pseudo-random codewords (every table entry) sample-exactly like ffmpeg',
    (name, bits) => {
      const bytes = readFixture('random_codewords.g726');
      const decoded = new G726Decoder(bits).decode(bytes);
      const reference = readPcm(`random_codewords.${name.toLowerCase()}.ffmpeg.s16le`);
      expect(decoded.length).toBe(Math.floor((bytes.length * 8) / bits));
      expect(countDifferences(decoded, reference)).toBe(0);
    },
  );

  it('keeps its state across packets: splitting the stream differently gives the same PCM', () => {
    const bytes = readFixture('loud_tone_noise_1s.g726-32');
    const whole = new G726Decoder(4).decode(bytes);
    const oddPieces = decodeInPackets(new G726Decoder(4), bytes, 7);
    expect(countDifferences(whole, oddPieces)).toBe(0);
  });

  it('RFC 3551 §4.5.4: the first codeword sits in the least significant bits of the byte', () => {
    // Two G726-32 codewords 0x7 (largest positive step) then 0x9 (largest negative step) in one
    // byte (0x97): the first decodes positive, the second negative, from the reset state.
    const [first, second] = new G726Decoder(4).decode(Uint8Array.of(0x97));
    expect(first).toBeGreaterThan(0);
    expect(second).toBeLessThan(0);
    const [swappedFirst] = new G726Decoder(4).decode(Uint8Array.of(0x79));
    expect(swappedFirst).toBeLessThan(0);
  });

  it('maps each RTP encoding name to its bits per sample, case-insensitively', () => {
    expect(RATES.map(([name]) => g726BitsPerSampleOf(name.toLowerCase()))).toEqual([2, 3, 4, 5]);
    expect(g726BitsPerSampleOf('G726')).toBeNull();
    expect(g726BitsPerSampleOf('AAL2-G726-32')).toBeNull();
  });

  it('createAudioDecoder builds G726-xx decoders at 8 kHz with an 8 kHz RTP clock', () => {
    for (const [name, bits] of RATES) {
      expect(normalizeAudioCodecName(name.toLowerCase())).toBe(name);
      const decoder = createAudioDecoder(name);
      expect(decoder.sampleRate).toBe(G726_SAMPLE_RATE);
      expect(getRtpClockRate(decoder.codec)).toBe(8000);
      // 20 ms of codewords decodes to 160 samples at every rate.
      expect(decoder.decode(new Uint8Array(20 * bits))).toHaveLength(160);
    }
  });
});
