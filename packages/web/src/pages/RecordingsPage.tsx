// Search and review of the org's recordings (SPEC §7) for administrators and compliance officers:
// a simple search by owner name or email, advanced filters (last 7 days by default), 100 rows at
// a time continued by scrolling, "select all" of the first 200, bulk actions behind a confirmation,
// and a drawer with the call's metadata and, for compliance officers, the player with the
// transcript. Compliance officers also search the words said in calls (issue #7 §5): each result
// then shows the matching line, who said it and when.
import {
  Button,
  Card,
  Checkbox,
  Collapse,
  Group,
  Loader,
  Select,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
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
import type {
  BulkRecordingAction,
  CallDirection,
  Me,
  RecordingBulkBody,
  RecordingOwnerType,
  RecordingStatus,
  RecordingSummary,
} from '@callvault/shared';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { PageHeader } from '../components/PageHeader.js';
import { useToast } from '../components/Toaster.js';
import { IconFilter, IconRecordings, IconSearch } from '../components/icons.js';
import { BULK_ACTION_LABELS, BulkActionDialog } from '../components/recordings/BulkActionDialog.js';
import { PartyList } from '../components/recordings/PartyList.js';
import { RecordingDrawer, type OpenedRecording } from '../components/recordings/RecordingDrawer.js';
import { ProvenanceBadges } from '../components/recordings/ProvenanceBadges.js';
import { STATUS_LABELS } from '../components/recordings/StatusBadge.js';
import { describeError } from '../lib/error-messages.js';
import {
  SELECT_ALL_LIMIT,
  canSeePurged,
  defaultDateRange,
  describeBulkResult,
  describeSelection,
  findBulkActions,
  formatDuration,
  formatRecordedTime,
  toSearchWindow,
} from '../lib/recordings.js';
import { useLoadMoreOnScroll } from '../lib/use-load-more-on-scroll.js';
import { useLocations } from '../lib/use-locations.js';

const OWNER_TYPE_LABELS: Readonly<Record<RecordingOwnerType, string>> = {
  user: 'Person',
  place: 'Workspace',
  virtualLine: 'Virtual line',
};

const DIRECTION_LABELS: Readonly<Record<CallDirection, string>> = {
  inbound: 'Inbound',
  outbound: 'Outbound',
  internal: 'Internal',
};

interface AdvancedFilters {
  readonly from: string;
  readonly to: string;
  readonly locationId: string | null;
  readonly ownerType: RecordingOwnerType | null;
  readonly status: RecordingStatus;
  readonly topic: string;
  readonly direction: CallDirection | null;
  /** Words said in the call (compliance officers only). */
  readonly transcript: string;
}

function initialFilters(): AdvancedFilters {
  return {
    ...defaultDateRange(new Date()),
    locationId: null,
    ownerType: null,
    status: 'available',
    topic: '',
    direction: null,
    transcript: '',
  };
}

export function RecordingsPage({ me }: { readonly me: Me }): ReactNode {
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

  // Selection belongs to one search: changing a filter starts again with nothing selected.
  const filterKey = JSON.stringify(filter);
  const [selection, setSelection] = useState<{ key: string; ids: ReadonlySet<string> }>({
    key: filterKey,
    ids: new Set(),
  });
  const selected = selection.key === filterKey ? selection.ids : new Set<string>();
  const setSelected = (ids: ReadonlySet<string>): void => setSelection({ key: filterKey, ids });
  const [selectingAll, setSelectingAll] = useState(false);

  const moreBeyondSelection = search.hasNextPage || rows.length > selected.size;
  const allSelected =
    selected.size > 0 &&
    (selected.size >= SELECT_ALL_LIMIT || (!search.hasNextPage && selected.size === rows.length));

  /** Loads pages until 200 rows are here (or there are no more) and selects the first 200. */
  const selectAll = async (): Promise<void> => {
    setSelectingAll(true);
    try {
      let loaded = rows;
      let hasMore = search.hasNextPage;
      while (loaded.length < SELECT_ALL_LIMIT && hasMore) {
        const next = await search.fetchNextPage();
        loaded = next.data?.pages.flatMap((page) => page.body.items) ?? loaded;
        hasMore = next.hasNextPage;
        if (next.isError) break;
      }
      setSelected(new Set(loaded.slice(0, SELECT_ALL_LIMIT).map((r) => r.id)));
    } finally {
      setSelectingAll(false);
    }
  };

  const toggleRow = (id: string, on: boolean): void => {
    const next = new Set(selected);
    if (on) {
      if (next.size >= SELECT_ALL_LIMIT) {
        toast({ title: `At most ${SELECT_ALL_LIMIT} recordings at a time`, tone: 'error' });
        return;
      }
      next.add(id);
    } else {
      next.delete(id);
    }
    setSelected(next);
  };

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
      toast({ title: 'Nothing was changed', message: describeError(error), tone: 'error' });
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

  const setFilter = <K extends keyof AdvancedFilters>(key: K, value: AdvancedFilters[K]): void =>
    setAdvanced((current) => ({ ...current, [key]: value }));

  const statusOptions = (['available', 'deleted', 'purged'] as const)
    .filter((s) => s !== 'purged' || canSeePurged(me.roles))
    .map((s) => ({ value: s, label: STATUS_LABELS[s] }));

  return (
    <>
      <PageHeader
        title="Recordings"
        description="Search every recording of your organisation by owner, date, location or topic."
      />
      <Card withBorder radius="md" padding={0}>
        <Stack gap="sm" p="md">
          <Group gap="sm" align="flex-end" wrap="wrap">
            <TextInput
              label="Owner"
              placeholder="Search by owner name or email"
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
              Advanced
            </Button>
          </Group>
          <Collapse in={advancedOpen} id="recordings-advanced">
            <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} spacing="sm" pt="xs">
              <TextInput
                label="From"
                type="date"
                value={advanced.from}
                max={advanced.to || undefined}
                onChange={(e) => setFilter('from', e.currentTarget.value)}
              />
              <TextInput
                label="To"
                type="date"
                value={advanced.to}
                min={advanced.from || undefined}
                onChange={(e) => setFilter('to', e.currentTarget.value)}
              />
              <Select
                label="Location"
                placeholder="All locations"
                clearable
                data={locations.locations.map((l) => ({ value: l.id, label: l.name }))}
                value={advanced.locationId}
                onChange={(v) => setFilter('locationId', v)}
              />
              <Select
                label="Owner type"
                placeholder="All owner types"
                clearable
                data={Object.entries(OWNER_TYPE_LABELS).map(([value, label]) => ({ value, label }))}
                value={advanced.ownerType}
                onChange={(v) => setFilter('ownerType', v as RecordingOwnerType | null)}
              />
              <Select
                label="Status"
                data={statusOptions}
                value={advanced.status}
                allowDeselect={false}
                onChange={(v) => v !== null && setFilter('status', v as RecordingStatus)}
              />
              <TextInput
                label="Topic"
                placeholder="Words in the topic"
                value={advanced.topic}
                onChange={(e) => setFilter('topic', e.currentTarget.value)}
              />
              <Select
                label="Direction"
                placeholder="All directions"
                clearable
                data={Object.entries(DIRECTION_LABELS).map(([value, label]) => ({ value, label }))}
                value={advanced.direction}
                onChange={(v) => setFilter('direction', v as CallDirection | null)}
              />
              {isComplianceOfficer && (
                <TextInput
                  label="Words in transcript"
                  placeholder="Words said in the call"
                  title="Calls with every word in one line of their transcript"
                  maxLength={200}
                  value={advanced.transcript}
                  onChange={(e) => setFilter('transcript', e.currentTarget.value)}
                />
              )}
              <Group align="flex-end">
                <Button variant="subtle" onClick={() => setAdvanced(initialFilters())}>
                  Reset filters
                </Button>
              </Group>
            </SimpleGrid>
          </Collapse>
        </Stack>

        {actions.length > 0 && (
          <Group
            justify="space-between"
            px="md"
            py="xs"
            bg={selected.size > 0 ? 'indigo.0' : 'gray.0'}
            data-testid="bulk-bar"
            // Stays under the header while a long selection scrolls by, so the actions are at hand.
            style={{ position: 'sticky', top: 60, zIndex: 3 }}
          >
            <Text size="sm" fw={500} aria-live="polite" data-testid="selection-count">
              {selectingAll
                ? 'Selecting the first 200…'
                : describeSelection(selected.size, moreBeyondSelection)}
            </Text>
            <Group gap="xs">
              {actions.map((action) => (
                <Button
                  key={action}
                  size="xs"
                  variant={action === 'purge' || action === 'delete' ? 'light' : 'default'}
                  color={action === 'purge' || action === 'delete' ? 'red' : undefined}
                  disabled={selected.size === 0 || selectingAll}
                  onClick={() => setPendingAction(action)}
                >
                  {BULK_ACTION_LABELS[action]}
                </Button>
              ))}
            </Group>
          </Group>
        )}

        {search.error && !search.data ? (
          <ErrorAlert
            title="Could not search recordings"
            error={search.error}
            onRetry={() => void search.refetch()}
          />
        ) : search.isPending ? (
          <Stack p="md" gap="sm" aria-busy="true" aria-label="Loading">
            {[0, 1, 2, 3, 4].map((i) => (
              <Skeleton key={i} height={14} radius="xl" />
            ))}
          </Stack>
        ) : rows.length === 0 ? (
          <EmptyState icon={<IconRecordings size={28} />} title="No recordings found">
            Nothing matches this search in the chosen dates. Widen the date range under Advanced, or
            check the owner’s name. Calls appear here once a recording policy applies to one of
            their parties.
          </EmptyState>
        ) : (
          <Table.ScrollContainer minWidth={960}>
            <Table highlightOnHover verticalSpacing="xs" horizontalSpacing="sm">
              <Table.Thead bg="gray.0">
                <Table.Tr>
                  <Table.Th w={40}>
                    {actions.length > 0 && (
                      <Checkbox
                        aria-label={`Select all (the first ${SELECT_ALL_LIMIT})`}
                        checked={allSelected}
                        indeterminate={selected.size > 0 && !allSelected}
                        disabled={selectingAll}
                        onChange={() =>
                          selected.size > 0 ? setSelected(new Set()) : void selectAll()
                        }
                      />
                    )}
                  </Table.Th>
                  <Table.Th>Recorded</Table.Th>
                  <Table.Th>Owner</Table.Th>
                  <Table.Th>Topic</Table.Th>
                  <Table.Th>Parties</Table.Th>
                  <Table.Th>Direction</Table.Th>
                  <Table.Th>Duration</Table.Th>
                  <Table.Th>Location</Table.Th>
                  <Table.Th w={80} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((r) => (
                  <RecordingRow
                    key={r.id}
                    recording={r}
                    selectable={actions.length > 0}
                    selected={selected.has(r.id)}
                    onSelect={(on) => toggleRow(r.id, on)}
                    onOpen={() =>
                      setOpened({
                        ...r,
                        ownerName: r.ownerName,
                        transcriptFocus:
                          r.transcriptMatch && filter.transcript !== undefined
                            ? { start: r.transcriptMatch.start, query: filter.transcript }
                            : undefined,
                      })
                    }
                    locationName={locations.nameOf(r.locationId)}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}

        <Group justify="space-between" p="md" ref={endRef}>
          <Text size="sm" c="dimmed" aria-live="polite" data-testid="recordings-count">
            {rows.length === 1 ? '1 recording' : `${rows.length} recordings`}
            {search.hasNextPage ? ' loaded, more below' : ''}
          </Text>
          {search.isFetchingNextPage && <Loader size="sm" aria-label="Loading more" />}
          {search.error && search.data && (
            <Button
              variant="subtle"
              color="red"
              size="xs"
              onClick={() => void search.fetchNextPage()}
            >
              Loading more failed: try again
            </Button>
          )}
        </Group>
      </Card>

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
        noAudioReason={
          isComplianceOfficer
            ? 'The audio is not available.'
            : 'Administrators manage recordings but cannot play or download them. A compliance officer can.'
        }
      />
    </>
  );
}

interface RecordingRowProps {
  readonly recording: RecordingSummary;
  readonly selectable: boolean;
  readonly selected: boolean;
  readonly onSelect: (on: boolean) => void;
  readonly onOpen: () => void;
  readonly locationName: string;
}

function RecordingRow(props: RecordingRowProps): ReactNode {
  const { recording: r } = props;
  return (
    <Table.Tr bg={props.selected ? 'indigo.0' : undefined}>
      <Table.Td>
        {props.selectable && (
          <Checkbox
            aria-label={`Select ${r.topic} of ${r.ownerName}`}
            checked={props.selected}
            onChange={(e) => props.onSelect(e.currentTarget.checked)}
          />
        )}
      </Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatRecordedTime(r.timeRecorded)}</Table.Td>
      <Table.Td>
        <Text size="sm" fw={500}>
          {r.ownerName}
        </Text>
        <Text size="xs" c="dimmed">
          {r.ownerEmail ?? OWNER_TYPE_LABELS[r.ownerType]}
        </Text>
      </Table.Td>
      <Table.Td>
        {r.topic}
        <ProvenanceBadges provenance={r} mt={4} />
        {r.transcriptMatch && (
          <Text size="xs" c="dimmed" data-testid="transcript-match" miw={220} maw={360}>
            <Text span ff="monospace" size="xs">
              {formatDuration(r.transcriptMatch.start)}
            </Text>{' '}
            <Text span fw={600} size="xs">
              {r.transcriptMatch.speaker}:
            </Text>{' '}
            “{r.transcriptMatch.snippet}”
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <PartyList parties={r.parties} />
      </Table.Td>
      <Table.Td>{r.direction ? DIRECTION_LABELS[r.direction] : '—'}</Table.Td>
      <Table.Td ff="monospace">{formatDuration(r.durationSeconds)}</Table.Td>
      <Table.Td>{props.locationName}</Table.Td>
      <Table.Td>
        <Button
          size="compact-sm"
          variant="light"
          onClick={props.onOpen}
          aria-label={`Open ${r.topic} of ${r.ownerName}`}
        >
          Open
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}
