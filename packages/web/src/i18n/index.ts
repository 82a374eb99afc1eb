// The console's i18n: i18next with react-i18next. The language is, in this order: the one the
// person chose in the header (remembered in this browser's localStorage and on their profile), the
// one their profile remembers from another browser, the browser's, English. Plurals and
// interpolation are i18next's; numbers, sizes and dates go through Intl in lib/format.ts.
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
        // Only an explicit choice in the header is written (chooseLanguage); a language taken from
        // the profile or the browser is not, so it never passes for a choice made in this browser.
        caches: [],
      },
    });
  const apply = (lng: string): void => {
    document.documentElement.lang = lng.startsWith('sv') ? 'sv' : 'en';
  };
  apply(instance.resolvedLanguage ?? 'en');
  instance.on('languageChanged', apply);
  return instance;
}

function storedChoice(): string | null {
  try {
    return window.localStorage.getItem(LANGUAGE_STORAGE_KEY);
  } catch {
    // Storage disabled (private mode, policy): there is no remembered choice.
    return null;
  }
}

/** The person chose `lng` in the header: use it now and remember it in this browser. */
export async function chooseLanguage(
  lng: ConsoleLanguage,
  instance: i18n = i18next,
): Promise<void> {
  try {
    window.localStorage.setItem(LANGUAGE_STORAGE_KEY, lng);
  } catch {
    // Not remembered in this browser; the profile still remembers it.
  }
  await instance.changeLanguage(lng);
}

/**
 * The signed-in person's profile language, used when this browser holds no explicit choice: the
 * header choice made here wins over the profile, the profile over the browser's language.
 */
export async function applyProfileLanguage(
  language: ConsoleLanguage | null,
  instance: i18n = i18next,
): Promise<void> {
  if (language === null) return;
  const stored = storedChoice();
  if (stored !== null && isConsoleLanguage(stored)) return;
  if (instance.resolvedLanguage !== language) await instance.changeLanguage(language);
}
