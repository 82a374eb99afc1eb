// The peak reduction behind the player's waveform: interleaved 16-bit PCM in chunks of any size
// (a sample may be split across two chunks) becomes one lane of 0–1 peaks per channel.
import { describe, expect, it } from 'vitest';
import {
  MAX_PEAKS,
  MIN_FRAMES_PER_PEAK,
  PeakAccumulator,
  audioObjectBlobKeys,
  peaksBlobKey,
  peaksOfPcm,
  samplesPerPeakFor,
} from './waveform-peaks.js';

/** Interleaved s16le bytes of `frames`, each frame one sample per channel. */
function pcm(frames: readonly (readonly number[])[]): Uint8Array {
  const channels = frames[0]?.length ?? 1;
  const out = new Uint8Array(frames.length * channels * 2);
  const view = new DataView(out.buffer);
  frames.forEach((frame, f) =>
    frame.forEach((s, c) => view.setInt16((f * channels + c) * 2, s, true)),
  );
  return out;
}

describe('PeakAccumulator', () => {
  const frames = [
    [16384, 0],
    [-32768, 100],
    [0, -8192],
    [100, 0],
    [0, 32767],
  ];

  it('keeps the loudest absolute sample of each slice per channel, closing the last partial slice', () => {
    const acc = new PeakAccumulator(2, 2);
    acc.push(pcm(frames));
    expect(acc.finish()).toEqual({
      sampleRate: 8000,
      samplesPerPeak: 2,
      channels: [
        [1, 0.003, 0],
        [0.003, 0.25, 1],
      ],
    });
  });

  it('gives the same peaks whatever the chunk boundaries, even inside a sample', () => {
    const bytes = pcm(frames);
    const whole = new PeakAccumulator(2, 2);
    whole.push(bytes);
    for (const size of [1, 3, 5, 7]) {
      const split = new PeakAccumulator(2, 2);
      for (let i = 0; i < bytes.length; i += size) split.push(bytes.subarray(i, i + size));
      expect(split.finish()).toEqual(whole.finish());
    }
  });

  it('gives empty lanes for no audio and refuses a nonsensical shape', () => {
    expect(new PeakAccumulator(1, 80).finish().channels).toEqual([[]]);
    expect(() => new PeakAccumulator(0, 80)).toThrow(RangeError);
    expect(() => new PeakAccumulator(2, 0)).toThrow(RangeError);
  });
});

describe('samplesPerPeakFor', () => {
  it.each([
    [0, MIN_FRAMES_PER_PEAK],
    [1000, MIN_FRAMES_PER_PEAK],
    [20_000, MIN_FRAMES_PER_PEAK],
    [60_000, 240],
    [3_600_000, 14_400],
  ])('%i ms → %i samples per peak', (ms, expected) => {
    expect(samplesPerPeakFor(ms)).toBe(expected);
    expect(Math.ceil((ms * 8) / samplesPerPeakFor(ms))).toBeLessThanOrEqual(MAX_PEAKS);
  });
});

describe('peak blobs', () => {
  it('live beside the audio and go with it', () => {
    expect(peaksBlobKey('org/o1/audio/a1')).toBe('org/o1/audio/a1.peaks.json');
    expect(audioObjectBlobKeys('org/o1/audio/a1')).toEqual([
      'org/o1/audio/a1',
      'org/o1/audio/a1.peaks.json',
    ]);
  });
});

describe('peaksOfPcm', () => {
  /** A call of `seconds` at `rate`: a 0.5 s burst at full scale every 7 s on channel 0, a steady -1000 on channel 1, which ends at three quarters. */
  function call(seconds: number, rate: number): Int16Array[] {
    const a = new Int16Array(seconds * rate);
    const b = new Int16Array(Math.floor(seconds * rate * 0.75));
    for (let i = 0; i < a.length; i++) {
      const t = i / rate;
      a[i] = t % 7 < 0.5 ? (i % 2 === 0 ? 32767 : -32768) : 3;
    }
    b.fill(-1000);
    return [a, b];
  }

  /** The same call interleaved at 8 kHz, reduced by the streaming accumulator. */
  function streamed(channels: Int16Array[]): ReturnType<PeakAccumulator['finish']> {
    const length = Math.max(...channels.map((c) => c.length));
    const frames = Array.from({ length }, (_, i) => channels.map((c) => c[i] ?? 0));
    const acc = new PeakAccumulator(channels.length, samplesPerPeakFor((length / 8000) * 1000));
    acc.push(pcm(frames));
    return acc.finish();
  }

  it('at 8 kHz gives exactly what the streaming reduction of the decoded audio gives', () => {
    const channels = call(61, 8000);
    const peaks = peaksOfPcm(channels, 8000);
    expect(peaks).toEqual(streamed(channels));
    expect(peaks.samplesPerPeak).toBe(samplesPerPeakFor(61_000));
    expect(peaks.channels[0]).toHaveLength(Math.ceil((61 * 8000) / peaks.samplesPerPeak));
    // The shorter channel is silent once it ends.
    expect(peaks.channels[1]?.at(-1)).toBe(0);
    expect(peaks.channels[1]?.[0]).toBe(0.031);
  });

  it('at 16 kHz cuts the same slices in time as at 8 kHz', () => {
    const narrow = peaksOfPcm(call(61, 8000), 8000);
    const wide = peaksOfPcm(call(61, 16000), 16000);
    expect(wide.samplesPerPeak).toBe(narrow.samplesPerPeak);
    expect(wide.channels.map((l) => l.length)).toEqual(narrow.channels.map((l) => l.length));
    expect(wide.channels[0]).toEqual(narrow.channels[0]);
  });

  it('refuses no channels or a nonsensical rate', () => {
    expect(() => peaksOfPcm([], 8000)).toThrow(RangeError);
    expect(() => peaksOfPcm([new Int16Array(8)], 0)).toThrow(RangeError);
  });
});
