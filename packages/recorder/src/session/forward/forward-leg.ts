// The outbound leg of a forwarded recording session: Callvault as SRC (RFC 7866) towards the
// recorder an owner's settings name. Sans-I/O: requests go out through the transaction layer
// the host hands in (client transactions, RFC 3261 §17.1), the ACK for a 2xx straight to the
// transport (§13.2.2.4), time through the injected TimerService.
//
//   start ──► inviting ──2xx (ACK)──► established ──end (BYE)──► ending ──► ended
//               │  │                     │  ▲
//               │  │ 3xx-6xx, Timer B    │  │ update: re-INVITE (one at a time, §14.1;
//               │  └──────────► failed   │  │ 491: again after 2.1-4 s; the latest body wins)
//               │ end: CANCEL once a     │  │
//               │ 1xx came (§9.1)        └──┘ 408/481/timeout to a request in the dialog, or
//               ▼                              a BYE from the vendor ──► failed (§12.2.1.2)
//             ending
//
// A rejected re-INVITE (another 4xx-6xx) leaves the session as it was (§14.1); the host hears
// of it through onUpdateRejected.
import { answerDigestChallenge, parseDigestChallenge } from '../../sip/auth/digest-client.js';
import { generateRandomToken } from '../../sip/transaction/sip-random.js';
import {
  getCSeq,
  getContentType,
  getHeader,
  parseMultipart,
  type SipHeader,
  type SipRequest,
  type SipResponse,
} from '../../sip/message/index.js';
import {
  addressDialogRequest,
  buildDialogRequest,
  type SipDialog,
} from '../../sip/dialog/sip-dialog.js';
import type { ClientRequestHandlers, ClientTransaction } from '../../sip/transaction/index.js';
import type { TimerService } from '../../sip/transaction/sip-timers.js';
import type { SipDestination } from '../../sip/transport/sip-transport.js';
import {
  buildAckForSuccess,
  buildCancel,
  buildForwardInvite,
  contactOf,
  createUacDialog,
  FORWARD_ALLOW,
  forwardBodyOf,
  type ForwardLocalAddress,
  type ForwardSessionBody,
} from './forward-requests.js';

export type ForwardLegState = 'idle' | 'inviting' | 'established' | 'ending' | 'ended' | 'failed';

export type ForwardFailureCode =
  /** No response to the INVITE within Timer B. */
  | 'vendor-timeout'
  /** A 3xx-6xx final response to the INVITE. */
  | 'vendor-rejected'
  /** A 2xx the leg cannot use (no To tag, no Contact, no SDP answer). */
  | 'vendor-answer-invalid'
  /** 408, 481 or no response to a request inside the dialog: the vendor lost the session. */
  | 'vendor-stopped-answering'
  /** The vendor sent BYE while the call goes on. */
  | 'vendor-ended';

export interface ForwardFailure {
  readonly code: ForwardFailureCode;
  readonly status?: number;
  /** Words for the call's recording state and the audit trail. */
  readonly reason: string;
}

/**
 * Digest credentials towards a vendor: a password, or (as stored) the realm with H(A1) per hash,
 * which answers a challenge of that realm only.
 */
export type ForwardCredentials =
  | { readonly username: string; readonly password: string }
  | {
      readonly username: string;
      readonly realm: string;
      readonly ha1: { readonly md5: string; readonly sha256: string };
    };

