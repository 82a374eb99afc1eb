// An INVITE without a To tag (RFC 3261 §13.3, §12.1.1): merged requests get 482 (§8.2.2.2), a
// bad Contact 400; the TU answers; a non-2xx goes out as it is, a 2xx creates the dialog (Record-
// Route copied, our Contact added) and is retransmitted until the ACK (uas-dialog-lifecycle.ts).
// RFC 2543 made Contact optional and RFC 4475 §3.4.1 asks that such an INVITE be accepted.
import {
  createResponse,
  getCSeq,
  getCallId,
  getFrom,
  getHeaderValues,
  type SipRequest,
} from '../message/index.js';
import type { InviteServerTransaction } from '../transaction/index.js';
import { formatDialogId, type MutableSipDialog } from './sip-dialog.js';
import {
  answerFields,
  capabilityHeadersOf,
  contactFor,
  reject,
  settle,
  type DialogRuntime,
  type UasCoreContext,
} from './uas-core-context.js';
import { awaitAck } from './uas-dialog-lifecycle.js';
import { hasContact, isSecureRequest, readContactUri, tagOf, targetOf } from './uas-headers.js';
import type { SipDialogContext, SipUasAnswer } from './uas-types.js';

export function handleInitialInvite(
  core: UasCoreContext,
  request: SipRequest,
  tx: InviteServerTransaction,
): void {
  const callId = getCallId(request) ?? '';
  const remoteTag = tagOf(getFrom(request)?.params.tag);
  const cseq = getCSeq(request)?.seq ?? 0;
  const mergeKey = `${callId}|${remoteTag}|${cseq}`;
  if (core.initialInvites.has(mergeKey)) {
    // §8.2.2.2: the same request arrived over another path (a forking proxy): 482.
    reject(core, tx, 482);
    return;
  }
  // RFC 2543 then sent requests to the From address, which for a recording client is mostly an
  // AOR no one listens on; the address the INVITE came from (an SBC, a connection) is the one
  // that reaches it, so the dialog targets that.
  const remoteTarget = hasContact(request) ? readContactUri(request) : targetOf(tx.source);
  if (remoteTarget === undefined) {
    reject(core, tx, 400);
    return;
  }
  const localTag = core.generateTag();
  const ctx: SipDialogContext = {
    dialogId: formatDialogId(callId, localTag, remoteTag),
    callId,
    localTag,
    remoteTag,
    source: tx.source,
  };
  core.pendingInvites.set(tx, ctx);
  core.initialInvites.set(mergeKey, tx);
  settle(core, core.handler.onInvite(request, ctx), tx, (answer) => {
    core.initialInvites.delete(mergeKey);
    core.pendingInvites.delete(tx);
    if (tx.state !== 'proceeding') return; // cancelled meanwhile
    if (answer.status >= 300) {
      tx.respond(
        createResponse(request, answer.status, {
          toTag: localTag,
          headers: answer.headers ?? [],
          ...answerFields(answer),
        }),
      );
      return;
    }
    establishDialog(core, request, tx, ctx, remoteTarget, answer);
  });
}

/** Sends the 2xx of an initial INVITE and creates its dialog, awaiting the ACK. */
export function establishDialog(
  core: UasCoreContext,
  request: SipRequest,
  tx: InviteServerTransaction,
  ctx: SipDialogContext,
  remoteTarget: string,
  answer: SipUasAnswer,
): void {
  const secure = isSecureRequest(request, tx.source);
  const cseq = getCSeq(request)?.seq ?? 0;
  // §12.1.1: the 2xx copies Record-Route and carries our Contact.
  const recordRoute = getHeaderValues(request, 'Record-Route');
  const response = createResponse(request, answer.status, {
    toTag: ctx.localTag,
    headers: [
      ...recordRoute.map((value) => ({ name: 'Record-Route', value })),
      contactFor(core, tx.source, secure),
      ...capabilityHeadersOf(core),
      ...(answer.headers ?? []),
    ],
    ...answerFields(answer),
  });
  const toValue = response.headers.find((h) => h.name === 'To')?.value ?? '';
  const fromValue = request.headers.find((h) => h.name === 'From')?.value ?? '';
  const dialog: MutableSipDialog = {
    id: ctx.dialogId,
    callId: ctx.callId,
    localTag: ctx.localTag,
    remoteTag: ctx.remoteTag,
    localIdentity: toValue,
    remoteIdentity: fromValue,
    remoteTarget,
    routeSet: recordRoute,
    remoteSeq: cseq,
    localSeq: 0,
    secure,
    source: tx.source,
    state: 'awaiting-ack',
  };
  // Sent first: a response that cannot be sent must leave no dialog behind.
  tx.respond(response);
  const runtime: DialogRuntime = { dialog, pending: new Set() };
  core.dialogs.add(dialog);
  core.runtimes.set(dialog.id, runtime);
  core.counters.dialogsCreated++;
  awaitAck(core, runtime, response, cseq, request.body.length === 0);
}
