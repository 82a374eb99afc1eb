// The header's language choice: used at once, remembered in this browser and, for a signed-in
// person, on their profile so their other browsers open in it too.
import { SegmentedControl, VisuallyHidden } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { saveConsoleLanguage } from '../api/auth.api.js';
import { SUPPORTED_LANGUAGES, chooseLanguage, isConsoleLanguage } from '../i18n/index.js';

export function LanguageSwitcher({
  signedIn = false,
}: {
  /** Also remember the choice on the person's profile. */
  readonly signedIn?: boolean;
}): ReactNode {
  const { t, i18n } = useTranslation();
  const current = i18n.resolvedLanguage ?? 'en';
  const choose = (lng: string): void => {
    if (!isConsoleLanguage(lng)) return;
    void chooseLanguage(lng);
    // The choice already holds in this browser; a profile that cannot be saved now only means
    // another browser will not know it yet.
    if (signedIn) saveConsoleLanguage(lng).catch(() => undefined);
  };
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('language.label')}
      value={isConsoleLanguage(current) ? current : 'en'}
      onChange={choose}
      data={SUPPORTED_LANGUAGES.map((lng) => ({
        value: lng,
        // The short code is shown; the language's own name is what a screen reader says.
        label: (
          <span lang={lng} title={t(`language.${lng}`)}>
            <span aria-hidden="true">{lng.toUpperCase()}</span>
            <VisuallyHidden>{t(`language.${lng}`)}</VisuallyHidden>
          </span>
        ),
      }))}
    />
  );
}
