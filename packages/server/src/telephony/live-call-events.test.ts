import { describe, expect, it } from 'vitest';
import { createLiveCallEventBus, liveCallOwnerEvent } from './live-call-events.js';
import type { LiveCallEvent } from './live-call-model.js';

const call = { sessionId: 's', callId: 'c', orgId: 'o' };
const event = (atMs: number): LiveCallEvent =>
  liveCallOwnerEvent(call, { id: 'a', kind: 'person', state: 'started' }, atMs);

describe('live call events', () => {
  it('an owner event carries the call, the owner and its state; extras (action, source) override', () => {
    expect(event(5)).toEqual({
      type: 'recordingState',
      sessionId: 's',
      callId: 'c',
      orgId: 'o',
      ownerId: 'a',
      ownerKind: 'person',
      recordingState: 'started',
      atMs: 5,
    });
    expect(
      liveCallOwnerEvent(call, { id: 'a', kind: 'person', state: 'paused' }, 6, {
        action: 'pause',
        source: 'api',
      }),
    ).toMatchObject({ recordingState: 'paused', action: 'pause', source: 'api', atMs: 6 });
  });

  it('every subscriber gets every event in order until it unsubscribes', () => {
    const bus = createLiveCallEventBus();
    const first: number[] = [];
    const second: number[] = [];
    const stopFirst = bus.subscribe((e) => first.push(e.atMs));
    bus.subscribe((e) => second.push(e.atMs));
    expect(bus.listenerCount).toBe(2);
    bus.emit(event(1));
    stopFirst();
    bus.emit(event(2));
    expect(first).toEqual([1]);
    expect(second).toEqual([1, 2]);
    expect(bus.listenerCount).toBe(1);
  });

  it('a listener that throws stops neither the others nor the emitter', () => {
    const bus = createLiveCallEventBus();
    const seen: number[] = [];
    bus.subscribe(() => {
      throw new Error('socket closed');
    });
    bus.subscribe((e) => seen.push(e.atMs));
    expect(() => bus.emit(event(7))).not.toThrow();
    expect(seen).toEqual([7]);
  });

  it('a listener removed by another during an event still gets that event, not the next', () => {
    const bus = createLiveCallEventBus();
    const seen: number[] = [];
    let stopLater = (): void => undefined;
    bus.subscribe(() => stopLater());
    stopLater = bus.subscribe((e) => {
      seen.push(e.atMs);
    });
    bus.emit(event(1));
    bus.emit(event(2));
    expect(seen).toEqual([1]);
  });
});
