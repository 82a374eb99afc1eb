// The client transactions the recorder starts (INVITE §17.1.1, non-INVITE §17.1.2), keyed by
// branch and method (§17.1.3) so each response finds its transaction; responses matching none
// are strays (§18.1.2). ACK has no transaction: for a 2xx the TU sends it straight to the
// transport, for other finals the INVITE transaction does.
import type { SipRequest, SipResponse } from '../message/index.js';
import { isReliableTransport, type SipDestination } from '../transport/sip-transport.js';
import {
  createInviteClientTransaction,
  type InviteClientTransaction,
} from './invite-client-transaction.js';
import {
  createNonInviteClientTransaction,
  type NonInviteClientTransaction,
} from './non-invite-client-transaction.js';
import type { SipTimerValues, TimerService } from './sip-timers.js';
import {
  getClientTransactionKey,
  getClientTransactionKeyOfResponse,
  getServerTransactionKey,
} from './transaction-key.js';

export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;

export interface ClientRequestHandlers {
  /** Every response the transaction hands up (for INVITE: 2xx retransmissions too). */
  onResponse(response: SipResponse): void;
  /** No final response within Timer F, or within Timer B in Calling (treat as 408, §8.1.3.1). */
  onTimeout(): void;
}

export interface ClientTransactionTableOptions {
  readonly timers: TimerService;
  readonly timerValues: SipTimerValues;
  sendRequest(request: SipRequest, destination: SipDestination): void;
  /** Timer B or F fired on a transaction. */
  onTimeout(): void;
}

export interface ClientTransactionTable {
  /** Starts a client transaction; RangeError for ACK or a branch in use. */
  send(
    request: SipRequest,
    destination: SipDestination,
    handlers: ClientRequestHandlers,
  ): ClientTransaction;
  /** Hands a response to its transaction; false when it matches none. */
  receive(response: SipResponse): boolean;
  readonly size: number;
  terminateAll(): void;
}

export function createClientTransactionTable(
  options: ClientTransactionTableOptions,
): ClientTransactionTable {
  const clients = new Map<string, ClientTransaction>();
  return {
    send(request, destination, handlers) {
      if (request.method === 'ACK') {
        throw new RangeError('ACK is sent without a client transaction');
      }
      const key = getServerTransactionKey(request);
      if (key.kind !== 'rfc3261') throw new RangeError('a client request needs an RFC 3261 branch');
      const branch = key.key.slice(0, key.key.indexOf('|'));
      const id = getClientTransactionKey(branch, request.method);
      if (clients.has(id)) throw new RangeError(`branch ${branch} is already in use`);
      const env = {
        timers: options.timers,
        timerValues: options.timerValues,
        reliable: isReliableTransport(destination.transport),
        send: (req: SipRequest) => options.sendRequest(req, destination),
        onResponse: (res: SipResponse) => handlers.onResponse(res),
        onTimeout: () => {
          options.onTimeout();
          handlers.onTimeout();
        },
        onTerminated: () => {
          if (clients.get(id) === tx) clients.delete(id);
        },
      };
      const tx: ClientTransaction =
        request.method === 'INVITE'
          ? createInviteClientTransaction(id, request, destination, env)
          : createNonInviteClientTransaction(id, request, destination, env);
      if (tx.state !== 'terminated') clients.set(id, tx);
      return tx;
    },
    receive(response) {
      const key = getClientTransactionKeyOfResponse(response);
      const tx = key === undefined ? undefined : clients.get(key);
      if (!tx) return false;
      tx.receive(response);
      return true;
    },
    get size() {
      return clients.size;
    },
    terminateAll() {
      for (const tx of [...clients.values()]) tx.terminate();
    },
  };
}
