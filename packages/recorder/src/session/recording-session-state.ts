// The state machine of one SIPREC recording session (RFC 7866 §6: the SRC opens a recording
// session with INVITE, updates it with re-INVITE/UPDATE and ends it with BYE). Pure: the handler
// asks this table for every change, so an event the state does not expect is an error, never a
// silent jump.
//
//              answered (200 sent)           ACK
//   answering ───────────────────► awaiting-ack ──────► active ◄──┐ re-offer answered,
//       │                               │                 │  └──────┘ ACK of a re-INVITE
//       │ cancel / refused              │ bye, ack-timeout│ bye, ack-timeout, shutdown, rtp-timeout,
//       │                               │   shutdown      │ session-timer, probe-failed
//       ▼                               ▼                 ▼
//     closed ◄──────────────────────────┴─────────────────┘
import type { RecordingSessionState } from './ports.js';

export type RecordingSessionEvent =
  | 'answered'
  | 'refused'
  | 'cancel'
  | 'ack'
  | 'reoffer'
  | 'bye'
  | 'ack-timeout'
  | 'shutdown'
  /** No media on any stream for the inactivity timeout (rtp-inactivity.ts): we end it. */
  | 'rtp-timeout'
  /** No refresh before the session interval ran out (RFC 4028 §10, session-timer.ts). */
  | 'session-timer'
  /** The SRC answered our in-dialog OPTIONS 481, or not at all (dialog-liveness.ts). */
  | 'probe-failed';

const TRANSITIONS: Readonly<
  Record<RecordingSessionState, Partial<Record<RecordingSessionEvent, RecordingSessionState>>>
> = {
  answering: { answered: 'awaiting-ack', refused: 'closed', cancel: 'closed', shutdown: 'closed' },
  'awaiting-ack': {
    ack: 'active',
    // An UPDATE may arrive before the ACK (RFC 3311 §5.2); the session stays where it is.
    reoffer: 'awaiting-ack',
    bye: 'closed',
    'ack-timeout': 'closed',
    shutdown: 'closed',
  },
  active: {
    ack: 'active',
    reoffer: 'active',
    bye: 'closed',
    'ack-timeout': 'closed',
    shutdown: 'closed',
    'rtp-timeout': 'closed',
    'session-timer': 'closed',
    'probe-failed': 'closed',
  },
  closed: {},
};

export class RecordingSessionTransitionError extends Error {
  override readonly name = 'RecordingSessionTransitionError';
}

/** The next state, or a RecordingSessionTransitionError when the event is not allowed. */
export function transitionRecordingSession(
  state: RecordingSessionState,
  event: RecordingSessionEvent,
): RecordingSessionState {
  const next = TRANSITIONS[state][event];
  if (next === undefined) {
    throw new RecordingSessionTransitionError(`event ${event} is not allowed in state ${state}`);
  }
  return next;
}

export function canTransitionRecordingSession(
  state: RecordingSessionState,
  event: RecordingSessionEvent,
): boolean {
  return TRANSITIONS[state][event] !== undefined;
}
