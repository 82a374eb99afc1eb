import { describe, expect, it } from 'vitest';
import { maxOverlap, percentile, plannedLevels, ratio, stepUp } from './stepping.js';

/** A trial that passes up to `limit` and records what it was asked. */
function upTo(limit: number): { trial: (level: number) => Promise<boolean>; asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    trial: (level) => {
      asked.push(level);
      return Promise.resolve(level <= limit);
    },
  };
}

describe('plannedLevels', () => {
  it('doubles from the start and ends with the cap', () => {
    expect(plannedLevels({ start: 2, factor: 2, max: 32, refine: 0 })).toEqual([2, 4, 8, 16, 32]);
    expect(plannedLevels({ start: 10, factor: 2, max: 50, refine: 0 })).toEqual([10, 20, 40, 50]);
  });

  it('always moves up by at least one level', () => {
    expect(plannedLevels({ start: 1, factor: 1.2, max: 4, refine: 0 })).toEqual([1, 2, 3, 4]);
  });

  it('a cap equal to the start is one level', () => {
    expect(plannedLevels({ start: 5, factor: 2, max: 5, refine: 0 })).toEqual([5]);
  });

  it('rejects plans that would not step up', () => {
    expect(() => plannedLevels({ start: 0, factor: 2, max: 4, refine: 0 })).toThrow();
    expect(() => plannedLevels({ start: 2, factor: 1, max: 4, refine: 0 })).toThrow();
    expect(() => plannedLevels({ start: 8, factor: 2, max: 4, refine: 0 })).toThrow();
  });
});

describe('stepUp', () => {
  it('stops at the first failure and bisects towards the limit', async () => {
    const { trial, asked } = upTo(11);
    const search = await stepUp({ start: 2, factor: 2, max: 64, refine: 2 }, trial);
    // 2, 4, 8 pass; 16 fails; then 12 fails, 10 passes.
    expect(asked).toEqual([2, 4, 8, 16, 12, 10]);
    expect(search.maximum).toBe(10);
    expect(search.capped).toBe(false);
    expect(search.tried).toEqual([
      { level: 2, passed: true },
      { level: 4, passed: true },
      { level: 8, passed: true },
      { level: 16, passed: false },
      { level: 12, passed: false },
      { level: 10, passed: true },
    ]);
  });

  it('without refinement the figure is the last level that passed', async () => {
    const search = await stepUp({ start: 2, factor: 2, max: 64, refine: 0 }, upTo(11).trial);
    expect(search.maximum).toBe(8);
  });

  it('finds the exact limit when refinement has room', async () => {
    const search = await stepUp({ start: 2, factor: 2, max: 64, refine: 10 }, upTo(11).trial);
    expect(search.maximum).toBe(11);
  });

  it('says when the cap passed', async () => {
    const search = await stepUp({ start: 2, factor: 2, max: 20, refine: 3 }, upTo(1000).trial);
    expect(search).toMatchObject({ maximum: 20, capped: true });
    expect(search.tried.map((t) => t.level)).toEqual([2, 4, 8, 16, 20]);
  });

  it('a failing first level gives 0, bisecting below it', async () => {
    const { trial, asked } = upTo(0);
    const search = await stepUp({ start: 4, factor: 2, max: 64, refine: 3 }, trial);
    expect(asked).toEqual([4, 2, 1]);
    expect(search.maximum).toBe(0);
  });

  it('a failing trial (thrown) fails the search', async () => {
    await expect(
      stepUp({ start: 1, factor: 2, max: 4, refine: 0 }, () => Promise.reject(new Error('down'))),
    ).rejects.toThrow('down');
  });
});

describe('maxOverlap', () => {
  it('counts the calls up at the same moment', () => {
    expect(
      maxOverlap([
        { start: 0, end: 10 },
        { start: 2, end: 5 },
        { start: 4, end: 12 },
        { start: 11, end: 20 },
      ]),
    ).toBe(3);
  });

  it('a call ending as another starts is not held with it', () => {
    expect(
      maxOverlap([
        { start: 0, end: 5 },
        { start: 5, end: 9 },
      ]),
    ).toBe(1);
  });

  it('none is 0; a reversed interval is an error', () => {
    expect(maxOverlap([])).toBe(0);
    expect(() => maxOverlap([{ start: 3, end: 1 }])).toThrow();
  });
});

describe('percentile and ratio', () => {
  it('nearest rank', () => {
    const values = [5, 1, 4, 2, 3, 6, 8, 7, 10, 9];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 95)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([], 50)).toBeNull();
  });

  it('cluster over direct, null without a direct figure', () => {
    expect(ratio(30, 16)).toBe(1.875);
    expect(ratio(3, 0)).toBeNull();
  });
});
