// Requests with a To tag (RFC 3261 §12.2.2): no dialog ─► 481; a CSeq lower than the remote
// sequence ─► 500; then per method:
//   BYE               ─► 200, the dialog ends, its waiting requests get 487 (§15.1.2)
//   OPTIONS           ─► 200 with Allow, Accept, Supported (§11.2)
//   re-INVITE/UPDATE  ─► the TU answers (handleOffer); 500 + Retry-After while another offer of
//                        theirs is unanswered, 491 while ours is (§14.2, RFC 3311 §5.2)
//   anything else     ─► 405 with Allow
import { createResponse, getCSeq, getCallId, getFrom, type SipRequest } from '../message/index.js';
import type { ServerTransaction } from '../transaction/index.js';
import {
  answerFields,
  capabilityHeadersOf,
  contactFor,
  contextOf,
  reject,
  settle,
  type DialogRuntime,
  type UasCoreContext,
} from './uas-core-context.js';
import { awaitAck, endDialog } from './uas-dialog-lifecycle.js';
import { hasContact, readContactUri, tagOf } from './uas-headers.js';
import { SIPREC_ALLOWED_METHODS, type SipDialogContext } from './uas-types.js';

export function handleInDialog(
  core: UasCoreContext,
  request: SipRequest,
  tx: ServerTransaction,
  toTag: string,
): void {
  const callId = getCallId(request) ?? '';
  const remoteTag = tagOf(getFrom(request)?.params.tag);
  const dialog = core.dialogs.find(callId, toTag, remoteTag);
  const runtime = dialog ? core.runtimes.get(dialog.id) : undefined;
  if (!dialog || !runtime) {
    // A dialog the TU opened as client (a forwarded session's leg to its vendor) is not the
    // core's: the TU answers its requests, or it is one of none (§12.2.2: 481).
    const foreign = core.handler.onForeignInDialog?.(request);
    if (foreign) {
      tx.respond(
        createResponse(request, foreign.status, {
          toTag,
          ...(foreign.reason === undefined ? {} : { reason: foreign.reason }),
          headers: foreign.headers ?? [],
        }),
      );
      return;
    }
    reject(core, tx, 481);
    return;
  }
  const cseq = getCSeq(request)?.seq ?? 0;
  if (cseq < dialog.remoteSeq) {
    // §12.2.2: lower than the remote sequence number: out of order.
    reject(core, tx, 500, [], dialog.localTag);
    return;
  }
  dialog.remoteSeq = cseq;
  const ctx = contextOf(dialog);
  switch (request.method) {
    case 'BYE':
      tx.respond(createResponse(request, 200, { toTag: dialog.localTag }));
      endDialog(core, runtime);
      core.handler.onBye(request, ctx);
      return;
    case 'OPTIONS':
      tx.respond(
        createResponse(request, 200, {
          toTag: dialog.localTag,
          headers: capabilityHeadersOf(core),
        }),
      );
      return;
    case 'INVITE':
    case 'UPDATE':
      handleOffer(core, request, tx, runtime, ctx);
      return;
    default:
      reject(
        core,
        tx,
        405,
        [{ name: 'Allow', value: SIPREC_ALLOWED_METHODS.join(', ') }],
        dialog.localTag,
      );
  }
}

/**
 * Why a re-INVITE or UPDATE cannot be taken now, as the status and headers to reject it with;
 * undefined when the TU may answer it.
 */
export function offerConflict(
  runtime: Pick<DialogRuntime, 'pendingOffer' | 'pendingAck'>,
  carriesOffer: boolean,
  random: () => number,
): { status: number; headers: { name: string; value: string }[] } | undefined {
  if (carriesOffer && runtime.pendingOffer) {
    // §14.2 (INVITE) and RFC 3311 §5.2 (UPDATE): an offer of theirs is still unanswered.
    const retryAfter = Math.floor(random() * 11);
    return { status: 500, headers: [{ name: 'Retry-After', value: String(retryAfter) }] };
  }
  if (carriesOffer && runtime.pendingAck?.offerInResponse) {
    // §14.2 and RFC 3311 §5.2: our offer (in a 2xx) awaits its answer in the ACK: glare.
    return { status: 491, headers: [] };
  }
  return undefined;
}

/** A re-INVITE or UPDATE inside the dialog: the TU answers; a 2xx re-INVITE awaits its ACK. */
export function handleOffer(
  core: UasCoreContext,
  request: SipRequest,
  tx: ServerTransaction,
  runtime: DialogRuntime,
  ctx: SipDialogContext,
): void {
  const dialog = runtime.dialog;
  const isInvite = request.method === 'INVITE';
  const carriesOffer = isInvite || request.body.length > 0;
  const conflict = offerConflict(runtime, carriesOffer, core.random);
  if (conflict) {
    reject(core, tx, conflict.status, conflict.headers, dialog.localTag);
    return;
  }
  // A re-INVITE without Contact (RFC 2543 style) keeps the target; a bad one is refused.
  const newTarget = hasContact(request) ? readContactUri(request) : dialog.remoteTarget;
  if (isInvite && newTarget === undefined) {
    reject(core, tx, 400, [], dialog.localTag);
    return;
  }
  if (carriesOffer) runtime.pendingOffer = tx;
  runtime.pending.add(tx);
  const answerPromise = isInvite
    ? core.handler.onReinvite(request, ctx)
    : core.handler.onUpdate(request, ctx);
  settle(core, answerPromise, tx, (answer) => {
    runtime.pending.delete(tx);
    if (runtime.pendingOffer === tx) runtime.pendingOffer = undefined;
    if (tx.state !== 'proceeding' && tx.state !== 'trying') return;
    if (dialog.state === 'terminated') return;
    const success = answer.status < 300;
    // §12.2.2: a successful target-refresh request updates the remote target.
    if (success && newTarget !== undefined) dialog.remoteTarget = newTarget;
    const response = createResponse(request, answer.status, {
      toTag: dialog.localTag,
      headers: [
        ...(success
          ? [contactFor(core, dialog.source, dialog.secure), ...capabilityHeadersOf(core)]
          : []),
        ...(answer.headers ?? []),
      ],
      ...answerFields(answer),
    });
    tx.respond(response);
    if (success && isInvite) {
      const cseq = getCSeq(request)?.seq ?? 0;
      awaitAck(core, runtime, response, cseq, request.body.length === 0);
    }
  });
}
