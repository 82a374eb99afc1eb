import { describe, expect, it } from 'vitest';
import type { RecordingSessionState } from './ports.js';
import {
  RecordingSessionTransitionError,
  canTransitionRecordingSession,
  transitionRecordingSession,
  type RecordingSessionEvent,
} from './recording-session-state.js';

describe('recording session state machine', () => {
  it.each<[RecordingSessionState, RecordingSessionEvent, RecordingSessionState]>([
    ['answering', 'answered', 'awaiting-ack'],
    ['answering', 'cancel', 'closed'],
    ['answering', 'refused', 'closed'],
    ['awaiting-ack', 'ack', 'active'],
    ['awaiting-ack', 'reoffer', 'awaiting-ack'],
    ['awaiting-ack', 'ack-timeout', 'closed'],
    ['awaiting-ack', 'bye', 'closed'],
    ['active', 'reoffer', 'active'],
    ['active', 'ack', 'active'],
    ['active', 'bye', 'closed'],
    ['active', 'shutdown', 'closed'],
  ])('%s --%s--> %s', (from, event, to) => {
    expect(transitionRecordingSession(from, event)).toBe(to);
  });

  it.each<[RecordingSessionState, RecordingSessionEvent]>([
    ['answering', 'ack'],
    ['answering', 'bye'],
    ['active', 'answered'],
    ['active', 'cancel'],
    ['closed', 'bye'],
    ['closed', 'ack'],
  ])('%s does not accept %s', (from, event) => {
    expect(canTransitionRecordingSession(from, event)).toBe(false);
    expect(() => transitionRecordingSession(from, event)).toThrow(RecordingSessionTransitionError);
  });
});
