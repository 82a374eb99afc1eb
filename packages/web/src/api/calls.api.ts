// Live calls (SPEC §4, §9.1): the signed-in person's calls being recorded now, the Webex
// call-control recording operations on them, and the server-sent events that keep recording
// indicators current (`/api/events`).
import type {
  CallRecordingControlBody,
  RecordingControlOperation,
  TelephonyCallList,
} from '@callvault/shared';
import { api } from './client.js';

export function listMyCalls(signal?: AbortSignal): Promise<TelephonyCallList> {
  return api.get('/v1/telephony/calls', { signal });
}

export function controlMyCall(callId: string, operation: RecordingControlOperation): Promise<void> {
  const body: CallRecordingControlBody = { callId };
  return api.post(`/v1/telephony/calls/${operation}`, { body });
}

/** The server-sent event names of `/api/events`. */
export const LIVE_CALL_EVENTS = ['recordingState', 'callEnded'] as const;
