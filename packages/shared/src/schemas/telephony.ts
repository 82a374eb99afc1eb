// Live calls and their recording controls (SPEC §4, §9.1): Webex Calling's call-control shapes
// (`POST /v1/telephony/calls/{startRecording|stopRecording|pauseRecording|resumeRecording}` with
// `{callId?, lineOwnerId?}`), Webex's `GET /v1/telephony/calls` and `/{callId}`, and the live
// recording state pushed at `/api/events`.
import { Type, type Static } from '@sinclair/typebox';
import { literalUnion } from './literal-union.js';

export const RECORDING_STATES = ['pending', 'started', 'paused', 'stopped', 'failed'] as const;
export type RecordingState = (typeof RECORDING_STATES)[number];
export const RecordingStateSchema = literalUnion(RECORDING_STATES);

/** Webex's call-control recording operations, each `POST /v1/telephony/calls/{operation}`. */
export const RECORDING_CONTROL_OPERATIONS = [
  'startRecording',
  'stopRecording',
  'pauseRecording',
  'resumeRecording',
] as const;
export type RecordingControlOperation = (typeof RECORDING_CONTROL_OPERATIONS)[number];

const LINE_OWNER_ID = Type.String({
  minLength: 1,
  maxLength: 512,
  description:
    'A line on your phone besides your own: your own person id, or a virtual line you have as a secondary line. Absent: your own line.',
});

/** The body of Webex's call-control recording operations. */
export const CallRecordingControlBody = Type.Object({
  callId: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 512,
      description:
        'The call to control. Optional when the line has exactly one call: that call is meant.',
    }),
  ),
  lineOwnerId: Type.Optional(LINE_OWNER_ID),
});
export type CallRecordingControlBody = Static<typeof CallRecordingControlBody>;

export const TelephonyCallQuery = { lineOwnerId: Type.Optional(LINE_OWNER_ID) };

/** Webex `CallPersonalityEnum`: the line's side of the call. */
export const CALL_PERSONALITIES = ['originator', 'terminator', 'clickToDial'] as const;
/** Webex `CallStateEnum`; Callvault's calls are `connected` or `held`. */
export const CALL_STATES = [
  'connecting',
  'alerting',
  'connected',
  'held',
  'remoteHeld',
  'disconnected',
] as const;
/** Webex `CallTypeEnum`: where the remote party is. */
export const CALL_TYPES = [
  'location',
  'organization',
  'external',
  'emergency',
  'repair',
  'other',
] as const;
/**
 * The recording controls the call allows now, one token as BroadWorks XSI's `RecordingControls`
 * (Webex Calling's platform) spells them; wxc_sdk reads `allowedRecordingControls` as a string.
 */
export const ALLOWED_RECORDING_CONTROLS = [
  'none',
  'record',
  'pause',
  'pause-stop',
  'resume',
  'resume-stop',
  'stop',
] as const;
export type AllowedRecordingControls = (typeof ALLOWED_RECORDING_CONTROLS)[number];

/** Webex `PartyInformation`. */
export const TelephonyParty = Type.Object({
  name: Type.Optional(
    Type.String({ description: 'Only present when the SRC named the party and privacy is off' }),
  ),
  number: Type.Optional(
    Type.String({
      description:
        'Digits or a URI without its scheme (`+15550100`, `bob@example.net`), from the address the SRC gave; only present when known and privacy is off',
    }),
  ),
  personId: Type.Optional(
    Type.String({
      description: 'When the remote party is a person of the organization recorded on this call',
    }),
  ),
  placeId: Type.Optional(
    Type.String({
      description: 'When the remote party is a workspace of the organization recorded on this call',
    }),
  ),
  privacyEnabled: Type.Boolean({
    description: 'True when the SRC gave the party as anonymous',
  }),
  callType: literalUnion(CALL_TYPES),
});
export type TelephonyParty = Static<typeof TelephonyParty>;

/**
 * One call of the line (`GET /v1/telephony/calls`, `/{callId}`): Webex's `Call` object (field
 * names, types and enums as Webex's), with Callvault's extras `recordMode`, `recordingControls`
 * and `failureReason`.
 */
export const TelephonyCall = Type.Object({
  id: Type.String({ description: 'The call id (the SIPREC session’s Call-ID)' }),
  callSessionId: Type.String({ description: 'The recording session (SIP dialog) id' }),
  personality: literalUnion(CALL_PERSONALITIES),
  state: literalUnion(CALL_STATES),
  remoteParty: TelephonyParty,
  created: Type.String({ format: 'date-time' }),
  answered: Type.Optional(Type.String({ format: 'date-time' })),
  recordingState: RecordingStateSchema,
  muteCapable: Type.Boolean({
    description: 'Always false: Callvault records calls, it cannot mute them',
  }),
  muted: Type.Boolean(),
  allowedRecordingControls: literalUnion(ALLOWED_RECORDING_CONTROLS),
  recordMode: Type.String({ description: 'The line’s recording mode (Callvault)' }),
  recordingControls: Type.Array(literalUnion(RECORDING_CONTROL_OPERATIONS), {
    description:
      'Callvault: the operations the recording mode allows on this call (any state), by their Webex operation names',
  }),
  failureReason: Type.Union([Type.String(), Type.Null()]),
});
export type TelephonyCall = Static<typeof TelephonyCall>;

export const TelephonyCallList = Type.Object({ items: Type.Array(TelephonyCall) });
export type TelephonyCallList = Static<typeof TelephonyCallList>;

/** The data of an `/api/events` server-sent event `recordingState` or `callEnded`. */
export const RecordingStateEvent = Type.Object({
  callId: Type.String(),
  callSessionId: Type.String(),
  ownerId: Type.String(),
  ownerType: Type.String(),
  recordingState: RecordingStateSchema,
  action: Type.Union([Type.String(), Type.Null()]),
  source: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  time: Type.String({ format: 'date-time' }),
});
export type RecordingStateEvent = Static<typeof RecordingStateEvent>;
