// The server side of the SIP transaction layer (RFC 3261 §17.2) plus the client transactions
// (§17.1) the recorder needs for BYE, OPTIONS and sessions it starts itself. Incoming requests are matched to existing
// transactions (§17.2.3) — retransmissions are absorbed there — or start a new transaction and
// go to the transaction user (TU). ACKs for 2xx responses match no transaction and go to the TU
// (§17.2.1: they are the dialog's business). CANCEL is answered here (§9.2): 481 when it matches
// no transaction, otherwise 200, and 487 to the INVITE when that is still Proceeding.
import { createResponse, type SipRequest, type SipResponse } from '../message/index.js';
import type { SipDestination, SipSource } from '../transport/sip-transport.js';
import { isReliableTransport } from '../transport/sip-transport.js';
import { createInviteServerTransaction } from './invite-server-transaction.js';
import {
  createClientTransactionTable,
  type ClientRequestHandlers,
  type ClientTransaction,
} from './client-transaction-table.js';
import { createNonInviteServerTransaction } from './non-invite-server-transaction.js';
import type {
  InviteServerTransaction,
  ServerTransaction,
  ServerTransactionEnvironment,
} from './server-transaction.js';
import { DEFAULT_SIP_TIMER_VALUES, type SipTimerValues, type TimerService } from './sip-timers.js';
import { generateTag as generateRandomTag } from './sip-random.js';
import { createServerTransactionTable, toTagOf } from './server-transaction-table.js';
import { getServerTransactionKey } from './transaction-key.js';

export type { ClientRequestHandlers, ClientTransaction } from './client-transaction-table.js';

export interface TransactionUser {
  /** A new request (not ACK, not CANCEL) with the server transaction to answer it on. */
  onRequest(request: SipRequest, transaction: ServerTransaction): void;
  /** An ACK that matched no INVITE transaction (the ACK for a 2xx), or one in Accepted. */
  onAck(ack: SipRequest, source: SipSource): void;
  /**
   * A CANCEL for an INVITE still Proceeding. The layer has answered the CANCEL with 200 and,
   * when this returns with the INVITE still Proceeding, answers the INVITE with 487.
   */
  onCancel(cancel: SipRequest, invite: InviteServerTransaction): void;
  /** The To tag the TU gives (or would give) the INVITE's responses, if it chose one already. */
  localTagOf?(invite: InviteServerTransaction): string | undefined;
  /** Timer H: a non-2xx final response to an INVITE was never acknowledged. */
  onTransactionTimeout(transaction: ServerTransaction): void;
}

export interface TransactionLayerOptions {
  readonly timers: TimerService;
  readonly timerValues?: SipTimerValues;
  readonly user: TransactionUser;
  /** Sends a response back towards the source of its request (the caller applies §18.2.2). */
  sendResponse(response: SipResponse, source: SipSource): void;
  sendRequest(request: SipRequest, destination: SipDestination): void;
  /** To tags for 481/487/200-to-CANCEL (default: 64 random bits). */
  readonly generateTag?: () => string;
}

export interface TransactionLayerStats {
  readonly serverTransactions: number;
  readonly clientTransactions: number;
  readonly requestsReceived: number;
  /** Retransmitted requests (and ACK retransmissions) that never reached the TU. */
  readonly retransmissionsAbsorbed: number;
  /** Responses the layer sent again (retransmitted requests, Timer G). */
  readonly responsesRetransmitted: number;
  readonly cancelsMatched: number;
  readonly cancelsUnmatched: number;
  readonly transactionTimeouts: number;
  /** Responses matching no client transaction (dropped, §18.1.2). */
  readonly strayResponses: number;
}

export interface TransactionLayer {
  receiveRequest(request: SipRequest, source: SipSource): void;
  receiveResponse(response: SipResponse, source: SipSource): void;
  /** Starts a client transaction (INVITE, BYE, OPTIONS ...); ACK goes to the transport directly. */
  sendRequest(
    request: SipRequest,
    destination: SipDestination,
    handlers: ClientRequestHandlers,
  ): ClientTransaction;
  /** The server transaction a request matches (as `asMethod`), if any. */
  findServerTransaction(request: SipRequest, asMethod?: string): ServerTransaction | undefined;
  stats(): TransactionLayerStats;
  /** Terminates every transaction and stops its timers. */
  close(): void;
}

