import { describe, expect, it } from 'vitest';
import { decodeWavPcm16, encodeWavPcm16 } from './pcm-wav.js';

describe('encodeWavPcm16', () => {
  it('writes the canonical 44-byte header and little-endian samples', () => {
    const wav = encodeWavPcm16(Int16Array.from([1, -2, 32767]), 16_000);
    expect(wav.toString('hex')).toBe(
      '52494646' +
        '2a000000' +
        '57415645' +
        '666d7420' +
        '10000000' +
        '0100' +
        '0100' +
        '803e0000' +
        '007d0000' +
        '0200' +
        '1000' +
        '64617461' +
        '06000000' +
        '0100' +
        'feff' +
        'ff7f',
    );
  });

  it('round-trips through decodeWavPcm16', () => {
    const pcm = Int16Array.from({ length: 1000 }, (_, i) => ((i * 97) % 65_536) - 32_768);
    expect(decodeWavPcm16(encodeWavPcm16(pcm, 8000))).toEqual({
      sampleRate: 8000,
      channels: 1,
      pcm,
    });
  });
});

describe('decodeWavPcm16', () => {
  it('skips chunks it does not need (LIST) before the data', () => {
    const plain = encodeWavPcm16(Int16Array.from([5, 6]), 16_000);
    const list = Buffer.concat([
      Buffer.from('LIST', 'ascii'),
      Buffer.from([3, 0, 0, 0, 1, 2, 3, 0]),
    ]);
    const wav = Buffer.concat([plain.subarray(0, 36), list, plain.subarray(36)]);
    expect(Array.from(decodeWavPcm16(wav).pcm)).toEqual([5, 6]);
  });

  it('refuses what is not 16-bit PCM WAV', () => {
    expect(() => decodeWavPcm16(Buffer.from('OggS0000'))).toThrow('not a RIFF/WAVE file');
    const float = encodeWavPcm16(Int16Array.from([1]), 16_000);
    float.writeUInt16LE(3, 20);
    expect(() => decodeWavPcm16(float)).toThrow('not 16-bit PCM');
    expect(() => decodeWavPcm16(encodeWavPcm16(new Int16Array(0), 8000).subarray(0, 36))).toThrow(
      'no data chunk',
    );
  });
});
