// Every translation the console ships, one namespace per area of the console, each in English and
// Swedish. A namespace is added here in both languages; locales.test.ts fails when the two differ
// in keys, so no string can exist in one language only.
import commonEn from './locales/en/common.json';
import commonSv from './locales/sv/common.json';
import complianceEn from './locales/en/compliance.json';
import complianceSv from './locales/sv/compliance.json';
import sharingEn from './locales/en/sharing.json';
import sharingSv from './locales/sv/sharing.json';

export const resources = {
  en: { common: commonEn, compliance: complianceEn, sharing: sharingEn },
  sv: { common: commonSv, compliance: complianceSv, sharing: sharingSv },
} as const;

export const SUPPORTED_LANGUAGES = ['en', 'sv'] as const;
export type ConsoleLanguage = (typeof SUPPORTED_LANGUAGES)[number];

export const DEFAULT_NAMESPACE = 'common';
