// How a UAS dialog lives on after its 2xx and how it ends: the 2xx retransmitted with T1
// doubling to T2 until the ACK, and BYE at 64*T1 without one (§13.3.1.4); the end of a dialog,
// its requests still waiting for the TU answered 487 (§15.1.2); BYE from our side (§15.1.1) and
// the other requests we send inside a dialog (OPTIONS probes, UPDATE session refreshes).
import { createResponse, type SipHeader, type SipResponse } from '../message/index.js';
import type { CancelTimer } from '../transaction/index.js';
import {
  addressDialogRequest,
  buildDialogRequest,
  resolveNextHop,
  type MutableSipDialog,
} from './sip-dialog.js';
import {
  contactFor,
  contextOf,
  localAddressOf,
  type DialogRuntime,
  type UasCoreContext,
} from './uas-core-context.js';

/** Sends the 2xx again until the ACK of CSeq `cseq` comes; at 64*T1 the dialog ends with BYE. */
export function awaitAck(
  core: UasCoreContext,
  runtime: DialogRuntime,
  response: SipResponse,
  cseq: number,
  offer: boolean,
): void {
  runtime.pendingAck?.stop();
  const { timerValues, counters } = core;
  const dialog = runtime.dialog;
  const deadline = 64 * timerValues.T1;
  let interval = timerValues.T1;
  let elapsed = 0;
  let cancel: CancelTimer | undefined;
  const schedule = (): void => {
    // The last wait is cut short so the give-up happens at exactly 64*T1.
    const wait = Math.min(interval, deadline - elapsed);
    cancel = core.options.timers.setTimer(wait, () => {
      elapsed += wait;
      if (elapsed >= deadline) {
        runtime.pendingAck = undefined;
        counters.ackTimeouts++;
        const ctx = contextOf(dialog);
        // The dialog ends whether or not the BYE can be sent.
        sendBye(core, runtime).catch((err: unknown) => core.reportError(err));
        core.handler.onAckTimeout(ctx);
        return;
      }
      counters.okRetransmissions++;
      core.out().send(response, dialog.source);
      interval = Math.min(2 * interval, timerValues.T2);
      schedule();
    });
  };
  schedule();
  runtime.pendingAck = { cseq, offerInResponse: offer, stop: () => cancel?.() };
}

/** Ends the dialog: no more 2xx retransmission, waiting requests answered 487, forgotten. */
export function endDialog(core: UasCoreContext, runtime: DialogRuntime): void {
  const dialog = runtime.dialog;
  runtime.pendingAck?.stop();
  runtime.pendingAck = undefined;
  dialog.state = 'terminated';
  for (const tx of runtime.pending) {
    // §15.1.2: pending requests of a dialog that ends are answered 487.
    tx.respond(createResponse(tx.request, 487, { toTag: dialog.localTag }));
  }
  runtime.pending.clear();
  runtime.pendingOffer = undefined;
  core.dialogs.remove(dialog.id);
  core.runtimes.delete(dialog.id);
}

/** Ends the dialog and sends BYE; resolves with the BYE's final status (408 when none came). */
export function sendBye(core: UasCoreContext, runtime: DialogRuntime): Promise<number> {
  endDialog(core, runtime);
  try {
    return sendDialogRequest(core, runtime.dialog, 'BYE');
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

/**
 * A non-INVITE request inside the dialog (§12.2.1.1: remote target and route set, the next local
 * CSeq, our tag in From and theirs in To) on its own client transaction (§17.1.2: Timer E
 * retransmits over UDP, Timer F gives up at 64*T1). Resolves with the final status, 408 when
 * none came (§8.1.3.1). A request that refreshes the target (UPDATE) carries our Contact.
 */
export function sendDialogRequest(
  core: UasCoreContext,
  dialog: MutableSipDialog,
  method: string,
  headers: readonly SipHeader[] = [],
): Promise<number> {
  const { options } = core;
  const { nextHop } = addressDialogRequest(dialog);
  const destination = resolveNextHop(nextHop, dialog.source);
  const local = localAddressOf(core, destination.transport);
  dialog.localSeq += 1;
  const extra: SipHeader[] = [
    ...(method === 'UPDATE' ? [contactFor(core, dialog.source, dialog.secure)] : []),
    ...headers,
    ...(options.userAgent === undefined ? [] : [{ name: 'User-Agent', value: options.userAgent }]),
  ];
  const request = buildDialogRequest(dialog, {
    method,
    cseq: dialog.localSeq,
    branch: core.generateBranch(),
    via: {
      transport: destination.transport,
      host: options.advertisedHost ?? local.address,
      port: local.port,
    },
    extraHeaders: extra,
  });
  return new Promise((resolve) => {
    core.layer().sendRequest(request, destination, {
      onResponse: (response) => {
        if (response.status >= 200) resolve(response.status);
      },
      onTimeout: () => resolve(408),
    });
  });
}
