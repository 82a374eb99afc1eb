// The INVITE server transaction (RFC 3261 §17.2.1, Figure 7, with the Accepted state of
// RFC 6026 §7.1):
//
//                     |INVITE (pass to TU, send 100 Trying)
//                     V
//   INVITE  +-----------+ 1xx from TU: send
//   resend  | Proceeding|----------------------+
//   1xx     +-----------+                      |
//            |         | 2xx from TU: send      |
//  300-699   |         +---------------+        |
//  from TU:  |                         V        |
//  send      |                   +----------+   |  INVITE: absorb; ACK: to TU;
//            V   Timer G: resend |Accepted  |   |  2xx from TU: send
//   +-----------+  INVITE: resend+----------+   |
//   | Completed |         Timer L |              |
//   +-----------+                 V              |
//     |ACK    |Timer H: tell TU  Terminated      |
//     V       +--------------> Terminated        |
//   +-----------+ ACK: absorb
//   | Confirmed | Timer I ---> Terminated
//   +-----------+
//
// The transaction never retransmits a 2xx: the TU does that until the ACK arrives (§13.3.1.4),
// sending each copy through respond() while the transaction is Accepted.
import { createResponse, type SipRequest, type SipResponse } from '../message/index.js';
import type { SipSource } from '../transport/sip-transport.js';
import type {
  InviteServerTransaction,
  InviteServerTransactionState,
  MatchedRequestOutcome,
  ServerTransactionEnvironment,
} from './server-transaction.js';
import { deriveTimers, type CancelTimer } from './sip-timers.js';

export interface InviteServerTransactionOptions {
  /**
   * Send 100 Trying at once (§17.2.1: unless the TU answers within 200 ms). Default true.
   */
  readonly sendTrying?: boolean;
}

export function createInviteServerTransaction(
  id: string,
  request: SipRequest,
  source: SipSource,
  env: ServerTransactionEnvironment,
  options: InviteServerTransactionOptions = {},
): InviteServerTransaction {
  const timers = deriveTimers(env.timerValues, env.reliable);
  let state: InviteServerTransactionState = 'proceeding';
  let lastResponse: SipResponse | undefined;
  let cancelG: CancelTimer | undefined;
  let cancelH: CancelTimer | undefined;
  let cancelI: CancelTimer | undefined;
  let cancelL: CancelTimer | undefined;

  function stopTimers(): void {
    for (const cancel of [cancelG, cancelH, cancelI, cancelL]) cancel?.();
    cancelG = cancelH = cancelI = cancelL = undefined;
  }

  function enterTerminated(): void {
    if (state === 'terminated') return;
    stopTimers();
    state = 'terminated';
    env.onTerminated();
  }

  function scheduleTimerG(interval: number): void {
    cancelG = env.timers.setTimer(interval, () => {
      if (state !== 'completed' || !lastResponse) return;
      env.send(lastResponse, true);
      // §17.2.1: Timer G doubles each time, capped at T2.
      scheduleTimerG(Math.min(2 * interval, env.timerValues.T2));
    });
  }

  function enterCompleted(): void {
    state = 'completed';
    if (!env.reliable) scheduleTimerG(timers.TIMER_G);
    cancelH = env.timers.setTimer(timers.TIMER_H, () => {
      if (state !== 'completed') return;
      enterTerminated();
      env.onTimeout();
    });
  }

  function enterConfirmed(): void {
    cancelG?.();
    cancelH?.();
    cancelG = cancelH = undefined;
    state = 'confirmed';
    if (timers.TIMER_I === 0) enterTerminated();
    else cancelI = env.timers.setTimer(timers.TIMER_I, enterTerminated);
  }

  function enterAccepted(): void {
    state = 'accepted';
    cancelL = env.timers.setTimer(timers.TIMER_L, enterTerminated);
  }

  const tx: InviteServerTransaction = {
    kind: 'invite',
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
      const status = response.status;
      switch (state) {
        case 'proceeding':
          lastResponse = response;
          env.send(response, false);
          if (status >= 300) enterCompleted();
          else if (status >= 200) enterAccepted();
          return true;
        case 'accepted':
          // RFC 6026 §8.5: the TU's retransmissions of the 2xx pass through.
          if (status < 200 || status >= 300) return false;
          env.send(response, true);
          return true;
        case 'completed':
        case 'confirmed':
        case 'terminated':
          return false;
      }
    },
    receive(req): MatchedRequestOutcome {
      if (req.method === 'ACK') {
        switch (state) {
          case 'completed':
            enterConfirmed();
            return 'absorbed';
          case 'accepted':
            return 'pass-to-tu';
          case 'proceeding':
          case 'confirmed':
          case 'terminated':
            return 'absorbed';
        }
      }
      // A retransmitted INVITE.
      switch (state) {
        case 'proceeding':
        case 'completed':
          if (lastResponse) env.send(lastResponse, true);
          return 'absorbed';
        case 'accepted':
        case 'confirmed':
        case 'terminated':
          return 'absorbed';
      }
    },
    terminate: enterTerminated,
  };

  if (options.sendTrying ?? true) {
    lastResponse = createResponse(request, 100);
    env.send(lastResponse, false);
  }
  return tx;
}
