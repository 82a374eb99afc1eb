import { describe, expect, it } from 'vitest';
import type { RecordingState } from '@callvault/shared';
import {
  allowedRecordingControlsOf,
  partyNumberOf,
  personalityOf,
  presentCall,
} from './calls.presenter.js';
import type { LiveCall, LiveCallOwner } from './live-calls.js';

const ALWAYS = 'Always';
const ALWAYS_PAUSE = 'Always with Pause/Resume';
const ON_DEMAND = 'On Demand with User Initiated Start';

const owner = (over: Partial<LiveCallOwner> = {}): LiveCallOwner => ({
  id: 'person-a',
  kind: 'person',
  displayName: 'Alice',
  participantId: 'p-a',
  mode: ALWAYS_PAUSE,
  failureBehavior: null,
  state: 'started',
  ...over,
});

const call = (over: Partial<LiveCall> = {}): LiveCall => ({
  sessionId: 's1',
  callId: 'c1@src',
  orgId: 'org',
  startedAt: Date.parse('2026-03-02T10:00:00.000Z'),
  parties: [
    { id: 'p-a', aor: 'sip:alice@example.com', name: 'Alice' },
    { id: 'p-b', aor: 'sip:+15550100@pstn.example;user=phone', name: 'Bob' },
  ],
  owners: [owner()],
  actions: [],
  onHold: false,
  failure: null,
  ...over,
});

describe('allowedRecordingControlsOf: the XSI RecordingControls token for mode × state', () => {
  it.each<[string, RecordingState, string]>([
    [ALWAYS, 'started', 'none'],
    [ALWAYS_PAUSE, 'started', 'pause'],
    [ALWAYS_PAUSE, 'paused', 'resume'],
    [ON_DEMAND, 'pending', 'record'],
    [ON_DEMAND, 'started', 'pause-stop'],
    [ON_DEMAND, 'paused', 'resume-stop'],
    [ON_DEMAND, 'stopped', 'record'],
    [ON_DEMAND, 'failed', 'none'],
    [ALWAYS_PAUSE, 'failed', 'none'],
  ])('%s, %s → %s', (mode, state, token) => {
    expect(allowedRecordingControlsOf(mode, state)).toBe(token);
  });
});

describe('personalityOf', () => {
  it('follows the direction the SRC metadata gives', () => {
    expect(personalityOf(call(), owner({ direction: 'outbound', participantId: 'p-b' }))).toBe(
      'originator',
    );
    expect(personalityOf(call(), owner({ direction: 'inbound' }))).toBe('terminator');
  });
  it('without a direction, the first participant the metadata lists is the caller', () => {
    expect(personalityOf(call(), owner())).toBe('originator');
    expect(personalityOf(call(), owner({ participantId: 'p-b' }))).toBe('terminator');
    expect(personalityOf(call({ parties: [] }), owner())).toBe('terminator');
  });
});

describe('partyNumberOf: Webex numbers are digits or a scheme-less URI', () => {
  it.each<[string | undefined, string | undefined]>([
    ['tel:+15550100', '+15550100'],
    ['sip:+15550100@pstn.example;user=phone', '+15550100'],
    ['sip:bob@example.net', 'bob@example.net'],
    ['sips:bob@example.net:5061;transport=tls', 'bob@example.net'],
    ['sip:example.net', 'example.net'],
    [undefined, undefined],
    ['', undefined],
  ])('%s → %s', (aor, number) => {
    expect(partyNumberOf(aor)).toBe(number);
  });
});

describe('presentCall: Webex Call fields, Callvault extras after them', () => {
  it('has exactly Webex’s required fields plus the extras, with Webex’s types', () => {
    const shown = presentCall(call(), owner(), null);
    expect(shown).toEqual({
      id: 'c1@src',
      callSessionId: 's1',
      personality: 'originator',
      state: 'connected',
      remoteParty: {
        name: 'Bob',
        number: '+15550100',
        privacyEnabled: false,
        callType: 'external',
      },
      created: '2026-03-02T10:00:00.000Z',
      answered: '2026-03-02T10:00:00.000Z',
      recordingState: 'started',
      muteCapable: false,
      muted: false,
      allowedRecordingControls: 'pause',
      recordMode: ALWAYS_PAUSE,
      recordingControls: ['pauseRecording', 'resumeRecording'],
      failureReason: null,
    });
  });

  it('a remote party recorded on the same call is of the organization, with its id', () => {
    const bob = owner({ id: 'person-b', participantId: 'p-b' });
    const shown = presentCall(call(), owner(), { owner: bob, sameLocation: true });
    expect(shown.remoteParty).toEqual({
      name: 'Bob',
      number: '+15550100',
      personId: 'person-b',
      privacyEnabled: false,
      callType: 'location',
    });
    const room = owner({ id: 'ws-1', kind: 'workspace', participantId: 'p-b' });
    expect(presentCall(call(), owner(), { owner: room, sameLocation: false }).remoteParty).toEqual({
      name: 'Bob',
      number: '+15550100',
      placeId: 'ws-1',
      privacyEnabled: false,
      callType: 'organization',
    });
  });

  it('an anonymous party has privacy on and shows neither name nor number', () => {
    const hidden = call({
      parties: [
        { id: 'p-a', aor: 'sip:alice@example.com' },
        { id: 'p-b', aor: 'sip:anonymous@anonymous.invalid', name: 'Anonymous' },
      ],
    });
    expect(presentCall(hidden, owner(), null).remoteParty).toEqual({
      privacyEnabled: true,
      callType: 'external',
    });
  });

  it('hold shows as held; a failed call allows no control and says why', () => {
    const failed = call({
      onHold: true,
      failure: { reason: 'no-media', detail: 'x', atMs: 0 },
    });
    const shown = presentCall(failed, owner({ state: 'failed' }), null);
    expect(shown).toMatchObject({
      state: 'held',
      recordingState: 'failed',
      allowedRecordingControls: 'none',
      recordingControls: [],
      failureReason: 'no-media',
    });
  });
});
