// The body of every Control Hub list: search box, location filter, table, paging and the states in
// between (loading, error, nothing yet, nothing matches).
import { useTranslation } from 'react-i18next';
import {
  Button,
  Card,
  Group,
  Loader,
  Select,
  Skeleton,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import type { ReactNode } from 'react';
import type { Location } from '@callvault/shared';
import type { DirectoryList } from '../lib/use-directory-list.js';
import { EmptyState } from './EmptyState.js';
import { ErrorAlert } from './ErrorAlert.js';
import { IconSearch } from './icons.js';

export interface Column<Row> {
  readonly header: string;
  readonly cell: (row: Row) => ReactNode;
  readonly width?: number | string;
}

interface DirectoryListViewProps<Row> {
  /** What the rows are: the key of the list's words (title, counts, messages) in `controlHub`. */
  readonly kind: DirectoryKind;
  readonly term: string;
  readonly onTermChange: (term: string) => void;
  /** Omit to show no location filter (the Locations page itself). */
  readonly locationFilter?: {
    readonly locations: readonly Location[];
    readonly value: string | null;
    readonly onChange: (locationId: string | null) => void;
  };
  readonly list: DirectoryList<Row>;
  readonly columns: readonly Column<Row>[];
  readonly rowKey: (row: Row) => string;
  readonly emptyIcon: ReactNode;
}

export type DirectoryKind = 'people' | 'workspaces' | 'virtualLines' | 'locations';

export function DirectoryListView<Row>(props: DirectoryListViewProps<Row>): ReactNode {
  const { t } = useTranslation('controlHub');
  const { list, columns, kind, term } = props;
  const filtering = term.trim() !== '' || (props.locationFilter?.value ?? null) !== null;

  return (
    <Card withBorder radius="md" padding={0}>
      <Group p="md" gap="sm" wrap="wrap">
        <TextInput
          label={t(`${kind}.searchLabel`)}
          placeholder={t(`${kind}.searchPlaceholder`)}
          value={term}
          onChange={(event) => props.onTermChange(event.currentTarget.value)}
          leftSection={<IconSearch size={16} />}
          rightSection={list.isSearching ? <Loader size="xs" /> : null}
          type="search"
          style={{ flex: '1 1 280px' }}
        />
        {props.locationFilter && (
          <Select
            label={t('location')}
            placeholder={t('allLocations')}
            clearable
            data={props.locationFilter.locations.map((l) => ({ value: l.id, label: l.name }))}
            value={props.locationFilter.value}
            onChange={props.locationFilter.onChange}
            style={{ flex: '0 1 240px' }}
          />
        )}
      </Group>

      {list.error ? (
        <ErrorAlert title={t(`${kind}.loadFailed`)} error={list.error} onRetry={list.refetch} />
      ) : list.isPending ? (
        <Skeletons columns={columns.length} />
      ) : list.loadedCount === 0 && !filtering ? (
        <EmptyState icon={props.emptyIcon} title={t(`${kind}.emptyTitle`)}>
          {t(`${kind}.emptyText`)}
        </EmptyState>
      ) : (
        <>
          <Table.ScrollContainer minWidth={640}>
            <Table highlightOnHover verticalSpacing="sm" horizontalSpacing="md">
              <Table.Thead bg="gray.0">
                <Table.Tr>
                  {columns.map((c) => (
                    <Table.Th key={c.header} w={c.width}>
                      {c.header}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.rows.map((row) => (
                  <Table.Tr key={props.rowKey(row)}>
                    {columns.map((c) => (
                      <Table.Td key={c.header}>{c.cell(row)}</Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {list.rows.length === 0 && (
            <Text c="dimmed" ta="center" py="xl">
              {t(`${kind}.noMatch`)}
            </Text>
          )}
          <Group justify="space-between" p="md">
            <Text size="sm" c="dimmed" aria-live="polite">
              {list.rows.length === list.loadedCount
                ? t(`${kind}.count`, { count: list.rows.length })
                : t(`${kind}.shownOf`, { shown: list.rows.length, count: list.loadedCount })}
              {list.hasNextPage && t('loadedSoFar')}
            </Text>
            {list.hasNextPage && (
              <Button
                variant="default"
                size="xs"
                loading={list.isFetchingNextPage}
                onClick={list.fetchNextPage}
              >
                {t('loadMore')}
              </Button>
            )}
          </Group>
        </>
      )}
    </Card>
  );
}

function Skeletons({ columns }: { readonly columns: number }): ReactNode {
  const { t } = useTranslation('controlHub');
  return (
    <Table aria-busy="true" aria-label={t('loading')}>
      <Table.Tbody>
        {[0, 1, 2, 3, 4].map((row) => (
          <Table.Tr key={row}>
            {Array.from({ length: columns }, (_, column) => (
              <Table.Td key={column}>
                <Skeleton
                  height={12}
                  radius="xl"
                  width={`${60 + ((row * 7 + column * 13) % 35)}%`}
                />
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
