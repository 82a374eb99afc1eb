// What the INVITE and non-INVITE server transactions (RFC 3261 §17.2.1, §17.2.2) share: the
// interface the transaction layer and the TU see, and the environment a transaction runs in.
import type { SipRequest, SipResponse } from '../message/sip-message.js';
import type { SipSource } from '../transport/sip-transport.js';
import type { SipTimerValues, TimerService } from './sip-timers.js';

export type InviteServerTransactionState =
  | 'proceeding'
  | 'completed'
  | 'confirmed'
  /** RFC 6026 §7.1: a 2xx was sent; INVITE retransmissions are absorbed, ACKs go to the TU. */
  | 'accepted'
  | 'terminated';

export type NonInviteServerTransactionState = 'trying' | 'proceeding' | 'completed' | 'terminated';

/** What the transaction did with a request matched to it. */
export type MatchedRequestOutcome =
  /** A retransmission (or an ACK for a non-2xx): handled inside, possibly by resending. */
  | 'absorbed'
  /** An ACK the TU must see (RFC 6026: an ACK matching a transaction in Accepted). */
  | 'pass-to-tu';

interface ServerTransactionBase {
  /** The layer's key for this transaction. */
  readonly id: string;
  readonly request: SipRequest;
  readonly source: SipSource;
  readonly lastResponse: SipResponse | undefined;
  /**
   * Sends a response from the TU. Returns false (and sends nothing) when the state does not
   * allow it, e.g. a final response after a CANCEL already answered the INVITE with 487.
   */
  respond(response: SipResponse): boolean;
  /** A request the layer matched to this transaction: a retransmission or an ACK. */
  receive(request: SipRequest): MatchedRequestOutcome;
  /** Stops every timer and moves to Terminated (layer shutdown). */
  terminate(): void;
}

export interface InviteServerTransaction extends ServerTransactionBase {
  readonly kind: 'invite';
  readonly state: InviteServerTransactionState;
}

export interface NonInviteServerTransaction extends ServerTransactionBase {
  readonly kind: 'non-invite';
  readonly state: NonInviteServerTransactionState;
}

export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

export interface ServerTransactionEnvironment {
  readonly timers: TimerService;
  readonly timerValues: SipTimerValues;
  /** True on TCP/TLS: no retransmission timers, zero wait timers. */
  readonly reliable: boolean;
  /** Hands a response to the transport, addressed per RFC 3261 §18.2.2 by the caller. */
  send(response: SipResponse, retransmission: boolean): void;
  /** The transaction reached Terminated: forget it. */
  onTerminated(): void;
  /** Timer H fired: the final response was never acknowledged (§17.2.1); tell the TU. */
  onTimeout(): void;
}
