// Render stage cut-by-actions: an owner's recordings planned from the journal's actions, and a
// recording's channels cut out of the rendered call (SPEC §4).
import { describe, expect, it } from 'vitest';
import { cutRecording, planOwnerRecordings } from './cut-recording.js';

const RATE = 8000;

/** A rendered call of two channels: `a` counts up from 1, `b` is shorter and counts down. */
function rendered(aLength: number, bLength: number) {
  return {
    sampleRate: RATE,
    originMs: 1_000_000,
    channels: [
      Int16Array.from({ length: aLength }, (_, i) => (i % 1000) + 1),
      Int16Array.from({ length: bLength }, (_, i) => -((i % 1000) + 1)),
    ],
  };
}

describe('cutRecording', () => {
  it('a recording of the whole call is the rendered audio, a shorter channel padded with silence', () => {
    const call = rendered(8000, 6000);
    const [a, b] = cutRecording(
      call,
      { startMs: call.originMs, endMs: call.originMs + 1000, pauses: [] },
      'cut',
    );
    expect(a).toHaveLength(8000);
    expect(a!.every((s, i) => s === call.channels[0]![i])).toBe(true);
    expect(b).toHaveLength(8000);
    expect(b!.subarray(0, 6000).every((s, i) => s === call.channels[1]![i])).toBe(true);
    expect(b!.subarray(6000).every((s) => s === 0)).toBe(true);
  });

  it('SPEC §4: a paused stretch is cut out of both channels at the same samples', () => {
    const call = rendered(8000, 8000);
    const plan = {
      startMs: call.originMs,
      endMs: call.originMs + 1000,
      pauses: [{ startMs: call.originMs + 250, endMs: call.originMs + 500 }],
    };
    const [a, b] = cutRecording(call, plan, 'cut');
    expect(a).toHaveLength(6000);
    expect(b).toHaveLength(6000);
    expect(a![1999]).toBe(call.channels[0]![1999]);
    expect(a![2000]).toBe(call.channels[0]![4000]);
    expect(b![2000]).toBe(call.channels[1]![4000]);
  });

  it('pauseBehaviour silence keeps the timing with silence and leaves the rendered call as it was', () => {
    const call = rendered(8000, 8000);
    const before = call.channels.map((c) => Int16Array.from(c));
    const plan = {
      startMs: call.originMs + 125,
      endMs: call.originMs + 1000,
      pauses: [{ startMs: call.originMs + 250, endMs: call.originMs + 500 }],
    };
    const [a] = cutRecording(call, plan, 'silence');
    expect(a).toHaveLength(7000);
    expect(a![999]).toBe(call.channels[0]![1999]);
    expect(a!.subarray(1000, 3000).every((s) => s === 0)).toBe(true);
    expect(a![3000]).toBe(call.channels[0]![4000]);
    for (const [c, channel] of call.channels.entries()) {
      expect(channel.every((s, i) => s === before[c]![i])).toBe(true);
    }
  });
});

describe('planOwnerRecordings', () => {
  const audio = { startMs: 1_000, endMs: 11_000 };

  it('a journal from before live controls records the whole call', () => {
    expect(planOwnerRecordings({}, 'o1', audio)).toEqual([
      { startMs: 1_000, endMs: 11_000, pauses: [] },
    ]);
  });

  it('SPEC §4: each owner’s recordings from their own actions and the call’s (no owner)', () => {
    const session = {
      recordingActions: [
        { action: 'start' as const, atMs: 1_000, source: 'mode' as const, ownerId: 'o1' },
        { action: 'start' as const, atMs: 1_000, source: 'mode' as const, ownerId: 'o2' },
        { action: 'stop' as const, atMs: 4_000, source: 'dtmf' as const, ownerId: 'o2' },
        { action: 'pause' as const, atMs: 6_000, source: 'api' as const },
        { action: 'resume' as const, atMs: 7_000, source: 'api' as const },
      ],
    };
    const o1 = planOwnerRecordings(session, 'o1', audio);
    expect(o1).toHaveLength(1);
    expect(o1[0]).toMatchObject({ startMs: 1_000, endMs: 11_000 });
    expect(o1[0]!.pauses).toEqual([{ startMs: 6_000, endMs: 7_000 }]);
    const o2 = planOwnerRecordings(session, 'o2', audio);
    expect(o2).toHaveLength(1);
    expect(o2[0]).toMatchObject({ startMs: 1_000, endMs: 4_000, pauses: [] });
  });
});
