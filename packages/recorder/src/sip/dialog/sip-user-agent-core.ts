// The UAS core of the recorder (RFC 3261 §8.2, §12, §13.3, §14, §15; RFC 3311 UPDATE): sans-I/O,
// bytes-free. Parsed messages come in through receive(); responses and requests go out through
// the connected output; time comes from the TimerService. The transaction user above it (the
// SIPREC session layer) answers new sessions, re-INVITEs and UPDATEs asynchronously and hears
// about ACK, BYE and CANCEL.
//
//   receive(msg, source) → TransactionLayer ──new request──► validate (§8.2) ──► dispatch
//     INVITE without To tag   → handler.onInvite → 2xx creates the dialog (§12.1.1), retransmitted
//                               with T1 doubling to T2 until the ACK (§13.3.1.4); 64*T1 → BYE
//     request with a To tag   → dialog lookup (481 if none, §12.2.2), CSeq order (500 if lower)
//       re-INVITE / UPDATE    → handler.onReinvite / onUpdate; 500 + Retry-After while another
//                               offer is unanswered, 491 while our offer is (§14.2, RFC 3311 §5.2)
//       BYE                   → 200, dialog terminated, pending requests get 487 (§15.1.2)
//     OPTIONS                 → 200 with Allow, Accept, Supported (§11.2)
//     ACK                     → stops the 2xx retransmission, handler.onAck
//     CANCEL                  → (answered by the transaction layer) handler.onCancel
//
// The parts: uas-requests.ts (dispatch, ACK, CANCEL), uas-initial-invite.ts, uas-in-dialog.ts
// (BYE, OPTIONS, re-INVITE/UPDATE), uas-dialog-lifecycle.ts (2xx until ACK, BYE, the end of a
// dialog), over the shared uas-core-context.ts; the contract is uas-types.ts.
import { createTransactionLayer } from '../transaction/index.js';
import { createUasCoreContext } from './uas-core-context.js';
import { sendBye, sendDialogRequest } from './uas-dialog-lifecycle.js';
import { handleAck, handleCancel, handleRequest, localTagOf } from './uas-requests.js';
import type { SipUserAgentCore, SipUserAgentCoreOptions } from './uas-types.js';

export * from './uas-types.js';

export function createSipUserAgentCore(options: SipUserAgentCoreOptions): SipUserAgentCore {
  const core = createUasCoreContext(options);
  const layer = createTransactionLayer({
    timers: options.timers,
    timerValues: core.timerValues,
    generateTag: core.generateTag,
    sendResponse: (response, source) => core.out().send(response, source),
    sendRequest: (request, destination) => core.out().send(request, destination),
    user: {
      onRequest: (request, tx) => handleRequest(core, request, tx),
      onAck: (ack) => handleAck(core, ack),
      onCancel: (cancel, invite) => handleCancel(core, cancel, invite),
      localTagOf: (invite) => localTagOf(core, invite),
      // A non-2xx final response was never acknowledged: nothing is left to clean up.
      onTransactionTimeout: () => {},
    },
  });
  core.attachLayer(layer);
  const { dialogs, runtimes, counters } = core;
  return {
    connect(o) {
      core.connect(o);
    },
    receive(message, source) {
      core.out();
      if (message.kind === 'request') layer.receiveRequest(message, source);
      else layer.receiveResponse(message, source);
    },
    getDialog: (id) => dialogs.get(id),
    listDialogs: () => dialogs.values(),
    terminateDialog(id) {
      const runtime = runtimes.get(id);
      if (!runtime) return Promise.reject(new RangeError(`no dialog ${id}`));
      return sendBye(core, runtime);
    },
    sendInDialog(id, method, headers) {
      const runtime = runtimes.get(id);
      if (!runtime) return Promise.reject(new RangeError(`no dialog ${id}`));
      if (method === 'BYE' || method === 'INVITE' || method === 'ACK' || method === 'CANCEL') {
        return Promise.reject(new RangeError(`${method} is not sent with sendInDialog`));
      }
      try {
        return sendDialogRequest(core, runtime.dialog, method, headers);
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
    sendRequest: (request, destination, handlers) =>
      layer.sendRequest(request, destination, handlers),
    sendAck(ack, destination) {
      core.out().send(ack, destination);
    },
    localAddress: (transport) => core.out().getLocalAddress(transport),
    stats() {
      return { ...layer.stats(), ...counters, dialogs: dialogs.size };
    },
    close() {
      for (const runtime of [...runtimes.values()]) runtime.pendingAck?.stop();
      layer.close();
    },
  };
}
