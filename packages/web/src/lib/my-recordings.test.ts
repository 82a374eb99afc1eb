import { describe, expect, it } from 'vitest';
import {
  REFRESH_AFTER_CALL_END_MS,
  myRecordingsWindow,
  scheduleRefreshAfterCallEnd,
} from './my-recordings.js';

describe('My recordings', () => {
  it('asks for the last days up to the moment of the fetch', () => {
    const now = new Date('2026-12-05T10:00:00.000Z');
    expect(myRecordingsWindow(now, 30)).toEqual({
      from: '2026-11-05T10:00:00.000Z',
      to: '2026-12-05T10:00:00.000Z',
    });
    const later = new Date('2026-12-05T10:05:00.000Z');
    expect(myRecordingsWindow(later, 30).to).toBe('2026-12-05T10:05:00.000Z');
  });

  it('refreshes at once after a call ends and again while the recording is catalogued', () => {
    const scheduled: number[] = [];
    let runs = 0;
    scheduleRefreshAfterCallEnd(
      () => (runs += 1),
      (run, ms) => {
        scheduled.push(ms);
        run();
        return ms;
      },
      () => undefined,
    );
    expect(scheduled).toEqual([...REFRESH_AFTER_CALL_END_MS]);
    expect(scheduled[0]).toBe(0);
    expect(runs).toBe(REFRESH_AFTER_CALL_END_MS.length);
  });

  it('cancelling stops the refreshes not yet run', () => {
    const cleared: unknown[] = [];
    const cancel = scheduleRefreshAfterCallEnd(
      () => undefined,
      (_run, ms) => `timer-${ms}`,
      (timer) => cleared.push(timer),
    );
    cancel();
    expect(cleared).toEqual(REFRESH_AFTER_CALL_END_MS.map((ms) => `timer-${ms}`));
  });
});
