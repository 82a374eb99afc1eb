import { Anchor, Center, Stack, Text, Title } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';

export function NotFoundPage(): ReactNode {
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
