import { describe, expect, it } from 'vitest';
import type { LiveCallEvent } from './live-call-model.js';
import { addLiveCallOwners, newLiveCallState, snapshotLiveCall } from './live-call-state.js';

const owner = (id: string, mode: string) => ({
  id,
  kind: 'person',
  displayName: id,
  mode,
  failureBehavior: null,
});

const opening = { sessionId: 's', callId: 'c', orgId: 'o', startedAt: 100 };

describe('live call state', () => {
  it('a new call has no owner, no action, no hold and no failure; parties default to none', () => {
    const call = newLiveCallState(opening);
    expect(snapshotLiveCall(call)).toEqual({
      ...opening,
      parties: [],
      owners: [],
      actions: [],
      onHold: false,
      failure: null,
    });
    expect(
      newLiveCallState({ ...opening, parties: [{ id: 'p1', aor: 'sip:a@b' }] }).parties,
    ).toEqual([{ id: 'p1', aor: 'sip:a@b' }]);
  });

  it('owners enter their mode’s first state; one that records at once gets a start from its mode', () => {
    const call = newLiveCallState(opening);
    const events: LiveCallEvent[] = [];
    addLiveCallOwners(
      call,
      [owner('a', 'Always'), owner('b', 'On Demand with User Initiated Start')],
      100,
      (e) => events.push(e),
    );
    expect(call.owners.map((o) => [o.id, o.state])).toEqual([
      ['a', 'started'],
      ['b', 'pending'],
    ]);
    expect(call.actions).toEqual([{ action: 'start', atMs: 100, source: 'mode', ownerId: 'a' }]);
    expect(
      events.map((e) => [e.ownerId, e.recordingState, e.action ?? null, e.source ?? null]),
    ).toEqual([
      ['a', 'started', 'start', 'mode'],
      ['b', 'pending', null, null],
    ]);
  });

  it('an owner already on the call is left as it is; on a failed call a new owner joins failed', () => {
    const call = newLiveCallState(opening);
    const events: LiveCallEvent[] = [];
    addLiveCallOwners(call, [owner('a', 'Always')], 100, () => undefined);
    addLiveCallOwners(call, [owner('a', 'On Demand with User Initiated Start')], 110, (e) =>
      events.push(e),
    );
    expect(call.owners).toHaveLength(1);
    expect(call.owners[0]?.mode).toBe('Always');
    expect(events).toEqual([]);
    call.failure = { reason: 'disk-full', detail: 'ENOSPC', atMs: 120 };
    addLiveCallOwners(call, [owner('b', 'Always')], 130, (e) => events.push(e));
    expect(call.owners[1]?.state).toBe('failed');
    expect(call.actions).toHaveLength(1);
    expect(events.map((e) => [e.ownerId, e.recordingState, e.action ?? null])).toEqual([
      ['b', 'failed', null],
    ]);
  });

  it('a snapshot shows copies without hold’s and failure’s memory; later changes do not reach it', () => {
    const call = newLiveCallState(opening);
    addLiveCallOwners(call, [owner('a', 'Always')], 100, () => undefined);
    call.pausedByHold.add('a');
    call.beforeFailure.set('a', 'started');
    const shown = snapshotLiveCall(call);
    expect(Object.keys(shown).sort()).toEqual(
      [
        'actions',
        'callId',
        'failure',
        'onHold',
        'orgId',
        'owners',
        'parties',
        'sessionId',
        'startedAt',
      ].sort(),
    );
    call.owners.push({ ...owner('b', 'Always'), state: 'started' });
    call.actions.push({ action: 'hold', atMs: 200, source: 'siprec' });
    expect(shown.owners).toHaveLength(1);
    expect(shown.actions).toHaveLength(1);
  });
});
