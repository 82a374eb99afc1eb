// The live recording state of one owner's recording of a call (SPEC §4 "Recording behaviour").
// Pure and explicit: the owner's mode picks the initial state and which controls it allows; a
// control the mode or the state does not allow is refused with a stable reason code and changes
// nothing. Controls arrive from the call-control API, DTMF feature codes and SIPREC direction
// changes; all of them go through this one table.
//
//   mode                                  initial   start  stop  pause  resume
//   Always                                started     -     -     -      -
//   Always with Pause/Resume              started     -     -     ✓      ✓
//   On Demand with User Initiated Start   pending     ✓     ✓     ✓      ✓
//
//              start                pause                 stop
//   pending ──────────► started ◄────────────► paused ──────────► stopped
//      ▲                 │  ▲        resume                         │
//      │                 │  └──────────── start (a new segment) ────┘
//      │                 └───── stop ──────────────────────────────►
//   any state ── fail ──► failed (final; every control refused)
//
// Hold and unhold (a=inactive / a=sendonly / c=0.0.0.0 from the SRC) are not user controls: they
// are recorded as recordingActions and never change the state.

export const LIVE_RECORDING_STATES = ['pending', 'started', 'paused', 'stopped', 'failed'] as const;
export type LiveRecordingState = (typeof LIVE_RECORDING_STATES)[number];

export const RECORDING_CONTROLS = ['start', 'stop', 'pause', 'resume'] as const;
export type RecordingControl = (typeof RECORDING_CONTROLS)[number];

/** Why a control was refused; stable codes for the API's 400 and the logs. */
export type RecordingControlRefusal =
  | 'NOT_ALLOWED_IN_MODE'
  | 'ALREADY_STARTED'
  | 'NOT_STARTED'
  | 'ALREADY_PAUSED'
  | 'NOT_PAUSED'
  | 'RECORDING_FAILED';

export type RecordingControlResult =
  | { readonly ok: true; readonly state: LiveRecordingState }
  | {
      readonly ok: false;
      readonly reason: RecordingControlRefusal;
      readonly message: string;
    };

const ALWAYS = 'Always';
const ALWAYS_WITH_PAUSE = 'Always with Pause/Resume';
const ON_DEMAND = 'On Demand with User Initiated Start';

/** The controls each mode allows (SPEC §4). An unknown mode is treated as Always: no controls. */
export function allowedRecordingControls(mode: string): readonly RecordingControl[] {
  switch (mode) {
    case ALWAYS_WITH_PAUSE:
      return ['pause', 'resume'];
    case ON_DEMAND:
      return ['start', 'stop', 'pause', 'resume'];
    case ALWAYS:
    default:
      return [];
  }
}

/** The state at answer: recorded from the start, except On Demand, which waits for a start. */
export function initialRecordingState(mode: string): LiveRecordingState {
  return mode === ON_DEMAND ? 'pending' : 'started';
}

const TRANSITIONS: Readonly<
  Record<RecordingControl, Partial<Record<LiveRecordingState, LiveRecordingState>>>
> = {
  start: { pending: 'started', stopped: 'started' },
  stop: { started: 'stopped', paused: 'stopped' },
  pause: { started: 'paused' },
  resume: { paused: 'started' },
};

function refusal(
  control: RecordingControl,
  state: LiveRecordingState,
): { reason: RecordingControlRefusal; message: string } {
  if (state === 'failed') {
    return { reason: 'RECORDING_FAILED', message: 'the recording of this call has failed' };
  }
  switch (control) {
    case 'start':
      return { reason: 'ALREADY_STARTED', message: `the recording is already ${state}` };
    case 'stop':
      return { reason: 'NOT_STARTED', message: `the recording is ${state}, nothing to stop` };
    case 'pause':
      return state === 'paused'
        ? { reason: 'ALREADY_PAUSED', message: 'the recording is already paused' }
        : { reason: 'NOT_STARTED', message: `the recording is ${state}, nothing to pause` };
    case 'resume':
      return { reason: 'NOT_PAUSED', message: `the recording is ${state}, not paused` };
  }
}

/** Applies one control to the state under the owner's mode. */
export function applyRecordingControl(
  state: LiveRecordingState,
  mode: string,
  control: RecordingControl,
): RecordingControlResult {
  if (state !== 'failed' && !allowedRecordingControls(mode).includes(control)) {
    return {
      ok: false,
      reason: 'NOT_ALLOWED_IN_MODE',
      message: `${control} is not allowed when the recording mode is ${mode}`,
    };
  }
  const next = TRANSITIONS[control][state];
  if (next === undefined) return { ok: false, ...refusal(control, state) };
  return { ok: true, state: next };
}

/** Whether audio is being kept in this state (for the segment plan of finalize). */
export function isRecordingState(state: LiveRecordingState): boolean {
  return state === 'started';
}
