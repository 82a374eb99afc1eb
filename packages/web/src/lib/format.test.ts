import { describe, expect, it } from 'vitest';
import { formatLanguage } from './format.js';

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
