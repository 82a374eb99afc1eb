import { describe, expect, it } from 'vitest';
import { describeQuotaLevel } from './QuotaBanner.js';

const usage = (level: number, overQuota = false) => ({
  bytesUsed: 900,
  quotaBytes: 1000,
  percent: 90,
  level,
  overQuota,
});

describe('quota banner', () => {
  it('is hidden below 80 %', () => {
    expect(describeQuotaLevel(usage(0))).toBeNull();
  });
  it.each([
    [80, 'yellow', /80 % used/],
    [90, 'orange', /90 % used/],
    [100, 'red', /storage is full/],
  ])('at %i %% it is %s', (level, color, text) => {
    const banner = describeQuotaLevel(usage(level, level >= 100));
    expect(banner?.color).toBe(color);
    expect(banner?.text).toMatch(text);
  });
});
