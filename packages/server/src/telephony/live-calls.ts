// The live recording state of the calls this recorder is capturing (SPEC §4 "Live state per call"):
// one state per owner of each call, changed only through the recorder's pure control table
// (`applyRecordingControl`), every accepted change kept as a `recordingActions` entry and pushed
// to subscribers (the capture journal, GET /api/events). In memory: recorders keep no state
// another process needs after a call (SPEC §10); the journal keeps the actions across a crash.
// While the call runs, live-calls-mirror.ts copies it to the database so processes without the
// recorder role (or other recorders) can show and control it.
import crypto from 'node:crypto';
import {
  applyRecordingControl,
  initialRecordingState,
  type LiveRecordingState,
  type RecordingAction,
  type RecordingActionSource,
  type RecordingControl,
  type RecordingControlResult,
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

/**
 * The `recordingState` event of one owner of a call (the hub's events, the mirrored calls' events
 * and an event stream's first snapshot all have this shape).
 */
export function liveCallOwnerEvent(
  call: Pick<LiveCall, 'sessionId' | 'callId' | 'orgId'>,
  owner: Pick<LiveCallOwner, 'id' | 'kind' | 'state'>,
  atMs: number,
  extra: Partial<LiveCallEvent> = {},
): LiveCallEvent {
  return {
    type: 'recordingState',
    sessionId: call.sessionId,
    callId: call.callId,
    orgId: call.orgId,
    ownerId: owner.id,
    ownerKind: owner.kind,
    recordingState: owner.state,
    atMs,
    ...extra,
  };
}

export type LiveCallControlResult =
  | RecordingControlResult
  | { readonly ok: false; readonly reason: 'UNKNOWN_CALL'; readonly message: string };

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

interface MutableCall {
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

function freeze(call: MutableCall): LiveCall {
  const { pausedByHold: _internal, beforeFailure: _internalToo, ...shown } = call;
  return {
    ...shown,
    owners: [...call.owners],
    actions: [...call.actions],
  };
}

export function createLiveCallHub(options: { instanceId?: string } = {}): LiveCallHub {
  const instanceId = options.instanceId ?? crypto.randomUUID();
  const calls = new Map<string, MutableCall>();
  const listeners = new Set<(event: LiveCallEvent) => void>();

  const emit = (event: LiveCallEvent): void => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's failure (a closed SSE socket) must not stop the others or the caller.
      }
    }
  };

  const ownerEvent = liveCallOwnerEvent;

  const addOwners = (call: MutableCall, owners: readonly LiveCallOwnerInput[], atMs: number) => {
    for (const input of owners) {
      if (call.owners.some((o) => o.id === input.id)) continue;
      const owner: LiveCallOwner = {
        ...input,
        state: call.failure ? 'failed' : initialRecordingState(input.mode),
      };
      call.owners.push(owner);
      if (owner.state === 'started') {
        call.actions.push({ action: 'start', atMs, source: 'mode', ownerId: owner.id });
        emit(ownerEvent(call, owner, atMs, { action: 'start', source: 'mode' }));
      } else {
        emit(ownerEvent(call, owner, atMs));
      }
    }
  };

  return {
    instanceId,
    open(input) {
      if (calls.has(input.sessionId)) return;
      const call: MutableCall = {
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
      calls.set(input.sessionId, call);
      addOwners(call, input.owners, input.startedAt);
    },
    setParties(sessionId, parties) {
      const call = calls.get(sessionId);
      if (call) call.parties = parties;
    },
    addOwners(sessionId, owners, atMs) {
      const call = calls.get(sessionId);
      if (call) addOwners(call, owners, atMs);
    },
    control(sessionId, ownerId, control, source, atMs) {
      const call = calls.get(sessionId);
      const index = call?.owners.findIndex((o) => o.id === ownerId) ?? -1;
      if (!call || index < 0) {
        return { ok: false, reason: 'UNKNOWN_CALL', message: 'no such call being recorded' };
      }
      const owner = call.owners[index]!;
      const result = applyRecordingControl(owner.state, owner.mode, control);
      if (!result.ok) return result;
      const next = { ...owner, state: result.state };
      call.owners[index] = next;
      // A control by hand takes over from hold: unhold will not undo it.
      call.pausedByHold.delete(ownerId);
      call.actions.push({ action: control, atMs, source, ownerId });
      emit(ownerEvent(call, next, atMs, { action: control, source }));
      return result;
    },
    hold(sessionId, onHold, atMs) {
      const call = calls.get(sessionId);
      if (!call || call.onHold === onHold) return;
      call.onHold = onHold;
      const action = onHold ? 'hold' : 'unhold';
      call.actions.push({ action, atMs, source: 'siprec' });
      call.owners = call.owners.map((owner) => {
        const follows = onHold
          ? owner.state === 'started'
          : owner.state === 'paused' && call.pausedByHold.has(owner.id);
        const result = follows
          ? applyRecordingControl(owner.state, owner.mode, onHold ? 'pause' : 'resume')
          : null;
        let next = owner;
        if (result?.ok) {
          next = { ...owner, state: result.state };
          if (onHold) call.pausedByHold.add(owner.id);
          else call.pausedByHold.delete(owner.id);
          call.actions.push({
            action: onHold ? 'pause' : 'resume',
            atMs,
            source: 'siprec',
            ownerId: owner.id,
          });
        }
        emit(ownerEvent(call, next, atMs, { action, source: 'siprec' }));
        return next;
      });
    },
    fail(sessionId, failure) {
      const call = calls.get(sessionId);
      if (!call || call.failure) return;
      call.failure = failure;
      call.beforeFailure = new Map(call.owners.map((o) => [o.id, o.state]));
      call.owners = call.owners.map((o) => ({ ...o, state: 'failed' }));
      call.actions.push({
        action: 'fail',
        atMs: failure.atMs,
        source: 'system',
        reason: failure.reason,
        detail: failure.detail,
      });
      for (const owner of call.owners) {
        emit(
          ownerEvent(call, owner, failure.atMs, {
            action: 'fail',
            source: 'system',
            reason: failure.reason,
          }),
        );
      }
    },
    recover(sessionId, reason, atMs) {
      const call = calls.get(sessionId);
      if (!call || call.failure?.reason !== reason) return false;
      call.failure = null;
      call.actions.push({ action: 'recover', atMs, source: 'system', reason });
      call.owners = call.owners.map((o) => {
        const state = call.beforeFailure.get(o.id) ?? initialRecordingState(o.mode);
        // An Always owner added while the call was failed starts recording now.
        if (!call.beforeFailure.has(o.id) && state === 'started') {
          call.actions.push({ action: 'start', atMs, source: 'mode', ownerId: o.id });
        }
        return { ...o, state };
      });
      call.beforeFailure = new Map();
      for (const owner of call.owners) {
        emit(ownerEvent(call, owner, atMs, { action: 'recover', source: 'system', reason }));
      }
      return true;
    },
    close(sessionId, atMs) {
      const call = calls.get(sessionId);
      if (!call) return undefined;
      calls.delete(sessionId);
      for (const owner of call.owners) {
        emit({ ...ownerEvent(call, owner, atMs), type: 'callEnded' });
      }
      return freeze(call);
    },
    get(sessionId) {
      const call = calls.get(sessionId);
      return call ? freeze(call) : undefined;
    },
    findByCallId(orgId, callId) {
      for (const call of calls.values()) {
        if (call.orgId === orgId && call.callId === callId) return freeze(call);
      }
      return undefined;
    },
    list(orgId) {
      return [...calls.values()]
        .filter((c) => c.orgId === orgId)
        .sort((a, b) => a.startedAt - b.startedAt)
        .map(freeze);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get listenerCount() {
      return listeners.size;
    },
  };
}
