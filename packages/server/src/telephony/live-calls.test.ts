import { describe, expect, it } from 'vitest';
import { createLiveCallHub, type LiveCallEvent } from './live-calls.js';

const owner = (id: string, mode: string) => ({
  id,
  kind: 'person',
  displayName: id,
  mode,
  failureBehavior: null,
});

describe('live call hub (SPEC §4 live state per call)', () => {
  it('owners start in their mode’s state; accepted controls are actions and events, refused ones neither', () => {
    const hub = createLiveCallHub();
    const events: LiveCallEvent[] = [];
    hub.subscribe((e) => events.push(e));
    hub.open({
      sessionId: 's',
      callId: 'c',
      orgId: 'o',
      startedAt: 100,
      owners: [owner('a', 'Always'), owner('b', 'On Demand with User Initiated Start')],
    });
    expect(hub.get('s')?.owners.map((o) => o.state)).toEqual(['started', 'pending']);
    expect(hub.control('s', 'a', 'pause', 'api', 200)).toMatchObject({
      ok: false,
      reason: 'NOT_ALLOWED_IN_MODE',
    });
    expect(hub.control('s', 'b', 'start', 'dtmf', 300)).toEqual({ ok: true, state: 'started' });
    expect(hub.control('s', 'x', 'start', 'api', 300)).toMatchObject({ reason: 'UNKNOWN_CALL' });
    hub.hold('s', true, 400);
    hub.hold('s', true, 450);
    hub.hold('s', false, 500);
    // Hold pauses the owner whose mode allows it (b) and unhold resumes it; Always (a) records on.
    expect(hub.get('s')?.actions).toEqual([
      { action: 'start', atMs: 100, source: 'mode', ownerId: 'a' },
      { action: 'start', atMs: 300, source: 'dtmf', ownerId: 'b' },
      { action: 'hold', atMs: 400, source: 'siprec' },
      { action: 'pause', atMs: 400, source: 'siprec', ownerId: 'b' },
      { action: 'unhold', atMs: 500, source: 'siprec' },
      { action: 'resume', atMs: 500, source: 'siprec', ownerId: 'b' },
    ]);
    expect(events.map((e) => [e.ownerId, e.recordingState, e.action ?? null])).toEqual([
      ['a', 'started', 'start'],
      ['b', 'pending', null],
      ['b', 'started', 'start'],
      ['a', 'started', 'hold'],
      ['b', 'paused', 'hold'],
      ['a', 'started', 'unhold'],
      ['b', 'started', 'unhold'],
    ]);
  });

  it('unhold resumes only what hold paused: a pause by hand stays, a resume by hand during hold stands', () => {
    const hub = createLiveCallHub();
    hub.open({
      sessionId: 's',
      callId: 'c',
      orgId: 'o',
      startedAt: 0,
      owners: [owner('p', 'Always with Pause/Resume'), owner('q', 'Always with Pause/Resume')],
    });
    expect(hub.control('s', 'p', 'pause', 'api', 10)).toEqual({ ok: true, state: 'paused' });
    hub.hold('s', true, 20);
    expect(hub.control('s', 'q', 'resume', 'dtmf', 30)).toEqual({ ok: true, state: 'started' });
    hub.hold('s', false, 40);
    expect(hub.get('s')?.owners.map((o) => [o.id, o.state])).toEqual([
      ['p', 'paused'],
      ['q', 'started'],
    ]);
    expect(
      hub
        .get('s')
        ?.actions.filter((a) => a.atMs >= 20)
        .map((a) => [a.action, a.ownerId ?? null]),
    ).toEqual([
      ['hold', null],
      ['pause', 'q'],
      ['resume', 'q'],
      ['unhold', null],
    ]);
  });

  it('recover ends only the failure it names: states come back, a later Always owner starts then', () => {
    const hub = createLiveCallHub();
    hub.open({
      sessionId: 's',
      callId: 'c',
      orgId: 'o',
      startedAt: 100,
      owners: [owner('a', 'Always'), owner('b', 'On Demand with User Initiated Start')],
    });
    expect(hub.recover('s', 'no-media', 150)).toBe(false);
    hub.fail('s', { reason: 'no-media', detail: 'stream 2', atMs: 200 });
    hub.addOwners('s', [owner('c', 'Always')], 250);
    expect(hub.get('s')?.owners.map((o) => o.state)).toEqual(['failed', 'failed', 'failed']);
    expect(hub.control('s', 'b', 'start', 'api', 260)).toMatchObject({ ok: false });
    expect(hub.recover('s', 'disk-full', 300)).toBe(false);
    expect(hub.recover('s', 'no-media', 300)).toBe(true);
    expect(hub.recover('s', 'no-media', 310)).toBe(false);
    const call = hub.get('s')!;
    expect(call.failure).toBeNull();
    expect(call.owners.map((o) => o.state)).toEqual(['started', 'pending', 'started']);
    expect(call.actions.slice(1)).toEqual([
      { action: 'fail', atMs: 200, source: 'system', reason: 'no-media', detail: 'stream 2' },
      { action: 'recover', atMs: 300, source: 'system', reason: 'no-media' },
      { action: 'start', atMs: 300, source: 'mode', ownerId: 'c' },
    ]);
    expect(hub.control('s', 'b', 'start', 'api', 320)).toEqual({ ok: true, state: 'started' });
  });

  it('a failure fails every owner once; later owners join failed; close ends the call for listeners', () => {
    const hub = createLiveCallHub();
    const events: LiveCallEvent[] = [];
    const unsubscribe = hub.subscribe((e) => events.push(e));
    hub.open({
      sessionId: 's',
      callId: 'c',
      orgId: 'o',
      startedAt: 0,
      owners: [owner('a', 'Always')],
    });
    hub.fail('s', { reason: 'disk-full', detail: 'ENOSPC', atMs: 10 });
    hub.fail('s', { reason: 'no-media', detail: 'x', atMs: 20 });
    hub.addOwners('s', [owner('b', 'Always with Pause/Resume')], 30);
    expect(hub.get('s')?.owners.map((o) => o.state)).toEqual(['failed', 'failed']);
    expect(hub.get('s')?.failure?.reason).toBe('disk-full');
    expect(hub.findByCallId('o', 'c')?.sessionId).toBe('s');
    expect(hub.findByCallId('other', 'c')).toBeUndefined();
    const closed = hub.close('s', 40);
    expect(closed?.actions.map((a) => a.action)).toEqual(['start', 'fail']);
    expect(events.filter((e) => e.type === 'callEnded').map((e) => e.ownerId)).toEqual(['a', 'b']);
    expect(hub.list('o')).toEqual([]);
    unsubscribe();
    expect(hub.listenerCount).toBe(0);
  });
});
