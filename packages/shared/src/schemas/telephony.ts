// Live calls and their recording controls (SPEC §4, §9.1): Webex Calling's call-control shapes
// (`POST /v1/telephony/calls/{startRecording|stopRecording|pauseRecording|resumeRecording}` with
// `{callId}`) and the live recording state pushed at `/api/events`.
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

export const CallRecordingControlBody = Type.Object({
  callId: Type.String({ minLength: 1, maxLength: 512, description: 'The call to control' }),
});
export type CallRecordingControlBody = Static<typeof CallRecordingControlBody>;

/** One of the caller's calls being recorded now (`GET /v1/telephony/calls`, Webex field names). */
export const TelephonyCall = Type.Object({
  id: Type.String({ description: 'The call id (the SIPREC session’s Call-ID)' }),
  callSessionId: Type.String({ description: 'The recording session (SIP dialog) id' }),
  state: literalUnion(['connected', 'held'] as const),
  remoteParty: Type.Object({
    name: Type.Union([Type.String(), Type.Null()]),
    number: Type.Union([Type.String(), Type.Null()], {
      description: 'the other participant’s address as the SRC named it',
    }),
  }),
  created: Type.String({ format: 'date-time' }),
  answered: Type.String({ format: 'date-time' }),
  recordingState: RecordingStateSchema,
  recordMode: Type.String({ description: 'The owner’s recording mode' }),
  allowedRecordingControls: Type.Array(literalUnion(RECORDING_CONTROL_OPERATIONS)),
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
