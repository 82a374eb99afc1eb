import { describe, expect, it } from 'vitest';
import {
  convertPcmRate,
  PcmTimeline,
  PcmTimelineRateError,
  type PcmTimelineFrame,
} from './timeline.js';

function frame(overrides: Partial<PcmTimelineFrame>): PcmTimelineFrame {
  return {
    channel: 0,
    segment: 0,
    segmentTimestamp: 0,
    rtpClockRate: 8000,
    arrivalMs: 0,
    samples: new Int16Array(160).fill(1),
    sampleRate: 8000,
    ...overrides,
  };
}

describe('PcmTimeline', () => {
  it('RFC 3550 §5.1: places frames by RTP timestamp, not by arrival, within a segment', () => {
    const timeline = new PcmTimeline({ sampleRate: 8000, channelCount: 1, originMs: 1000 });
    expect(timeline.place(frame({ arrivalMs: 1000, samples: new Int16Array(160).fill(1) }))).toBe(
      0,
    );
    // Arrives 35 ms late (jitter) but its timestamp says 20 ms: it goes at sample 160.
    expect(
      timeline.place(
        frame({ segmentTimestamp: 160, arrivalMs: 1055, samples: new Int16Array(160).fill(2) }),
      ),
    ).toBe(160);
    const [pcm] = timeline.readAll();
    expect(pcm).toHaveLength(320);
    expect(pcm![159]).toBe(1);
    expect(pcm![160]).toBe(2);
  });

  it('fills lost or silent stretches with digital silence', () => {
    const timeline = new PcmTimeline({ sampleRate: 8000, channelCount: 1, originMs: 0 });
    timeline.place(frame({}));
    timeline.place(frame({ segmentTimestamp: 480 }));
    const [pcm] = timeline.readAll();
    expect(pcm).toHaveLength(640);
    expect(pcm!.subarray(160, 480).every((s) => s === 0)).toBe(true);
    expect(pcm!.subarray(480).every((s) => s === 1)).toBe(true);
  });

  it('aligns two parties on one clock by the arrival of their first frame', () => {
    const timeline = new PcmTimeline({ sampleRate: 8000, channelCount: 2, originMs: 0 });
    timeline.place(frame({ channel: 0, arrivalMs: 0 }));
    // Bob's stream starts 1 s later with an unrelated RTP timestamp origin.
    timeline.place(frame({ channel: 1, arrivalMs: 1000, samples: new Int16Array(160).fill(5) }));
    const [alice, bob] = timeline.readAll();
    expect(alice).toHaveLength(8160);
    expect(bob!.subarray(0, 8000).every((s) => s === 0)).toBe(true);
    expect(bob![8000]).toBe(5);
  });

  it('RFC 3551 §4.5.2: G.722 frames (16 kHz audio, 8 kHz RTP clock) land at timestamp × 2', () => {
    const timeline = new PcmTimeline({ sampleRate: 16000, channelCount: 1, originMs: 0 });
    const g722 = { rtpClockRate: 8000, sampleRate: 16000, samples: new Int16Array(320).fill(3) };
    expect(timeline.place(frame({ ...g722 }))).toBe(0);
    expect(timeline.place(frame({ ...g722, segmentTimestamp: 160 }))).toBe(320);
    expect(timeline.readAll()[0]).toHaveLength(640);
  });

  it('a new segment (SSRC change) starts at its arrival but never overlaps the previous one', () => {
    const timeline = new PcmTimeline({ sampleRate: 8000, channelCount: 1, originMs: 0 });
    timeline.place(frame({ arrivalMs: 0 }));
    timeline.place(frame({ segmentTimestamp: 160, arrivalMs: 20 }));
    // The new source's first packet arrived "at 10 ms" (clock skew): it is joined at 320.
    expect(timeline.place(frame({ segment: 1, segmentTimestamp: 0, arrivalMs: 10 }))).toBe(320);
    // A later segment that arrives after a pause starts at its arrival time.
    expect(timeline.place(frame({ segment: 2, segmentTimestamp: 0, arrivalMs: 500 }))).toBe(4000);
    expect(timeline.stats.overlapSamples).toBe(0);
  });

  it('upsamples 8 kHz PCMU frames into a 16 kHz timeline continuously across frames', () => {
    const timeline = new PcmTimeline({ sampleRate: 16000, channelCount: 1, originMs: 0 });
    timeline.place(frame({ samples: Int16Array.of(0, 100) }));
    timeline.place(frame({ segmentTimestamp: 2, samples: Int16Array.of(200, 300) }));
    expect(Array.from(timeline.readAll()[0]!)).toEqual([0, 0, 50, 100, 150, 200, 250, 300]);
  });

  it('reading in pieces gives the same PCM as reading at once, and late frames are counted', () => {
    const build = () => {
      const timeline = new PcmTimeline({ sampleRate: 8000, channelCount: 2, originMs: 0 });
      for (let i = 0; i < 10; i++) {
        timeline.place(
          frame({
            channel: i % 2,
            segmentTimestamp: i * 160,
            samples: new Int16Array(160).fill(i),
          }),
        );
      }
      return timeline;
    };
    const whole = build().readAll();
    const pieces = build();
    const parts = [pieces.read(100), pieces.read(777), pieces.readAll()];
    for (const channel of [0, 1]) {
      const joined = Int16Array.from(parts.flatMap((p) => Array.from(p[channel]!)));
      expect(Array.from(joined)).toEqual(Array.from(whole[channel]!));
    }
    pieces.place(frame({ channel: 0, segmentTimestamp: 0, samples: new Int16Array(160) }));
    expect(pieces.stats.lateSamples).toBe(160);
  });

  it('a duration hint sizes the channels at once and changes nothing in the PCM, even past it', () => {
    const build = (expectedDurationMs?: number) => {
      const timeline = new PcmTimeline({
        sampleRate: 8000,
        channelCount: 2,
        originMs: 0,
        ...(expectedDurationMs === undefined ? {} : { expectedDurationMs }),
      });
      // The caller's array is copied: it may be reused for the next frame.
      const samples = new Int16Array(160);
      for (let i = 0; i < 1000; i++) {
        samples.fill(i % 100);
        timeline.place(frame({ channel: i % 2, segmentTimestamp: (i >> 1) * 160, samples }));
      }
      return timeline.readAll();
    };
    const unhinted = build();
    for (const hint of [10_000, 10_000.5, 1_000, 60_000]) {
      const hinted = build(hint);
      expect(hinted.map((c) => c.length)).toEqual([80000, 80000]);
      for (const channel of [0, 1]) {
        expect(hinted[channel]!.every((s, i) => s === unhinted[channel]![i])).toBe(true);
      }
    }
    expect(unhinted[1]![160 * 499]).toBe(99);
    // A hint from a corrupt arrival time (years, or not a number) allocates an hour at most.
    for (const hint of [1e15, Number.NaN, -5]) {
      const timeline = new PcmTimeline({
        sampleRate: 8000,
        channelCount: 1,
        originMs: 0,
        expectedDurationMs: hint,
      });
      timeline.place(frame({}));
      expect(timeline.readAll()[0]).toHaveLength(160);
    }
  });

  it('a read leaves later audio in place and silence after it', () => {
    const timeline = new PcmTimeline({ sampleRate: 8000, channelCount: 1, originMs: 0 });
    timeline.place(frame({ samples: new Int16Array(160).fill(3) }));
    timeline.place(frame({ segmentTimestamp: 800, samples: new Int16Array(160).fill(4) }));
    expect(Array.from(timeline.read(100)[0]!)).toEqual(new Array(100).fill(3));
    // A new segment after the read starts at the channel's written end (sample 960).
    timeline.place(frame({ segment: 1, arrivalMs: 0, samples: new Int16Array(10).fill(5) }));
    const [rest] = timeline.read(1200);
    expect(rest).toHaveLength(1100);
    expect(Array.from(rest!.subarray(0, 60))).toEqual(new Array(60).fill(3));
    expect(Array.from(rest!.subarray(860, 870))).toEqual(new Array(10).fill(5));
    expect(Array.from(rest!.subarray(700, 860))).toEqual(new Array(160).fill(4));
    expect(rest!.subarray(1060).every((s) => s === 0)).toBe(true);
  });

  it('drops samples that would overwrite already placed audio and counts them', () => {
    const timeline = new PcmTimeline({ sampleRate: 8000, channelCount: 1, originMs: 0 });
    timeline.place(frame({}));
    timeline.place(frame({ segmentTimestamp: 80, samples: new Int16Array(160).fill(9) }));
    expect(timeline.stats.overlapSamples).toBe(80);
    const [pcm] = timeline.readAll();
    expect(pcm).toHaveLength(240);
    expect(pcm![100]).toBe(1);
    expect(pcm![200]).toBe(9);
  });
});

describe('convertPcmRate', () => {
  it('returns the input for equal rates and averages when downsampling by an integer factor', () => {
    const input = Int16Array.of(1, 3, 5, 7);
    expect(convertPcmRate(input, 8000, 8000)).toBe(input);
    expect(Array.from(convertPcmRate(input, 16000, 8000))).toEqual([2, 6]);
    expect(Array.from(convertPcmRate(Int16Array.of(3, 6, 9, 12, 15, 18), 48000, 16000))).toEqual([
      6, 15,
    ]);
  });

  it('interpolates from the previous sample when upsampling by an integer factor', () => {
    expect(Array.from(convertPcmRate(Int16Array.of(300, 600), 8000, 48000, 0))).toEqual([
      50, 100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 600,
    ]);
  });

  it('throws a typed error for non-integer ratios', () => {
    expect(() => convertPcmRate(new Int16Array(4), 8000, 44100)).toThrow(PcmTimelineRateError);
  });
});
