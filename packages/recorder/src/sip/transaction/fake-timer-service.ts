// A fake TimerService for tests of the SIP state machines (and of the session layer above):
// time moves only when the test calls advance(), and timers fire in due order, including timers
// that callbacks schedule while time advances.
import type { TimerService } from './sip-timers.js';

export interface FakeTimerService extends TimerService {
  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void;
  /** Number of timers scheduled and neither fired nor cancelled. */
  pendingCount(): number;
  /** Due times of the pending timers, ascending (absolute, on this clock). */
  pendingDueTimes(): number[];
}

interface FakeTimer {
  readonly due: number;
  readonly seq: number;
  readonly callback: () => void;
}

export function createFakeTimerService(start = 0): FakeTimerService {
  let now = start;
  let seq = 0;
  const timers = new Set<FakeTimer>();

  function nextDue(limit: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of timers) {
      if (t.due > limit) continue;
      if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    }
    return best;
  }

  return {
    now: () => now,
    setTimer(ms, callback) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`timer of ${ms} ms`);
      const timer: FakeTimer = { due: now + ms, seq: seq++, callback };
      timers.add(timer);
      return () => {
        timers.delete(timer);
      };
    },
    advance(ms) {
      const target = now + ms;
      for (;;) {
        const timer = nextDue(target);
        if (!timer) break;
        timers.delete(timer);
        now = timer.due;
        timer.callback();
      }
      now = target;
    },
    pendingCount: () => timers.size,
    pendingDueTimes: () => [...timers].map((t) => t.due).sort((a, b) => a - b),
  };
}
