// The User Hub card around "Shared with me", titled in the person's language.
import { Card, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { SharedWithMe } from './SharedWithMe.js';

export function SharedWithMeCard(): ReactNode {
  const { t } = useTranslation('sharing');
  return (
    <Card withBorder radius="md" mt="lg" component="section" aria-labelledby="shared-with-me-title">
      <Title order={2} fz="lg" id="shared-with-me-title">
        {t('sharedWithMe.title')}
      </Title>
      <SharedWithMe />
    </Card>
  );
}
