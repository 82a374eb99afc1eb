import fs from 'node:fs';
import alawmulaw from 'alawmulaw';
import { describe, expect, it } from 'vitest';
import { decodePcmu } from '../codecs/g711-decoder.js';
import { detectDtmfBlock, InbandDtmfDetector, toInbandDtmfRate } from './inband-dtmf-detector.js';

const FREQS: Record<string, [number, number]> = {
  '1': [697, 1209],
  '4': [770, 1209],
  '5': [770, 1336],
  '9': [852, 1477],
  '*': [941, 1209],
  '0': [941, 1336],
  '#': [941, 1477],
};

/** Q.23 tone pairs at -10 dBm0-ish per tone, `onMs` of tone then `offMs` of silence each. */
function tones(digits: string, onMs = 80, offMs = 80, amplitude = 6000): Int16Array {
  const out: number[] = [];
  for (const d of digits) {
    const [low, high] = FREQS[d]!;
    for (let i = 0; i < (onMs * 8000) / 1000; i++) {
      const t = i / 8000;
      out.push(
        Math.round(
          amplitude * (Math.sin(2 * Math.PI * low * t) + Math.sin(2 * Math.PI * high * t)),
        ),
      );
    }
    for (let i = 0; i < (offMs * 8000) / 1000; i++) out.push(0);
  }
  return Int16Array.from(out);
}

describe('in-band DTMF (ITU-T Q.23/Q.24)', () => {
  it('detects each digit of a tone sequence once, in 20 ms packets', () => {
    const detector = new InbandDtmfDetector();
    const pcm = tones('*44#1590');
    const digits: string[] = [];
    for (let i = 0; i < pcm.length; i += 160) {
      digits.push(...detector.push(pcm.subarray(i, i + 160)).map((d) => d.digit));
    }
    expect(digits.join('')).toBe('*44#1590');
  });

  it('survives G.711 µ-law and a quieter tone with twist', () => {
    const pcm = tones('*4', 60, 60, 2500);
    // Round trip through the µ-law the phone would send.
    const encoded = alawmulaw.mulaw.encode(pcm);
    const detector = new InbandDtmfDetector();
    expect(detector.push(decodePcmu(encoded)).map((d) => d.digit)).toEqual(['*', '4']);
  });

  it('a tone shorter than two blocks (about 40 ms) is no digit; silence and one tone alone neither', () => {
    expect(new InbandDtmfDetector().push(tones('5', 30, 100)).length).toBe(0);
    expect(detectDtmfBlock(new Float64Array(205))).toBeNull();
    const single = Float64Array.from(
      { length: 205 },
      (_, i) => 8000 * Math.sin((2 * Math.PI * 770 * i) / 8000),
    );
    expect(detectDtmfBlock(single)).toBeNull();
  });

  it('talk-off: ten seconds of conversation give no digit', () => {
    const bytes = fs.readFileSync(
      new URL('../../../test-fixtures/pcap/conv_alice_10s_ulaw_ref.s16le', import.meta.url),
    );
    const speech = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);
    expect(new InbandDtmfDetector().push(speech)).toEqual([]);
  });
});

describe('toInbandDtmfRate', () => {
  /** The digits' tone pairs at `rate`, 80 ms on and 80 ms off. */
  const tonesAt = (digits: string, rate: number): Int16Array => {
    const out: number[] = [];
    for (const d of digits) {
      const [low, high] = FREQS[d]!;
      for (let i = 0; i < (80 * rate) / 1000; i++) {
        const t = i / rate;
        out.push(
          Math.round(6000 * (Math.sin(2 * Math.PI * low * t) + Math.sin(2 * Math.PI * high * t))),
        );
      }
      for (let i = 0; i < (80 * rate) / 1000; i++) out.push(0);
    }
    return Int16Array.from(out);
  };

  it.each([16000, 48000])('brings %i Hz PCM to 8 kHz, where its digits are detected', (rate) => {
    const pcm = toInbandDtmfRate(tonesAt('*4#90', rate), rate)!;
    expect(pcm.length).toBe((5 * 160 * 8000) / 1000);
    expect(new InbandDtmfDetector().push(pcm).map((d) => d.digit)).toEqual([
      '*',
      '4',
      '#',
      '9',
      '0',
    ]);
  });

  it('returns 8 kHz PCM as it is, and null for a rate that is not a multiple of 8 kHz', () => {
    const pcm = tonesAt('1', 8000);
    expect(toInbandDtmfRate(pcm, 8000)).toBe(pcm);
    expect(toInbandDtmfRate(pcm, 44100)).toBeNull();
    expect(toInbandDtmfRate(pcm, 4000)).toBeNull();
  });
});
