import { describe, expect, it } from 'vitest';
import { formatCount, formatLanguage } from './format.js';

describe('formatLanguage', () => {
  it('names Webex announcement language codes', () => {
    expect(formatLanguage('en_us')).toBe('English (United States)');
    expect(formatLanguage('sv_se')).toBe('Swedish (Sweden)');
    expect(formatLanguage('fr')).toBe('French');
  });
  it('returns a code it cannot name as given', () => {
    expect(formatLanguage('???')).toBe('???');
  });
});

describe('formatCount', () => {
  const people = { one: 'person', other: 'people' };
  it('uses the singular for exactly one', () => {
    expect(formatCount(1, people)).toBe('1 person');
  });
  it('uses the plural for none and several', () => {
    expect(formatCount(0, people)).toBe('0 people');
    expect(formatCount(7, people)).toBe('7 people');
  });
});
