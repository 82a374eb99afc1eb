// User Hub's "My recordings": the query it is cached under, the window it asks for, and when it is
// refreshed after a call of the person ends (the live-call events of /api/events).

/** The cache key of the person's own recordings; invalidating it refetches the list. */
export const MY_RECORDINGS_KEY = ['recordings', 'mine'] as const;

/** The last `days` days up to `now`: recomputed at every fetch, so new calls are inside it. */
export function myRecordingsWindow(now: Date, days: number): { from: string; to: string } {
  const from = new Date(now.getTime() - days * 86_400_000);
  return { from: from.toISOString(), to: now.toISOString() };
}

/**
 * After a `callEnded` event the recording is catalogued once the recorder has closed its journal,
 * a moment later: the list is refetched at once and again after these delays (milliseconds), so it
 * shows the new call without a reload even when cataloguing takes a few seconds.
 */
export const REFRESH_AFTER_CALL_END_MS = [0, 2_000, 6_000, 15_000] as const;

/** Schedules the refreshes; returns a function that cancels those not yet run. */
export function scheduleRefreshAfterCallEnd(
  refresh: () => void,
  setTimer: (run: () => void, ms: number) => unknown = setTimeout,
  clearTimer: (timer: unknown) => void = (timer) => clearTimeout(timer as number),
): () => void {
  const timers = REFRESH_AFTER_CALL_END_MS.map((ms) => setTimer(refresh, ms));
  return () => timers.forEach(clearTimer);
}
