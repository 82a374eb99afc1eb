// Pure helpers of the Recordings page, the player and User Hub: the search window from the date
// inputs, how durations, parties and bulk outcomes read, which bulk actions a role has, and where
// a click on the waveform seeks to.
import type {
  BulkRecordingAction,
  RecordingBulkResult,
  RecordingParty,
  RecordingStatus,
  Role,
} from '@callvault/shared';
import i18next from 'i18next';
import { formatDateTime } from './format.js';

export { formatBytes, formatDuration } from './format.js';

/** SPEC §7: the advanced search starts on the last 7 days. */
export const DEFAULT_WINDOW_DAYS = 7;
/** SPEC §7: "select all" selects the first 200 results, the most one bulk call takes. */
export const SELECT_ALL_LIMIT = 200;

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of `date` in the browser's time zone, as `<input type="date">` holds it. */
export function toDateInputValue(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The date inputs' starting values: the last 7 days up to and including today. */
export function defaultDateRange(now: Date): { from: string; to: string } {
  return {
    from: toDateInputValue(new Date(now.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS)),
    to: toDateInputValue(now),
  };
}

/** Local midnight at the start of a `YYYY-MM-DD` day, or null when the text is not such a date. */
function startOfLocalDay(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const [, y = '', m = '', d = ''] = match;
  const date = new Date(Number(y), Number(m) - 1, Number(d));
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * The server's window from the two date inputs: `from` at the start of its day (inclusive), `to`
 * at the start of the day after (the server's `to` is exclusive, and people mean "up to and
 * including" the last day). A blank input leaves the server's default.
 */
export function toSearchWindow(range: { from: string; to: string }): {
  from: string | undefined;
  to: string | undefined;
} {
  const from = startOfLocalDay(range.from);
  const toDay = startOfLocalDay(range.to);
  const to =
    toDay === null
      ? null
      : new Date(toDay.getFullYear(), toDay.getMonth(), toDay.getDate() + 1, 0, 0, 0, 0);
  return { from: from?.toISOString(), to: to?.toISOString() };
}

/** How a party is named in a list: its name, else its role, else its number or address. */
export function describeParty(party: RecordingParty): string {
  return (
    party.name ??
    (party.role ? i18next.t(`recordings:party.role.${party.role}`) : undefined) ??
    party.number ??
    party.address ??
    i18next.t('recordings:party.unknown')
  );
}

/** What hovering a party shows: its number, else its SIP address. */
export function describePartyNumber(party: RecordingParty): string {
  return party.number ?? party.address ?? i18next.t('recordings:party.noNumber');
}

const MANAGERS: readonly Role[] = ['fullAdmin', 'partnerAdmin'];

/**
 * The bulk actions a person may start on recordings of `status` (SPEC §1): administrators move
 * recordings to and from the recycle bin, purge and reassign them; compliance officers delete
 * permanently; read-only administrators only look. The server decides again for every id.
 */
export function findBulkActions(
  roles: readonly Role[],
  status: RecordingStatus,
): BulkRecordingAction[] {
  const actions: BulkRecordingAction[] = [];
  if (roles.some((r) => MANAGERS.includes(r))) {
    if (status === 'available') actions.push('softDelete');
    if (status === 'deleted') actions.push('restore', 'purge');
    if (status !== 'purged') actions.push('reassign');
  }
  if (roles.includes('complianceOfficer')) actions.push('delete');
  return actions;
}

/** Only compliance officers may list purged recordings (they stay listed while held). */
export function canSeePurged(roles: readonly Role[]): boolean {
  return roles.includes('complianceOfficer');
}

/** The toast after a bulk action: what changed, and what the server refused and why. */
export function describeBulkResult(
  action: BulkRecordingAction,
  result: RecordingBulkResult,
): { title: string; message: string | undefined; tone: 'success' | 'error' } {
  const changed = result.changed.length;
  const title = i18next.t(`recordings:bulk.done.${action}`, { count: changed });
  const notes: string[] = [];
  if (result.unchanged.length > 0) {
    notes.push(i18next.t(`recordings:bulk.already.${action}`, { count: result.unchanged.length }));
  }
  if (result.failed.length > 0) {
    const first = result.failed[0];
    notes.push(
      first
        ? i18next.t('recordings:bulk.failedWhy', {
            count: result.failed.length,
            reason: first.description,
          })
        : i18next.t('recordings:bulk.failed', { count: result.failed.length }),
    );
  }
  return {
    title,
    message: notes.length > 0 ? notes.join(' ') : undefined,
    tone: result.failed.length > 0 ? 'error' : 'success',
  };
}

/** The playback position a click at `x` pixels into a `width`-pixel waveform stands for. */
export function seekTimeAt(x: number, width: number, duration: number): number {
  if (width <= 0 || !Number.isFinite(duration) || duration <= 0) return 0;
  return Math.min(duration, Math.max(0, (x / width) * duration));
}

/** The line above the table: how many are selected, and that select-all stops at 200. */
export function describeSelection(selected: number, more: boolean): string {
  if (selected === 0) return i18next.t('recordings:selection.none');
  if (selected >= SELECT_ALL_LIMIT && more) {
    return i18next.t('recordings:selection.limited', { count: selected, limit: SELECT_ALL_LIMIT });
  }
  return i18next.t('recordings:selection.selected', { count: selected });
}

/** When a call was recorded, in the console's language and the browser's time zone. */
export function formatRecordedTime(iso: string): string {
  return formatDateTime(iso);
}
