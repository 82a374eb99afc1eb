// What the transaction layer hands the UAS core (its TransactionUser): a new request, checked
// (§8.2) and dispatched — initial INVITE, in-dialog request, OPTIONS outside a dialog (200 with
// the capabilities, §11.2, or the TU's refusal while it drains), anything else outside a dialog
// 481 — an ACK for a 2xx (§13.3.1.4), and a CANCEL of an INVITE still waiting for the TU (§9.2).
import {
  createResponse,
  getCSeq,
  getCallId,
  getFrom,
  getTo,
  validateRequest,
  type SipHeader,
  type SipRequest,
} from '../message/index.js';
import type { InviteServerTransaction, ServerTransaction } from '../transaction/index.js';
import { capabilityHeadersOf, contextOf, reject, type UasCoreContext } from './uas-core-context.js';
import { handleInDialog } from './uas-in-dialog.js';
import { handleInitialInvite } from './uas-initial-invite.js';
import { quoteWarnText, tagOf } from './uas-headers.js';

export function handleRequest(
  core: UasCoreContext,
  request: SipRequest,
  tx: ServerTransaction,
): void {
  const rejection = validateRequest(request, core.capabilities);
  if (rejection) {
    // §21.4.1: a 400 should say what is wrong; the detail goes in a Warning 399 (§20.43).
    const warning: SipHeader[] =
      rejection.status === 400
        ? [
            {
              name: 'Warning',
              value: `399 ${core.warnAgent} "${quoteWarnText(rejection.detail)}"`,
            },
          ]
        : [];
    reject(core, tx, rejection.status, [...rejection.headers, ...warning]);
    return;
  }
  const toTag = getTo(request)?.params.tag;
  if (typeof toTag === 'string') {
    handleInDialog(core, request, tx, toTag);
    return;
  }
  switch (request.method) {
    case 'INVITE':
      if (tx.kind === 'invite') handleInitialInvite(core, request, tx);
      return;
    case 'OPTIONS': {
      const refusal = core.handler.refuseOptions?.();
      if (refusal) {
        reject(core, tx, refusal.status, refusal.headers);
        return;
      }
      tx.respond(
        createResponse(request, 200, {
          toTag: core.generateTag(),
          headers: capabilityHeadersOf(core),
        }),
      );
      return;
    }
    default:
      // BYE and UPDATE outside any dialog (§15.1.2, RFC 3311 §5.2).
      reject(core, tx, 481);
  }
}

export function handleAck(core: UasCoreContext, ack: SipRequest): void {
  const callId = getCallId(ack) ?? '';
  const toTag = tagOf(getTo(ack)?.params.tag);
  const remoteTag = tagOf(getFrom(ack)?.params.tag);
  const dialog = core.dialogs.find(callId, toTag, remoteTag);
  const runtime = dialog ? core.runtimes.get(dialog.id) : undefined;
  const cseq = getCSeq(ack)?.seq;
  if (!dialog || !runtime?.pendingAck || runtime.pendingAck.cseq !== cseq) {
    core.counters.acksDropped++;
    return;
  }
  runtime.pendingAck.stop();
  runtime.pendingAck = undefined;
  if (dialog.state === 'awaiting-ack') dialog.state = 'confirmed';
  core.handler.onAck(ack, contextOf(dialog));
}

export function handleCancel(
  core: UasCoreContext,
  cancel: SipRequest,
  invite: InviteServerTransaction,
): void {
  const ctx = core.pendingInvites.get(invite);
  if (ctx) {
    core.pendingInvites.delete(invite);
    core.handler.onCancel(cancel, ctx);
    // The layer answers 487 after this returns; use the tag the dialog would have had.
    invite.respond(createResponse(invite.request, 487, { toTag: ctx.localTag }));
    return;
  }
  // A re-INVITE: §9.2 leaves the dialog as it is; the 487 ends only the re-INVITE.
  for (const runtime of core.runtimes.values()) {
    if (!runtime.pending.has(invite)) continue;
    runtime.pending.delete(invite);
    if (runtime.pendingOffer === invite) runtime.pendingOffer = undefined;
    core.handler.onCancel(cancel, contextOf(runtime.dialog));
    invite.respond(createResponse(invite.request, 487, { toTag: runtime.dialog.localTag }));
    return;
  }
}

/** The To tag the layer's own 487 or 100 uses for an INVITE waiting for the TU. */
export function localTagOf(core: UasCoreContext, invite: ServerTransaction): string | undefined {
  return (
    core.pendingInvites.get(invite)?.localTag ??
    [...core.runtimes.values()].find((r) => r.pending.has(invite))?.dialog.localTag
  );
}
