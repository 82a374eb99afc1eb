// User Hub "My recordings" (SPEC §1, §9.5): a person's own recordings of the last 30 days, with
// play, download and delete each shown only as their callRecordingAccessSettings allow. The server
// enforces the same settings; this only keeps the console from offering what would be refused.
import i18next from 'i18next';
import { intlLocale } from '../../lib/format.js';
import { Alert, Button, Group, Loader, Modal, Skeleton, Stack, Table, Text } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState, type ReactNode } from 'react';
import {
  fetchMyRecordingSettings,
  fetchRecordingDetails,
  listMyRecordings,
  softDeleteMyRecordings,
} from '../../api/recordings.api.js';
import type { AccessSettings, ConvergedRecording } from '@callvault/shared';
import { describeError } from '../../lib/error-messages.js';
import { withViewerTimeZone } from '../../lib/download-link.js';
import { MY_RECORDINGS_KEY, myRecordingsWindow } from '../../lib/my-recordings.js';
import { formatDuration, formatRecordedTime } from '../../lib/recordings.js';
import { useLoadMoreOnScroll } from '../../lib/use-load-more-on-scroll.js';
import { EmptyState } from '../EmptyState.js';
import { ErrorAlert } from '../ErrorAlert.js';
import { useToast } from '../Toaster.js';
import { IconAlert, IconDownload, IconPlay, IconRecordings, IconTrash } from '../icons.js';
import { RecordingDrawer, type OpenedRecording } from './RecordingDrawer.js';
import { ShareDialog, type ShareTarget } from '../sharing/ShareDialog.js';
import { useTranslation } from 'react-i18next';
import { displayTopic } from '../../lib/recording-topic.js';

/** The Webex list of one's own recordings allows a window of at most 30 days. */
const MY_WINDOW_DAYS = 30;

export const myRecordingSettingsKey = ['my-recording-settings'] as const;

/** What the access settings let a person do, in one sentence for the top of the list. */
function describeAccess(access: AccessSettings): string {
  const can: string[] = [];
  const verb = (v: 'play' | 'download' | 'delete'): string =>
    i18next.t(`recordings:mine.verb.${v}`);
  if (access.viewAndPlayRecordingsEnabled && access.downloadRecordingsEnabled)
    can.push(verb('play'));
  if (access.downloadRecordingsEnabled) can.push(verb('download'));
  if (access.deleteRecordingsEnabled) can.push(verb('delete'));
  if (can.length === 0) return i18next.t('recordings:mine.accessNone');
  const list = new Intl.ListFormat(intlLocale(), { type: 'conjunction' }).format(can);
  return i18next.t('recordings:mine.access', { list });
}

export function MyRecordings(): ReactNode {
  const { t } = useTranslation(['recordings', 'common']);
  const settings = useQuery({
    queryKey: myRecordingSettingsKey,
    queryFn: ({ signal }) => fetchMyRecordingSettings(signal),
  });

  if (settings.error) {
    return (
      <ErrorAlert
        title={t('mine.settingsFailed')}
        error={settings.error}
        onRetry={() => void settings.refetch()}
      />
    );
  }
  if (settings.isPending) return <Skeleton height={160} radius="md" mt="md" />;
  const access = settings.data.callRecordingAccessSettings;
  if (!access.viewAndPlayRecordingsEnabled) {
    return (
      <EmptyState icon={<IconRecordings size={28} />} title={t('mine.hiddenTitle')}>
        {t('mine.hiddenText')}
      </EmptyState>
    );
  }
  return <MyRecordingList access={access} />;
}

