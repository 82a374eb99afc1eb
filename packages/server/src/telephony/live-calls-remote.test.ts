import { describe, expect, it } from 'vitest';
import { createLiveCallHub, type LiveCall, type LiveCallEvent } from './live-calls.js';
import { liveCallEventsBetween } from './live-calls-remote.js';

const owner = (id: string, mode: string) => ({
  id,
  kind: 'person',
  displayName: id,
  mode,
  failureBehavior: null,
});

const reading = (call: LiveCall | undefined): Map<string, LiveCall> =>
  new Map(call ? [[call.sessionId, call]] : []);

describe('events of calls read from the database (another process’s recorder)', () => {
  it('are the events the recorder’s own hub emitted, one reading per change', () => {
    const hub = createLiveCallHub();
    let emitted: LiveCallEvent[] = [];
    hub.subscribe((e) => emitted.push(e));
    let before = reading(undefined);
    const step = (atMs: number, change: () => void) => {
      emitted = [];
      change();
      const after = reading(hub.get('s'));
      expect(liveCallEventsBetween(before, after, atMs)).toEqual(emitted);
      before = after;
    };
    step(100, () =>
      hub.open({
        sessionId: 's',
        callId: 'c',
        orgId: 'o',
        startedAt: 100,
        owners: [owner('a', 'Always'), owner('b', 'On Demand with User Initiated Start')],
      }),
    );
    step(200, () => hub.control('s', 'b', 'start', 'api', 200));
    step(250, () => hub.control('s', 'b', 'start', 'api', 250)); // refused: no event
    step(300, () => hub.hold('s', true, 300));
    step(400, () => hub.hold('s', false, 400));
    step(450, () => hub.control('s', 'b', 'pause', 'dtmf', 450));
    step(500, () => hub.addOwners('s', [owner('c', 'Always with Pause/Resume')], 500));
    step(600, () => hub.fail('s', { reason: 'disk-full', detail: 'ENOSPC', atMs: 600 }));
    step(700, () => hub.close('s', 700));
    expect(emitted.map((e) => [e.type, e.ownerId])).toEqual([
      ['callEnded', 'a'],
      ['callEnded', 'b'],
      ['callEnded', 'c'],
    ]);
  });

  it('several changes between two readings come out as one event with the latest state', () => {
    const hub = createLiveCallHub();
    hub.open({
      sessionId: 's',
      callId: 'c',
      orgId: 'o',
      startedAt: 100,
      owners: [owner('b', 'On Demand with User Initiated Start')],
    });
    const before = reading(hub.get('s'));
    hub.control('s', 'b', 'start', 'api', 200);
    hub.control('s', 'b', 'pause', 'dtmf', 300);
    expect(liveCallEventsBetween(before, reading(hub.get('s')), 900)).toEqual([
      {
        type: 'recordingState',
        sessionId: 's',
        callId: 'c',
        orgId: 'o',
        ownerId: 'b',
        ownerKind: 'person',
        recordingState: 'paused',
        action: 'pause',
        source: 'dtmf',
        atMs: 300,
      },
    ]);
    expect(liveCallEventsBetween(reading(hub.get('s')), reading(hub.get('s')), 900)).toEqual([]);
  });
});
