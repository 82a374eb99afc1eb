import { Badge, Card, Grid, Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import type { Me, Role } from '@callvault/shared';
import { LiveCalls } from '../components/LiveCalls.js';
import { PageHeader } from '../components/PageHeader.js';
import { MyRecordings } from '../components/recordings/MyRecordings.js';
import { SharedWithMeCard } from '../components/sharing/SharedWithMeCard.js';

const ROLE_LABELS: Readonly<Record<Role, string>> = {
  fullAdmin: 'Full administrator',
  readOnlyAdmin: 'Read-only administrator',
  partnerAdmin: 'Partner administrator',
  complianceOfficer: 'Compliance officer',
  user: 'User',
};

/** A person's own recordings and profile (SPEC §9.5 User Hub). */
export function UserHubPage({ me }: { readonly me: Me }): ReactNode {
  return (
    <>
      <PageHeader
        title="User Hub"
        description="Your own call recordings, and what you may do with them."
      />
      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Card withBorder radius="md" h="100%">
            <Title order={2} fz="lg">
              My recordings
            </Title>
            <MyRecordings />
          </Card>
          <SharedWithMeCard />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Card withBorder radius="md" mb="lg">
            <Title order={2} fz="lg" mb="md">
              Calls being recorded
            </Title>
            <LiveCalls />
          </Card>
          <Card withBorder radius="md">
            <Title order={2} fz="lg" mb="md">
              My profile
            </Title>
            <Stack gap="sm">
              <Field label="Name" value={me.displayName} />
              <Field label="Email" value={me.email} />
              <Field label="Organisation" value={me.orgName} />
              <div>
                <Text size="xs" c="dimmed" mb={4}>
                  Roles
                </Text>
                <Group gap={6}>
                  {me.roles.map((role) => (
                    <Badge key={role} variant="light" radius="sm" tt="none" size="md">
                      {ROLE_LABELS[role]}
                    </Badge>
                  ))}
                </Group>
              </div>
            </Stack>
          </Card>
        </Grid.Col>
      </Grid>
    </>
  );
}

function Field({ label, value }: { readonly label: string; readonly value: string }): ReactNode {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm">{value}</Text>
    </div>
  );
}
