// Render stage interleave: a recording's channels as interleaved s16le blocks for an encoder.
import { describe, expect, it } from 'vitest';
import { INTERLEAVE_BLOCK_SAMPLES, interleaveBlock } from './interleave.js';

const samplesOf = (bytes: Uint8Array): number[] =>
  Array.from(new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2));

describe('interleaveBlock', () => {
  it('one sample of each channel in turn, a shorter channel padded with silence', () => {
    const block = new Uint8Array(64);
    const out = interleaveBlock([Int16Array.of(1, 2, 3, 4), Int16Array.of(-1, -2)], 1, 4, block);
    expect(out.byteLength).toBe(3 * 2 * 2);
    expect(samplesOf(out)).toEqual([2, -2, 3, 0, 4, 0]);
  });

  it('little-endian s16 (what ffmpeg reads as s16le)', () => {
    const out = interleaveBlock([Int16Array.of(0x0102)], 0, 1, new Uint8Array(2));
    expect([...out]).toEqual([0x02, 0x01]);
  });

  it('a block used again holds only the new samples', () => {
    const block = new Uint8Array(INTERLEAVE_BLOCK_SAMPLES * 2);
    interleaveBlock([new Int16Array(8).fill(5)], 0, 8, block);
    const again = interleaveBlock([Int16Array.of(1, 2)], 0, 4, block);
    expect(samplesOf(again)).toEqual([1, 2, 0, 0]);
  });
});
