// One live call's state as the hub holds it: each owner's recording state (entered in its mode's
// first state, changed afterwards only by live-call-controls.ts), the actions so far, hold and
// failure, and what hold and a failure remember to undo themselves.
import {
  initialRecordingState,
  type LiveRecordingState,
  type RecordingAction,
} from '@callvault/recorder';
import { liveCallOwnerEvent, type LiveCallEmit } from './live-call-events.js';
import type {
  LiveCall,
  LiveCallFailure,
  LiveCallOwner,
  LiveCallOwnerInput,
  LiveCallParty,
} from './live-call-model.js';

export interface LiveCallState {
  sessionId: string;
  callId: string;
  orgId: string;
  startedAt: number;
  parties: readonly LiveCallParty[];
  owners: LiveCallOwner[];
  actions: RecordingAction[];
  onHold: boolean;
  failure: LiveCallFailure | null;
  /** Owners that hold paused, to resume on unhold (not those paused by hand before it). */
  pausedByHold: Set<string>;
  /** Each owner's state when the call failed, for a recovery. */
  beforeFailure: Map<string, LiveRecordingState>;
}

export interface LiveCallOpening {
  readonly sessionId: string;
  readonly callId: string;
  readonly orgId: string;
  readonly startedAt: number;
  readonly parties?: readonly LiveCallParty[];
}

/** A call as it opens: no owner yet (addLiveCallOwners brings them in), not on hold, not failed. */
export function newLiveCallState(input: LiveCallOpening): LiveCallState {
  return {
    sessionId: input.sessionId,
    callId: input.callId,
    orgId: input.orgId,
    startedAt: input.startedAt,
    parties: input.parties ?? [],
    owners: [],
    actions: [],
    onHold: false,
    failure: null,
    pausedByHold: new Set(),
    beforeFailure: new Map(),
  };
}

/**
 * Owners join in their mode's first state (`failed` while the call is failed); an owner whose mode
 * starts recording at once gets a `start` action from its mode. An owner already there is left as
 * it is.
 */
export function addLiveCallOwners(
  call: LiveCallState,
  owners: readonly LiveCallOwnerInput[],
  atMs: number,
  emit: LiveCallEmit,
): void {
  for (const input of owners) {
    if (call.owners.some((o) => o.id === input.id)) continue;
    const owner: LiveCallOwner = {
      ...input,
      state: call.failure ? 'failed' : initialRecordingState(input.mode),
    };
    call.owners.push(owner);
    if (owner.state === 'started') {
      call.actions.push({ action: 'start', atMs, source: 'mode', ownerId: owner.id });
      emit(liveCallOwnerEvent(call, owner, atMs, { action: 'start', source: 'mode' }));
    } else {
      emit(liveCallOwnerEvent(call, owner, atMs));
    }
  }
}

/** The call as shown: copies of its owners and actions, without hold's and failure's memory. */
export function snapshotLiveCall(call: LiveCallState): LiveCall {
  const { pausedByHold: _internal, beforeFailure: _internalToo, ...shown } = call;
  return {
    ...shown,
    owners: [...call.owners],
    actions: [...call.actions],
  };
}
