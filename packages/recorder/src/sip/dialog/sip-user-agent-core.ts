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
import {
  createResponse,
  getCSeq,
  getCallId,
  getContacts,
  getFrom,
  getHeaderValues,
  getTo,
  parseUri,
  validateRequest,
  type SipHeader,
  type SipMessage,
  type SipRequest,
  type SipResponse,
  type UasCapabilities,
} from '../message/index.js';
import {
  createTransactionLayer,
  DEFAULT_SIP_TIMER_VALUES,
  generateBranch as generateRandomBranch,
  generateTag as generateRandomTag,
  type CancelTimer,
  type InviteServerTransaction,
  type ServerTransaction,
  type SipTimerValues,
  type TimerService,
  type TransactionLayerStats,
} from '../transaction/index.js';
import type {
  SipDestination,
  SipLocalAddress,
  SipSource,
  SipTransportName,
} from '../transport/sip-transport.js';
import {
  addressDialogRequest,
  buildDialogRequest,
  createDialogStore,
  formatDialogId,
  resolveNextHop,
  type MutableSipDialog,
  type SipDialog,
} from './sip-dialog.js';

/** What the TU answers to an INVITE, re-INVITE or UPDATE. */
export interface SipUasAnswer {
  /** Final status, 200-699. */
  readonly status: number;
  readonly reason?: string;
  readonly body?: Uint8Array;
  readonly contentType?: string;
  /** Extra headers (Retry-After on 503, Require, Warning ...). */
  readonly headers?: readonly SipHeader[];
}

export interface SipDialogContext {
  readonly dialogId: string;
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  readonly source: SipSource;
}

/** The transaction user of the core: the SIPREC session layer implements it. */
export interface SipUserAgentHandler {
  /** A new session. The dialog exists once a 2xx is answered; ctx names it in advance. */
  onInvite(request: SipRequest, ctx: SipDialogContext): Promise<SipUasAnswer>;
  /** A re-INVITE inside an established dialog (§14.2). */
  onReinvite(request: SipRequest, ctx: SipDialogContext): Promise<SipUasAnswer>;
  /** An UPDATE inside an established dialog (RFC 3311 §5.2). */
  onUpdate(request: SipRequest, ctx: SipDialogContext): Promise<SipUasAnswer>;
  /** The ACK for a 2xx (it may carry the answer to an offer the 2xx made). */
  onAck(ack: SipRequest, ctx: SipDialogContext): void;
  /** The peer ended the dialog; the core has answered 200. */
  onBye(bye: SipRequest, ctx: SipDialogContext): void;
  /** The peer cancelled an INVITE still unanswered; the core answers 487 to it. */
  onCancel(cancel: SipRequest, ctx: SipDialogContext): void;
  /** No ACK came for 64*T1 (§13.3.1.4): the core has sent BYE and ended the dialog. */
  onAckTimeout(ctx: SipDialogContext): void;
}

/** How the core hands messages to the transports (see createSipServer). */
export interface SipMessageOutput {
  send(message: SipMessage, destination: SipDestination): void;
  /** The listening address of a transport, for Contact and Via. */
  getLocalAddress(transport: SipTransportName): SipLocalAddress | undefined;
}

export interface SipUserAgentCoreOptions {
  readonly timers: TimerService;
  readonly timerValues?: SipTimerValues;
  readonly handler: SipUserAgentHandler;
  /** Host written into Contact and Via instead of the listening address (NAT, 0.0.0.0). */
  readonly advertisedHost?: string;
  /** Server header value on responses, User-Agent on requests. */
  readonly userAgent?: string;
  /** warn-agent of the Warning 399 explaining a 400 (RFC 3261 §20.43; default "callvault"). */
  readonly warnAgent?: string;
  /** Option tags in Supported (default: siprec, RFC 7866 §6.1.1). */
  readonly supportedOptionTags?: readonly string[];
  /** Body types accepted (default: SDP, SIPREC metadata in both spellings, multipart/mixed). */
  readonly acceptedContentTypes?: readonly string[];
  readonly generateTag?: () => string;
  readonly generateBranch?: () => string;
  /** Uniform [0, 1) for the Retry-After of §14.2 (default Math.random). */
  readonly random?: () => number;
  /** Failures that have no request to answer (a handler answer that cannot be sent, a BYE
   * that cannot be built), for the logger. */
  readonly onError?: (error: Error) => void;
}

