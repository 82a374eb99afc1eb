// The header's language choice. i18next's detector remembers it in localStorage, so the console
// opens in the chosen language next time.
import { SegmentedControl } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { SUPPORTED_LANGUAGES, isConsoleLanguage } from '../i18n/index.js';

export function LanguageSwitcher(): ReactNode {
  const { t, i18n } = useTranslation();
  const current = i18n.resolvedLanguage ?? 'en';
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('language.label')}
      value={isConsoleLanguage(current) ? current : 'en'}
      onChange={(lng) => void i18n.changeLanguage(lng)}
      data={SUPPORTED_LANGUAGES.map((lng) => ({
        value: lng,
        label: <span lang={lng}>{lng.toUpperCase()}</span>,
      }))}
    />
  );
}
