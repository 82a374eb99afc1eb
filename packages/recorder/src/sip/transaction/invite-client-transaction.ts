// The INVITE client transaction (RFC 3261 §17.1.1, Figure 5, with the Accepted state of
// RFC 6026 §7.2), used by the recorder when it starts a session towards another recorder:
//
//                        |INVITE from TU
//      Timer A fires     |INVITE sent          Timer A: resend, A = 2*A  (UDP only)
//      Reset A,          V                     Timer B (64*T1): timeout → TU
//      INVITE sent +-----------+
//        +---------|  Calling  |
//        +-------->|           |-------------+ 2xx → TU
//                  +-----------+             |
//         300-699    |      | 1xx → TU       |
//         ACK sent   |      V                |
//         → TU       |  +-----------+        |
//                    |  | Proceeding|--------+ 2xx → TU
//                    |  +-----------+        |
//                    |      | 300-699        V
//                    |      | ACK sent, → TU +-----------+  2xx: → TU (the TU ACKs it)
//                    V      V                | Accepted  |  Timer M (64*T1) → Terminated
//                  +-----------+             +-----------+
//    300-699: ACK  | Completed |
//    sent again    +-----------+  Timer D (≥ 32 s UDP, 0 reliable) → Terminated
//
// The transaction acknowledges non-2xx final responses itself (§17.1.1.3); the ACK for a 2xx
// belongs to the dialog and is the TU's (§13.2.2.4). Timer B only runs out in Calling: once a
// provisional response arrived, giving up is the TU's decision (it sends CANCEL, §9.1).
import {
  getHeaderValues,
  getTo,
  getVias,
  getCSeq,
  formatCSeq,
  type SipHeader,
  type SipRequest,
  type SipResponse,
} from '../message/index.js';
import type { SipDestination } from '../transport/sip-transport.js';
import {
  deriveTimers,
  type CancelTimer,
  type SipTimerValues,
  type TimerService,
} from './sip-timers.js';

export type InviteClientTransactionState =
  'calling' | 'proceeding' | 'completed' | 'accepted' | 'terminated';

export interface InviteClientTransaction {
  readonly kind: 'invite';
  readonly id: string;
  readonly request: SipRequest;
  readonly destination: SipDestination;
  readonly state: InviteClientTransactionState;
  /** A response the layer matched to this transaction (§17.1.3). */
  receive(response: SipResponse): void;
  terminate(): void;
}

export interface InviteClientTransactionEnvironment {
  readonly timers: TimerService;
  readonly timerValues: SipTimerValues;
  readonly reliable: boolean;
  /** Sends the INVITE (again when `retransmission`) or the ACK for a non-2xx final response. */
  send(request: SipRequest, retransmission: boolean): void;
  /** Provisional responses, the final response, and in Accepted every 2xx (§13.2.2.4). */
  onResponse(response: SipResponse): void;
  /** Timer B fired in Calling (§17.1.1.2: the TU treats it as 408). */
  onTimeout(): void;
  onTerminated(): void;
}

/**
 * RFC 3261 §17.1.1.3: the ACK for a non-2xx final response. Request-URI, Call-ID, From and the
 * CSeq number are those of the INVITE, To is the response's (with its tag), the only Via is the
 * INVITE's top Via (so the ACK matches the server transaction), and Route headers are copied.
 */
export function buildAckForNonSuccess(invite: SipRequest, response: SipResponse): SipRequest {
  const cseq = getCSeq(invite);
  const [topVia] = getHeaderValues(invite, 'Via');
  const toValue = response.headers.find((h) => h.name === 'To')?.value;
  if (!cseq || topVia === undefined || toValue === undefined || !getTo(response)) {
    throw new RangeError('INVITE or response without Via, CSeq or To');
  }
  if (getVias(invite).length === 0) throw new RangeError('INVITE without Via');
  const copy = (name: string): SipHeader[] => invite.headers.filter((h) => h.name === name);
  const headers: SipHeader[] = [
    { name: 'Via', value: topVia },
    ...copy('Route'),
    { name: 'Max-Forwards', value: '70' },
    ...copy('From'),
    { name: 'To', value: toValue },
    ...copy('Call-ID'),
    { name: 'CSeq', value: formatCSeq({ seq: cseq.seq, method: 'ACK' }) },
    { name: 'Content-Length', value: '0' },
  ];
  return {
    kind: 'request',
    method: 'ACK',
    uri: invite.uri,
    version: invite.version,
    headers,
    body: new Uint8Array(0),
  };
}

export function createInviteClientTransaction(
  id: string,
  request: SipRequest,
  destination: SipDestination,
  env: InviteClientTransactionEnvironment,
): InviteClientTransaction {
  const timers = deriveTimers(env.timerValues, env.reliable);
  let state: InviteClientTransactionState = 'calling';
  let ack: SipRequest | undefined;
  let cancelA: CancelTimer | undefined;
  let cancelB: CancelTimer | undefined;
  let cancelD: CancelTimer | undefined;
  let cancelM: CancelTimer | undefined;

  function stopTimers(): void {
    for (const cancel of [cancelA, cancelB, cancelD, cancelM]) cancel?.();
    cancelA = cancelB = cancelD = cancelM = undefined;
  }

  function enterTerminated(): void {
    if (state === 'terminated') return;
    stopTimers();
    state = 'terminated';
    env.onTerminated();
  }

  function scheduleTimerA(interval: number): void {
    cancelA = env.timers.setTimer(interval, () => {
      if (state !== 'calling') return;
      env.send(request, true);
      // §17.1.1.2: Timer A doubles each time, with no cap (Timer B ends it).
      scheduleTimerA(2 * interval);
    });
  }

  function leaveCalling(): void {
    cancelA?.();
    cancelB?.();
    cancelA = cancelB = undefined;
  }

  env.send(request, false);
  if (!env.reliable) scheduleTimerA(timers.TIMER_A);
  cancelB = env.timers.setTimer(timers.TIMER_B, () => {
    if (state !== 'calling') return;
    enterTerminated();
    env.onTimeout();
  });

  return {
    kind: 'invite',
    id,
    request,
    destination,
    get state() {
      return state;
    },
    receive(response) {
      const status = response.status;
      switch (state) {
        case 'calling':
        case 'proceeding':
          if (status < 200) {
            if (state === 'calling') leaveCalling();
            state = 'proceeding';
            env.onResponse(response);
            return;
          }
          leaveCalling();
          if (status < 300) {
            state = 'accepted';
            env.onResponse(response);
            cancelM = env.timers.setTimer(timers.TIMER_M, enterTerminated);
            return;
          }
          state = 'completed';
          ack = buildAckForNonSuccess(request, response);
          env.send(ack, false);
          env.onResponse(response);
          if (timers.TIMER_D === 0) enterTerminated();
          else cancelD = env.timers.setTimer(timers.TIMER_D, enterTerminated);
          return;
        case 'completed':
          // §17.1.1.2: a retransmitted final response gets the ACK again, not the TU.
          if (status >= 300 && ack) env.send(ack, true);
          return;
        case 'accepted':
          // RFC 6026 §7.2: 2xx retransmissions go to the TU, which acknowledges them.
          if (status >= 200 && status < 300) env.onResponse(response);
          return;
        case 'terminated':
          return;
      }
    },
    terminate: enterTerminated,
  };
}
