import { describe, expect, it } from 'vitest';
import { cpuPerPacket, percentile, ratio, rssModel, type Sample } from './analysis.js';

const sample = (t: number, over: Partial<Sample> = {}): Sample => ({
  t,
  cpuSeconds: 0,
  rssKiB: 0,
  packets: 0,
  liveCalls: 0,
  finalizeBacklog: 0,
  ...over,
});

describe('the capacity arithmetic', () => {
  it('percentiles by nearest rank; ratios rounded, null without a baseline', () => {
    expect(percentile([5, 1, 4, 2, 3, 6, 8, 7, 10, 9], 50)).toBe(5);
    expect(percentile([5, 1, 4, 2, 3, 6, 8, 7, 10, 9], 99)).toBe(10);
    expect(percentile([], 50)).toBeNull();
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeNull();
    expect(ratio(null, 2)).toBeNull();
  });

  it('CPU per packet between the first and last samples of the window', () => {
    const samples = [
      sample(0, { cpuSeconds: 1, packets: 0 }),
      sample(1000, { cpuSeconds: 2, packets: 100_000 }),
      sample(2000, { cpuSeconds: 2.5, packets: 200_000 }),
      sample(3000, { cpuSeconds: 3, packets: 300_000 }),
    ];
    // 1 CPU second over 200,000 packets in 2 s: 5 µs a packet, 50 % of a core.
    expect(cpuPerPacket(samples, 1000, 3000)).toEqual({
      microseconds: 5,
      cpuPercent: 50,
      seconds: 2,
      packets: 200_000,
    });
    expect(cpuPerPacket(samples, 1500, 2500).microseconds).toBeNull();
  });

  it('RSS explained by live calls and queued finalizes', () => {
    const samples: Sample[] = [];
    for (let live = 0; live <= 100; live += 10) {
      for (const backlog of [0, 50, 200]) {
        samples.push(
          sample(samples.length, {
            liveCalls: live,
            finalizeBacklog: backlog,
            rssKiB: 100_000 + 40 * live + 3 * backlog,
          }),
        );
      }
    }
    expect(rssModel(samples)).toEqual({
      baseKiB: 100_000,
      perLiveCallKiB: 40,
      perQueuedFinalizeKiB: 3,
    });
  });

  it('without a backlog the finalize term is left out', () => {
    const samples = [0, 10, 20, 30].map((live, i) =>
      sample(i, { liveCalls: live, rssKiB: 50_000 + 25 * live }),
    );
    expect(rssModel(samples)).toEqual({
      baseKiB: 50_000,
      perLiveCallKiB: 25,
      perQueuedFinalizeKiB: null,
    });
  });
});
