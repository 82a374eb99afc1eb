// How a live call's recording state reads in the console (the recording indicator) and how each
// control is labelled. Pure, for the User Hub's "Calls being recorded" card.
import type { RecordingControlOperation, RecordingState, TelephonyCall } from '@callvault/shared';

export interface RecordingIndicator {
  readonly label: string;
  readonly color: 'red' | 'yellow' | 'gray' | 'orange';
  /** Whether audio is being kept right now. */
  readonly live: boolean;
}

const INDICATORS: Readonly<Record<RecordingState, RecordingIndicator>> = {
  started: { label: 'Recording', color: 'red', live: true },
  paused: { label: 'Paused', color: 'yellow', live: false },
  pending: { label: 'Not recording', color: 'gray', live: false },
  stopped: { label: 'Stopped', color: 'gray', live: false },
  failed: { label: 'Recording failed', color: 'orange', live: false },
};

export function recordingIndicator(state: RecordingState): RecordingIndicator {
  return INDICATORS[state];
}

export const CONTROL_LABELS: Readonly<Record<RecordingControlOperation, string>> = {
  startRecording: 'Start recording',
  stopRecording: 'Stop recording',
  pauseRecording: 'Pause',
  resumeRecording: 'Resume',
};

/** The controls that make sense in the call's state, among those its mode allows. */
export function availableControls(call: TelephonyCall): RecordingControlOperation[] {
  const usable: Readonly<Record<RecordingState, readonly RecordingControlOperation[]>> = {
    pending: ['startRecording'],
    started: ['pauseRecording', 'stopRecording'],
    paused: ['resumeRecording', 'stopRecording'],
    stopped: ['startRecording'],
    failed: [],
  };
  return usable[call.recordingState].filter((c) => call.recordingControls.includes(c));
}

/** Who the call is with, as the SRC named them. */
export function remotePartyLabel(call: TelephonyCall): string {
  const { name, number, privacyEnabled } = call.remoteParty;
  if (name && number) return `${name} (${number})`;
  return name ?? number ?? (privacyEnabled ? 'Private caller' : 'Unknown party');
}
