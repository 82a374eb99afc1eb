// The non-INVITE client transactions the recorder starts (BYE, RFC 3261 §17.1.2), keyed by
// branch and method (§17.1.3) so each response finds its transaction; responses matching none
// are strays (§18.1.2).
import type { SipRequest, SipResponse } from '../message/index.js';
import { isReliableTransport, type SipDestination } from '../transport/sip-transport.js';
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

export interface ClientRequestHandlers {
  onResponse(response: SipResponse): void;
  /** No final response within Timer F (treat as 408, §8.1.3.1). */
  onTimeout(): void;
}

export interface ClientTransactionTableOptions {
  readonly timers: TimerService;
  readonly timerValues: SipTimerValues;
  sendRequest(request: SipRequest, destination: SipDestination): void;
  /** Timer F fired on a transaction. */
  onTimeout(): void;
}

export interface ClientTransactionTable {
  /** Starts a non-INVITE client transaction; RangeError for INVITE/ACK or a branch in use. */
  send(
    request: SipRequest,
    destination: SipDestination,
    handlers: ClientRequestHandlers,
  ): NonInviteClientTransaction;
  /** Hands a response to its transaction; false when it matches none. */
  receive(response: SipResponse): boolean;
  readonly size: number;
  terminateAll(): void;
}

export function createClientTransactionTable(
  options: ClientTransactionTableOptions,
): ClientTransactionTable {
  const clients = new Map<string, NonInviteClientTransaction>();
  return {
    send(request, destination, handlers) {
      if (request.method === 'INVITE' || request.method === 'ACK') {
        throw new RangeError(`${request.method} needs an INVITE client transaction`);
      }
      const key = getServerTransactionKey(request);
      if (key.kind !== 'rfc3261') throw new RangeError('a client request needs an RFC 3261 branch');
      const branch = key.key.slice(0, key.key.indexOf('|'));
      const id = getClientTransactionKey(branch, request.method);
      if (clients.has(id)) throw new RangeError(`branch ${branch} is already in use`);
      const tx = createNonInviteClientTransaction(id, request, destination, {
        timers: options.timers,
        timerValues: options.timerValues,
        reliable: isReliableTransport(destination.transport),
        send: (req) => options.sendRequest(req, destination),
        onResponse: (res) => handlers.onResponse(res),
        onTimeout: () => {
          options.onTimeout();
          handlers.onTimeout();
        },
        onTerminated: () => {
          if (clients.get(id) === tx) clients.delete(id);
        },
      });
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
