// What a live call is, as the hub keeps it and shows it: its owners with their recording state,
// the parties the SRC's metadata names, the recording actions so far, hold and failure; and the
// events that tell subscribers of each change.
import type {
  LiveRecordingState,
  RecordingAction,
  RecordingActionSource,
  RecordingControlResult,
} from '@callvault/recorder';

export interface LiveCallOwnerInput {
  readonly id: string;
  readonly kind: string;
  readonly displayName: string;
  /** The metadata participant the owner is (RFC 7865 §6.4). */
  readonly participantId?: string;
  readonly mode: string;
  /** The owner's effective failure behaviour (SPEC §3.1), told to the call system. */
  readonly failureBehavior: string | null;
  /** The owner's side of the call as the SRC's metadata says it; null or absent: not said. */
  readonly direction?: 'inbound' | 'outbound' | null;
}

export interface LiveCallOwner extends LiveCallOwnerInput {
  readonly state: LiveRecordingState;
}

export interface LiveCallFailure {
  /** Stable code: `disk-full`, `journal-write`, `no-media`, `capture-start`. */
  readonly reason: string;
  readonly detail: string;
  readonly atMs: number;
}

/** A participant of the call as the SRC's metadata names it. */
export interface LiveCallParty {
  readonly id: string;
  readonly aor?: string;
  readonly name?: string;
}

export interface LiveCall {
  readonly sessionId: string;
  readonly callId: string;
  readonly orgId: string;
  readonly startedAt: number;
  readonly parties: readonly LiveCallParty[];
  readonly owners: readonly LiveCallOwner[];
  readonly actions: readonly RecordingAction[];
  readonly onHold: boolean;
  readonly failure: LiveCallFailure | null;
}

export interface LiveCallEvent {
  readonly type: 'recordingState' | 'callEnded';
  readonly sessionId: string;
  readonly callId: string;
  readonly orgId: string;
  readonly ownerId: string;
  readonly ownerKind: string;
  readonly recordingState: LiveRecordingState;
  /** The action that caused the event (absent for the initial state and the end of the call). */
  readonly action?: RecordingAction['action'];
  readonly source?: RecordingActionSource;
  readonly reason?: string;
  readonly atMs: number;
}

export type LiveCallControlResult =
  | RecordingControlResult
  | { readonly ok: false; readonly reason: 'UNKNOWN_CALL'; readonly message: string };
