import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createAudioDecoder } from './audio-decoder.js';
import { decodePcma, decodePcmaInto, decodePcmu, decodePcmuInto } from './g711-decoder.js';

const FIXTURES = new URL('../../../test-fixtures/audio/', import.meta.url);

function readPcm(name: string): Int16Array {
  const bytes = readFileSync(new URL(name, FIXTURES));
  const out = new Int16Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readInt16LE(i * 2);
  return out;
}

const allCodes = new Uint8Array(readFileSync(new URL('all_codes.g711', FIXTURES)));

describe('G.711 expansion', () => {
  it('ITU-T G.711 µ-law: all 256 codes expand as ffmpeg expands them', () => {
    expect(Array.from(decodePcmu(allCodes))).toEqual(
      Array.from(readPcm('all_codes_mulaw.ffmpeg.s16le')),
    );
  });

  it('ITU-T G.711 A-law: all 256 codes expand as ffmpeg expands them', () => {
    expect(Array.from(decodePcma(allCodes))).toEqual(
      Array.from(readPcm('all_codes_alaw.ffmpeg.s16le')),
    );
  });

  it('G.711 µ-law: 0xFF and 0x7F are the two zero codes, 0x00 is the most negative value', () => {
    expect(Array.from(decodePcmu(Uint8Array.of(0xff, 0x7f, 0x00, 0x80)))).toEqual([
      0, 0, -32124, 32124,
    ]);
  });

  it('G.711 A-law: the even bits are inverted, so 0xD5 and 0x55 are the smallest magnitudes', () => {
    expect(Array.from(decodePcma(Uint8Array.of(0xd5, 0x55)))).toEqual([8, -8]);
  });

  it('RFC 3551 §4.5.14: one octet per sample, so a 20 ms payload is 160 samples', () => {
    expect(decodePcmu(new Uint8Array(160))).toHaveLength(160);
  });

  it('decoding into an array writes what decoding to a new one returns, and no further', () => {
    const out = new Int16Array(300).fill(7);
    expect(decodePcmuInto(allCodes, out)).toBe(256);
    expect(Array.from(out.subarray(0, 256))).toEqual(Array.from(decodePcmu(allCodes)));
    expect(out[256]).toBe(7);
    expect(decodePcmaInto(allCodes, out)).toBe(256);
    expect(Array.from(out.subarray(0, 256))).toEqual(Array.from(decodePcma(allCodes)));
    expect(() => decodePcmuInto(allCodes, new Int16Array(255))).toThrow(RangeError);
  });

  it('the PCMU and PCMA decoders offer decodeInto with one sample per payload octet', () => {
    for (const name of ['PCMU', 'PCMA']) {
      const decoder = createAudioDecoder(name);
      const out = new Int16Array(decoder.maxSamplesOf!(allCodes));
      expect(decoder.decodeInto!(allCodes, out)).toBe(256);
      expect(Array.from(out)).toEqual(Array.from(decoder.decode(allCodes)));
    }
  });
});
