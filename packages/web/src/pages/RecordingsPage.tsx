// Search and review of the org's recordings (SPEC §7) for administrators and compliance officers:
// a simple search by owner name or email, advanced filters (last 7 days by default), 100 rows at
// a time continued by scrolling, "select all" of the first 200, bulk actions behind a confirmation,
// and a drawer with the call's metadata and, for compliance officers, the player with the
// transcript. Compliance officers also search the words said in calls (SPEC §7): each result
// then shows the matching line, who said it and when. Calls of the period forwarded to an
// external recorder follow in their own list, without a player (ForwardedCallsCard).
import { useTranslation } from 'react-i18next';
import { Button, Card, Group, Loader, Skeleton, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQueryClient,
} from '@tanstack/react-query';
import { useMemo, useRef, useState, type ReactNode } from 'react';
import {
  changeRecordingsInBulk,
  searchRecordings,
  type RecordingSearchFilter,
} from '../api/recordings.api.js';
import type { BulkRecordingAction, Me, RecordingBulkBody } from '@callvault/shared';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { PageHeader } from '../components/PageHeader.js';
import { BulkBar } from '../components/recordings/BulkBar.js';
import {
  AdvancedRecordingFilters,
  initialFilters,
  type AdvancedFilters,
} from '../components/recordings/RecordingFilters.js';
import { RecordingsTable } from '../components/recordings/RecordingsTable.js';
import { useToast } from '../components/Toaster.js';
import { IconFilter, IconRecordings, IconSearch } from '../components/icons.js';
import { BulkActionDialog } from '../components/recordings/BulkActionDialog.js';
import { HoldSelectionButton } from '../components/compliance/HoldSelectionButton.js';
import { RecordingDrawer, type OpenedRecording } from '../components/recordings/RecordingDrawer.js';
import { describeError } from '../lib/error-messages.js';
import {
  SELECT_ALL_LIMIT,
  describeBulkResult,
  findBulkActions,
  toSearchWindow,
} from '../lib/recordings.js';
import { ForwardedCallsCard } from '../components/recordings/ForwardedCallsCard.js';
import { SearchSummary } from '../components/recordings/SearchSummary.js';
import { useLoadMoreOnScroll } from '../lib/use-load-more-on-scroll.js';
import { useLocations } from '../lib/use-locations.js';
import { useRecordingSelection } from '../lib/use-recording-selection.js';

