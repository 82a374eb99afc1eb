// What the Recordings page tells about its search: the dates the server searched (it fills in a
// missing end with now and a missing start with 7 days before the end, as GET /api/recordings does)
// and how many recordings were found so far.

const DEFAULT_WINDOW_DAYS = 7;
const DAY_MS = 86_400_000;

export interface EffectiveWindow {
  readonly from: Date;
  readonly to: Date;
}

/** The window the server applies to `filter` at `now`. */
export function effectiveSearchWindow(
  filter: { readonly from?: string | undefined; readonly to?: string | undefined },
  now: Date,
): EffectiveWindow {
  const to = filter.to !== undefined ? new Date(filter.to) : now;
  const from =
    filter.from !== undefined
      ? new Date(filter.from)
      : new Date(to.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS);
  return { from, to };
}

/** Dates and times in the viewer's time zone and language. */
export function formatWindowEdge(date: Date, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(
    date,
  );
}
