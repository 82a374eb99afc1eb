// What the parts of the UAS core share (uas-initial-invite.ts, uas-in-dialog.ts,
// uas-dialog-lifecycle.ts, uas-requests.ts): the resolved options, the dialog store with each
// dialog's runtime (pending ACK, pending offer, requests waiting for the TU), the initial
// INVITEs in progress, the counters, the output to the transports and the transaction layer.
import { createResponse, type SipHeader, type UasCapabilities } from '../message/index.js';
import {
  DEFAULT_SIP_TIMER_VALUES,
  generateBranch as generateRandomBranch,
  generateTag as generateRandomTag,
  type CancelTimer,
  type ServerTransaction,
  type SipTimerValues,
  type TransactionLayer,
} from '../transaction/index.js';
import type { SipLocalAddress, SipSource, SipTransportName } from '../transport/sip-transport.js';
import {
  createDialogStore,
  type MutableSipDialog,
  type SipDialog,
  type SipDialogStore,
} from './sip-dialog.js';
import { answerOf, capabilityHeaders, contactHeader } from './uas-headers.js';
import {
  SIPREC_ACCEPTED_CONTENT_TYPES,
  SIPREC_ALLOWED_METHODS,
  type SipDialogContext,
  type SipMessageOutput,
  type SipUasAnswer,
  type SipUserAgentCoreOptions,
  type SipUserAgentHandler,
} from './uas-types.js';

export interface PendingAck {
  readonly cseq: number;
  /** The 2xx carried our offer (the INVITE had no body): the ACK must bring the answer. */
  readonly offerInResponse: boolean;
  readonly stop: CancelTimer;
}

export interface DialogRuntime {
  readonly dialog: MutableSipDialog;
  pendingAck?: PendingAck;
  /** A re-INVITE or UPDATE whose answer the handler is still working on. */
  pendingOffer?: ServerTransaction;
  /** Server transactions of the dialog still waiting for the handler (answered 487 on BYE). */
  readonly pending: Set<ServerTransaction>;
}

export interface UasCounters {
  dialogsCreated: number;
  okRetransmissions: number;
  ackTimeouts: number;
  acksDropped: number;
  requestsRejected: number;
}

export interface UasCoreContext {
  readonly options: SipUserAgentCoreOptions;
  readonly handler: SipUserAgentHandler;
  readonly timerValues: SipTimerValues;
  readonly generateTag: () => string;
  readonly generateBranch: () => string;
  /** Uniform [0, 1) for the Retry-After of §14.2. */
  readonly random: () => number;
  readonly warnAgent: string;
  readonly supported: readonly string[];
  readonly capabilities: UasCapabilities;
  readonly dialogs: SipDialogStore;
  readonly runtimes: Map<string, DialogRuntime>;
  /** §8.2.2.2: initial INVITEs in progress by Call-ID + From tag + CSeq. */
  readonly initialInvites: Map<string, ServerTransaction>;
  /** Initial INVITEs waiting for the handler, to give CANCEL its dialog context. */
  readonly pendingInvites: Map<ServerTransaction, SipDialogContext>;
  readonly counters: UasCounters;
  /** The transports; throws until the core is connected. */
  out(): SipMessageOutput;
  connect(output: SipMessageOutput): void;
  layer(): TransactionLayer;
  attachLayer(layer: TransactionLayer): void;
  reportError(err: unknown): void;
}

export function createUasCoreContext(options: SipUserAgentCoreOptions): UasCoreContext {
  let output: SipMessageOutput | undefined;
  let layer: TransactionLayer | undefined;
  const supported = options.supportedOptionTags ?? ['siprec'];
  return {
    options,
    handler: options.handler,
    timerValues: options.timerValues ?? DEFAULT_SIP_TIMER_VALUES,
    generateTag: options.generateTag ?? generateRandomTag,
    generateBranch: options.generateBranch ?? generateRandomBranch,
    random: options.random ?? Math.random,
    warnAgent: options.warnAgent ?? 'callvault',
    supported,
    capabilities: {
      allowedMethods: SIPREC_ALLOWED_METHODS,
      supportedOptionTags: supported,
      acceptedContentTypes: options.acceptedContentTypes ?? SIPREC_ACCEPTED_CONTENT_TYPES,
      answerContentTypes: ['application/sdp'],
    },
    dialogs: createDialogStore(),
    runtimes: new Map(),
    initialInvites: new Map(),
    pendingInvites: new Map(),
    counters: {
      dialogsCreated: 0,
      okRetransmissions: 0,
      ackTimeouts: 0,
      acksDropped: 0,
      requestsRejected: 0,
    },
    out() {
      if (!output) throw new Error('the SIP core is not connected to a transport');
      return output;
    },
    connect(o) {
      output = o;
    },
    layer() {
      if (!layer) throw new Error('the SIP core has no transaction layer');
      return layer;
    },
    attachLayer(l) {
      layer = l;
    },
    reportError(err) {
      options.onError?.(err instanceof Error ? err : new Error(String(err)));
    },
  };
}

export function localAddressOf(core: UasCoreContext, transport: SipTransportName): SipLocalAddress {
  const local = core.out().getLocalAddress(transport);
  if (!local) throw new Error(`no ${transport} transport is listening`);
  return local;
}

export function contactFor(core: UasCoreContext, source: SipSource, secure: boolean): SipHeader {
  return contactHeader(
    localAddressOf(core, source.transport),
    core.options.advertisedHost,
    source,
    secure,
  );
}

export function capabilityHeadersOf(core: UasCoreContext): SipHeader[] {
  return capabilityHeaders({
    allowedMethods: SIPREC_ALLOWED_METHODS,
    acceptedContentTypes: core.capabilities.acceptedContentTypes,
    supportedOptionTags: core.supported,
    ...(core.options.userAgent === undefined ? {} : { userAgent: core.options.userAgent }),
  });
}

/** An error response the core generates itself (counted in requestsRejected). */
export function reject(
  core: UasCoreContext,
  tx: ServerTransaction,
  status: number,
  headers: readonly SipHeader[] = [],
  toTag: string = core.generateTag(),
): void {
  core.counters.requestsRejected++;
  tx.respond(createResponse(tx.request, status, { toTag, headers }));
}

export function contextOf(dialog: SipDialog): SipDialogContext {
  return {
    dialogId: dialog.id,
    callId: dialog.callId,
    localTag: dialog.localTag,
    remoteTag: dialog.remoteTag,
    source: dialog.source,
  };
}

/** Waits for the TU's answer and hands it to `then`; a failure there is answered 500. */
export function settle(
  core: UasCoreContext,
  promise: Promise<SipUasAnswer>,
  tx: ServerTransaction,
  then: (answer: SipUasAnswer) => void,
): void {
  void Promise.allSettled([promise]).then(([settled]) => {
    if (!settled) return;
    try {
      then(answerOf(settled));
    } catch (err) {
      // E.g. a handler header with CR/LF that cannot be serialized: never an unhandled
      // rejection, and never a transaction left Proceeding for ever.
      core.reportError(err);
      if (tx.state === 'proceeding' || tx.state === 'trying') {
        tx.respond(createResponse(tx.request, 500, { toTag: core.generateTag() }));
      }
    }
  });
}

/** The response fields a TU answer gives (reason, body, content type). */
export function answerFields(answer: SipUasAnswer): {
  reason?: string;
  body?: Uint8Array;
  contentType?: string;
} {
  return {
    ...(answer.reason !== undefined ? { reason: answer.reason } : {}),
    ...(answer.body ? { body: answer.body } : {}),
    ...(answer.contentType !== undefined ? { contentType: answer.contentType } : {}),
  };
}
