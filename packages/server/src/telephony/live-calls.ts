// The live recording state of the calls this recorder is capturing (SPEC §4 "Live state per call"):
// one state per owner of each call, changed only through the recorder's pure control table
// (`applyRecordingControl`), every accepted change kept as a `recordingActions` entry and pushed
// to subscribers (the capture journal, GET /api/events). In memory: recorders keep no state
// another process needs after a call (SPEC §10); the journal keeps the actions across a crash.
// While the call runs, live-calls-mirror.ts copies it to the database so processes without the
// recorder role (or other recorders) can show and control it.
//
// The hub only keeps the calls by session and routes each operation to its parts:
// live-call-model.ts (what a call is), live-call-state.ts (a call's state, owners entering their
// mode's first state), live-call-controls.ts (the operations that change it) and
// live-call-events.ts (the events and their subscribers).
import crypto from 'node:crypto';
import type { RecordingActionSource, RecordingControl } from '@callvault/recorder';
import {
  controlLiveCallOwner,
  endLiveCall,
  failLiveCall,
  holdLiveCall,
  recoverLiveCall,
} from './live-call-controls.js';
import { createLiveCallEventBus } from './live-call-events.js';
import type {
  LiveCall,
  LiveCallControlResult,
  LiveCallEvent,
  LiveCallFailure,
  LiveCallOwnerInput,
  LiveCallParty,
} from './live-call-model.js';
import {
  addLiveCallOwners,
  newLiveCallState,
  snapshotLiveCall,
  type LiveCallState,
} from './live-call-state.js';

export type {
  LiveCall,
  LiveCallControlResult,
  LiveCallEvent,
  LiveCallFailure,
  LiveCallOwner,
  LiveCallOwnerInput,
  LiveCallParty,
} from './live-call-model.js';
export { liveCallOwnerEvent } from './live-call-events.js';

export interface LiveCallHub {
  /** This hub's process among several recorders (the `instance_id` of its mirrored calls). */
  readonly instanceId: string;
  open(call: {
    sessionId: string;
    callId: string;
    orgId: string;
    startedAt: number;
    owners: readonly LiveCallOwnerInput[];
    parties?: readonly LiveCallParty[];
  }): void;
  /** The participants of a later metadata revision. */
  setParties(sessionId: string, parties: readonly LiveCallParty[]): void;
  /** Owners a later metadata revision added; they start in their mode's initial state. */
  addOwners(sessionId: string, owners: readonly LiveCallOwnerInput[], atMs: number): void;
  control(
    sessionId: string,
    ownerId: string,
    control: RecordingControl,
    source: RecordingActionSource,
    atMs: number,
  ): LiveCallControlResult;
  /**
   * Hold or unhold from the SRC's direction change (SPEC §4: a control like the others). Hold is
   * an action of the call; it also pauses each owner whose recording runs and whose mode allows
   * pausing, and unhold resumes exactly those. A mode without pause keeps recording through it.
   */
  hold(sessionId: string, onHold: boolean, atMs: number): void;
  /** The capture failed (disk full, no media, …): every owner's recording is failed. */
  fail(sessionId: string, failure: LiveCallFailure): void;
  /**
   * The failure `reason` is over (media came after all, for `no-media`): each owner's recording
   * is back in the state it had before (an owner added meanwhile in its mode's first state), and
   * a `recover` action notes it. False, changing nothing, when the call has no such failure.
   */
  recover(sessionId: string, reason: string, atMs: number): boolean;
  close(sessionId: string, atMs: number): LiveCall | undefined;
  get(sessionId: string): LiveCall | undefined;
  findByCallId(orgId: string, callId: string): LiveCall | undefined;
  list(orgId: string): LiveCall[];
  /** Every event of every call; returns the unsubscribe function. */
  subscribe(listener: (event: LiveCallEvent) => void): () => void;
  readonly listenerCount: number;
}

export function createLiveCallHub(options: { instanceId?: string } = {}): LiveCallHub {
  const instanceId = options.instanceId ?? crypto.randomUUID();
  const calls = new Map<string, LiveCallState>();
  const events = createLiveCallEventBus();
  const emit = events.emit;

  return {
    instanceId,
    open(input) {
      if (calls.has(input.sessionId)) return;
      const call = newLiveCallState(input);
      // Kept before its owners join, so a subscriber told of their first state finds the call.
      calls.set(input.sessionId, call);
      addLiveCallOwners(call, input.owners, input.startedAt, emit);
    },
    setParties(sessionId, parties) {
      const call = calls.get(sessionId);
      if (call) call.parties = parties;
    },
    addOwners(sessionId, owners, atMs) {
      const call = calls.get(sessionId);
      if (call) addLiveCallOwners(call, owners, atMs, emit);
    },
    control(sessionId, ownerId, control, source, atMs) {
      const call = calls.get(sessionId);
      if (!call) {
        return { ok: false, reason: 'UNKNOWN_CALL', message: 'no such call being recorded' };
      }
      return controlLiveCallOwner(call, ownerId, control, source, atMs, emit);
    },
    hold(sessionId, onHold, atMs) {
      const call = calls.get(sessionId);
      if (call) holdLiveCall(call, onHold, atMs, emit);
    },
    fail(sessionId, failure) {
      const call = calls.get(sessionId);
      if (call) failLiveCall(call, failure, emit);
    },
    recover(sessionId, reason, atMs) {
      const call = calls.get(sessionId);
      return call ? recoverLiveCall(call, reason, atMs, emit) : false;
    },
    close(sessionId, atMs) {
      const call = calls.get(sessionId);
      if (!call) return undefined;
      calls.delete(sessionId);
      endLiveCall(call, atMs, emit);
      return snapshotLiveCall(call);
    },
    get(sessionId) {
      const call = calls.get(sessionId);
      return call ? snapshotLiveCall(call) : undefined;
    },
    findByCallId(orgId, callId) {
      for (const call of calls.values()) {
        if (call.orgId === orgId && call.callId === callId) return snapshotLiveCall(call);
      }
      return undefined;
    },
    list(orgId) {
      return [...calls.values()]
        .filter((c) => c.orgId === orgId)
        .sort((a, b) => a.startedAt - b.startedAt)
        .map(snapshotLiveCall);
    },
    subscribe(listener) {
      return events.subscribe(listener);
    },
    get listenerCount() {
      return events.listenerCount;
    },
  };
}
