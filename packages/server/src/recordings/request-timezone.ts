// Webex's `timezone` request header on the recording lists and details: times are rendered in
// that IANA zone with its UTC offset (`2023-11-01T23:09:05+08:00`); without it they stay in UTC.
// Pure: strings in, strings out.
import { invalid } from '../errors.js';

/** The zone a `timezone` header names, checked; null when the header is absent or UTC. */
export function requestTimeZone(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '') return null;
  const zone = value.trim();
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions();
    return resolved.timeZone === 'UTC' ? null : resolved.timeZone;
  } catch {
    throw invalid(`timezone: ${zone} is not an IANA time zone`);
  }
}

/** An ISO 8601 instant written as local time in `zone` with its offset, to the second. */
export function formatInTimeZone(iso: string, zone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'longOffset',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  // "GMT+08:00", or "GMT" for a zero offset.
  const offset = part('timeZoneName').replace('GMT', '') || '+00:00';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}:${part('second')}${offset}`;
}

/** A recording object with its `createTime` and `timeRecorded` in `zone` (unchanged for UTC). */
export function inTimeZone<T extends { createTime: string; timeRecorded: string }>(
  recording: T,
  zone: string | null,
): T {
  if (zone === null) return recording;
  return {
    ...recording,
    createTime: formatInTimeZone(recording.createTime, zone),
    timeRecorded: formatInTimeZone(recording.timeRecorded, zone),
  };
}
