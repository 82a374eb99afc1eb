// Time for the SIP state machines (RFC 3261 §17 and Table 4 of Appendix A). Transactions and
// dialogs never read the wall clock or call setTimeout themselves: they get a TimerService, so
// tests drive them with a fake clock and every timer is visible.

export interface Clock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
}

/** Cancels a timer; calling it after the timer fired or twice is harmless. */
export type CancelTimer = () => void;

export interface TimerService extends Clock {
  setTimer(ms: number, callback: () => void): CancelTimer;
}

/** The base timer values of RFC 3261 Table 4 (§17.1.1.1, §17.1.2.2). */
export interface SipTimerValues {
  /** RTT estimate, default 500 ms. */
  readonly T1: number;
  /** Longest retransmit interval for non-INVITE requests and INVITE responses, default 4 s. */
  readonly T2: number;
  /** Longest time a message stays in the network, default 5 s. */
  readonly T4: number;
}

export const DEFAULT_SIP_TIMER_VALUES: SipTimerValues = Object.freeze({
  T1: 500,
  T2: 4000,
  T4: 5000,
});

/**
 * The derived timers of RFC 3261 Table 4 for one transport. On reliable transports the wait
 * timers that only absorb network retransmissions are zero (Timer D, I, J, K) and no
 * retransmission timer (A, E, G) runs.
 */
export function deriveTimers(values: SipTimerValues, reliable: boolean) {
  return {
    /** INVITE request retransmit, initially T1, doubling (unreliable only). */
    TIMER_A: values.T1,
    /** INVITE transaction timeout: 64*T1. */
    TIMER_B: 64 * values.T1,
    /** Wait for response retransmissions in Completed: at least 32 s for UDP, 0 for reliable. */
    TIMER_D: reliable ? 0 : Math.max(32_000, 64 * values.T1),
    /** INVITE final response retransmit, initially T1 (unreliable only). */
    TIMER_G: values.T1,
    /** Wait for ACK receipt: 64*T1. */
    TIMER_H: 64 * values.T1,
    /** Wait for ACK retransmissions: T4 for UDP, 0 for reliable. */
    TIMER_I: reliable ? 0 : values.T4,
    /** Wait for non-INVITE request retransmissions: 64*T1 for UDP, 0 for reliable. */
    TIMER_J: reliable ? 0 : 64 * values.T1,
    /** Non-INVITE request retransmit, initially T1 (unreliable only). */
    TIMER_E: values.T1,
    /** Non-INVITE transaction timeout: 64*T1. */
    TIMER_F: 64 * values.T1,
    /** Wait for response retransmissions: T4 for UDP, 0 for reliable. */
    TIMER_K: reliable ? 0 : values.T4,
    /** RFC 6026 §8.7: wait in Accepted for INVITE and 2xx retransmissions: 64*T1. */
    TIMER_L: 64 * values.T1,
    /** RFC 6026 §8.4: wait in Accepted for 2xx retransmissions from other forks: 64*T1. */
    TIMER_M: 64 * values.T1,
  };
}

/** The real timer service on Node's setTimeout and performance.now. */
export function createSystemTimerService(): TimerService {
  return {
    now: () => performance.now(),
    setTimer(ms, callback) {
      const handle = setTimeout(callback, ms);
      // Pending SIP timers must not keep a stopping process alive.
      handle.unref();
      return () => clearTimeout(handle);
    },
  };
}
