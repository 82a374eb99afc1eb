// How the console writes values that the API returns as codes.
import type { CallingLicense } from '@callvault/shared';

export const LICENSE_LABELS: Readonly<Record<CallingLicense, string>> = {
  professional: 'Professional',
  basic: 'Basic',
  none: 'None',
};

/** `en_us` → `English (United States)` when the browser knows the language, else the code as given. */
export function formatLanguage(code: string): string {
  const [language = '', region] = code.split(/[_-]/);
  try {
    const names = new Intl.DisplayNames(['en'], { type: 'language', languageDisplay: 'standard' });
    const name = names.of(region ? `${language}-${region.toUpperCase()}` : language);
    return name ?? code;
  } catch {
    return code;
  }
}

export interface Noun {
  readonly one: string;
  readonly other: string;
}

const plurals = new Intl.PluralRules('en');

/** `1 person`, `7 people`. */
export function formatCount(count: number, noun: Noun): string {
  return `${count} ${plurals.select(count) === 'one' ? noun.one : noun.other}`;
}
