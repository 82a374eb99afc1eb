import { describe, expect, it } from 'vitest';
import type { RecordingControlOperation, RecordingState, TelephonyCall } from '@callvault/shared';
import { availableControls, recordingIndicator, remotePartyLabel } from './live-calls.js';

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
    state: 'connected',
    remoteParty: { name: 'Bob', number: 'sip:+46701234567@example.com' },
    created: '2026-03-02T10:00:00Z',
    answered: '2026-03-02T10:00:00Z',
    recordingState: state,
    recordMode: 'On Demand with User Initiated Start',
    allowedRecordingControls: allowed,
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
  it('names the party with the number, either alone, or says it is unknown', () => {
    expect(remotePartyLabel(call('started', []))).toBe('Bob (sip:+46701234567@example.com)');
    const nameless = { ...call('started', []), remoteParty: { name: null, number: '+4670' } };
    expect(remotePartyLabel(nameless)).toBe('+4670');
    const unknown = { ...call('started', []), remoteParty: { name: null, number: null } };
    expect(remotePartyLabel(unknown)).toBe('Unknown party');
  });
});