export interface ForwardLegEnvironment {
  readonly timers: TimerService;
  /** Where the INVITE and everything after it goes (the resolved vendor target). */
  readonly destination: SipDestination;
  /** The vendor's SIP URI as registered. */
  readonly requestUri: string;
  readonly local: ForwardLocalAddress;
  readonly callId: string;
  readonly localTag: string;
  generateBranch(): string;
  /** Starts a client transaction (TransactionLayer.sendRequest). */
  sendRequest(
    request: SipRequest,
    destination: SipDestination,
    handlers: ClientRequestHandlers,
  ): ClientTransaction;
  /** Sends an ACK for a 2xx without a transaction. */
  sendAck(request: SipRequest, destination: SipDestination): void;
  /**
   * The vendor's digest credentials (RFC 3261 §22.2): a 401 or 407 to the INVITE is answered once
   * with Authorization (or Proxy-Authorization); without them it is a rejection.
   */
  readonly credentials?: ForwardCredentials;
  /** A fresh client nonce for a digest answer (default: random hex). */
  generateCnonce?(): string;
  /** Delay before a re-INVITE answered 491 is sent again (§14.1); default 2.1-4 s. */
  glareDelayMs?(): number;
  onEstablished(answerSdp: string): void;
  onUpdated(answerSdp: string): void;
  onUpdateRejected?(status: number, reason: string): void;
  onFailed(failure: ForwardFailure): void;
  onEnded(): void;
}

export interface ForwardLeg {
  readonly state: ForwardLegState;
  readonly dialog: SipDialog | undefined;
  /** Sends the initial INVITE with the SRC offer and the metadata. */
  start(body: ForwardSessionBody): void;
  /** Mirrors a change (hold, codec, new metadata) with a re-INVITE; queued while one is pending. */
  update(body: ForwardSessionBody): void;
  /** Ends the leg: BYE when established, CANCEL (or ACK + BYE) while inviting. */
  end(): void;
  /** The vendor's BYE arrived in this dialog (the host answered it). */
  receiveBye(): void;
}

/** The SDP of a 2xx: the body itself, or its application/sdp part. */
export function readAnswerSdp(response: SipResponse): string | undefined {
  const type = getContentType(response);
  if (!type || response.body.byteLength === 0) return undefined;
  if (type.type === 'application' && type.subtype === 'sdp') {
    return Buffer.from(response.body).toString('utf8');
  }
  if (type.type !== 'multipart') return undefined;
  const multipart = parseMultipart(response.body, type);
  for (const part of multipart.parts) {
    const partType = part.headers.find((h) => h.name === 'Content-Type')?.value ?? '';
    if (/^\s*application\/sdp\s*(;|$)/i.test(partType)) {
      return Buffer.from(part.body).toString('utf8');
    }
  }
  return undefined;
}

const FIRST_CSEQ = 1;

