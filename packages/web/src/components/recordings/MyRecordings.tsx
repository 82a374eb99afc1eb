// User Hub "My recordings" (SPEC §1, §9.5): a person's own recordings of the last 30 days, with
// play, download and delete each shown only as their callRecordingAccessSettings allow. The server
// enforces the same settings; this only keeps the console from offering what would be refused.
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

/** The Webex list of one's own recordings allows a window of at most 30 days. */
const MY_WINDOW_DAYS = 30;

export const myRecordingSettingsKey = ['my-recording-settings'] as const;

/** What the access settings let a person do, in one sentence for the top of the list. */
function describeAccess(access: AccessSettings): string {
  const can: string[] = [];
  if (access.viewAndPlayRecordingsEnabled && access.downloadRecordingsEnabled) can.push('play');
  if (access.downloadRecordingsEnabled) can.push('download');
  if (access.deleteRecordingsEnabled) can.push('delete');
  if (can.length === 0)
    return 'You can see your recordings; your administrator has turned off playing, downloading and deleting them.';
  const list = can.length === 1 ? can[0] : `${can.slice(0, -1).join(', ')} and ${can.at(-1) ?? ''}`;
  return `You can ${list ?? ''} your recordings.`;
}

export function MyRecordings(): ReactNode {
  const settings = useQuery({
    queryKey: myRecordingSettingsKey,
    queryFn: ({ signal }) => fetchMyRecordingSettings(signal),
  });

  if (settings.error) {
    return (
      <ErrorAlert
        title="Could not load your recording settings"
        error={settings.error}
        onRetry={() => void settings.refetch()}
      />
    );
  }
  if (settings.isPending) return <Skeleton height={160} radius="md" mt="md" />;
  const access = settings.data.callRecordingAccessSettings;
  if (!access.viewAndPlayRecordingsEnabled) {
    return (
      <EmptyState icon={<IconRecordings size={28} />} title="Your recordings are not shown here">
        Your administrator has not allowed you to view your recordings. Ask them if you need one.
      </EmptyState>
    );
  }
  return <MyRecordingList access={access} />;
}

function MyRecordingList({ access }: { readonly access: AccessSettings }): ReactNode {
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
  const remove = useMutation({
    mutationFn: (id: string) => softDeleteMyRecordings([id]),
    onSuccess: async () => {
      toast({
        title: 'Recording deleted',
        message: `${toDelete?.topic ?? 'It'} is gone from your list.`,
      });
      setToDelete(null);
      await queryClient.invalidateQueries({ queryKey: MY_RECORDINGS_KEY });
    },
    onError: (error) =>
      toast({
        title: 'The recording was not deleted',
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
      if (!link) throw new Error('The server gave no download link for this recording.');
      const anchor = document.createElement('a');
      anchor.href = withViewerTimeZone(link);
      anchor.download = '';
      anchor.click();
    } catch (error) {
      toast({
        title: 'The download did not start',
        message: describeError(error as Error),
        tone: 'error',
      });
    }
  };

  const opening = (r: ConvergedRecording): OpenedRecording => ({
    id: r.id,
    topic: r.topic,
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
          ' Playing needs download permission too, because the audio reaches your browser as a download link.'}
      </Text>
      {list.error && !list.data ? (
        <ErrorAlert
          title="Could not load your recordings"
          error={list.error}
          onRetry={() => void list.refetch()}
        />
      ) : list.isPending ? (
        <Skeleton height={120} radius="md" />
      ) : rows.length === 0 ? (
        <EmptyState icon={<IconRecordings size={28} />} title="No recordings in the last 30 days">
          When your calls are recorded they are listed here.
        </EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="xs" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Recorded</Table.Th>
                <Table.Th>Topic</Table.Th>
                <Table.Th>Duration</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.id}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {formatRecordedTime(r.timeRecorded)}
                  </Table.Td>
                  <Table.Td>{r.topic}</Table.Td>
                  <Table.Td ff="monospace">{formatDuration(r.durationSeconds)}</Table.Td>
                  <Table.Td>
                    <Group gap={6} justify="flex-end" wrap="nowrap">
                      <Button
                        size="compact-sm"
                        variant="light"
                        leftSection={canPlay ? <IconPlay size={14} /> : null}
                        onClick={() => setOpened(opening(r))}
                        aria-label={`${canPlay ? 'Play' : 'Details of'} ${r.topic}`}
                      >
                        {canPlay ? 'Play' : 'Details'}
                      </Button>
                      {access.downloadRecordingsEnabled && (
                        <Button
                          size="compact-sm"
                          variant="default"
                          leftSection={<IconDownload size={14} />}
                          onClick={() => void download(r)}
                          aria-label={`Download ${r.topic}`}
                        >
                          Download
                        </Button>
                      )}
                      {access.deleteRecordingsEnabled && (
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color="red"
                          leftSection={<IconTrash size={14} />}
                          onClick={() => setToDelete(r)}
                          aria-label={`Delete ${r.topic}`}
                        >
                          Delete
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
          {rows.length === 1 ? '1 recording' : `${rows.length} recordings`}
          {list.hasNextPage ? ' loaded, more below' : ''}
        </Text>
        {list.isFetchingNextPage && <Loader size="xs" aria-label="Loading more" />}
      </Group>

      <Modal
        opened={toDelete !== null}
        onClose={() => setToDelete(null)}
        title="Delete this recording?"
        centered
      >
        <Stack gap="md">
          <Alert color="yellow" variant="light" icon={<IconAlert />}>
            “{toDelete?.topic}” will move to the recycle bin and disappear from your list. Your
            administrator can restore it until it is purged.
          </Alert>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setToDelete(null)} disabled={remove.isPending}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() => toDelete && remove.mutate(toDelete.id)}
            >
              Delete recording
            </Button>
          </Group>
        </Stack>
      </Modal>

      <RecordingDrawer
        recording={opened}
        onClose={() => setOpened(null)}
        allowDownload={access.downloadRecordingsEnabled}
        noAudioReason="Your administrator has turned off downloading your recordings, and playing them here needs it."
      />
    </Stack>
  );
}