export function RecordingsPage({ me }: { readonly me: Me }): ReactNode {
  const { t } = useTranslation(['recordings', 'common']);
  const [term, setTerm] = useState('');
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const [advanced, setAdvanced] = useState<AdvancedFilters>(initialFilters);
  const [settledTerm] = useDebouncedValue(term.trim(), 300);
  const [settledTopic] = useDebouncedValue(advanced.topic.trim(), 300);
  const [settledTranscript] = useDebouncedValue(advanced.transcript.trim(), 300);
  // Administrators never read transcripts, so only compliance officers search inside them.
  const isComplianceOfficer = me.roles.includes('complianceOfficer');
  const locations = useLocations();
  const queryClient = useQueryClient();
  const toast = useToast();

  const filter: RecordingSearchFilter = useMemo(
    () => ({
      q: settledTerm,
      ...toSearchWindow(advanced),
      locationId: advanced.locationId ?? undefined,
      ownerType: advanced.ownerType ?? undefined,
      status: advanced.status,
      topic: settledTopic,
      direction: advanced.direction ?? undefined,
      transcript: isComplianceOfficer && settledTranscript !== '' ? settledTranscript : undefined,
    }),
    [settledTerm, settledTopic, settledTranscript, isComplianceOfficer, advanced],
  );

  const search = useInfiniteQuery({
    queryKey: ['recordings', 'search', filter],
    queryFn: ({ pageParam, signal }) => searchRecordings(filter, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextPath,
    placeholderData: keepPreviousData,
  });
  const rows = useMemo(
    () => search.data?.pages.flatMap((page) => page.body.items) ?? [],
    [search.data],
  );

  const { selected, setSelected, selectingAll, allSelected, moreBeyondSelection, ...selection } =
    useRecordingSelection({
      filterKey: JSON.stringify(filter),
      rows,
      hasNextPage: search.hasNextPage,
      fetchNextPage: () => search.fetchNextPage(),
      onLimit: () => toast({ title: t('selectLimit', { limit: SELECT_ALL_LIMIT }), tone: 'error' }),
    });

  const actions = findBulkActions(me.roles, advanced.status);
  const [pendingAction, setPendingAction] = useState<BulkRecordingAction | null>(null);
  const bulk = useMutation({
    mutationFn: changeRecordingsInBulk,
    onSuccess: async (result, request) => {
      const summary = describeBulkResult(request.action, result);
      toast(summary);
      setPendingAction(null);
      setSelected(new Set());
      await queryClient.invalidateQueries({ queryKey: ['recordings'] });
    },
    onError: (error) => {
      toast({ title: t('nothingChanged'), message: describeError(error), tone: 'error' });
    },
  });

  // Infinite scroll: the marker under the last row pulls in the next page as it nears the screen.
  const endRef = useRef<HTMLDivElement>(null);
  useLoadMoreOnScroll(endRef, {
    hasNextPage: search.hasNextPage,
    isFetchingNextPage: search.isFetchingNextPage,
    isError: search.isError,
    rowCount: rows.length,
    fetchNextPage: search.fetchNextPage,
  });

  const [opened, setOpened] = useState<OpenedRecording | null>(null);

  return (
    <>
      <PageHeader title={t('title')} description={t('description')} />
      <Card withBorder radius="md" padding={0}>
        <Stack gap="sm" p="md">
          <Group gap="sm" align="flex-end" wrap="wrap">
            <TextInput
              label={t('owner')}
              placeholder={t('ownerPlaceholder')}
              type="search"
              value={term}
              onChange={(e) => setTerm(e.currentTarget.value)}
              leftSection={<IconSearch size={16} />}
              rightSection={
                search.isFetching && !search.isFetchingNextPage ? <Loader size="xs" /> : null
              }
              style={{ flex: '1 1 320px' }}
            />
            <Button
              variant={advancedOpen ? 'light' : 'default'}
              leftSection={<IconFilter size={16} />}
              onClick={() => setAdvancedOpen((o) => !o)}
              aria-expanded={advancedOpen}
              aria-controls="recordings-advanced"
            >
              {t('advanced')}
            </Button>
          </Group>
          <AdvancedRecordingFilters
            open={advancedOpen}
            filters={advanced}
            onChange={setAdvanced}
            locations={locations.locations}
            roles={me.roles}
            searchTranscripts={isComplianceOfficer}
          />
          <SearchSummary
            filter={filter}
            found={search.isPending ? null : rows.length}
            more={search.hasNextPage}
            fetchedAt={search.dataUpdatedAt}
          />
        </Stack>

        {actions.length > 0 && (
          <BulkBar
            actions={actions}
            selectedCount={selected.size}
            moreBeyondSelection={moreBeyondSelection}
            selectingAll={selectingAll}
            onAction={setPendingAction}
            extra={
              <HoldSelectionButton
                me={me}
                ids={[...selected]}
                disabled={selected.size === 0 || selectingAll}
              />
            }
          />
        )}

        {search.error && !search.data ? (
          <ErrorAlert
            title={t('searchFailed')}
            error={search.error}
            onRetry={() => void search.refetch()}
          />
        ) : search.isPending ? (
          <Stack p="md" gap="sm" role="status" aria-busy="true" aria-label={t('loading')}>
            {[0, 1, 2, 3, 4].map((i) => (
              <Skeleton key={i} height={14} radius="xl" />
            ))}
          </Stack>
        ) : rows.length === 0 ? (
          <EmptyState icon={<IconRecordings size={28} />} title={t('empty.title')}>
            {t('empty.text')}
          </EmptyState>
        ) : (
          <RecordingsTable
            rows={rows}
            selectable={actions.length > 0}
            selected={selected}
            allSelected={allSelected}
            selectingAll={selectingAll}
            onToggleAll={() =>
              selected.size > 0 ? setSelected(new Set()) : void selection.selectAll()
            }
            onSelect={selection.toggleRow}
            onOpen={(r) =>
              setOpened({
                ...r,
                ownerName: r.ownerName,
                transcriptFocus:
                  r.transcriptMatch && filter.transcript !== undefined
                    ? { start: r.transcriptMatch.start, query: filter.transcript }
                    : undefined,
              })
            }
            locationNameOf={locations.nameOf}
          />
        )}

        <Group justify="space-between" p="md" ref={endRef}>
          <Text size="sm" c="dimmed" aria-live="polite" data-testid="recordings-count">
            {t('count', { count: rows.length })}
            {search.hasNextPage ? t('loadedMore') : ''}
          </Text>
          {search.isFetchingNextPage && (
            <Loader size="sm" role="status" aria-label={t('loadingMore')} />
          )}
          {search.error && search.data && (
            <Button
              variant="subtle"
              color="red"
              size="xs"
              onClick={() => void search.fetchNextPage()}
            >
              {t('loadMoreFailed')}
            </Button>
          )}
        </Group>
      </Card>

      <ForwardedCallsCard window={toSearchWindow(advanced)} />

      <BulkActionDialog
        action={pendingAction}
        ids={[...selected]}
        pending={bulk.isPending}
        onConfirm={(request: RecordingBulkBody) => bulk.mutate(request)}
        onClose={() => setPendingAction(null)}
      />
      <RecordingDrawer
        recording={opened}
        onClose={() => setOpened(null)}
        allowDownload
        showShares
        noAudioReason={isComplianceOfficer ? t('noAudio.generic') : t('noAudio.admin')}
      />
    </>
  );
}
