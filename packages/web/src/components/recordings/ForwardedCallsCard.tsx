// Calls of the search window that an external recorder recorded instead of Callvault (catalogue
// entries of kind `forwarded`, /api/forwarded-calls): a "Forwarded to <vendor>" badge, when, who,
// and how it ended — no player, since the audio is at the vendor. Shown only when there are any.
import { Badge, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ForwardedCall } from '@callvault/shared';
import { listForwardedCalls } from '../../api/recordings.api.js';
import { formatDateTime, formatDuration } from '../../lib/format.js';
import { ErrorAlert } from '../ErrorAlert.js';

function partiesOf(call: ForwardedCall): string {
  return call.parties.map((p) => p.name ?? p.aor ?? p.id).join(', ');
}

function Outcome({ call }: { readonly call: ForwardedCall }): ReactNode {
  const { t } = useTranslation('recordings');
  return (
    <Stack gap={2}>
      {call.outcome === 'completed' ? (
        <Text size="sm">{t('forwarded.completed')}</Text>
      ) : (
        <Text size="sm" c="red.8">
          {t('forwarded.failed', { reason: call.failure?.reason ?? '' })}
        </Text>
      )}
      {call.recordedHere && (
        <Text size="xs" c="dimmed">
          {t('forwarded.recordedHere')}
        </Text>
      )}
    </Stack>
  );
}

export function ForwardedCallsCard({
  window,
}: {
  readonly window: { from?: string | undefined; to?: string | undefined };
}): ReactNode {
  const { t, i18n } = useTranslation('recordings');
  const lang = i18n.resolvedLanguage ?? 'en';
  const calls = useQuery({
    queryKey: ['recordings', 'forwarded', window],
    queryFn: ({ signal }) => listForwardedCalls(window, signal),
  });
  if (calls.error) {
    return <ErrorAlert title={t('forwarded.loadFailed')} error={calls.error} />;
  }
  const items = calls.data ?? [];
  if (items.length === 0) return null;
  return (
    <Card withBorder radius="md" mt="md" padding="md">
      <Stack gap="sm">
        <div>
          <Title order={2} size="h4">
            {t('forwarded.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('forwarded.description')}
          </Text>
        </div>
        <Table verticalSpacing="sm" aria-label={t('forwarded.title')}>
          <Table.Thead bg="gray.0">
            <Table.Tr>
              <Table.Th>{t('forwarded.recorder')}</Table.Th>
              <Table.Th>{t('forwarded.when')}</Table.Th>
              <Table.Th>{t('forwarded.owners')}</Table.Th>
              <Table.Th>{t('forwarded.parties')}</Table.Th>
              <Table.Th>{t('forwarded.outcome')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((call) => (
              <Table.Tr key={call.id} data-testid="forwarded-call">
                <Table.Td>
                  <Badge variant="light" color="indigo" radius="sm" tt="none">
                    {t('forwarded.badge', { vendor: call.vendor.name })}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Text size="sm">{formatDateTime(call.startTime, lang)}</Text>
                    <Text size="xs" c="dimmed">
                      {formatDuration(call.durationSeconds)}
                    </Text>
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {call.owners.length > 0
                      ? call.owners.map((o) => o.displayName).join(', ')
                      : t('forwarded.noOwner')}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{partiesOf(call)}</Text>
                </Table.Td>
                <Table.Td>
                  <Outcome call={call} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Card>
  );
}
