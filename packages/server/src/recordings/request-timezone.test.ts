import { describe, expect, it } from 'vitest';
import { formatInTimeZone, inTimeZone, requestTimeZone } from './request-timezone.js';

describe('the timezone request header', () => {
  it('renders times in the zone with its offset, daylight saving included', () => {
    expect(formatInTimeZone('2023-11-01T15:09:05.123Z', 'Asia/Shanghai')).toBe(
      '2023-11-01T23:09:05+08:00',
    );
    expect(formatInTimeZone('2026-07-01T12:00:00Z', 'Europe/Stockholm')).toBe(
      '2026-07-01T14:00:00+02:00',
    );
    expect(formatInTimeZone('2026-01-01T12:00:00Z', 'America/New_York')).toBe(
      '2026-01-01T07:00:00-05:00',
    );
    expect(formatInTimeZone('2026-01-01T00:30:00Z', 'Africa/Abidjan')).toBe(
      '2026-01-01T00:30:00+00:00',
    );
  });

  it('no header or UTC keeps the UTC form; an unknown zone is refused', () => {
    expect(requestTimeZone(undefined)).toBeNull();
    expect(requestTimeZone('UTC')).toBeNull();
    expect(requestTimeZone('Asia/Shanghai')).toBe('Asia/Shanghai');
    expect(() => requestTimeZone('Mars/Olympus')).toThrow(/IANA/);
    const r = { createTime: '2026-01-01T00:00:00.000Z', timeRecorded: '2025-12-31T23:59:00.000Z' };
    expect(inTimeZone(r, null)).toBe(r);
    expect(inTimeZone(r, 'Asia/Tokyo')).toEqual({
      createTime: '2026-01-01T09:00:00+09:00',
      timeRecorded: '2026-01-01T08:59:00+09:00',
    });
  });
});
