// What every part of the SIPREC session handler shares: the host's ports, the resolved options,
// the table of open sessions and of INVITEs being answered, and the few steps each SIP method
// needs (log with the call's ids, report an answer to the sink, move a session through its state
// machine, take and give back RTP port pairs). The handler builds one; the per-method modules
// (answer-invite.ts, answer-reoffer.ts, close-session.ts) take it with the session they act on.
import {
  DEFAULT_PLACEHOLDER_AOR_PATTERNS,
  type SiprecMetadataParseOptions,
} from '../siprec/index.js';
import type { SipUasAnswer } from '../sip/dialog/sip-user-agent-core.js';
import type { SipRequest } from '../sip/message/index.js';
import type { PortPairAllocator } from './port-pair-allocator.js';
import type { Clock, Logger, RecordingPolicy, RecordingSink } from './ports.js';
import {
  transitionRecordingSession,
  type RecordingSessionEvent,
} from './recording-session-state.js';
import { snapshotSession, type SessionRecord } from './session-record.js';
import type { BodyError } from './request-body.js';
import type { ForwardRuntime, SessionForwarding } from './forward/forward-session.js';

export interface SiprecSessionHandlerOptions {
  readonly policy: RecordingPolicy;
  readonly sink: RecordingSink;
  /** Wall-clock milliseconds since the epoch, for session times and digest nonces. */
  readonly clock: Clock;
  readonly logger: Logger;
  /** Port pairs of CALLVAULT_RTP_PORTS. */
  readonly ports: PortPairAllocator;
  /** Our media address in the SDP answer (`c=`, `o=`). */
  readonly mediaAddress: string;
  /** Cryptographically strong random bytes (SRTP keys, SDP session ids). */
  readonly randomBytes: (length: number) => Uint8Array;
  /**
   * Key of the stateless digest nonces (RFC 7616); recorders that share it accept each other's
   * nonces. Default: 32 random bytes, so only this handler accepts its nonces.
   */
  readonly nonceSecret?: Uint8Array;
  /** How long a digest nonce stays fresh (default 5 minutes). */
  readonly nonceMaxAgeMs?: number;
  /** Most sessions at once, INVITEs being answered included (default: no limit). */
  readonly maxSessions?: number;
  /** False when the media path cannot take another session without losing audio. */
  readonly mediaHealthy?: () => boolean;
  /** False when the disk the journals go to is below its free-space minimum. */
  readonly storageHasRoom?: () => boolean;
  /**
   * False while the ended calls still to be finalized have reached the host's bound: a new
   * session is refused (503) until finalize catches up, so the backlog cannot grow unbounded.
   */
  readonly finalizeHasRoom?: () => boolean;
  /** Retry-After of 503 answers, in seconds (default 5). */
  readonly retryAfterSeconds?: number;
  readonly metadataLimits?: SiprecMetadataParseOptions;
  readonly placeholderPatterns?: readonly RegExp[];
  /**
   * Ends a dialog from our side with BYE (the UAS core's terminateDialog): a session the recorder
   * itself ends (an unusable answer in an ACK) must not leave the SRC's dialog open.
   */
  readonly terminateDialog?: (dialogId: string) => void;
  /**
   * Our Min-SE (RFC 4028 §4): session intervals below it get 422 (default and floor: 90 s).
   */
  readonly sessionMinSeSeconds?: number;
  /**
   * Forwarding to external recorders (session/forward/). Without it a session the policy
   * forwards is refused with 403 naming the recorder.
   */
  readonly forwarding?: SessionForwarding;
}

/** An initial INVITE being answered; `cancelled` turns true when a CANCEL matches it. */
export interface InFlightInvite {
  cancelled: boolean;
}

