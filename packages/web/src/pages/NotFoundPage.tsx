import { Anchor, Center, Stack, Text, Title } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { usePageTitle } from '../lib/use-page-title.js';

export function NotFoundPage(): ReactNode {
  const { t } = useTranslation('a11y');
  usePageTitle(t('pageTitle.notFound'));
  return (
    <Center mih="60vh">
      <Stack align="center" gap="xs">
        <Title order={1}>Page not found</Title>
        <Text c="dimmed">There is no page at this address.</Text>
        <Anchor component={Link} to="/">
          Go to the console
        </Anchor>
      </Stack>
    </Center>
  );
}
