// Live calls (SPEC §4, §9.1): the signed-in person's calls being recorded now, the Webex
// call-control recording operations on them, and the server-sent events that keep recording
// indicators current (`/api/events`).
import { api } from './client.js';

export const RECORDING_CONTROLS = [
  'startRecording',
  'stopRecording',
  'pauseRecording',
  'resumeRecording',
] as const;
export type RecordingControl = (typeof RECORDING_CONTROLS)[number];

export type LiveRecordingState = 'pending' | 'started' | 'paused' | 'stopped' | 'failed';

export interface LiveCall {
  readonly id: string;
  readonly callSessionId: string;
  readonly state: 'connected' | 'held';
  readonly remoteParty: { readonly name: string | null; readonly number: string | null };
  readonly created: string;
  readonly answered: string;
  readonly recordingState: LiveRecordingState;
  readonly recordMode: string;
  readonly allowedRecordingControls: readonly RecordingControl[];
  readonly failureReason: string | null;
}

export function listMyCalls(
  signal?: AbortSignal,
): Promise<{ readonly items: readonly LiveCall[] }> {
  return api.get('/v1/telephony/calls', { signal });
}

export function controlMyCall(callId: string, control: RecordingControl): Promise<void> {
  return api.post(`/v1/telephony/calls/${control}`, { body: { callId } });
}

/** The server-sent event names of `/api/events`. */
export const LIVE_CALL_EVENTS = ['recordingState', 'callEnded'] as const;
