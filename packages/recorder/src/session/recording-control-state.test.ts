import { describe, expect, it } from 'vitest';
import {
  applyRecordingControl,
  initialRecordingState,
  LIVE_RECORDING_STATES,
  RECORDING_CONTROLS,
  type LiveRecordingState,
  type RecordingControl,
} from './recording-control-state.js';

const ALWAYS = 'Always';
const PAUSE = 'Always with Pause/Resume';
const DEMAND = 'On Demand with User Initiated Start';

describe('SPEC §4: the mode decides the initial state', () => {
  it.each([
    [ALWAYS, 'started'],
    [PAUSE, 'started'],
    [DEMAND, 'pending'],
  ])('%s starts %s', (mode, state) => {
    expect(initialRecordingState(mode)).toBe(state);
  });
});

// [mode, state, control, next state or refusal code]
const TABLE: Array<[string, LiveRecordingState, RecordingControl, string]> = [
  // Always: every inbound and outbound call is recorded, no controls.
  [ALWAYS, 'started', 'pause', 'NOT_ALLOWED_IN_MODE'],
  [ALWAYS, 'started', 'stop', 'NOT_ALLOWED_IN_MODE'],
  [ALWAYS, 'started', 'start', 'NOT_ALLOWED_IN_MODE'],
  [ALWAYS, 'started', 'resume', 'NOT_ALLOWED_IN_MODE'],
  // Always with Pause/Resume: the user may pause and resume; no stop.
  [PAUSE, 'started', 'pause', 'paused'],
  [PAUSE, 'paused', 'resume', 'started'],
  [PAUSE, 'started', 'stop', 'NOT_ALLOWED_IN_MODE'],
  [PAUSE, 'paused', 'stop', 'NOT_ALLOWED_IN_MODE'],
  [PAUSE, 'started', 'start', 'NOT_ALLOWED_IN_MODE'],
  [PAUSE, 'paused', 'pause', 'ALREADY_PAUSED'],
  [PAUSE, 'started', 'resume', 'NOT_PAUSED'],
  // On Demand: nothing until start; then pause, resume and stop; a later start is a new segment.
  [DEMAND, 'pending', 'start', 'started'],
  [DEMAND, 'pending', 'pause', 'NOT_STARTED'],
  [DEMAND, 'pending', 'resume', 'NOT_PAUSED'],
  [DEMAND, 'pending', 'stop', 'NOT_STARTED'],
  [DEMAND, 'started', 'start', 'ALREADY_STARTED'],
  [DEMAND, 'started', 'pause', 'paused'],
  [DEMAND, 'started', 'stop', 'stopped'],
  [DEMAND, 'paused', 'resume', 'started'],
  [DEMAND, 'paused', 'stop', 'stopped'],
  [DEMAND, 'paused', 'start', 'ALREADY_STARTED'],
  [DEMAND, 'paused', 'pause', 'ALREADY_PAUSED'],
  [DEMAND, 'started', 'resume', 'NOT_PAUSED'],
  [DEMAND, 'stopped', 'resume', 'NOT_PAUSED'],
  [DEMAND, 'stopped', 'start', 'started'],
  [DEMAND, 'stopped', 'stop', 'NOT_STARTED'],
  [DEMAND, 'stopped', 'pause', 'NOT_STARTED'],
  // A failed recording takes no control, whatever the mode.
  [DEMAND, 'failed', 'start', 'RECORDING_FAILED'],
  [PAUSE, 'failed', 'resume', 'RECORDING_FAILED'],
  [ALWAYS, 'failed', 'pause', 'RECORDING_FAILED'],
];

describe('SPEC §4: a control the mode does not allow is refused and changes nothing', () => {
  it.each(TABLE)('%s: %s + %s → %s', (mode, state, control, expected) => {
    const result = applyRecordingControl(state, mode, control);
    if ((LIVE_RECORDING_STATES as readonly string[]).includes(expected)) {
      expect(result).toEqual({ ok: true, state: expected });
    } else {
      expect(result).toMatchObject({ ok: false, reason: expected });
      if (!result.ok) expect(result.message.length).toBeGreaterThan(0);
    }
  });

  it('covers every state × control of On Demand', () => {
    for (const state of LIVE_RECORDING_STATES) {
      for (const control of RECORDING_CONTROLS) {
        const listed = TABLE.some(([m, s, c]) => m === DEMAND && s === state && c === control);
        expect(listed || state === 'failed').toBe(true);
      }
    }
  });
});
