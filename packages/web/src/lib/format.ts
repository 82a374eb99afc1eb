// How the console writes values that the API returns as codes.
import type { CallingLicense } from '../api/types.js';

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
