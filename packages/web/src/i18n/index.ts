// The console's i18n: i18next with react-i18next. The language is the one the person chose in the
// header (remembered in localStorage), else the browser's, else English. Plurals, interpolation and
// locale formatting of numbers and dates are i18next's (it uses Intl underneath).
import i18next, { type i18n } from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import {
  DEFAULT_NAMESPACE,
  resources,
  SUPPORTED_LANGUAGES,
  type ConsoleLanguage,
} from './resources.js';

export { SUPPORTED_LANGUAGES, type ConsoleLanguage } from './resources.js';

/** Where the person's explicit choice of language is remembered in the browser. */
export const LANGUAGE_STORAGE_KEY = 'callvault.language';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: typeof DEFAULT_NAMESPACE;
    resources: (typeof resources)['en'];
  }
}

export function isConsoleLanguage(value: string): value is ConsoleLanguage {
  return (SUPPORTED_LANGUAGES as readonly string[]).includes(value);
}

/** Starts i18next once for the console; resolves when the first language is loaded. */
export async function initI18n(instance: i18n = i18next): Promise<i18n> {
  await instance
    .use(LanguageDetector)
    .use(initReactI18next)
    .init({
      resources,
      defaultNS: DEFAULT_NAMESPACE,
      ns: Object.keys(resources.en),
      supportedLngs: SUPPORTED_LANGUAGES,
      nonExplicitSupportedLngs: true,
      load: 'languageOnly',
      fallbackLng: 'en',
      interpolation: { escapeValue: false },
      returnNull: false,
      detection: {
        order: ['localStorage', 'navigator'],
        lookupLocalStorage: LANGUAGE_STORAGE_KEY,
        caches: ['localStorage'],
      },
    });
  const apply = (lng: string): void => {
    document.documentElement.lang = lng.startsWith('sv') ? 'sv' : 'en';
  };
  apply(instance.resolvedLanguage ?? 'en');
  instance.on('languageChanged', apply);
  return instance;
}
