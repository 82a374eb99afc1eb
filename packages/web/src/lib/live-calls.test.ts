import { beforeEach, describe, expect, it } from 'vitest';
import { setTestLanguage } from '../i18n/testing.js';
import type { RecordingControlOperation, RecordingState, TelephonyCall } from '@callvault/shared';
import {
  availableControls,
  controlLabel,
  recordingIndicator,
  remotePartyLabel,
} from './live-calls.js';

beforeEach(() => setTestLanguage('en'));

const ON_DEMAND: RecordingControlOperation[] = [
  'startRecording',
  'stopRecording',
  'pauseRecording',
  'resumeRecording',
];
const PAUSE_RESUME: RecordingControlOperation[] = ['pauseRecording', 'resumeRecording'];

function call(state: RecordingState, allowed: RecordingControlOperation[]): TelephonyCall {
  return {
    id: 'c1',
    callSessionId: 's1',
    personality: 'terminator',
    state: 'connected',
    remoteParty: {
      name: 'Bob',
      number: '+46701234567',
      privacyEnabled: false,
      callType: 'external',
    },
    created: '2026-03-02T10:00:00Z',
    answered: '2026-03-02T10:00:00Z',
    recordingState: state,
    muteCapable: false,
    muted: false,
    allowedRecordingControls: 'none',
    recordMode: 'On Demand with User Initiated Start',
    recordingControls: allowed,
    failureReason: null,
  };
}

describe('availableControls: what the state makes sense of, among what the mode allows', () => {
  it.each<[RecordingState, RecordingControlOperation[], RecordingControlOperation[]]>([
    ['pending', ON_DEMAND, ['startRecording']],
    ['started', ON_DEMAND, ['pauseRecording', 'stopRecording']],
    ['paused', ON_DEMAND, ['resumeRecording', 'stopRecording']],
    ['stopped', ON_DEMAND, ['startRecording']],
    ['failed', ON_DEMAND, []],
    ['started', PAUSE_RESUME, ['pauseRecording']],
    ['paused', PAUSE_RESUME, ['resumeRecording']],
    ['started', [], []],
  ])('%s with %j → %j', (state, allowed, expected) => {
    expect(availableControls(call(state, allowed))).toEqual(expected);
  });
});

describe('recordingIndicator', () => {
  it('only a started recording is live', () => {
    expect(recordingIndicator('started')).toMatchObject({ label: 'Recording', live: true });
    for (const s of ['pending', 'paused', 'stopped', 'failed'] as const) {
      expect(recordingIndicator(s).live).toBe(false);
    }
    expect(recordingIndicator('failed').label).toBe('Recording failed');
  });
});

describe('remotePartyLabel', () => {
  it('names the party with the number, either alone, or says it is private or unknown', () => {
    expect(remotePartyLabel(call('started', []))).toBe('Bob (+46701234567)');
    const party = { privacyEnabled: false, callType: 'external' } as const;
    const nameless = { ...call('started', []), remoteParty: { ...party, number: '+4670' } };
    expect(remotePartyLabel(nameless)).toBe('+4670');
    const unknown = { ...call('started', []), remoteParty: party };
    expect(remotePartyLabel(unknown)).toBe('Unknown party');
    const hidden = { ...call('started', []), remoteParty: { ...party, privacyEnabled: true } };
    expect(remotePartyLabel(hidden)).toBe('Private caller');
  });
});

describe('in Swedish', () => {
  it('labels the indicator and the controls in Swedish', async () => {
    await setTestLanguage('sv');
    expect(recordingIndicator('pending').label).toBe('Spelar inte in');
    expect(controlLabel('pauseRecording')).toBe('Pausa');
  });
});