export interface SipUserAgentCoreStats extends TransactionLayerStats {
  readonly dialogs: number;
  readonly dialogsCreated: number;
  /** 2xx responses sent again while waiting for the ACK (§13.3.1.4). */
  readonly okRetransmissions: number;
  readonly ackTimeouts: number;
  /** ACKs matching no dialog or no pending 2xx (retransmitted ACKs, strays). */
  readonly acksDropped: number;
  /** Requests answered with an error by the core (4xx-6xx it generated itself). */
  readonly requestsRejected: number;
}

export interface SipUserAgentCore {
  /** Connects the core to its transports; until then nothing can be received or sent. */
  connect(output: SipMessageOutput): void;
  /** A parsed message from the transport (requests already carry received/rport, §18.2.1). */
  receive(message: SipMessage, source: SipSource): void;
  getDialog(id: string): SipDialog | undefined;
  listDialogs(): SipDialog[];
  /**
   * Ends a dialog from our side with BYE (§15.1.1). Resolves with the final status of the BYE
   * (408 when none came, §8.1.3.1).
   */
  terminateDialog(id: string): Promise<number>;
  stats(): SipUserAgentCoreStats;
  /** Stops every timer and transaction (shutdown). */
  close(): void;
}

export const SIPREC_ALLOWED_METHODS: readonly string[] = Object.freeze([
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'UPDATE',
]);

export const SIPREC_ACCEPTED_CONTENT_TYPES: readonly string[] = Object.freeze([
  'application/sdp',
  'application/rs-metadata+xml',
  'application/rs-metadata',
  'multipart/mixed',
]);

interface PendingAck {
  readonly cseq: number;
  /** The 2xx carried our offer (the INVITE had no body): the ACK must bring the answer. */
  readonly offerInResponse: boolean;
  readonly stop: CancelTimer;
}

interface DialogRuntime {
  readonly dialog: MutableSipDialog;
  pendingAck?: PendingAck;
  /** A re-INVITE or UPDATE whose answer the handler is still working on. */
  pendingOffer?: ServerTransaction;
  /** Server transactions of the dialog still waiting for the handler (answered 487 on BYE). */
  readonly pending: Set<ServerTransaction>;
}

function tagOf(value: string | null | undefined): string {
  return typeof value === 'string' ? value : '';
}

