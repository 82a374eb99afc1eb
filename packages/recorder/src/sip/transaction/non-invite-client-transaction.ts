// The non-INVITE client transaction (RFC 3261 §17.1.2, Figure 6), used by the recorder to send
// BYE (ending a session, §13.3.1.4 and §15.1.1), OPTIONS probes and in-dialog UPDATE:
//
//                   |request from TU: send
//                   V
//             +-----------+  Timer E: resend, E = min(2E, T2)    (UDP only)
//             |  Trying   |  Timer F: timeout → TU
//             +-----------+
//          1xx  |     | 200-699 → TU
//               V     |
//             +-----------+  Timer E: resend, E = T2             (UDP only)
//             | Proceeding|  Timer F: timeout → TU
//             +-----------+
//               | 200-699 → TU
//               V
//             +-----------+  responses: absorbed
//             | Completed |  Timer K (T4 on UDP, 0 reliable) → Terminated
//             +-----------+
import type { SipRequest, SipResponse } from '../message/index.js';
import type { SipDestination } from '../transport/sip-transport.js';
import {
  deriveTimers,
  type CancelTimer,
  type SipTimerValues,
  type TimerService,
} from './sip-timers.js';

export type NonInviteClientTransactionState = 'trying' | 'proceeding' | 'completed' | 'terminated';

export interface NonInviteClientTransaction {
  readonly kind: 'non-invite';
  readonly id: string;
  readonly request: SipRequest;
  readonly destination: SipDestination;
  readonly state: NonInviteClientTransactionState;
  /** A response the layer matched to this transaction (§17.1.3). */
  receive(response: SipResponse): void;
  terminate(): void;
}

export interface NonInviteClientTransactionEnvironment {
  readonly timers: TimerService;
  readonly timerValues: SipTimerValues;
  readonly reliable: boolean;
  send(request: SipRequest, retransmission: boolean): void;
  onResponse(response: SipResponse): void;
  /** Timer F fired without a final response (§17.1.2.2: the TU treats it as 408). */
  onTimeout(): void;
  onTerminated(): void;
}

export function createNonInviteClientTransaction(
  id: string,
  request: SipRequest,
  destination: SipDestination,
  env: NonInviteClientTransactionEnvironment,
): NonInviteClientTransaction {
  const timers = deriveTimers(env.timerValues, env.reliable);
  let state: NonInviteClientTransactionState = 'trying';
  let cancelE: CancelTimer | undefined;
  let cancelK: CancelTimer | undefined;

  function enterTerminated(): void {
    if (state === 'terminated') return;
    for (const cancel of [cancelE, cancelF, cancelK]) cancel?.();
    state = 'terminated';
    env.onTerminated();
  }

  function scheduleTimerE(interval: number): void {
    cancelE = env.timers.setTimer(interval, () => {
      if (state !== 'trying' && state !== 'proceeding') return;
      env.send(request, true);
      scheduleTimerE(
        state === 'proceeding' ? env.timerValues.T2 : Math.min(2 * interval, env.timerValues.T2),
      );
    });
  }

  env.send(request, false);
  if (!env.reliable) scheduleTimerE(timers.TIMER_E);
  const cancelF = env.timers.setTimer(timers.TIMER_F, () => {
    if (state !== 'trying' && state !== 'proceeding') return;
    enterTerminated();
    env.onTimeout();
  });

  return {
    kind: 'non-invite',
    id,
    request,
    destination,
    get state() {
      return state;
    },
    receive(response) {
      switch (state) {
        case 'trying':
        case 'proceeding':
          if (response.status < 200) {
            state = 'proceeding';
            env.onResponse(response);
            return;
          }
          cancelE?.();
          cancelF?.();
          state = 'completed';
          env.onResponse(response);
          if (timers.TIMER_K === 0) enterTerminated();
          else cancelK = env.timers.setTimer(timers.TIMER_K, enterTerminated);
          return;
        case 'completed':
        case 'terminated':
          return;
      }
    },
    terminate: enterTerminated,
  };
}
