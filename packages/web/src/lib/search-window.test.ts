import { describe, expect, it } from 'vitest';
import { effectiveSearchWindow, formatWindowEdge } from './search-window.js';

const now = new Date('2026-12-05T10:00:00.000Z');

describe('the search window in effect', () => {
  it('without dates: the last 7 days up to now, as the server searches', () => {
    const w = effectiveSearchWindow({}, now);
    expect(w.to.toISOString()).toBe('2026-12-05T10:00:00.000Z');
    expect(w.from.toISOString()).toBe('2026-11-28T10:00:00.000Z');
  });

  it('with only an end: 7 days before it', () => {
    const w = effectiveSearchWindow({ to: '2026-06-10T00:00:00.000Z' }, now);
    expect(w.from.toISOString()).toBe('2026-06-03T00:00:00.000Z');
  });

  it('with both: as chosen', () => {
    const w = effectiveSearchWindow(
      { from: '2026-06-01T00:00:00.000Z', to: '2026-06-20T00:00:00.000Z' },
      now,
    );
    expect(w.from.toISOString()).toBe('2026-06-01T00:00:00.000Z');
    expect(w.to.toISOString()).toBe('2026-06-20T00:00:00.000Z');
  });

  it('formats an edge in the chosen language', () => {
    expect(formatWindowEdge(now, 'en')).toMatch(/2026/);
    expect(formatWindowEdge(now, 'sv')).toMatch(/dec\. 2026|2026/);
  });
});
