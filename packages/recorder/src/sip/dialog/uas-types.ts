// The UAS core's contract: what its transaction user (the SIPREC session layer) answers and
// hears, how it reaches the transports, its options and counters, and the methods and body
// types a SIPREC recorder takes (RFC 7866 §6.1).
import type { SipHeader, SipMessage, SipRequest } from '../message/index.js';
import type {
  ClientRequestHandlers,
  ClientTransaction,
  SipTimerValues,
  TimerService,
  TransactionLayerStats,
} from '../transaction/index.js';
import type {
  SipDestination,
  SipLocalAddress,
  SipSource,
  SipTransportName,
} from '../transport/sip-transport.js';
import type { SipDialog } from './sip-dialog.js';

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
  /**
   * An OPTIONS outside any dialog (a balancer's keep-alive probe): a refusal to answer instead of
   * the 200 with the capabilities (503 while the recorder drains, so the balancer marks it
   * down), or undefined for the 200.
   */
  refuseOptions?(): SipUasAnswer | undefined;
  /**
   * A request with a To tag matching none of the core's dialogs: one the TU opened itself as
   * client (a forwarded session's leg towards its recorder) may be its own. Its answer (without
   * a body) is sent; undefined: no such dialog, 481 (§12.2.2).
   */
  onForeignInDialog?(request: SipRequest): SipUasAnswer | undefined;
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
  /**
   * Sends a non-INVITE request other than BYE inside the dialog (an OPTIONS probe, an UPDATE
   * refresh): RFC 3261 §12.2.1.1 addressing, the next CSeq, a client transaction (§17.1.2).
   * Resolves with its final status (408 when none came, §8.1.3.1); the dialog stays as it is.
   */
  sendInDialog(id: string, method: string, headers?: readonly SipHeader[]): Promise<number>;
  /**
   * Starts a client transaction outside the core's dialogs (RFC 3261 §17.1): a forwarded
   * session's INVITE, its re-INVITEs and BYE, an OPTIONS probe of a vendor.
   */
  sendRequest(
    request: SipRequest,
    destination: SipDestination,
    handlers: ClientRequestHandlers,
  ): ClientTransaction;
  /** Sends an ACK for a 2xx straight to the transport (§13.2.2.4: no transaction). */
  sendAck(ack: SipRequest, destination: SipDestination): void;
  /** The listening address of a transport (for Via and Contact of requests the TU builds). */
  localAddress(transport: SipTransportName): SipLocalAddress | undefined;
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
