import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setTestLanguage } from '../i18n/testing.js';
import { describeQuotaLevel } from './QuotaBanner.js';

beforeEach(() => setTestLanguage('en'));
afterEach(() => setTestLanguage('en'));

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

describe('quota banner in Swedish', () => {
  it('says how full the storage is in Swedish', async () => {
    await setTestLanguage('sv');
    const banner = describeQuotaLevel({
      bytesUsed: 1536,
      quotaBytes: 2048,
      percent: 75.4,
      level: 80,
      overQuota: false,
    });
    expect(banner?.text).toBe(
      'Lagringsutrymmet för inspelningar är 80 % använt: 1,5 KiB av 2 KiB (75 %).',
    );
  });
});