/** The ids a log line of a call carries. */
export interface CallIds {
  readonly callId: string;
  readonly dialogId?: string;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface SessionContext {
  readonly options: SiprecSessionHandlerOptions;
  readonly policy: RecordingPolicy;
  readonly sink: RecordingSink;
  readonly clock: Clock;
  readonly ports: PortPairAllocator;
  readonly maxSessions: number;
  /** Retry-After of 503 answers, as the header value. */
  readonly retryAfter: string;
  readonly patterns: readonly RegExp[];
  /** The digest nonce key; drawn from randomBytes on first use when the options give none. */
  nonceSecret(): Uint8Array;
  readonly nonceMaxAgeMs: number;
  /** Open sessions by dialog id. */
  readonly sessions: Map<string, SessionRecord>;
  /** Initial INVITEs being answered, by dialog id. */
  readonly inFlight: Map<string, InFlightInvite>;
  /** Forward legs whose vendor may still send requests, by the leg's dialog id. */
  readonly forwardLegs: Map<string, ForwardRuntime>;
  /** Draining: new sessions and out-of-dialog OPTIONS get 503; live sessions go on. */
  draining: boolean;
  log(level: LogLevel, ids: CallIds, message: string, fields?: Record<string, unknown>): void;
}

export function createSessionContext(options: SiprecSessionHandlerOptions): SessionContext {
  const { logger } = options;
  let secret = options.nonceSecret;
  return {
    options,
    policy: options.policy,
    sink: options.sink,
    clock: options.clock,
    ports: options.ports,
    maxSessions: options.maxSessions ?? Number.POSITIVE_INFINITY,
    retryAfter: String(options.retryAfterSeconds ?? 5),
    patterns: options.placeholderPatterns ?? DEFAULT_PLACEHOLDER_AOR_PATTERNS,
    nonceSecret() {
      secret ??= options.randomBytes(32);
      return secret;
    },
    nonceMaxAgeMs: options.nonceMaxAgeMs ?? 300_000,
    sessions: new Map(),
    inFlight: new Map(),
    forwardLegs: new Map(),
    draining: false,
    log(level, ids, message, fields = {}) {
      logger[level]({ callId: ids.callId, dialogId: ids.dialogId, ...fields }, message);
    },
  };
}

/** Sessions counted against maxSessions: open ones plus INVITEs being answered. */
export function sessionLoad(context: SessionContext): number {
  return context.sessions.size + context.inFlight.size;
}

/** Tells the sink how a request was answered (for metrics) and returns the answer. */
export function answerWith(
  context: SessionContext,
  request: SipRequest,
  ids: CallIds,
  initial: boolean,
  answer: SipUasAnswer,
  bodyError?: BodyError,
): SipUasAnswer {
  try {
    context.sink.requestAnswered({
      method: request.method,
      status: answer.status,
      callId: ids.callId,
      initial,
      ...(bodyError ? { bodyError: { part: bodyError.part, code: bodyError.code } } : {}),
    });
  } catch (err) {
    context.log('error', ids, 'recording sink failed on requestAnswered', { err });
  }
  return answer;
}

/** Moves the session through the state machine (recording-session-state.ts). */
export function moveSession(
  context: SessionContext,
  session: SessionRecord,
  event: RecordingSessionEvent,
): void {
  const before = session.state;
  session.state = transitionRecordingSession(before, event);
  if (before !== session.state) {
    context.log(
      'debug',
      { callId: session.callId, dialogId: session.id },
      'session state changed',
      {
        from: before,
        to: session.state,
        event,
      },
    );
  }
}

export function notifySessionUpdated(context: SessionContext, session: SessionRecord): void {
  try {
    context.sink.sessionUpdated(snapshotSession(session, context.patterns));
  } catch (err) {
    context.log(
      'error',
      { callId: session.callId, dialogId: session.id },
      'recording sink failed on sessionUpdated',
      { err },
    );
  }
}

/** A port-pair source for buildSdpAnswer that notes every port it hands out in `held`. */
export function allocatePortsInto(
  context: SessionContext,
  held: Set<number>,
): () => number | undefined {
  return () => {
    const port = context.ports.allocate();
    if (port !== undefined) held.add(port);
    return port;
  };
}

export function releasePorts(context: SessionContext, held: Set<number>): void {
  for (const port of held) context.ports.release(port);
  held.clear();
}
