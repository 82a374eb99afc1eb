// Each operation on one call's state alone, with the events it emits (the hub's routing is in
// live-calls.test.ts).
import type { LiveRecordingState } from '@callvault/recorder';
import { describe, expect, it } from 'vitest';
import {
  controlLiveCallOwner,
  endLiveCall,
  failLiveCall,
  holdLiveCall,
  recoverLiveCall,
} from './live-call-controls.js';
import type { LiveCallEvent } from './live-call-model.js';
import { addLiveCallOwners, newLiveCallState, type LiveCallState } from './live-call-state.js';

const owner = (id: string, mode: string) => ({
  id,
  kind: 'person',
  displayName: id,
  mode,
  failureBehavior: null,
});
const ON_DEMAND = 'On Demand with User Initiated Start';
const PAUSABLE = 'Always with Pause/Resume';

function callWith(...owners: Array<[string, string]>): LiveCallState {
  const call = newLiveCallState({ sessionId: 's', callId: 'c', orgId: 'o', startedAt: 0 });
  addLiveCallOwners(
    call,
    owners.map(([id, mode]) => owner(id, mode)),
    0,
    () => undefined,
  );
  return call;
}

const states = (call: LiveCallState): Array<[string, LiveRecordingState]> =>
  call.owners.map((o) => [o.id, o.state]);

function recorder(): { events: LiveCallEvent[]; emit: (e: LiveCallEvent) => void } {
  const events: LiveCallEvent[] = [];
  return { events, emit: (e) => events.push(e) };
}

describe('live call controls', () => {
  it('a control the mode allows changes the owner, is an action and one event', () => {
    const call = callWith(['a', ON_DEMAND]);
    const { events, emit } = recorder();
    expect(controlLiveCallOwner(call, 'a', 'start', 'api', 10, emit)).toEqual({
      ok: true,
      state: 'started',
    });
    expect(states(call)).toEqual([['a', 'started']]);
    expect(call.actions).toEqual([{ action: 'start', atMs: 10, source: 'api', ownerId: 'a' }]);
    expect(events.map((e) => [e.recordingState, e.action, e.source])).toEqual([
      ['started', 'start', 'api'],
    ]);
  });

  it('a refused control or an unknown owner changes nothing and emits nothing', () => {
    const call = callWith(['a', 'Always']);
    const { events, emit } = recorder();
    expect(controlLiveCallOwner(call, 'a', 'pause', 'dtmf', 10, emit)).toMatchObject({
      ok: false,
      reason: 'NOT_ALLOWED_IN_MODE',
    });
    expect(controlLiveCallOwner(call, 'zz', 'stop', 'api', 10, emit)).toMatchObject({
      ok: false,
      reason: 'UNKNOWN_CALL',
    });
    expect(states(call)).toEqual([['a', 'started']]);
    expect(call.actions).toHaveLength(1);
    expect(events).toEqual([]);
  });

  it('hold pauses the running owners that may pause and unhold resumes those; repeats do nothing', () => {
    const call = callWith(['a', 'Always'], ['p', PAUSABLE], ['d', ON_DEMAND]);
    const { events, emit } = recorder();
    holdLiveCall(call, true, 10, emit);
    holdLiveCall(call, true, 11, emit);
    expect(call.onHold).toBe(true);
    expect(states(call)).toEqual([
      ['a', 'started'],
      ['p', 'paused'],
      ['d', 'pending'],
    ]);
    holdLiveCall(call, false, 20, emit);
    holdLiveCall(call, false, 21, emit);
    expect(states(call)).toEqual([
      ['a', 'started'],
      ['p', 'started'],
      ['d', 'pending'],
    ]);
    expect(call.actions.slice(2).map((a) => [a.action, a.atMs, a.ownerId ?? null])).toEqual([
      ['hold', 10, null],
      ['pause', 10, 'p'],
      ['unhold', 20, null],
      ['resume', 20, 'p'],
    ]);
    // Every owner hears of hold and unhold, in the state it is left in.
    expect(events.map((e) => [e.ownerId, e.recordingState, e.action])).toEqual([
      ['a', 'started', 'hold'],
      ['p', 'paused', 'hold'],
      ['d', 'pending', 'hold'],
      ['a', 'started', 'unhold'],
      ['p', 'started', 'unhold'],
      ['d', 'pending', 'unhold'],
    ]);
  });

  it('a control by hand during hold takes the owner out of what unhold resumes', () => {
    const call = callWith(['p', PAUSABLE]);
    holdLiveCall(call, true, 10, () => undefined);
    controlLiveCallOwner(call, 'p', 'resume', 'api', 15, () => undefined);
    controlLiveCallOwner(call, 'p', 'pause', 'api', 16, () => undefined);
    holdLiveCall(call, false, 20, () => undefined);
    expect(states(call)).toEqual([['p', 'paused']]);
  });

  it('a failure fails every owner once, remembering their states; only its own reason recovers it', () => {
    const call = callWith(['a', 'Always'], ['d', ON_DEMAND]);
    const { events, emit } = recorder();
    failLiveCall(call, { reason: 'no-media', detail: 'stream 1', atMs: 10 }, emit);
    failLiveCall(call, { reason: 'disk-full', detail: 'ENOSPC', atMs: 11 }, emit);
    expect(call.failure?.reason).toBe('no-media');
    expect(states(call)).toEqual([
      ['a', 'failed'],
      ['d', 'failed'],
    ]);
    expect(recoverLiveCall(call, 'disk-full', 20, emit)).toBe(false);
    addLiveCallOwners(call, [owner('late', 'Always')], 25, () => undefined);
    expect(recoverLiveCall(call, 'no-media', 30, emit)).toBe(true);
    expect(call.failure).toBeNull();
    expect(states(call)).toEqual([
      ['a', 'started'],
      ['d', 'pending'],
      ['late', 'started'],
    ]);
    expect(call.actions.slice(1)).toEqual([
      { action: 'fail', atMs: 10, source: 'system', reason: 'no-media', detail: 'stream 1' },
      { action: 'recover', atMs: 30, source: 'system', reason: 'no-media' },
      { action: 'start', atMs: 30, source: 'mode', ownerId: 'late' },
    ]);
    expect(events.map((e) => [e.ownerId, e.recordingState, e.action, e.reason])).toEqual([
      ['a', 'failed', 'fail', 'no-media'],
      ['d', 'failed', 'fail', 'no-media'],
      ['a', 'started', 'recover', 'no-media'],
      ['d', 'pending', 'recover', 'no-media'],
      ['late', 'started', 'recover', 'no-media'],
    ]);
    expect(recoverLiveCall(call, 'no-media', 40, emit)).toBe(false);
  });

  it('the end of the call is a callEnded event per owner in its last state', () => {
    const call = callWith(['a', 'Always'], ['d', ON_DEMAND]);
    const { events, emit } = recorder();
    endLiveCall(call, 50, emit);
    expect(events.map((e) => [e.type, e.ownerId, e.recordingState, e.atMs])).toEqual([
      ['callEnded', 'a', 'started', 50],
      ['callEnded', 'd', 'pending', 50],
    ]);
    expect(events.every((e) => e.action === undefined)).toBe(true);
  });
});
