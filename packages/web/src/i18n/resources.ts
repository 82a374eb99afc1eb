// Every translation the console ships, one namespace per area of the console, each in English and
// Swedish. A namespace is added here in both languages; locales.test.ts fails when the two differ
// in keys, so no string can exist in one language only.
import commonEn from './locales/en/common.json';
import commonSv from './locales/sv/common.json';
import a11yEn from './locales/en/a11y.json';
import a11ySv from './locales/sv/a11y.json';

export const resources = {
  en: { common: commonEn, a11y: a11yEn },
  sv: { common: commonSv, a11y: a11ySv },
} as const;

export const SUPPORTED_LANGUAGES = ['en', 'sv'] as const;
export type ConsoleLanguage = (typeof SUPPORTED_LANGUAGES)[number];

export const DEFAULT_NAMESPACE = 'common';
