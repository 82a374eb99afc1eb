// The Control Hub list of the things that can be recorded (people, workspaces, virtual lines): one
// page layout, search box and location filter, each row ending in a link to its call-recording
// settings. What differs by entity (the API call, the columns, the words) is a `RecordableList`.
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useDebouncedValue } from '@mantine/hooks';
import { useState, type ReactNode } from 'react';
import type { Page } from '../../api/client.js';
import type { DirectoryFilter } from '../../api/directory.api.js';
import type { RecordableKind } from '../../api/recording-settings.api.js';
import {
  DirectoryListView,
  type Column,
  type DirectoryKind,
} from '../../components/DirectoryListView.js';
import { PageHeader } from '../../components/PageHeader.js';
import { RouterButton } from '../../components/RouterLinks.js';
import { IconCallRecording } from '../../components/icons.js';
import { useDirectoryList } from '../../lib/use-directory-list.js';
import { useLocations, type Locations } from '../../lib/use-locations.js';

interface RecordableRow {
  readonly id: string;
  readonly displayName: string;
}

/** One entity's list: what to fetch, what to show and search in, and the page's words. */
export interface RecordableList<Body, Row extends RecordableRow> {
  readonly kind: RecordableKind;
  /** Names the list in the query cache, e.g. `people`. */
  readonly name: Exclude<DirectoryKind, 'locations'>;
  readonly fetchPage: (
    filter: DirectoryFilter,
    nextPath: string | null,
    signal: AbortSignal,
  ) => Promise<Page<Body>>;
  readonly rowsOf: (body: Body) => readonly Row[];
  readonly searchFieldsOf: (
    row: Row,
    locations: Locations,
  ) => readonly (string | null | undefined)[];
  /** Whether the API filters this list by display name (and people by `email`). */
  readonly serverSearch: boolean;
  /** The columns before the call-recording link. */
  readonly columns: (locations: Locations, t: TFunction<'controlHub'>) => Column<Row>[];
  readonly emptyIcon: ReactNode;
}

export function RecordableListPage<Body, Row extends RecordableRow>({
  list: entity,
}: {
  readonly list: RecordableList<Body, Row>;
}): ReactNode {
  const { t } = useTranslation('controlHub');
  const [term, setTerm] = useState('');
  const [settledTerm] = useDebouncedValue(term, 300);
  const [locationId, setLocationId] = useState<string | null>(null);
  const locations = useLocations();

  const list = useDirectoryList({
    name: entity.name,
    fetchPage: entity.fetchPage,
    rowsOf: entity.rowsOf,
    searchFieldsOf: (row: Row) => entity.searchFieldsOf(row, locations),
    serverSearch: entity.serverSearch,
    locationId,
    term,
    settledTerm,
  });

  const columns: Column<Row>[] = [
    ...entity.columns(locations, t),
    {
      header: '',
      width: 150,
      cell: (row) => <CallRecordingButton kind={entity.kind} row={row} />,
    },
  ];

  return (
    <>
      <PageHeader
        eyebrow={t('eyebrow')}
        title={t(`${entity.name}.title`)}
        description={t(`${entity.name}.description`)}
      />
      <DirectoryListView
        kind={entity.name}
        term={term}
        onTermChange={setTerm}
        locationFilter={{
          locations: locations.locations,
          value: locationId,
          onChange: setLocationId,
        }}
        list={list}
        columns={columns}
        rowKey={(row) => row.id}
        emptyIcon={entity.emptyIcon}
      />
    </>
  );
}

/** The row's link to its call-recording settings; each kind has its own route. */
function CallRecordingButton({
  kind,
  row,
}: {
  readonly kind: RecordableKind;
  readonly row: RecordableRow;
}): ReactNode {
  const { t } = useTranslation('controlHub');
  const common = {
    variant: 'default',
    size: 'compact-sm',
    leftSection: <IconCallRecording size={14} />,
    'aria-label': t('callRecordingOf', { name: row.displayName }),
    children: t('callRecording'),
  } as const;
  switch (kind) {
    case 'person':
      return (
        <RouterButton
          to="/control-hub/people/$personId/call-recording"
          params={{ personId: row.id }}
          {...common}
        />
      );
    case 'workspace':
      return (
        <RouterButton
          to="/control-hub/workspaces/$workspaceId/call-recording"
          params={{ workspaceId: row.id }}
          {...common}
        />
      );
    case 'virtualLine':
      return (
        <RouterButton
          to="/control-hub/virtual-lines/$virtualLineId/call-recording"
          params={{ virtualLineId: row.id }}
          {...common}
        />
      );
  }
}
