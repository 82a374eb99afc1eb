import { Badge, Card, Grid, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ReactNode } from 'react';
import type { Me } from '@callvault/shared';
import { LiveCalls } from '../components/LiveCalls.js';
import { PageHeader } from '../components/PageHeader.js';
import { MyRecordings } from '../components/recordings/MyRecordings.js';
import { SharedWithMeCard } from '../components/sharing/SharedWithMeCard.js';

/** A person's own recordings and profile (SPEC §9.5 User Hub). */
export function UserHubPage({ me }: { readonly me: Me }): ReactNode {
  const { t } = useTranslation('userHub');
  return (
    <>
      <PageHeader title={t('title')} description={t('description')} />
      <Grid gutter="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Card withBorder radius="md" h="100%">
            <Title order={2} fz="lg">
              {t('myRecordings')}
            </Title>
            <MyRecordings />
          </Card>
          <SharedWithMeCard />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Card withBorder radius="md" mb="lg">
            <Title order={2} fz="lg" mb="md">
              {t('liveCalls')}
            </Title>
            <LiveCalls />
          </Card>
          <Card withBorder radius="md">
            <Title order={2} fz="lg" mb="md">
              {t('profile.title')}
            </Title>
            <Stack gap="sm">
              <Field label={t('profile.name')} value={me.displayName} />
              <Field label={t('profile.email')} value={me.email} />
              <Field label={t('profile.organisation')} value={me.orgName} />
              <div>
                <Text size="xs" c="dimmed" mb={4}>
                  {t('profile.roles')}
                </Text>
                <Group gap={6}>
                  {me.roles.map((role) => (
                    <Badge key={role} variant="light" radius="sm" tt="none" size="md">
                      {t(`role.${role}`)}
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
