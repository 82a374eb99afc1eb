import { DEFAULT_THEME } from '@mantine/core';
import { describe, expect, it } from 'vitest';
import { contrastRatio, over, readableColorVariables, readableTextColor } from './theme.js';

describe('theme contrast (WCAG 1.4.3, 4.5:1 for text)', () => {
  it('computes the WCAG contrast ratio', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#868e96', '#ffffff')).toBeCloseTo(3.32, 2);
  });

  it.each(Object.keys(DEFAULT_THEME.colors))(
    '%s text reads at 4.5:1 on white, the page grey and its light tint',
    (name) => {
      const palette = DEFAULT_THEME.colors[name]!;
      const text = readableTextColor(palette);
      for (const background of [
        '#ffffff',
        DEFAULT_THEME.colors.gray[0],
        over(palette[8], 0.15, DEFAULT_THEME.colors.gray[0]),
      ]) {
        expect(contrastRatio(text, background)).toBeGreaterThanOrEqual(4.5);
      }
    },
  );

  it('dimmed text reads at 4.5:1 on white and on the page grey', () => {
    const dimmed = readableColorVariables()['--mantine-color-dimmed']!;
    expect(contrastRatio(dimmed, '#ffffff')).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(dimmed, DEFAULT_THEME.colors.gray[0])).toBeGreaterThanOrEqual(4.5);
  });

  it('white text on the primary colour (indigo 8) reads at 4.5:1', () => {
    expect(contrastRatio('#ffffff', DEFAULT_THEME.colors.indigo[8])).toBeGreaterThanOrEqual(4.5);
  });
});
