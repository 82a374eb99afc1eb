// The operations that change a live call's recording once it is open: a control on one owner
// (start, pause, resume, stop through the recorder's pure table `applyRecordingControl`), hold and
// unhold from the SRC, a capture failure and its recovery, and the call's end. Each keeps every
// accepted change as a `recordingActions` entry and emits its events as it makes them.
import {
  applyRecordingControl,
  initialRecordingState,
  type RecordingActionSource,
  type RecordingControl,
} from '@callvault/recorder';
import { liveCallOwnerEvent, type LiveCallEmit } from './live-call-events.js';
import type { LiveCallControlResult, LiveCallFailure } from './live-call-model.js';
import type { LiveCallState } from './live-call-state.js';

/** A control on one owner; refused (changing nothing) when its mode or state does not allow it. */
export function controlLiveCallOwner(
  call: LiveCallState,
  ownerId: string,
  control: RecordingControl,
  source: RecordingActionSource,
  atMs: number,
  emit: LiveCallEmit,
): LiveCallControlResult {
  const index = call.owners.findIndex((o) => o.id === ownerId);
  if (index < 0) {
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
  emit(liveCallOwnerEvent(call, next, atMs, { action: control, source }));
  return result;
}

/**
 * Hold or unhold (SPEC §4: a control like the others). Hold is an action of the call; it also
 * pauses each owner whose recording runs and whose mode allows pausing, and unhold resumes exactly
 * those. A mode without pause keeps recording through it. Nothing happens when the call is already
 * in that hold state.
 */
export function holdLiveCall(
  call: LiveCallState,
  onHold: boolean,
  atMs: number,
  emit: LiveCallEmit,
): void {
  if (call.onHold === onHold) return;
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
    emit(liveCallOwnerEvent(call, next, atMs, { action, source: 'siprec' }));
    return next;
  });
}

/** The capture failed: every owner's recording is failed (a call fails once until it recovers). */
export function failLiveCall(
  call: LiveCallState,
  failure: LiveCallFailure,
  emit: LiveCallEmit,
): void {
  if (call.failure) return;
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
      liveCallOwnerEvent(call, owner, failure.atMs, {
        action: 'fail',
        source: 'system',
        reason: failure.reason,
      }),
    );
  }
}

/**
 * The failure `reason` is over: each owner's recording is back in the state it had before (an
 * owner added meanwhile in its mode's first state), and a `recover` action notes it. False,
 * changing nothing, when the call has no such failure.
 */
export function recoverLiveCall(
  call: LiveCallState,
  reason: string,
  atMs: number,
  emit: LiveCallEmit,
): boolean {
  if (call.failure?.reason !== reason) return false;
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
    emit(liveCallOwnerEvent(call, owner, atMs, { action: 'recover', source: 'system', reason }));
  }
  return true;
}

/** The call ended: a `callEnded` event for each owner, in the state it ended in. */
export function endLiveCall(call: LiveCallState, atMs: number, emit: LiveCallEmit): void {
  for (const owner of call.owners) {
    emit({ ...liveCallOwnerEvent(call, owner, atMs), type: 'callEnded' });
  }
}
