import { afterEach, describe, expect, it } from 'vitest';
import { setTestLanguage } from '../i18n/testing.js';
import {
  currentLanguage,
  formatBytes,
  formatCount,
  formatDate,
  formatDateTime,
  formatDuration,
  formatDurationWords,
  formatLanguage,
  formatNumber,
  formatPercent,
  formatTime,
} from './format.js';

afterEach(() => setTestLanguage('en'));

// Dates are written in the machine's time zone; a moment at noon UTC is the same day everywhere
// from UTC−11 to UTC+11, so the date parts below do not depend on where the tests run.
const NOON = '2025-11-23T12:00:00.000Z';

describe('formatLanguage', () => {
  it('names Webex announcement language codes in English', () => {
    expect(formatLanguage('en_us', 'en')).toBe('English (United States)');
    expect(formatLanguage('sv_se', 'en')).toBe('Swedish (Sweden)');
    expect(formatLanguage('fr', 'en')).toBe('French');
  });
  it('names them in Swedish for a Swedish reader', () => {
    expect(formatLanguage('sv_se', 'sv')).toBe('svenska (Sverige)');
    expect(formatLanguage('fr', 'sv')).toBe('franska');
  });
  it('returns a code it cannot name as given', () => {
    expect(formatLanguage('???', 'en')).toBe('???');
  });
});

describe('numbers and sizes', () => {
  it('groups and separates decimals by language', () => {
    expect(formatNumber(1234.5, 'en')).toBe('1,234.5');
    expect(formatNumber(1234.5, 'sv')).toBe('1\u00a0234,5');
    expect(formatPercent(37, 'en')).toBe('37%');
    expect(formatPercent(37, 'sv')).toBe('37\u00a0%');
  });
  const sizes: [number, string, string][] = [
    [0, '0 bytes', '0 byte'],
    [1, '1 byte', '1 byte'],
    [1023, '1,023 bytes', '1\u00a0023 byte'],
    [1536, '1.5 KiB', '1,5 KiB'],
    [5 * 1024 * 1024, '5 MiB', '5 MiB'],
    [107_374_182_400, '100 GiB', '100 GiB'],
    [2.5 * 1024 ** 4, '2.5 TiB', '2,5 TiB'],
  ];
  for (const [bytes, en, sv] of sizes) {
    it(`${bytes} bytes → ${en} / ${sv}`, () => {
      expect(formatBytes(bytes, 'en')).toBe(en);
      expect(formatBytes(bytes, 'sv')).toBe(sv);
    });
  }
});

describe('durations', () => {
  it('writes a player clock the same in both languages', () => {
    expect(formatDuration(75.9)).toBe('1:15');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Number.NaN)).toBe('0:00');
  });
  it('writes a span in words by language', () => {
    expect(formatDurationWords(3725, 'en')).toBe('1 hr 2 min 5 sec');
    expect(formatDurationWords(3725, 'sv')).toBe('1 tim 2 min 5 s');
    expect(formatDurationWords(0, 'en')).toBe('0 sec');
  });
});

describe('dates and times', () => {
  it('orders and names the date parts by language', () => {
    expect(formatDate(NOON, 'en')).toBe('Nov 23, 2025');
    expect(formatDate(NOON, 'sv')).toBe('23 nov. 2025');
    expect(formatDateTime(NOON, 'en')).toMatch(/^Nov 23, 2025, \d{1,2}:\d{2}\s?[AP]M$/);
    expect(formatDateTime(NOON, 'sv')).toMatch(/^23 nov\. 2025 \d{2}:\d{2}$/);
  });
  it('uses a 24-hour clock in Swedish and AM/PM in American English', () => {
    expect(formatTime(NOON, 'sv')).toMatch(/^\d{2}:\d{2}$/);
    expect(formatTime(NOON, 'sv', true)).toMatch(/^\d{2}:\d{2}:\d{2}$/);
    expect(formatTime(NOON, 'en')).toMatch(/[AP]M$/);
  });
});

describe('the current language', () => {
  it('is the one i18next has, used when no language is given', async () => {
    await setTestLanguage('sv');
    expect(currentLanguage()).toBe('sv');
    expect(formatBytes(1536)).toBe('1,5 KiB');
    await setTestLanguage('en');
    expect(currentLanguage()).toBe('en');
    expect(formatBytes(1536)).toBe('1.5 KiB');
  });
});

describe('formatCount', () => {
  it('picks the singular for exactly one and the plural otherwise', () => {
    const people = { one: 'person', other: 'people' };
    expect(formatCount(1, people, 'en')).toBe('1 person');
    expect(formatCount(0, people, 'en')).toBe('0 people');
    expect(formatCount(1200, { one: 'person', other: 'personer' }, 'sv')).toBe(
      '1\u00a0200 personer',
    );
  });
});