export function createTransactionLayer(options: TransactionLayerOptions): TransactionLayer {
  const timerValues = options.timerValues ?? DEFAULT_SIP_TIMER_VALUES;
  const generateTag = options.generateTag ?? generateRandomTag;
  const user = options.user;
  const table = createServerTransactionTable();
  const counters = {
    requestsReceived: 0,
    retransmissionsAbsorbed: 0,
    responsesRetransmitted: 0,
    cancelsMatched: 0,
    cancelsUnmatched: 0,
    transactionTimeouts: 0,
    strayResponses: 0,
  };
  const clients = createClientTransactionTable({
    timers: options.timers,
    timerValues,
    sendRequest: (request, destination) => options.sendRequest(request, destination),
    onTimeout: () => {
      counters.transactionTimeouts++;
    },
  });
  const find = (request: SipRequest, asMethod: string): ServerTransaction | undefined =>
    table.find(request, asMethod);

  function createServerTransaction(request: SipRequest, source: SipSource): ServerTransaction {
    const key = getServerTransactionKey(request);
    // The environment's callbacks need the transaction they belong to, created just below.
    const self: { tx?: ServerTransaction } = {};
    const env: ServerTransactionEnvironment = {
      timers: options.timers,
      timerValues,
      reliable: isReliableTransport(source.transport),
      send(response, retransmission) {
        if (retransmission) counters.responsesRetransmitted++;
        options.sendResponse(response, source);
      },
      onTerminated() {
        if (self.tx) table.remove(key, self.tx);
      },
      onTimeout() {
        counters.transactionTimeouts++;
        if (self.tx) user.onTransactionTimeout(self.tx);
      },
    };
    const id = `${key.kind}|${key.key}|${key.kind === 'rfc2543' ? (key.toTag ?? '') : ''}`;
    const created =
      request.method === 'INVITE'
        ? createInviteServerTransaction(id, request, source, env)
        : createNonInviteServerTransaction(id, request, source, env);
    self.tx = created;
    if (created.state !== 'terminated') table.add(key, created);
    return created;
  }

  function handleCancel(cancel: SipRequest, source: SipSource): void {
    const cancelTx = createServerTransaction(cancel, source);
    const invite = find(cancel, 'INVITE');
    if (invite?.kind !== 'invite') {
      counters.cancelsUnmatched++;
      cancelTx.respond(createResponse(cancel, 481, { toTag: generateTag() }));
      return;
    }
    counters.cancelsMatched++;
    // §9.2: the To tag of the 200 to CANCEL should equal the one of the response to the INVITE.
    const toTag = toTagOf(invite.lastResponse) ?? user.localTagOf?.(invite) ?? generateTag();
    cancelTx.respond(createResponse(cancel, 200, { toTag }));
    if (invite.state !== 'proceeding') return; // the final response went out: no effect
    user.onCancel(cancel, invite);
    if (invite.state === 'proceeding') {
      invite.respond(createResponse(invite.request, 487, { toTag }));
    }
  }

  return {
    receiveRequest(request, source) {
      counters.requestsReceived++;
      if (request.method === 'ACK') {
        const tx = find(request, 'ACK');
        if (!tx) {
          user.onAck(request, source);
          return;
        }
        const wasConfirmed = tx.state === 'confirmed';
        if (tx.receive(request) === 'pass-to-tu') user.onAck(request, source);
        else if (wasConfirmed) counters.retransmissionsAbsorbed++;
        return;
      }
      const existing = find(request, request.method);
      if (existing) {
        existing.receive(request);
        counters.retransmissionsAbsorbed++;
        return;
      }
      if (request.method === 'CANCEL') {
        handleCancel(request, source);
        return;
      }
      user.onRequest(request, createServerTransaction(request, source));
    },

    receiveResponse(response) {
      if (!clients.receive(response)) counters.strayResponses++;
    },

    sendRequest(request, destination, handlers) {
      return clients.send(request, destination, handlers);
    },

    findServerTransaction(request, asMethod = request.method) {
      return find(request, asMethod);
    },

    stats() {
      return {
        ...counters,
        serverTransactions: table.size,
        clientTransactions: clients.size,
      };
    },

    close() {
      table.terminateAll();
      clients.terminateAll();
    },
  };
}
