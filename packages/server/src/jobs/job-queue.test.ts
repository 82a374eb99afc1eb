import { describe, expect, it } from 'vitest';
import {
  assertJobName,
  assertScheduleEvery,
  computeRetryDelayMs,
  DEFAULT_JOB_RETRY_POLICY,
  describeError,
  retryOptionsFor,
  resolveHandlerOptions,
  startOfSchedulePeriod,
} from './job-queue.js';

describe('job queue rules', () => {
  it('doubles the backoff for each retry after the first', () => {
    expect([1, 2, 3, 4].map((attempt) => computeRetryDelayMs(1000, attempt))).toEqual([
      1000, 2000, 4000, 8000,
    ]);
    expect(computeRetryDelayMs(0, 5)).toBe(0);
    // Capped so a long-failing job never waits for ever.
    expect(computeRetryDelayMs(1, 100)).toBe(2 ** 16);
  });

  it('never waits longer than the ceiling', () => {
    expect([1, 2, 3, 4, 50].map((attempt) => computeRetryDelayMs(1000, attempt, 3000))).toEqual([
      1000, 2000, 3000, 3000, 3000,
    ]);
  });

  it('retries for as many attempts as the horizon holds: 10 s doubling to 15 min, for 24 h', () => {
    const options = retryOptionsFor(DEFAULT_JOB_RETRY_POLICY);
    expect(options).toEqual({ retryLimit: 101, retryBackoffMs: 10_000, retryMaxDelayMs: 900_000 });
    const total = Array.from({ length: options.retryLimit }, (_, i) =>
      computeRetryDelayMs(10_000, i + 1, 900_000),
    ).reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(24 * 3_600_000);
    expect(total + 900_000).toBeGreaterThan(24 * 3_600_000);
    // A horizon shorter than the first delay still retries once.
    expect(retryOptionsFor({ baseMs: 5000, maxDelayMs: 5000, horizonMs: 1000 }).retryLimit).toBe(1);
  });

  it('finds the start of the UTC hour, UTC day or interval a moment falls in', () => {
    const at = new Date('2030-03-04T05:06:07.890Z');
    expect(startOfSchedulePeriod('hourly', at).toISOString()).toBe('2030-03-04T05:00:00.000Z');
    expect(startOfSchedulePeriod('daily', at).toISOString()).toBe('2030-03-04T00:00:00.000Z');
    expect(startOfSchedulePeriod(15 * 60_000, at).toISOString()).toBe('2030-03-04T05:00:00.000Z');
    expect(startOfSchedulePeriod(250, at).toISOString()).toBe('2030-03-04T05:06:07.750Z');
  });

  it('accepts short names of letters, digits, "-" and "_" only', () => {
    for (const good of ['encode', 'recording-encode', 'quota_notify', 'a', 'x'.repeat(63)]) {
      expect(() => assertJobName(good)).not.toThrow();
    }
    for (const bad of ['', '-x', 'has space', 'dot.ted', 'x'.repeat(64), 'ümlaut']) {
      expect(() => assertJobName(bad)).toThrow(/job name/);
    }
  });

  it('fills in defaults and lists every bad handler option', () => {
    expect(resolveHandlerOptions({ concurrency: 4, retryLimit: undefined })).toEqual({
      concurrency: 4,
      retryLimit: 3,
      retryBackoffMs: 10_000,
      retryMaxDelayMs: 900_000,
      timeoutMs: 900_000,
    });
    expect(resolveHandlerOptions({ retryBackoffMs: 3_600_000 }).retryMaxDelayMs).toBe(3_600_000);
    expect(() =>
      resolveHandlerOptions({
        concurrency: 0,
        retryLimit: 1.5,
        retryBackoffMs: -1,
        retryMaxDelayMs: -2,
        timeoutMs: 0,
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        descriptions: [
          'concurrency must be an integer ≥ 1',
          'retryLimit must be an integer ≥ 0',
          'retryBackoffMs must be ≥ 0',
          'retryMaxDelayMs must be ≥ retryBackoffMs',
          'timeoutMs must be > 0',
        ],
      }),
    );
  });

  it('accepts hourly, daily or a positive whole number of milliseconds as a schedule', () => {
    expect(() => assertScheduleEvery('hourly')).not.toThrow();
    expect(() => assertScheduleEvery(60_000)).not.toThrow();
    for (const bad of [0, -5, 1.5, Number.NaN]) {
      expect(() => assertScheduleEvery(bad)).toThrow(/schedule/);
    }
  });

  it('stores the message of what a handler threw, bounded in size', () => {
    expect(describeError(new Error('disk full'))).toBe('disk full');
    expect(describeError('plain string')).toBe('non-Error thrown: plain string');
    expect(describeError(new Error('x'.repeat(5000)))).toHaveLength(4001);
  });
});