function MyRecordingList({ access }: { readonly access: AccessSettings }): ReactNode {
  const { t } = useTranslation(['recordings', 'common']);
  const list = useInfiniteQuery({
    queryKey: MY_RECORDINGS_KEY,
    // The window ends now at every fetch, so a refresh (a call that just ended) finds new calls.
    queryFn: ({ pageParam, signal }) =>
      listMyRecordings(myRecordingsWindow(new Date(), MY_WINDOW_DAYS), pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextPath,
  });
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.body.items) ?? [], [list.data]);

  const endRef = useRef<HTMLDivElement>(null);
  useLoadMoreOnScroll(endRef, {
    hasNextPage: list.hasNextPage,
    isFetchingNextPage: list.isFetchingNextPage,
    isError: list.isError,
    rowCount: rows.length,
    fetchNextPage: list.fetchNextPage,
  });

  const queryClient = useQueryClient();
  const toast = useToast();
  const [opened, setOpened] = useState<OpenedRecording | null>(null);
  const [toDelete, setToDelete] = useState<ConvergedRecording | null>(null);
  const [toShare, setToShare] = useState<ShareTarget | null>(null);
  const { t: tShare } = useTranslation('sharing');
  const remove = useMutation({
    mutationFn: (id: string) => softDeleteMyRecordings([id]),
    onSuccess: async () => {
      toast({
        title: t('mine.deleted'),
        message: t('mine.deletedText', {
          topic: toDelete ? displayTopic(toDelete) : t('mine.deletedFallback'),
        }),
      });
      setToDelete(null);
      await queryClient.invalidateQueries({ queryKey: MY_RECORDINGS_KEY });
    },
    onError: (error) =>
      toast({
        title: t('mine.notDeleted'),
        message: describeError(error),
        tone: 'error',
      }),
  });

  const canPlay = access.viewAndPlayRecordingsEnabled && access.downloadRecordingsEnabled;
  const download = async (r: ConvergedRecording): Promise<void> => {
    try {
      const details = await queryClient.fetchQuery({
        queryKey: ['recording-details', r.id],
        queryFn: ({ signal }) => fetchRecordingDetails(r.id, signal),
        staleTime: 60 * 60 * 1000,
      });
      const link = details.temporaryDirectDownloadLinks?.audioDownloadLink;
      if (!link) throw new Error(t('mine.noLink'));
      const anchor = document.createElement('a');
      anchor.href = withViewerTimeZone(link);
      anchor.download = '';
      anchor.click();
    } catch (error) {
      toast({
        title: t('mine.downloadFailed'),
        message: describeError(error as Error),
        tone: 'error',
      });
    }
  };

  const opening = (r: ConvergedRecording): OpenedRecording => ({
    id: r.id,
    topic: displayTopic(r),
    timeRecorded: r.timeRecorded,
    durationSeconds: r.durationSeconds,
    status: r.status,
    // The button says Play: the audio starts as soon as the player is there.
    autoPlay: canPlay,
  });

  return (
    <Stack gap="sm" mt="sm">
      <Text size="sm" c="dimmed" data-testid="my-access">
        {describeAccess(access)}
        {access.viewAndPlayRecordingsEnabled &&
          !access.downloadRecordingsEnabled &&
          t('mine.playNeedsDownload')}
      </Text>
      {list.error && !list.data ? (
        <ErrorAlert
          title={t('mine.listFailed')}
          error={list.error}
          onRetry={() => void list.refetch()}
        />
      ) : list.isPending ? (
        <Skeleton height={120} radius="md" />
      ) : rows.length === 0 ? (
        <EmptyState icon={<IconRecordings size={28} />} title={t('mine.emptyTitle')}>
          {t('mine.emptyText')}
        </EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="xs" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('table.recorded')}</Table.Th>
                <Table.Th>{t('table.topic')}</Table.Th>
                <Table.Th>{t('table.duration')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {formatRecordedTime(r.timeRecorded)}
                  </Table.Td>
                  <Table.Td>{displayTopic(r)}</Table.Td>
                  <Table.Td ff="monospace">{formatDuration(r.durationSeconds)}</Table.Td>
                  <Table.Td>
                    <Group gap={6} justify="flex-end" wrap="nowrap">
                      <Button
                        size="compact-sm"
                        variant="light"
                        leftSection={canPlay ? <IconPlay size={14} /> : null}
                        onClick={() => setOpened(opening(r))}
                        aria-label={
                          canPlay
                            ? t('mine.playLabel', { topic: displayTopic(r) })
                            : t('mine.detailsLabel', { topic: displayTopic(r) })
                        }
                      >
                        {canPlay ? t('mine.play') : t('mine.details')}
                      </Button>
                      {access.downloadRecordingsEnabled && (
                        <Button
                          size="compact-sm"
                          variant="default"
                          leftSection={<IconDownload size={14} />}
                          onClick={() => void download(r)}
                          aria-label={t('mine.downloadLabel', { topic: displayTopic(r) })}
                        >
                          {t('mine.download')}
                        </Button>
                      )}
                      {access.shareRecordingsEnabled && (
                        <Button
                          size="compact-sm"
                          variant="default"
                          onClick={() => setToShare({ id: r.id, topic: displayTopic(r) })}
                          aria-label={tShare('share.actionLabel', { topic: displayTopic(r) })}
                        >
                          {tShare('share.action')}
                        </Button>
                      )}
                      {access.deleteRecordingsEnabled && (
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color="red"
                          leftSection={<IconTrash size={14} />}
                          onClick={() => setToDelete(r)}
                          aria-label={t('mine.deleteLabel', { topic: displayTopic(r) })}
                        >
                          {t('mine.delete')}
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Group justify="space-between" ref={endRef}>
        <Text size="xs" c="dimmed" data-testid="my-recordings-count">
          {t('count', { count: rows.length })}
          {list.hasNextPage ? t('loadedMore') : ''}
        </Text>
        {list.isFetchingNextPage && (
          <Loader size="xs" role="status" aria-label={t('loadingMore')} />
        )}
      </Group>

      <Modal
        opened={toDelete !== null}
        onClose={() => setToDelete(null)}
        title={t('mine.confirmTitle')}
        centered
      >
        <Stack gap="md">
          <Alert color="yellow" variant="light" icon={<IconAlert />}>
            {t('mine.confirmText', { topic: toDelete ? displayTopic(toDelete) : '' })}
          </Alert>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setToDelete(null)} disabled={remove.isPending}>
              {t('common:actions.cancel')}
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() => toDelete && remove.mutate(toDelete.id)}
            >
              {t('mine.confirm')}
            </Button>
          </Group>
        </Stack>
      </Modal>

      <RecordingDrawer
        recording={opened}
        onClose={() => setOpened(null)}
        allowDownload={access.downloadRecordingsEnabled}
        noAudioReason={t('mine.noAudio')}
        showShares
        {...(access.shareRecordingsEnabled && opened
          ? {
              shareAction: (
                <Button
                  size="compact-sm"
                  variant="default"
                  onClick={() => setToShare({ id: opened.id, topic: displayTopic(opened) })}
                  aria-label={tShare('share.actionLabel', { topic: displayTopic(opened) })}
                >
                  {tShare('share.action')}
                </Button>
              ),
            }
          : {})}
      />
      <ShareDialog recording={toShare} onClose={() => setToShare(null)} />
    </Stack>
  );
}
