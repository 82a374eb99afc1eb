import { Anchor, Center, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { usePageTitle } from '../lib/use-page-title.js';

export function NotFoundPage(): ReactNode {
  const { t } = useTranslation();
  const { t: ta } = useTranslation('a11y');
  usePageTitle(ta('pageTitle.notFound'));
  return (
    <Center mih="60vh">
      <Stack align="center" gap="xs">
        <Title order={1}>{t('notFound.title')}</Title>
        <Text c="dimmed">{t('notFound.text')}</Text>
        <Anchor component={Link} to="/">
          {t('notFound.home')}
        </Anchor>
      </Stack>
    </Center>
  );
}
