// How the console writes numbers, sizes, dates, times, durations and language names: through Intl
// in the console's current language (i18next's), so a Swedish reader sees `1,5 KiB` and
// `23 nov. 2025 19:37` where an English one sees `1.5 KiB` and `Nov 23, 2025, 7:37 PM`. Every
// function takes the language as an optional last argument; without it, the current one is used.
import i18next from 'i18next';

/** The console's current language: `en` or `sv`. */
export function currentLanguage(): string {
  const lng = i18next.resolvedLanguage ?? i18next.language;
  return typeof lng === 'string' && lng.startsWith('sv') ? 'sv' : 'en';
}

/**
 * The Intl locale for a console language: the browser's own variant of it when it has one (an
 * English reader in Britain keeps day-month order), else the language itself.
 */
export function intlLocale(lng: string = currentLanguage()): string {
  const preferred = typeof navigator === 'undefined' ? [] : (navigator.languages ?? []);
  const variant = preferred.find((tag) => tag.split('-')[0]?.toLowerCase() === lng);
  return variant ?? (lng === 'sv' ? 'sv-SE' : 'en-US');
}

/** `1234.5` → `1,234.5` (en) or `1 234,5` (sv). */
export function formatNumber(
  value: number,
  lng?: string,
  options: Intl.NumberFormatOptions = {},
): string {
  return new Intl.NumberFormat(intlLocale(lng), options).format(value);
}

/** A share of a whole, `37` → `37 %` (sv) or `37%` (en). */
export function formatPercent(percent: number, lng?: string): string {
  return formatNumber(percent / 100, lng, { style: 'percent', maximumFractionDigits: 0 });
}

const BYTE_UNITS = ['byte', 'kibibyte', 'mebibyte', 'gibibyte', 'tebibyte', 'petabyte'] as const;
const BYTE_SYMBOLS = ['', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/**
 * Binary units, as operators size quotas: `1536` → `1.5 KiB`, `107374182400` → `100 GiB`; whole
 * numbers from 100 up, one decimal below.
 */
export function formatBytes(bytes: number, lng?: string): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) {
    return new Intl.NumberFormat(intlLocale(lng), {
      style: 'unit',
      unit: 'byte',
      unitDisplay: 'long',
    }).format(bytes);
  }
  const digits = value >= 100 ? 0 : 1;
  const number = formatNumber(value, lng, {
    maximumFractionDigits: digits,
    minimumFractionDigits: 0,
  });
  return `${number} ${BYTE_SYMBOLS[unit] ?? ''}`;
}

/** `75` → `1:15`, `3725` → `1:02:05`: a player's clock, the same in every language. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(Number.isFinite(totalSeconds) ? totalSeconds : 0));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, '0');
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}`
    : `${minutes}:${seconds}`;
}

/** A span in words: `3725` → `1 hr, 2 min, 5 sec` (en) or `1 tim, 2 min, 5 s` (sv). */
export function formatDurationWords(totalSeconds: number, lng?: string): string {
  const s = Math.max(0, Math.round(Number.isFinite(totalSeconds) ? totalSeconds : 0));
  const parts: [number, 'hour' | 'minute' | 'second'][] = [
    [Math.floor(s / 3600), 'hour'],
    [Math.floor((s % 3600) / 60), 'minute'],
    [s % 60, 'second'],
  ];
  const locale = intlLocale(lng);
  const shown = parts.filter(([n], i) => n > 0 || (i === 2 && s === 0));
  const words = shown.map(([n, unit]) =>
    new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' }).format(n),
  );
  return new Intl.ListFormat(locale, { style: 'narrow', type: 'unit' }).format(words);
}

/** A moment with date and time: `Nov 23, 2025, 7:37 PM` (en-US), `23 nov. 2025 19:37` (sv). */
export function formatDateTime(iso: string, lng?: string): string {
  return new Intl.DateTimeFormat(intlLocale(lng), {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(iso));
}

/** A date alone: `Nov 23, 2025` (en-US), `23 nov. 2025` (sv). */
export function formatDate(iso: string, lng?: string): string {
  return new Intl.DateTimeFormat(intlLocale(lng), { dateStyle: 'medium' }).format(new Date(iso));
}

/** A time of day, to the minute or with seconds: `7:37 PM` (en-US), `19:37` (sv). */
export function formatTime(iso: string, lng?: string, withSeconds = false): string {
  return new Intl.DateTimeFormat(intlLocale(lng), {
    hour: '2-digit',
    minute: '2-digit',
    ...(withSeconds ? { second: '2-digit' } : {}),
  }).format(new Date(iso));
}

/**
 * A Webex announcement language code in the reader's language: `en_us` → `English (United States)`
 * or `engelska (USA)`; a code Intl cannot name is shown as given.
 */
export function formatLanguage(code: string, lng?: string): string {
  const [language = '', region] = code.split(/[_-]/);
  try {
    const names = new Intl.DisplayNames([intlLocale(lng)], {
      type: 'language',
      languageDisplay: 'standard',
    });
    const name = names.of(region ? `${language}-${region.toUpperCase()}` : language);
    return name ?? code;
  } catch {
    return code;
  }
}

/** A noun in its singular and plural, already in the reader's language. */
export interface Noun {
  readonly one: string;
  readonly other: string;
}

/** `1 person`, `7 people` (en), `1 person`, `7 personer` (sv): the caller gives the nouns. */
export function formatCount(count: number, noun: Noun, lng?: string): string {
  const locale = intlLocale(lng);
  const form = new Intl.PluralRules(locale).select(count) === 'one' ? noun.one : noun.other;
  return `${formatNumber(count, lng)} ${form}`;
}
