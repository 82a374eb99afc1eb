import { Box, Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { usePageTitle } from '../lib/use-page-title.js';

interface PageHeaderProps {
  readonly title: string;
  readonly description: ReactNode;
  readonly eyebrow?: string;
  readonly actions?: ReactNode;
}

/** The page's heading, which is also its document title. */
export function PageHeader({ title, description, eyebrow, actions }: PageHeaderProps): ReactNode {
  usePageTitle(title);
  return (
    <Group justify="space-between" align="flex-end" mb="lg" wrap="wrap" gap="sm">
      <Stack gap={4}>
        {eyebrow !== undefined && (
          <Text size="xs" fw={700} tt="uppercase" c="dimmed" lts={0.6}>
            {eyebrow}
          </Text>
        )}
        <Title order={1} fz={28}>
          {title}
        </Title>
        <Text c="dimmed">{description}</Text>
      </Stack>
      {actions !== undefined && <Box style={{ flexShrink: 0 }}>{actions}</Box>}
    </Group>
  );
}
