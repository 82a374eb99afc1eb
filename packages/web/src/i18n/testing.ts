// For unit tests of code that translates through the global i18next: starts it with the bundled
// translations (no browser detection) and switches to the language a test asks for.
import i18next from 'i18next';
import { DEFAULT_NAMESPACE, resources, type ConsoleLanguage } from './resources.js';

export async function setTestLanguage(lng: ConsoleLanguage): Promise<void> {
  if (!i18next.isInitialized) {
    await i18next.init({
      resources,
      lng,
      defaultNS: DEFAULT_NAMESPACE,
      ns: Object.keys(resources.en),
      fallbackLng: 'en',
      interpolation: { escapeValue: false },
    });
  }
  await i18next.changeLanguage(lng);
}
