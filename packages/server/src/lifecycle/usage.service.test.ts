import { describe, expect, it } from 'vitest';
import { retentionCutoff } from './retention.service.js';
import { percentOf, quotaLevelOf } from './usage.service.js';

const GB100 = 107_374_182_400;

describe('quota level: the highest threshold reached, exact to the byte', () => {
  const at = (fraction: number) => Math.round(GB100 * fraction);
  it.each([
    [0, 0],
    [at(0.8) - 1, 0],
    [at(0.8), 80],
    [at(0.9) - 1, 80],
    [at(0.9), 90],
    [GB100 - 1, 90],
    [GB100, 100],
    [GB100 * 3, 100],
  ])('%d bytes of 100 GiB → %d', (bytes, level) => {
    expect(quotaLevelOf(bytes, GB100)).toBe(level);
  });

  it('stays exact where doubles would round (bytes × 100 beyond 2^53)', () => {
    const quota = 5 * 2 ** 48;
    expect(quotaLevelOf(quota * 0.8 - 1, quota)).toBe(0);
    expect(quotaLevelOf(quota * 0.8, quota)).toBe(80);
  });

  it('percent has two decimals, rounded down', () => {
    expect(percentOf(1, 3)).toBe(33.33);
    expect(percentOf(GB100, GB100)).toBe(100);
    expect(percentOf(0, GB100)).toBe(0);
  });
});

describe('retention cutoff', () => {
  it('is now minus whole days', () => {
    expect(retentionCutoff(new Date('2026-03-31T12:00:00Z'), 30).toISOString()).toBe(
      '2026-03-01T12:00:00.000Z',
    );
  });
});
