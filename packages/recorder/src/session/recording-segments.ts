// From a recording's actions to the stretches of audio kept (SPEC §4): each start…stop is one
// recording of the call; within it, paused stretches are cut out (or kept as silence, per org).
// Hold, unhold, failures and recoveries (media that came after all) are noted in the metadata
// only: the SRC sends no media while held, and the timeline stays true. Pure: times in, plans out.

export const RECORDING_ACTIONS = [
  'start',
  'stop',
  'pause',
  'resume',
  'hold',
  'unhold',
  'fail',
  'recover',
] as const;
export type RecordingActionKind = (typeof RECORDING_ACTIONS)[number];

/** Who asked: the mode at answer, the call-control API, a DTMF feature code, the SRC, Callvault. */
export type RecordingActionSource = 'mode' | 'api' | 'dtmf' | 'siprec' | 'system';

export interface RecordingAction {
  readonly action: RecordingActionKind;
  /** Milliseconds since the epoch. */
  readonly atMs: number;
  readonly source: RecordingActionSource;
  /** The owner whose recording it changed; absent when it concerns the whole call (hold). */
  readonly ownerId?: string;
  /** Why, for a failure or a recovery. */
  readonly reason?: string;
  /** What happened, in words, for a failure. */
  readonly detail?: string;
}

export interface RecordingSegmentPlan {
  readonly startMs: number;
  readonly endMs: number;
  /** Paused stretches inside [startMs, endMs), in order, not overlapping. */
  readonly pauses: ReadonlyArray<{ readonly startMs: number; readonly endMs: number }>;
}

/**
 * The recordings an owner gets from the call: `actions` are the owner's accepted controls in
 * order (the initial start of an Always mode included); an owner still started or paused at the
 * end is closed at `endedAtMs`.
 */
export function planRecordingSegments(
  actions: readonly RecordingAction[],
  endedAtMs: number,
): RecordingSegmentPlan[] {
  const plans: RecordingSegmentPlan[] = [];
  let state: 'pending' | 'started' | 'paused' | 'stopped' = 'pending';
  let start = 0;
  let pauseStart = 0;
  let pauses: Array<{ startMs: number; endMs: number }> = [];
  const close = (at: number): void => {
    const end = Math.max(start, Math.min(at, endedAtMs));
    if (state === 'paused') pauses.push({ startMs: Math.min(pauseStart, end), endMs: end });
    if (end > start) plans.push({ startMs: start, endMs: end, pauses });
    pauses = [];
  };
  const ordered = [...actions].sort((a, b) => a.atMs - b.atMs);
  for (const a of ordered) {
    switch (a.action) {
      case 'start':
        if (state === 'pending' || state === 'stopped') {
          state = 'started';
          start = a.atMs;
        }
        break;
      case 'pause':
        if (state === 'started') {
          state = 'paused';
          pauseStart = a.atMs;
        }
        break;
      case 'resume':
        if (state === 'paused') {
          pauses.push({ startMs: pauseStart, endMs: a.atMs });
          state = 'started';
        }
        break;
      case 'stop':
        if (state === 'started' || state === 'paused') {
          close(a.atMs);
          state = 'stopped';
        }
        break;
      // A failure ends nothing here: what was journaled before (disk full) or what the other
      // party sent (a silent stream) is kept; the timeline itself ends where the audio ends.
      case 'fail':
      case 'recover':
      case 'hold':
      case 'unhold':
        break;
    }
  }
  if (state === 'started' || state === 'paused') close(endedAtMs);
  return plans;
}

/** The kept stretches of one plan, in order: the plan minus its pauses. */
export function keptStretches(
  plan: RecordingSegmentPlan,
): Array<{ readonly startMs: number; readonly endMs: number }> {
  const kept: Array<{ startMs: number; endMs: number }> = [];
  let at = plan.startMs;
  for (const pause of plan.pauses) {
    if (pause.startMs > at) kept.push({ startMs: at, endMs: Math.min(pause.startMs, plan.endMs) });
    at = Math.max(at, pause.endMs);
  }
  if (plan.endMs > at) kept.push({ startMs: at, endMs: plan.endMs });
  return kept;
}
