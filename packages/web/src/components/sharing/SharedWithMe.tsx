// User Hub "Shared with me" (SPEC §7, §9.5): recordings colleagues shared with the signed-in
// person, with Play; download is offered only where the share allows it. The server decides what
// is open on every request (an expired or revoked share opens nothing).
import { Button, Group, Skeleton, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { SharedRecording } from '@callvault/shared';
import { listSharedWithMe } from '../../api/sharing.api.js';
import { formatDuration } from '../../lib/recordings.js';
import { EmptyState } from '../EmptyState.js';
import { ErrorAlert } from '../ErrorAlert.js';
import { IconPlay, IconRecordings } from '../icons.js';
import { RecordingDrawer, type OpenedRecording } from '../recordings/RecordingDrawer.js';
import { displayTopic } from '../../lib/recording-topic.js';

export const sharedWithMeKey = ['recordings', 'shared-with-me'] as const;

export function SharedWithMe(): ReactNode {
  const { t, i18n } = useTranslation('sharing');
  const list = useQuery({
    queryKey: sharedWithMeKey,
    queryFn: ({ signal }) => listSharedWithMe(signal),
  });
  const [opened, setOpened] = useState<SharedRecording | null>(null);
  const format = (iso: string, time: boolean): string =>
    new Intl.DateTimeFormat(i18n.resolvedLanguage, {
      dateStyle: 'medium',
      ...(time ? { timeStyle: 'short' } : {}),
    }).format(new Date(iso));
  const opening = (s: SharedRecording): OpenedRecording => ({
    id: s.recording.id,
    topic: displayTopic(s.recording),
    timeRecorded: s.recording.timeRecorded,
    durationSeconds: s.recording.durationSeconds,
    status: s.recording.status,
    ownerName: s.ownerName,
  });

  if (list.error) {
    return (
      <ErrorAlert
        title={t('sharedWithMe.loadFailed')}
        error={list.error}
        onRetry={() => void list.refetch()}
      />
    );
  }
  if (list.isPending) return <Skeleton height={100} radius="md" mt="sm" />;
  if (list.data.length === 0) {
    return (
      <EmptyState icon={<IconRecordings size={28} />} title={t('sharedWithMe.emptyTitle')}>
        {t('sharedWithMe.emptyBody')}
      </EmptyState>
    );
  }
  return (
    <Stack gap="sm" mt="sm" data-testid="shared-with-me">
      <Table.ScrollContainer minWidth={560}>
        <Table verticalSpacing="xs" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('sharedWithMe.recorded')}</Table.Th>
              <Table.Th>{t('sharedWithMe.topic')}</Table.Th>
              <Table.Th>{t('sharedWithMe.owner')}</Table.Th>
              <Table.Th>{t('sharedWithMe.expires')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.map((s) => (
              <Table.Tr key={s.share.id}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {format(s.recording.timeRecorded, true)}
                </Table.Td>
                <Table.Td>
                  {displayTopic(s.recording)}
                  <Text span size="xs" c="dimmed" ff="monospace" ml={6}>
                    {formatDuration(s.recording.durationSeconds)}
                  </Text>
                </Table.Td>
                <Table.Td>{s.ownerName}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {s.share.expiration !== null
                    ? format(s.share.expiration, false)
                    : t('sharedWithMe.noExpiry')}
                </Table.Td>
                <Table.Td>
                  <Group justify="flex-end">
                    <Button
                      size="compact-sm"
                      variant="light"
                      leftSection={<IconPlay size={14} />}
                      onClick={() => setOpened(s)}
                      aria-label={t('sharedWithMe.playLabel', { topic: displayTopic(s.recording) })}
                    >
                      {t('sharedWithMe.play')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Text size="xs" c="dimmed" data-testid="shared-with-me-count">
        {t('sharedWithMe.count', { count: list.data.length })}
      </Text>
      <RecordingDrawer
        recording={opened ? opening(opened) : null}
        onClose={() => setOpened(null)}
        allowDownload={opened?.share.downloadEnabled === true}
        noAudioReason={t('sharedWithMe.noAudioReason')}
      />
    </Stack>
  );
}
