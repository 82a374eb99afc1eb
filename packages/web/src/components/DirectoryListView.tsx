// The body of every Control Hub list: search box, location filter, table, paging and the states in
// between (loading, error, nothing yet, nothing matches).
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
import { formatCount, type Noun } from '../lib/format.js';
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
  /** What the rows are, for counts and messages: `{ one: 'person', other: 'people' }`. */
  readonly noun: Noun;
  readonly searchLabel: string;
  readonly searchPlaceholder: string;
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
  readonly emptyTitle: string;
  readonly emptyText: ReactNode;
}

export function DirectoryListView<Row>(props: DirectoryListViewProps<Row>): ReactNode {
  const { list, columns, noun, term } = props;
  const filtering = term.trim() !== '' || (props.locationFilter?.value ?? null) !== null;

  return (
    <Card withBorder radius="md" padding={0}>
      <Group p="md" gap="sm" wrap="wrap">
        <TextInput
          label={props.searchLabel}
          placeholder={props.searchPlaceholder}
          value={term}
          onChange={(event) => props.onTermChange(event.currentTarget.value)}
          leftSection={<IconSearch size={16} />}
          rightSection={list.isSearching ? <Loader size="xs" /> : null}
          type="search"
          style={{ flex: '1 1 280px' }}
        />
        {props.locationFilter && (
          <Select
            label="Location"
            placeholder="All locations"
            clearable
            data={props.locationFilter.locations.map((l) => ({ value: l.id, label: l.name }))}
            value={props.locationFilter.value}
            onChange={props.locationFilter.onChange}
            style={{ flex: '0 1 240px' }}
          />
        )}
      </Group>

      {list.error ? (
        <ErrorAlert
          title={`Could not load ${noun.other}`}
          error={list.error}
          onRetry={list.refetch}
        />
      ) : list.isPending ? (
        <Skeletons columns={columns.length} />
      ) : list.loadedCount === 0 && !filtering ? (
        <EmptyState icon={props.emptyIcon} title={props.emptyTitle}>
          {props.emptyText}
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
              No {noun.other} match your search.
            </Text>
          )}
          <Group justify="space-between" p="md">
            <Text size="sm" c="dimmed" aria-live="polite">
              {list.rows.length === list.loadedCount
                ? formatCount(list.rows.length, noun)
                : `${list.rows.length} of ${formatCount(list.loadedCount, noun)} shown`}
              {list.hasNextPage && ' loaded so far'}
            </Text>
            {list.hasNextPage && (
              <Button
                variant="default"
                size="xs"
                loading={list.isFetchingNextPage}
                onClick={list.fetchNextPage}
              >
                Load more
              </Button>
            )}
          </Group>
        </>
      )}
    </Card>
  );
}

function Skeletons({ columns }: { readonly columns: number }): ReactNode {
  return (
    <Table aria-busy="true" aria-label="Loading">
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
