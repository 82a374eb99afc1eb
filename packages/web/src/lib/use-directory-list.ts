// Loads a Control Hub list page by page and applies the search box (see search.ts): rows already
// loaded are filtered at once, and when the list has more than one page the term is also sent to
// the server so people beyond the first page can be found.
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import type { Page } from '../api/client.js';
import type { DirectoryFilter } from '../api/directory.api.js';
import { matchesSearch, toServerFilter } from './search.js';

export interface DirectoryListOptions<Body, Row> {
  /** Names the list in the query cache, e.g. `people`. */
  readonly name: string;
  readonly fetchPage: (
    filter: DirectoryFilter,
    nextPath: string | null,
    signal: AbortSignal,
  ) => Promise<Page<Body>>;
  readonly rowsOf: (body: Body) => readonly Row[];
  /** The columns the search box looks in. */
  readonly searchFieldsOf: (row: Row) => readonly (string | null | undefined)[];
  /** Whether the API filters this list by display name (and people by `email`). */
  readonly serverSearch: boolean;
  readonly locationId: string | null;
  /** The search term as typed. */
  readonly term: string;
  /** The search term once typing has paused: what goes to the server. */
  readonly settledTerm: string;
}

export interface DirectoryList<Row> {
  readonly rows: readonly Row[];
  readonly loadedCount: number;
  readonly isPending: boolean;
  /** True while the server is searching for the term; the loaded rows are filtered meanwhile. */
  readonly isSearching: boolean;
  readonly error: Error | null;
  readonly hasNextPage: boolean;
  readonly isFetchingNextPage: boolean;
  readonly fetchNextPage: () => void;
  readonly refetch: () => void;
}

export function useDirectoryList<Body, Row>(
  options: DirectoryListOptions<Body, Row>,
): DirectoryList<Row> {
  const { name, fetchPage, rowsOf, searchFieldsOf, serverSearch, locationId, term } = options;
  const locationFilter: DirectoryFilter = locationId === null ? {} : { locationId };

  const all = useInfiniteQuery({
    queryKey: ['directory', name, locationFilter],
    queryFn: ({ pageParam, signal }) => fetchPage(locationFilter, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextPath,
    placeholderData: keepPreviousData,
  });

  // Only a list that did not fit in one page needs the server's help to search.
  const serverFilter = serverSearch ? toServerFilter(options.settledTerm) : null;
  const searchOnServer = serverFilter !== null && all.hasNextPage;
  const searchFilter: DirectoryFilter = { ...locationFilter, ...serverFilter };
  const searched = useInfiniteQuery({
    queryKey: ['directory', name, searchFilter],
    queryFn: ({ pageParam, signal }) => fetchPage(searchFilter, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextPath,
    enabled: searchOnServer,
  });

  const active = searchOnServer && searched.data !== undefined ? searched : all;
  const loaded = active.data?.pages.flatMap((page) => rowsOf(page.body)) ?? [];
  return {
    rows: loaded.filter((row) => matchesSearch(term, searchFieldsOf(row))),
    loadedCount: loaded.length,
    isPending: all.isPending,
    isSearching: searchOnServer && searched.isFetching,
    error: all.error ?? (searchOnServer ? searched.error : null),
    hasNextPage: active.hasNextPage,
    isFetchingNextPage: active.isFetchingNextPage,
    fetchNextPage: () => void active.fetchNextPage(),
    refetch: () => void active.refetch(),
  };
}