export function createForwardLeg(env: ForwardLegEnvironment): ForwardLeg {
  let state: ForwardLegState = 'idle';
  let dialog: SipDialog | undefined;
  let localSeq = FIRST_CSEQ;
  let invite: SipRequest | undefined;
  let authenticated = false;
  /** Why a challenge could not be answered with the registered credentials. */
  let realmMismatch: string | undefined;
  let provisionalSeen = false;
  let cancelled = false;
  let endWanted = false;
  /** The in-dialog INVITE whose response is awaited, and the latest body waiting behind it. */
  let reinvitePending = false;
  let queued: ForwardSessionBody | undefined;
  let cancelGlare: (() => void) | undefined;

  let startBody: ForwardSessionBody | undefined;

  /** The initial INVITE (again after a challenge, with its answer among the headers). */
  function sendInvite(cseq: number, extraHeaders: readonly SipHeader[] = []): void {
    if (!startBody) return;
    const request = buildForwardInvite({
      requestUri: env.requestUri,
      local: env.local,
      callId: env.callId,
      localTag: env.localTag,
      branch: env.generateBranch(),
      cseq,
      body: startBody,
      extraHeaders,
    });
    invite = request;
    provisionalSeen = false;
    env.sendRequest(request, env.destination, {
      onResponse: (response) => onInitialResponse(request, response),
      onTimeout: () => {
        if (request !== invite) return;
        if (endWanted) finish();
        else fail({ code: 'vendor-timeout', reason: 'the vendor did not answer the INVITE' });
      },
    });
  }

  const glareDelay = (): number =>
    env.glareDelayMs ? env.glareDelayMs() : 2100 + Math.floor(Math.random() * 1900);

  function fail(failure: ForwardFailure): void {
    if (state === 'failed' || state === 'ended') return;
    state = 'failed';
    cancelGlare?.();
    env.onFailed(failure);
  }

  function finish(): void {
    if (state === 'failed' || state === 'ended') return;
    state = 'ended';
    cancelGlare?.();
    env.onEnded();
  }

  function sendAck(forDialog: SipDialog, cseq: number): void {
    const addressing = addressDialogRequest(forDialog);
    env.sendAck(
      buildAckForSuccess(
        forDialog,
        cseq,
        env.local,
        env.generateBranch(),
        addressing.requestUri,
        addressing.routes,
      ),
      env.destination,
    );
  }

  function inDialog(method: string, extraHeaders: readonly SipHeader[] = []): SipRequest {
    if (!dialog) throw new RangeError('no dialog yet');
    localSeq += 1;
    return buildDialogRequest(dialog, {
      method,
      cseq: localSeq,
      branch: env.generateBranch(),
      via: env.local,
      extraHeaders,
    });
  }

  /** BYE in the dialog; `ending` until its final response or timeout, unless the leg failed. */
  function sendBye(): void {
    if (state !== 'failed') state = 'ending';
    const bye = inDialog('BYE');
    env.sendRequest(bye, env.destination, {
      onResponse: (response) => {
        if (response.status >= 200) finish();
      },
      // The vendor is gone either way: the leg is over.
      onTimeout: finish,
    });
  }

  function sendCancel(): void {
    if (!invite || cancelled) return;
    cancelled = true;
    env.sendRequest(buildCancel(invite), env.destination, {
      onResponse: () => {},
      onTimeout: () => {},
    });
  }

  /** RFC 3261 §22.2: the INVITE again, CSeq one higher, with the answer to the challenge. */
  function answerChallenge(request: SipRequest, response: SipResponse): boolean {
    const credentials = env.credentials;
    if (!credentials || authenticated || (response.status !== 401 && response.status !== 407)) {
      return false;
    }
    const proxy = response.status === 407;
    const challengeValue = getHeader(response, proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate');
    const challenge =
      challengeValue === undefined ? undefined : parseDigestChallenge(challengeValue);
    if (!challenge) return false;
    let secret: { password: string } | { ha1: string };
    if ('password' in credentials) secret = { password: credentials.password };
    else if (credentials.realm === challenge.realm) {
      secret = {
        ha1: challenge.algorithm.startsWith('MD5') ? credentials.ha1.md5 : credentials.ha1.sha256,
      };
    } else {
      realmMismatch = `the vendor's realm "${challenge.realm}" is not the registered realm "${credentials.realm}"`;
      return false;
    }
    authenticated = true;
    const authorization = answerDigestChallenge({
      challenge,
      username: credentials.username,
      ...secret,
      method: 'INVITE',
      uri: request.uri,
      cnonce: env.generateCnonce ? env.generateCnonce() : generateRandomToken(8),
      nonceCount: 1,
    });
    localSeq += 1;
    sendInvite(localSeq, [
      { name: proxy ? 'Proxy-Authorization' : 'Authorization', value: authorization },
    ]);
    return true;
  }

  function onInitialResponse(request: SipRequest, response: SipResponse): void {
    const status = response.status;
    if (status < 200) {
      provisionalSeen = true;
      if (endWanted) sendCancel();
      return;
    }
    if (status >= 300) {
      if (state !== 'inviting' && state !== 'ending') return;
      if (endWanted) {
        finish();
        return;
      }
      if (request !== invite) return;
      if (answerChallenge(request, response)) return;
      fail({
        code: 'vendor-rejected',
        status,
        reason:
          realmMismatch === undefined
            ? `the vendor answered ${status} ${response.reason}`
            : `the vendor answered ${status} ${response.reason}: ${realmMismatch}`,
      });
      return;
    }
    // A 2xx (or its retransmission, RFC 6026 §7.2): acknowledge it every time.
    const created = dialog ?? createUacDialog(request, response, env.destination);
    if (!created) {
      fail({ code: 'vendor-answer-invalid', status, reason: 'the 2xx has no To tag or Contact' });
      return;
    }
    const first = dialog === undefined;
    dialog = created;
    sendAck(created, getCSeq(request)?.seq ?? FIRST_CSEQ);
    if (!first) return;
    if (endWanted) {
      sendBye();
      return;
    }
    const answer = readAnswerSdp(response);
    if (answer === undefined) {
      fail({ code: 'vendor-answer-invalid', status, reason: 'the 2xx carries no SDP answer' });
      sendBye();
      return;
    }
    state = 'established';
    env.onEstablished(answer);
    flushQueued();
  }

  function flushQueued(): void {
    if (state !== 'established' || reinvitePending || !queued) return;
    const body = queued;
    queued = undefined;
    sendReinvite(body);
  }

  function sendReinvite(body: ForwardSessionBody): void {
    const encoded = forwardBodyOf(body);
    const request = inDialog('INVITE', [
      { name: 'Contact', value: contactOf(env.local) },
      { name: 'Allow', value: FORWARD_ALLOW },
      { name: 'Content-Type', value: encoded.contentType },
    ]);
    const withBody: SipRequest = { ...request, body: encoded.body };
    const cseq = localSeq;
    reinvitePending = true;
    let acked = false;
    env.sendRequest(withBody, env.destination, {
      onResponse: (response) => {
        const status = response.status;
        if (status < 200) return;
        if (status < 300) {
          if (dialog) sendAck(dialog, cseq);
          if (acked) return;
          acked = true;
          reinvitePending = false;
          if (state !== 'established') return;
          const answer = readAnswerSdp(response);
          if (answer !== undefined) env.onUpdated(answer);
          flushQueued();
          return;
        }
        reinvitePending = false;
        if (state !== 'established') return;
        if (status === 408 || status === 481) {
          fail({
            code: 'vendor-stopped-answering',
            status,
            reason: `the vendor answered ${status} ${response.reason} inside the session`,
          });
          return;
        }
        if (status === 491) {
          // §14.1: glare; the latest body goes out after the back-off unless a newer one waits.
          queued ??= body;
          cancelGlare = env.timers.setTimer(glareDelay(), () => {
            cancelGlare = undefined;
            flushQueued();
          });
          return;
        }
        env.onUpdateRejected?.(status, response.reason);
        flushQueued();
      },
      onTimeout: () => {
        reinvitePending = false;
        if (state !== 'established') return;
        fail({
          code: 'vendor-stopped-answering',
          reason: 'the vendor did not answer a re-INVITE',
        });
        sendBye();
      },
    });
  }

  return {
    get state() {
      return state;
    },
    get dialog() {
      return dialog;
    },
    start(body) {
      if (state !== 'idle') throw new RangeError(`start() in state ${state}`);
      state = 'inviting';
      startBody = body;
      sendInvite(FIRST_CSEQ);
    },
    update(body) {
      if (state === 'inviting' || (state === 'established' && reinvitePending)) {
        queued = body;
        return;
      }
      if (state !== 'established') return;
      queued = undefined;
      sendReinvite(body);
    },
    end() {
      switch (state) {
        case 'idle':
          state = 'ended';
          return;
        case 'inviting':
          endWanted = true;
          state = 'ending';
          if (provisionalSeen) sendCancel();
          return;
        case 'established':
          cancelGlare?.();
          sendBye();
          return;
        case 'ending':
        case 'ended':
        case 'failed':
          return;
      }
    },
    receiveBye() {
      if (state === 'established') {
        fail({ code: 'vendor-ended', reason: 'the vendor ended the recording session (BYE)' });
      } else if (state === 'ending') finish();
    },
  };
}