export function createSipUserAgentCore(options: SipUserAgentCoreOptions): SipUserAgentCore {
  const handler = options.handler;
  const timerValues = options.timerValues ?? DEFAULT_SIP_TIMER_VALUES;
  const generateTag = options.generateTag ?? generateRandomTag;
  const generateBranch = options.generateBranch ?? generateRandomBranch;
  const random = options.random ?? Math.random;
  const warnAgent = options.warnAgent ?? 'callvault';
  const reportError = (err: unknown): void => {
    options.onError?.(err instanceof Error ? err : new Error(String(err)));
  };
  const supported = options.supportedOptionTags ?? ['siprec'];
  const capabilities: UasCapabilities = {
    allowedMethods: SIPREC_ALLOWED_METHODS,
    supportedOptionTags: supported,
    acceptedContentTypes: options.acceptedContentTypes ?? SIPREC_ACCEPTED_CONTENT_TYPES,
    answerContentTypes: ['application/sdp'],
  };
  const dialogs = createDialogStore();
  const runtimes = new Map<string, DialogRuntime>();
  /** §8.2.2.2: initial INVITEs in progress by Call-ID + From tag + CSeq. */
  const initialInvites = new Map<string, ServerTransaction>();
  const counters = {
    dialogsCreated: 0,
    okRetransmissions: 0,
    ackTimeouts: 0,
    acksDropped: 0,
    requestsRejected: 0,
  };
  /** Initial INVITEs waiting for the handler, to give CANCEL its dialog context. */
  const pendingInvites = new Map<ServerTransaction, SipDialogContext>();
  let output: SipMessageOutput | undefined;

  function out(): SipMessageOutput {
    if (!output) throw new Error('the SIP core is not connected to a transport');
    return output;
  }

  const layer = createTransactionLayer({
    timers: options.timers,
    timerValues,
    generateTag,
    sendResponse: (response, source) => out().send(response, source),
    sendRequest: (request, destination) => out().send(request, destination),
    user: {
      onRequest: handleRequest,
      onAck: handleAck,
      onCancel: handleCancel,
      localTagOf: (invite) =>
        pendingInvites.get(invite)?.localTag ??
        [...runtimes.values()].find((r) => r.pending.has(invite))?.dialog.localTag,
      // A non-2xx final response was never acknowledged: nothing is left to clean up.
      onTransactionTimeout: () => {},
    },
  });

  // -------------------------------------------------------------------------------------------
  // Common response headers

  function localAddress(transport: SipTransportName): SipLocalAddress {
    const local = out().getLocalAddress(transport);
    if (!local) throw new Error(`no ${transport} transport is listening`);
    return local;
  }

  function formatHost(host: string): string {
    return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  }

  function contactFor(source: SipSource, secure: boolean): SipHeader {
    const local = localAddress(source.transport);
    const host = formatHost(options.advertisedHost ?? local.address);
    const scheme = secure ? 'sips' : 'sip';
    const transport = source.transport === 'udp' ? '' : `;transport=${source.transport}`;
    return { name: 'Contact', value: `<${scheme}:${host}:${local.port}${transport}>` };
  }

  function capabilityHeaders(): SipHeader[] {
    const headers: SipHeader[] = [
      { name: 'Allow', value: SIPREC_ALLOWED_METHODS.join(', ') },
      { name: 'Accept', value: capabilities.acceptedContentTypes.join(', ') },
      { name: 'Supported', value: supported.join(', ') },
    ];
    if (options.userAgent !== undefined) headers.push({ name: 'Server', value: options.userAgent });
    return headers;
  }

  /** Printable ASCII with quotes and backslashes escaped: quoted-string content (§25.1). */
  function quoteWarnText(text: string): string {
    return text
      .replace(/[^\x20-\x7e]/g, '?')
      .slice(0, 200)
      .replace(/(["\\])/g, '\\$1');
  }

  function reject(
    tx: ServerTransaction,
    status: number,
    headers: readonly SipHeader[] = [],
    toTag: string = generateTag(),
  ): void {
    counters.requestsRejected++;
    tx.respond(createResponse(tx.request, status, { toTag, headers }));
  }

  function isSecure(request: SipRequest, source: SipSource): boolean {
    try {
      return parseUri(request.uri).scheme === 'sips' && source.transport === 'tls';
    } catch {
      return false;
    }
  }

  function contextOf(dialog: SipDialog): SipDialogContext {
    return {
      dialogId: dialog.id,
      callId: dialog.callId,
      localTag: dialog.localTag,
      remoteTag: dialog.remoteTag,
      source: dialog.source,
    };
  }

  /** A SIP URI naming a transport source, which resolveNextHop maps back to that source. */
  function targetOf(source: SipSource): string {
    const host = source.address.includes(':') ? `[${source.address}]` : source.address;
    const scheme = source.transport === 'tls' ? 'sips' : 'sip';
    const transport = source.transport === 'udp' ? '' : `;transport=${source.transport}`;
    return `${scheme}:${host}:${source.port}${transport}`;
  }

  function hasContact(request: SipRequest): boolean {
    return request.headers.some((h) => h.name === 'Contact');
  }

  /** The single SIP or SIPS Contact URI a target-refresh request must carry (§8.1.1.8). */
  function readContactUri(request: SipRequest): string | undefined {
    try {
      const contacts = getContacts(request);
      if (contacts === '*' || contacts.length !== 1) return undefined;
      const [contact] = contacts;
      return contact?.uri.kind === 'sip' ? contact.uriText : undefined;
    } catch {
      return undefined;
    }
  }

  function answerOf(settled: PromiseSettledResult<SipUasAnswer>): SipUasAnswer {
    if (settled.status === 'rejected') return { status: 500 };
    const answer = settled.value;
    if (!Number.isInteger(answer.status) || answer.status < 200 || answer.status > 699) {
      return { status: 500 };
    }
    return answer;
  }

  function settle(
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
        reportError(err);
        if (tx.state === 'proceeding' || tx.state === 'trying') {
          tx.respond(createResponse(tx.request, 500, { toTag: generateTag() }));
        }
      }
    });
  }

  // -------------------------------------------------------------------------------------------
  // 2xx retransmission until ACK (§13.3.1.4)

  function awaitAck(runtime: DialogRuntime, response: SipResponse, cseq: number, offer: boolean) {
    runtime.pendingAck?.stop();
    const dialog = runtime.dialog;
    const deadline = 64 * timerValues.T1;
    let interval = timerValues.T1;
    let elapsed = 0;
    let cancel: CancelTimer | undefined;
    const schedule = (): void => {
      // The last wait is cut short so the give-up happens at exactly 64*T1.
      const wait = Math.min(interval, deadline - elapsed);
      cancel = options.timers.setTimer(wait, () => {
        elapsed += wait;
        if (elapsed >= deadline) {
          runtime.pendingAck = undefined;
          counters.ackTimeouts++;
          const ctx = contextOf(dialog);
          // The dialog ends whether or not the BYE can be sent.
          sendBye(runtime).catch(reportError);
          handler.onAckTimeout(ctx);
          return;
        }
        counters.okRetransmissions++;
        out().send(response, dialog.source);
        interval = Math.min(2 * interval, timerValues.T2);
        schedule();
      });
    };
    schedule();
    runtime.pendingAck = { cseq, offerInResponse: offer, stop: () => cancel?.() };
  }

  function endDialog(runtime: DialogRuntime): void {
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
    dialogs.remove(dialog.id);
    runtimes.delete(dialog.id);
  }

  function sendBye(runtime: DialogRuntime): Promise<number> {
    endDialog(runtime);
    try {
      return startBye(runtime.dialog);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  function startBye(dialog: MutableSipDialog): Promise<number> {
    const { nextHop } = addressDialogRequest(dialog);
    const destination = resolveNextHop(nextHop, dialog.source);
    const local = localAddress(destination.transport);
    dialog.localSeq += 1;
    const extra: SipHeader[] =
      options.userAgent === undefined ? [] : [{ name: 'User-Agent', value: options.userAgent }];
    const bye = buildDialogRequest(dialog, {
      method: 'BYE',
      cseq: dialog.localSeq,
      branch: generateBranch(),
      via: {
        transport: destination.transport,
        host: options.advertisedHost ?? local.address,
        port: local.port,
      },
      extraHeaders: extra,
    });
    return new Promise((resolve) => {
      layer.sendRequest(bye, destination, {
        onResponse: (response) => {
          if (response.status >= 200) resolve(response.status);
        },
        onTimeout: () => resolve(408),
      });
    });
  }

  // -------------------------------------------------------------------------------------------
  // Requests

  function handleRequest(request: SipRequest, tx: ServerTransaction): void {
    const rejection = validateRequest(request, capabilities);
    if (rejection) {
      // §21.4.1: a 400 should say what is wrong; the detail goes in a Warning 399 (§20.43).
      const warning: SipHeader[] =
        rejection.status === 400
          ? [{ name: 'Warning', value: `399 ${warnAgent} "${quoteWarnText(rejection.detail)}"` }]
          : [];
      reject(tx, rejection.status, [...rejection.headers, ...warning]);
      return;
    }
    const toTag = getTo(request)?.params.tag;
    if (typeof toTag === 'string') {
      handleInDialog(request, tx, toTag);
      return;
    }
    switch (request.method) {
      case 'INVITE':
        if (tx.kind === 'invite') handleInitialInvite(request, tx);
        return;
      case 'OPTIONS':
        tx.respond(
          createResponse(request, 200, { toTag: generateTag(), headers: capabilityHeaders() }),
        );
        return;
      default:
        // BYE and UPDATE outside any dialog (§15.1.2, RFC 3311 §5.2).
        reject(tx, 481);
    }
  }

  function handleInitialInvite(request: SipRequest, tx: InviteServerTransaction): void {
    const callId = getCallId(request) ?? '';
    const remoteTag = tagOf(getFrom(request)?.params.tag);
    const cseq = getCSeq(request)?.seq ?? 0;
    const mergeKey = `${callId}|${remoteTag}|${cseq}`;
    if (initialInvites.has(mergeKey)) {
      // §8.2.2.2: the same request arrived over another path (a forking proxy): 482.
      reject(tx, 482);
      return;
    }
    // RFC 2543 made Contact optional and RFC 4475 §3.4.1 asks that such an INVITE be accepted.
    // RFC 2543 then sent requests to the From address, which for a recording client is mostly an
    // AOR no one listens on; the address the INVITE came from (an SBC, a connection) is the one
    // that reaches it, so the dialog targets that.
    const remoteTarget = hasContact(request) ? readContactUri(request) : targetOf(tx.source);
    if (remoteTarget === undefined) {
      reject(tx, 400);
      return;
    }
    const localTag = generateTag();
    const ctx: SipDialogContext = {
      dialogId: formatDialogId(callId, localTag, remoteTag),
      callId,
      localTag,
      remoteTag,
      source: tx.source,
    };
    pendingInvites.set(tx, ctx);
    initialInvites.set(mergeKey, tx);
    settle(handler.onInvite(request, ctx), tx, (answer) => {
      initialInvites.delete(mergeKey);
      pendingInvites.delete(tx);
      if (tx.state !== 'proceeding') return; // cancelled meanwhile
      const secure = isSecure(request, tx.source);
      if (answer.status >= 300) {
        tx.respond(
          createResponse(request, answer.status, {
            toTag: localTag,
            ...(answer.reason !== undefined ? { reason: answer.reason } : {}),
            headers: answer.headers ?? [],
            ...(answer.body ? { body: answer.body } : {}),
            ...(answer.contentType !== undefined ? { contentType: answer.contentType } : {}),
          }),
        );
        return;
      }
      // §12.1.1: the 2xx copies Record-Route and carries our Contact.
      const recordRoute = getHeaderValues(request, 'Record-Route');
      const response = createResponse(request, answer.status, {
        toTag: localTag,
        ...(answer.reason !== undefined ? { reason: answer.reason } : {}),
        headers: [
          ...recordRoute.map((value) => ({ name: 'Record-Route', value })),
          contactFor(tx.source, secure),
          ...capabilityHeaders(),
          ...(answer.headers ?? []),
        ],
        ...(answer.body ? { body: answer.body } : {}),
        ...(answer.contentType !== undefined ? { contentType: answer.contentType } : {}),
      });
      const toValue = response.headers.find((h) => h.name === 'To')?.value ?? '';
      const fromValue = request.headers.find((h) => h.name === 'From')?.value ?? '';
      const dialog: MutableSipDialog = {
        id: ctx.dialogId,
        callId,
        localTag,
        remoteTag,
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
      dialogs.add(dialog);
      runtimes.set(dialog.id, runtime);
      counters.dialogsCreated++;
      awaitAck(runtime, response, cseq, request.body.length === 0);
    });
  }

  function handleInDialog(request: SipRequest, tx: ServerTransaction, toTag: string): void {
    const callId = getCallId(request) ?? '';
    const remoteTag = tagOf(getFrom(request)?.params.tag);
    const dialog = dialogs.find(callId, toTag, remoteTag);
    const runtime = dialog ? runtimes.get(dialog.id) : undefined;
    if (!dialog || !runtime) {
      // §12.2.2: a request with a To tag matching no dialog.
      reject(tx, 481);
      return;
    }
    const cseq = getCSeq(request)?.seq ?? 0;
    if (cseq < dialog.remoteSeq) {
      // §12.2.2: lower than the remote sequence number: out of order.
      reject(tx, 500, [], dialog.localTag);
      return;
    }
    dialog.remoteSeq = cseq;
    const ctx = contextOf(dialog);
    switch (request.method) {
      case 'BYE':
        tx.respond(createResponse(request, 200, { toTag: dialog.localTag }));
        endDialog(runtime);
        handler.onBye(request, ctx);
        return;
      case 'OPTIONS':
        tx.respond(
          createResponse(request, 200, { toTag: dialog.localTag, headers: capabilityHeaders() }),
        );
        return;
      case 'INVITE':
      case 'UPDATE':
        handleOffer(request, tx, runtime, ctx);
        return;
      default:
        reject(
          tx,
          405,
          [{ name: 'Allow', value: SIPREC_ALLOWED_METHODS.join(', ') }],
          dialog.localTag,
        );
    }
  }

  function handleOffer(
    request: SipRequest,
    tx: ServerTransaction,
    runtime: DialogRuntime,
    ctx: SipDialogContext,
  ): void {
    const dialog = runtime.dialog;
    const isInvite = request.method === 'INVITE';
    const carriesOffer = isInvite || request.body.length > 0;
    if (carriesOffer && runtime.pendingOffer) {
      // §14.2 (INVITE) and RFC 3311 §5.2 (UPDATE): an offer of theirs is still unanswered.
      const retryAfter = Math.floor(random() * 11);
      reject(tx, 500, [{ name: 'Retry-After', value: String(retryAfter) }], dialog.localTag);
      return;
    }
    if (carriesOffer && runtime.pendingAck?.offerInResponse) {
      // §14.2 and RFC 3311 §5.2: our offer (in a 2xx) awaits its answer in the ACK: glare.
      reject(tx, 491, [], dialog.localTag);
      return;
    }
    // A re-INVITE without Contact (RFC 2543 style) keeps the target; a bad one is refused.
    const newTarget = hasContact(request) ? readContactUri(request) : dialog.remoteTarget;
    if (isInvite && newTarget === undefined) {
      reject(tx, 400, [], dialog.localTag);
      return;
    }
    if (carriesOffer) runtime.pendingOffer = tx;
    runtime.pending.add(tx);
    const answerPromise = isInvite
      ? handler.onReinvite(request, ctx)
      : handler.onUpdate(request, ctx);
    settle(answerPromise, tx, (answer) => {
      runtime.pending.delete(tx);
      if (runtime.pendingOffer === tx) runtime.pendingOffer = undefined;
      if (tx.state !== 'proceeding' && tx.state !== 'trying') return;
      if (dialog.state === 'terminated') return;
      const success = answer.status < 300;
      // §12.2.2: a successful target-refresh request updates the remote target.
      if (success && newTarget !== undefined) dialog.remoteTarget = newTarget;
      const response = createResponse(request, answer.status, {
        toTag: dialog.localTag,
        ...(answer.reason !== undefined ? { reason: answer.reason } : {}),
        headers: [
          ...(success ? [contactFor(dialog.source, dialog.secure), ...capabilityHeaders()] : []),
          ...(answer.headers ?? []),
        ],
        ...(answer.body ? { body: answer.body } : {}),
        ...(answer.contentType !== undefined ? { contentType: answer.contentType } : {}),
      });
      tx.respond(response);
      if (success && isInvite) {
        const cseq = getCSeq(request)?.seq ?? 0;
        awaitAck(runtime, response, cseq, request.body.length === 0);
      }
    });
  }

  function handleAck(ack: SipRequest): void {
    const callId = getCallId(ack) ?? '';
    const toTag = tagOf(getTo(ack)?.params.tag);
    const remoteTag = tagOf(getFrom(ack)?.params.tag);
    const dialog = dialogs.find(callId, toTag, remoteTag);
    const runtime = dialog ? runtimes.get(dialog.id) : undefined;
    const cseq = getCSeq(ack)?.seq;
    if (!dialog || !runtime?.pendingAck || runtime.pendingAck.cseq !== cseq) {
      counters.acksDropped++;
      return;
    }
    runtime.pendingAck.stop();
    runtime.pendingAck = undefined;
    if (dialog.state === 'awaiting-ack') dialog.state = 'confirmed';
    handler.onAck(ack, contextOf(dialog));
  }

  function handleCancel(cancel: SipRequest, invite: InviteServerTransaction): void {
    const ctx = pendingInvites.get(invite);
    if (ctx) {
      pendingInvites.delete(invite);
      handler.onCancel(cancel, ctx);
      // The layer answers 487 after this returns; use the tag the dialog would have had.
      invite.respond(createResponse(invite.request, 487, { toTag: ctx.localTag }));
      return;
    }
    // A re-INVITE: §9.2 leaves the dialog as it is; the 487 ends only the re-INVITE.
    for (const runtime of runtimes.values()) {
      if (!runtime.pending.has(invite)) continue;
      runtime.pending.delete(invite);
      if (runtime.pendingOffer === invite) runtime.pendingOffer = undefined;
      handler.onCancel(cancel, contextOf(runtime.dialog));
      invite.respond(createResponse(invite.request, 487, { toTag: runtime.dialog.localTag }));
      return;
    }
  }

  return {
    connect(o) {
      output = o;
    },
    receive(message, source) {
      out();
      if (message.kind === 'request') layer.receiveRequest(message, source);
      else layer.receiveResponse(message, source);
    },
    getDialog: (id) => dialogs.get(id),
    listDialogs: () => dialogs.values(),
    terminateDialog(id) {
      const runtime = runtimes.get(id);
      if (!runtime) return Promise.reject(new RangeError(`no dialog ${id}`));
      return sendBye(runtime);
    },
    stats() {
      return { ...layer.stats(), ...counters, dialogs: dialogs.size };
    },
    close() {
      for (const runtime of [...runtimes.values()]) runtime.pendingAck?.stop();
      layer.close();
    },
  };
}
