import { describe, expect, it } from 'vitest';
import { fillMissingHighBand, resamplePcm, resampledLength } from './pcm-resampler.js';

function sine(rate: number, hz: number, seconds: number, amplitude = 10_000): Int16Array {
  const out = new Int16Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
  }
  return out;
}

/** Amplitude of the `hz` component (quadrature correlation), away from the edges. */
function amplitudeAt(pcm: Int16Array, rate: number, hz: number): number {
  let re = 0;
  let im = 0;
  const from = Math.floor(pcm.length / 10);
  const to = pcm.length - from;
  for (let i = from; i < to; i++) {
    const a = (2 * Math.PI * hz * i) / rate;
    re += (pcm[i] ?? 0) * Math.cos(a);
    im += (pcm[i] ?? 0) * Math.sin(a);
  }
  return (2 * Math.hypot(re, im)) / (to - from);
}

describe('resamplePcm', () => {
  it('keeps the duration: 8 kHz → 16 kHz doubles and 48 kHz → 16 kHz thirds the samples', () => {
    expect(resamplePcm(new Int16Array(8000), 8000, 16_000)).toHaveLength(16_000);
    expect(resamplePcm(new Int16Array(48_000), 48_000, 16_000)).toHaveLength(16_000);
    expect(resampledLength(441, 44_100, 16_000)).toBe(160);
    expect(resamplePcm(new Int16Array(0), 8000, 16_000)).toHaveLength(0);
  });

  it('returns a copy at the same rate', () => {
    const input = sine(16_000, 440, 0.1);
    const out = resamplePcm(input, 16_000, 16_000);
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
  });

  it('keeps a 1 kHz tone at its frequency and level when upsampling 8 kHz → 16 kHz', () => {
    const out = resamplePcm(sine(8000, 1000, 1), 8000, 16_000);
    expect(amplitudeAt(out, 16_000, 1000)).toBeGreaterThan(9_800);
    expect(amplitudeAt(out, 16_000, 1000)).toBeLessThan(10_200);
    // Upsampling must not create an image of the tone above the old Nyquist frequency.
    expect(amplitudeAt(out, 16_000, 7000)).toBeLessThan(200);
  });

  it('keeps a 2 kHz tone and removes a 12 kHz tone when downsampling 48 kHz → 16 kHz', () => {
    const input = sine(48_000, 2000, 1);
    const high = sine(48_000, 12_000, 1);
    const mixed = input.map((v, i) => v + (high[i] ?? 0));
    const out = resamplePcm(mixed, 48_000, 16_000);
    expect(amplitudeAt(out, 16_000, 2000)).toBeGreaterThan(9_800);
    // 12 kHz would alias to 4 kHz at 16 kHz if it were not filtered out.
    expect(amplitudeAt(out, 16_000, 4000)).toBeLessThan(100);
  });

  it('saturates instead of wrapping around at full scale', () => {
    const square = new Int16Array(800).map((_, i) => (Math.floor(i / 20) % 2 ? 32767 : -32768));
    const out = resamplePcm(square, 8000, 16_000);
    expect(Math.max(...out)).toBeLessThanOrEqual(32767);
    expect(Math.min(...out)).toBeGreaterThanOrEqual(-32768);
    // Ringing at the edges overshoots full scale; it must clip, never flip sign.
    expect(out[200]).toBeGreaterThan(20_000);
  });
});

describe('fillMissingHighBand', () => {
  it('adds noise only above the source’s Nyquist frequency', () => {
    const wide = resamplePcm(sine(8000, 1000, 1), 8000, 16_000);
    const filled = fillMissingHighBand(wide, 16_000, 8000);
    // The speech band keeps its content …
    expect(amplitudeAt(filled, 16_000, 1000)).toBeCloseTo(amplitudeAt(wide, 16_000, 1000), -1);
    expect(amplitudeAt(filled, 16_000, 2000)).toBeLessThan(15);
    // … and the empty top band now has energy at every frequency probed.
    for (const hz of [4500, 5500, 6500, 7500]) {
      expect(amplitudeAt(wide, 16_000, hz)).toBeLessThan(5);
      expect(amplitudeAt(filled, 16_000, hz)).toBeGreaterThan(0.5);
    }
  });

  it('is deterministic and leaves wideband audio alone', () => {
    const wide = resamplePcm(sine(8000, 300, 0.2), 8000, 16_000);
    expect(fillMissingHighBand(wide, 16_000, 8000)).toEqual(
      fillMissingHighBand(wide, 16_000, 8000),
    );
    expect(fillMissingHighBand(wide, 16_000, 16_000)).toEqual(wide);
    expect(fillMissingHighBand(wide, 16_000, 48_000)).toEqual(wide);
  });
});
