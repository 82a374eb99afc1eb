// SIP transaction layer (RFC 3261 §17; RFC 6026 Accepted state): explicit, sans-I/O state
// machines driven by an injected TimerService.
//
//   createTransactionLayer({ timers, user, sendResponse, sendRequest }) → TransactionLayer
//     .receiveRequest(req, source)   retransmissions absorbed, new requests → user.onRequest
//     .receiveResponse(res, source)  → the matching client transaction
//     .sendRequest(req, dest, { onResponse, onTimeout })   client transaction (INVITE, BYE, OPTIONS)
//   createInviteServerTransaction / createNonInviteServerTransaction
//   createInviteClientTransaction (§17.1.1, RFC 6026 Accepted; buildAckForNonSuccess §17.1.1.3)
//   createNonInviteClientTransaction (§17.1.2); deriveTimers → Timers A-M of Table 4
//   getServerTransactionKey(req, asMethod?)   §17.2.3 matching (RFC 3261 branch or RFC 2543)
//   TimerService { now(), setTimer(ms, cb) → cancel }: createSystemTimerService(), and
//   createFakeTimerService() for tests (advance(ms) fires due timers in order).
export * from './sip-timers.js';
export * from './fake-timer-service.js';
export * from './sip-random.js';
export * from './server-transaction.js';
export * from './invite-server-transaction.js';
export * from './non-invite-server-transaction.js';
export * from './non-invite-client-transaction.js';
export * from './invite-client-transaction.js';
export * from './transaction-key.js';
export * from './transaction-layer.js';
