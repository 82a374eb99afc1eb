import { Stack, Text, ThemeIcon, Title } from '@mantine/core';
import type { ReactNode } from 'react';

interface EmptyStateProps {
  readonly icon: ReactNode;
  readonly title: string;
  readonly children: ReactNode;
}

/** What a page shows when it has nothing to list yet: what would be here, and how it gets here. */
export function EmptyState({ icon, title, children }: EmptyStateProps): ReactNode {
  return (
    <Stack align="center" gap="xs" py={56} px="md" ta="center">
      <ThemeIcon size={56} radius="xl" variant="light">
        {icon}
      </ThemeIcon>
      <Title order={3} mt="sm">
        {title}
      </Title>
      <Text c="dimmed" maw={520}>
        {children}
      </Text>
    </Stack>
  );
}
