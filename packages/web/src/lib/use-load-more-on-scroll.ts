// Infinite lists: load the next page when the marker under the last row comes within `margin`
// pixels of the bottom of the viewport. The marker's position is measured again whenever the list
// changes, because an IntersectionObserver reports only changes: a list that grew from one row to
// a hundred would otherwise still count as "near the end" until the observer caught up.
import { useCallback, useEffect, useRef, type RefObject } from 'react';

export interface LoadMoreOptions {
  readonly hasNextPage: boolean;
  readonly isFetchingNextPage: boolean;
  readonly isError: boolean;
  /** Changes whenever the rows change (their count will do). */
  readonly rowCount: number;
  readonly fetchNextPage: () => unknown;
  readonly margin?: number;
}

export function useLoadMoreOnScroll(
  markerRef: RefObject<Element | null>,
  options: LoadMoreOptions,
): void {
  const latest = useRef(options);
  latest.current = options;

  const check = useCallback(() => {
    const marker = markerRef.current;
    const {
      hasNextPage,
      isFetchingNextPage,
      isError,
      fetchNextPage,
      margin = 400,
    } = latest.current;
    if (!marker || !hasNextPage || isFetchingNextPage || isError) return;
    if (marker.getBoundingClientRect().top <= window.innerHeight + margin) void fetchNextPage();
  }, [markerRef]);

  useEffect(() => {
    const marker = markerRef.current;
    if (!marker) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) check();
      },
      { rootMargin: `0px 0px ${options.margin ?? 400}px 0px` },
    );
    observer.observe(marker);
    return () => observer.disconnect();
  }, [markerRef, check, options.margin]);

  useEffect(check, [check, options.rowCount, options.hasNextPage, options.isFetchingNextPage]);
}
