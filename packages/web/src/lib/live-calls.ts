// How a live call's recording state reads in the console (the recording indicator) and how each
// control is labelled. Pure, for the User Hub's "Calls being recorded" card.
import type { RecordingControlOperation, RecordingState, TelephonyCall } from '@callvault/shared';
import i18next from 'i18next';

export interface RecordingIndicator {
  readonly label: string;
  readonly color: 'red' | 'yellow' | 'gray' | 'orange';
  /** Whether audio is being kept right now. */
  readonly live: boolean;
}

const INDICATORS: Readonly<Record<RecordingState, Omit<RecordingIndicator, 'label'>>> = {
  started: { color: 'red', live: true },
  paused: { color: 'yellow', live: false },
  pending: { color: 'gray', live: false },
  stopped: { color: 'gray', live: false },
  failed: { color: 'orange', live: false },
};

export function recordingIndicator(state: RecordingState): RecordingIndicator {
  return { ...INDICATORS[state], label: i18next.t(`userHub:live.state.${state}`) };
}

/** A control's button label in the console's language. */
export function controlLabel(operation: RecordingControlOperation): string {
  return i18next.t(`userHub:live.control.${operation}`);
}

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
  if (name && number) return i18next.t('userHub:live.party', { name, number });
  return (
    name ??
    number ??
    (privacyEnabled
      ? i18next.t('userHub:live.privateCaller')
      : i18next.t('userHub:live.unknownParty'))
  );
}
