// The events of live calls: the shape of one owner's `recordingState` event, and the bus that
// hands every event to its subscribers (the capture journal, GET /api/events, the mirror).
import type { LiveCall, LiveCallEvent, LiveCallOwner } from './live-call-model.js';

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

/** Where a change of a call sends its events, one at a time, as it makes them. */
export type LiveCallEmit = (event: LiveCallEvent) => void;

export interface LiveCallEventBus {
  readonly emit: LiveCallEmit;
  /** Every event from now on; returns the unsubscribe function. */
  subscribe(listener: (event: LiveCallEvent) => void): () => void;
  readonly listenerCount: number;
}

export function createLiveCallEventBus(): LiveCallEventBus {
  const listeners = new Set<(event: LiveCallEvent) => void>();
  return {
    emit(event) {
      // A listener added or removed by another listener takes effect from the next event.
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch {
          // A listener's failure (a closed SSE socket) must not stop the others or the caller.
        }
      }
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
