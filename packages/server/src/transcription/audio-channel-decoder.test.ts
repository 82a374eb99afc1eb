import { describe, expect, it } from 'vitest';
import { deinterleavePcm16 } from './audio-channel-decoder.js';

describe('deinterleavePcm16', () => {
  it('splits L R L R frames into one array per channel', () => {
    const bytes = Buffer.alloc(12);
    [1, -1, 2, -2, 32767, -32768].forEach((v, i) => bytes.writeInt16LE(v, i * 2));
    expect(deinterleavePcm16(bytes, 2).map((c) => Array.from(c))).toEqual([
      [1, 2, 32767],
      [-1, -2, -32768],
    ]);
  });

  it('drops a trailing partial frame', () => {
    expect(deinterleavePcm16(Buffer.alloc(7), 3).map((c) => c.length)).toEqual([1, 1, 1]);
  });
});
