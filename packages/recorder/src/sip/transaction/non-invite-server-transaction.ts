// The non-INVITE server transaction (RFC 3261 §17.2.2, Figure 8):
//
//                   |Request received, pass to TU
//                   V
//             +-----------+  request: discard
//             |  Trying   |-------------+ 1xx from TU: send
//             +-----------+             V
//               |     +-----------+  request: resend 1xx
//  200-699 from |     | Proceeding|  1xx from TU: send
//  TU: send     |     +-----------+
//               |       | 200-699 from TU: send
//               V       V
//             +-----------+  request: resend final
//             | Completed |
//             +-----------+
//               | Timer J (64*T1 on UDP, 0 on reliable transports)
//               V
//             Terminated
import type { SipRequest, SipResponse } from '../message/index.js';
import type { SipSource } from '../transport/sip-transport.js';
import type {
  NonInviteServerTransaction,
  NonInviteServerTransactionState,
  ServerTransactionEnvironment,
} from './server-transaction.js';
import { deriveTimers, type CancelTimer } from './sip-timers.js';

export function createNonInviteServerTransaction(
  id: string,
  request: SipRequest,
  source: SipSource,
  env: ServerTransactionEnvironment,
): NonInviteServerTransaction {
  const timers = deriveTimers(env.timerValues, env.reliable);
  let state: NonInviteServerTransactionState = 'trying';
  let lastResponse: SipResponse | undefined;
  let cancelJ: CancelTimer | undefined;

  function enterTerminated(): void {
    if (state === 'terminated') return;
    cancelJ?.();
    cancelJ = undefined;
    state = 'terminated';
    env.onTerminated();
  }

  function enterCompleted(): void {
    state = 'completed';
    if (timers.TIMER_J === 0) enterTerminated();
    else cancelJ = env.timers.setTimer(timers.TIMER_J, enterTerminated);
  }

  return {
    kind: 'non-invite',
    id,
    request,
    source,
    get state() {
      return state;
    },
    get lastResponse() {
      return lastResponse;
    },
    respond(response) {
      switch (state) {
        case 'trying':
        case 'proceeding':
          lastResponse = response;
          env.send(response, false);
          if (response.status >= 200) enterCompleted();
          else state = 'proceeding';
          return true;
        case 'completed':
        case 'terminated':
          return false;
      }
    },
    receive() {
      switch (state) {
        case 'trying':
          // §17.2.2: retransmissions in Trying are discarded.
          return 'absorbed';
        case 'proceeding':
        case 'completed':
          if (lastResponse) env.send(lastResponse, true);
          return 'absorbed';
        case 'terminated':
          return 'absorbed';
      }
    },
    terminate: enterTerminated,
  };
}
