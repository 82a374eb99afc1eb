// Every translation the console ships, one namespace per area of the console, each in English and
// Swedish. A namespace is added here in both languages; locales.test.ts fails when the two differ
// in keys, so no string can exist in one language only.
import commonEn from './locales/en/common.json';
import commonSv from './locales/sv/common.json';
import directoryEn from './locales/en/directory.json';
import directorySv from './locales/sv/directory.json';

export const resources = {
  en: { common: commonEn, directory: directoryEn },
  sv: { common: commonSv, directory: directorySv },
} as const;

export const SUPPORTED_LANGUAGES = ['en', 'sv'] as const;
export type ConsoleLanguage = (typeof SUPPORTED_LANGUAGES)[number];

export const DEFAULT_NAMESPACE = 'common';
