import { describe, expect, it } from 'vitest';
import { resolveHandlerOptions } from './job-queue.js';
import { toCronExpression, toPgBossRetryOptions } from './pg-boss-job-queue.js';

describe('pg-boss option mapping', () => {
  it('turns schedules into UTC cron expressions pg-boss can run', () => {
    expect(toCronExpression('hourly')).toBe('0 * * * *');
    expect(toCronExpression('daily')).toBe('0 0 * * *');
    expect(toCronExpression(60_000)).toBe('*/1 * * * *');
    expect(toCronExpression(15 * 60_000)).toBe('*/15 * * * *');
    expect(toCronExpression(60 * 60_000)).toBe('0 * * * *');
    expect(toCronExpression(6 * 3_600_000)).toBe('0 */6 * * *');
    expect(toCronExpression(24 * 3_600_000)).toBe('0 0 * * *');
  });

  it('refuses intervals cron cannot express', () => {
    for (const every of [500, 90_000, 7 * 60_000, 5 * 3_600_000, 2 * 86_400_000]) {
      expect(() => toCronExpression(every)).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED' }),
      );
    }
  });

  it('maps retries to a whole-second constant delay (fail() applies the backoff) and the timeout to expiry', () => {
    expect(
      toPgBossRetryOptions(
        resolveHandlerOptions({ retryLimit: 5, retryBackoffMs: 2500, timeoutMs: 90_500 }),
      ),
    ).toEqual({ retryLimit: 5, retryDelay: 3, retryBackoff: false, expireInSeconds: 92 });
    expect(toPgBossRetryOptions(resolveHandlerOptions({ retryBackoffMs: 0 }))).toMatchObject({
      retryDelay: 0,
      retryBackoff: false,
    });
    // pg-boss refuses expiry of a day or more.
    expect(
      toPgBossRetryOptions(resolveHandlerOptions({ timeoutMs: 3 * 86_400_000 })).expireInSeconds,
    ).toBe(86_399);
  });
});
