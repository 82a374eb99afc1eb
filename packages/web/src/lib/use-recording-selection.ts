// The Recordings page's bulk selection: it belongs to one search (a changed filter starts again
// with nothing selected), holds at most SELECT_ALL_LIMIT recordings, and "select all" loads pages
// until that many rows are here (or there are no more) and selects the first of them.
import type { RecordingSearchResult, RecordingSummary } from '@callvault/shared';
import type { InfiniteData } from '@tanstack/react-query';
import { useState } from 'react';
import type { Page } from '../api/client.js';
import { SELECT_ALL_LIMIT } from './recordings.js';

export interface RecordingSelectionOptions {
  /** Identifies the search; the selection is empty for any other. */
  readonly filterKey: string;
  /** The rows loaded so far. */
  readonly rows: readonly RecordingSummary[];
  readonly hasNextPage: boolean;
  readonly fetchNextPage: () => Promise<{
    readonly data?: InfiniteData<Page<RecordingSearchResult>> | undefined;
    readonly hasNextPage: boolean;
    readonly isError: boolean;
  }>;
  /** Told when a row would take the selection over the limit (the row is not selected). */
  readonly onLimit: () => void;
}

export interface RecordingSelection {
  readonly selected: ReadonlySet<string>;
  readonly setSelected: (ids: ReadonlySet<string>) => void;
  readonly selectingAll: boolean;
  readonly allSelected: boolean;
  /** More recordings match than are selected (loaded or not). */
  readonly moreBeyondSelection: boolean;
  readonly selectAll: () => Promise<void>;
  readonly toggleRow: (id: string, on: boolean) => void;
}

export function useRecordingSelection(options: RecordingSelectionOptions): RecordingSelection {
  const { filterKey, rows, hasNextPage } = options;
  const [selection, setSelection] = useState<{ key: string; ids: ReadonlySet<string> }>({
    key: filterKey,
    ids: new Set(),
  });
  const selected = selection.key === filterKey ? selection.ids : new Set<string>();
  const setSelected = (ids: ReadonlySet<string>): void => setSelection({ key: filterKey, ids });
  const [selectingAll, setSelectingAll] = useState(false);

  const moreBeyondSelection = hasNextPage || rows.length > selected.size;
  const allSelected =
    selected.size > 0 &&
    (selected.size >= SELECT_ALL_LIMIT || (!hasNextPage && selected.size === rows.length));

  const selectAll = async (): Promise<void> => {
    setSelectingAll(true);
    try {
      let loaded = rows;
      let hasMore = hasNextPage;
      while (loaded.length < SELECT_ALL_LIMIT && hasMore) {
        const next = await options.fetchNextPage();
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
        options.onLimit();
        return;
      }
      next.add(id);
    } else {
      next.delete(id);
    }
    setSelected(next);
  };

  return {
    selected,
    setSelected,
    selectingAll,
    allSelected,
    moreBeyondSelection,
    selectAll,
    toggleRow,
  };
}
