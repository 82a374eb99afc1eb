import { describe, expect, it } from 'vitest';
import { seekTargetForKey } from './Waveform.js';

describe('the waveform slider keys (WAI-ARIA slider pattern)', () => {
  it.each([
    ['ArrowRight', 65],
    ['ArrowUp', 65],
    ['ArrowLeft', 55],
    ['ArrowDown', 55],
    ['PageUp', 90],
    ['PageDown', 30],
    ['Home', 0],
    ['End', 120],
  ])('%s from 1:00 of 2:00 seeks to %is', (key, expected) => {
    expect(seekTargetForKey(key, 60, 120)).toBe(expected);
  });

  it('stays within the recording', () => {
    expect(seekTargetForKey('ArrowLeft', 2, 120)).toBe(0);
    expect(seekTargetForKey('PageUp', 110, 120)).toBe(120);
  });

  it('leaves other keys to the browser', () => {
    expect(seekTargetForKey('Tab', 60, 120)).toBeNull();
    expect(seekTargetForKey('a', 60, 120)).toBeNull();
  });
});
