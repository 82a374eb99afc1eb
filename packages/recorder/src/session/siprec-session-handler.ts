// The SIPREC user agent of the Session Recording Server (RFC 7866 §6-§9): the transaction user of
// the UAS core (SipUserAgentHandler). It admits the session, reads the SDP offer and the recording
// metadata from the body, asks the RecordingPolicy whose call it is, answers with an SDP answer on
// ports of CALLVAULT_RTP_PORTS, follows metadata revisions, and reports every session to the
// RecordingSink. Sans-I/O: everything it touches comes in through ports.
//
//   INVITE ─► admit (403 / 401 + challenge) ─► overload (503 + Retry-After) ─► body
//     multipart/mixed: SDP + metadata in any order (RFC 7866 §8.1.1, §9.1); legacy type accepted
//     unreadable multipart, SDP or metadata (DOCTYPE, entities, size caps) ─► 400 + Warning
//   ─► owners (RecordingPolicy.decideOwners) ─► refusal: 403 + Reason (RFC 3326)
//   ─► SDP answer (RFC 3264; recvonly, SAVP kept with our key) ─► no free port pair: 503
//   ─► 200 OK, body SDP only (a multipart answer breaks common SBCs)
//   re-INVITE / UPDATE: metadata partial merge or complete replace (RFC 7865 §7), owners decided
//     again (placeholders of the INVITE replaced, RFC 7866 §9.2), SDP answered again (RFC 3264 §8)
//   BYE / ACK timeout: ports released; no owner by then: nothing is kept, and the log says why
//
// `+sip.src` and `Require: siprec` are noted, never required (SPEC §5).
import {
  applyRecordingMetadataBody,
  createRecordingMetadataState,
  DEFAULT_PLACEHOLDER_AOR_PATTERNS,
  isPlaceholderRecordingParticipant,
  isSiprecMetadataError,
  listActiveRecordingParticipants,
  pickSiprecBodyParts,
  readSiprecPartMediaType,
  readSiprecRequestIndicators,
  SIPREC_METADATA_CONTENT_TYPES,
  type RecordingMetadataState,
  type SiprecBodyPart,
  type SiprecMetadataParseOptions,
} from '../siprec/index.js';
import {
  buildSdpAnswer,
  isSdpError,
  parseSdp,
  type SdpAnswer,
  type SdpSessionDescription,
} from '../sdp/index.js';
import {
  getCSeq,
  getHeader,
  getHeaders,
  getPartHeader,
  parseMultipart,
  SipParseError,
  type SipHeader,
  type SipRequest,
} from '../sip/message/index.js';
import type {
  SipDialogContext,
  SipUasAnswer,
  SipUserAgentHandler,
} from '../sip/dialog/sip-user-agent-core.js';
import { bindPortPairs, type PortPairAllocator } from './port-pair-allocator.js';
import type {
  Clock,
  Logger,
  RecordingOwner,
  RecordingOwnership,
  RecordingCallScope,
  RecordingPartyCandidate,
  RecordingPolicy,
  RecordingRequestOutcome,
  RecordingSessionClosed,
  RecordingSessionSnapshot,
  RecordingSessionState,
  RecordingSink,
} from './ports.js';
import {
  transitionRecordingSession,
  type RecordingSessionEvent,
} from './recording-session-state.js';

export interface SiprecSessionHandlerOptions {
  readonly policy: RecordingPolicy;
  readonly sink: RecordingSink;
  /** Wall-clock milliseconds since the epoch, for session times. */
  readonly clock: Clock;
  readonly logger: Logger;
  /** Port pairs of CALLVAULT_RTP_PORTS. */
  readonly ports: PortPairAllocator;
  /** Our media address in the SDP answer (`c=`, `o=`). */
  readonly mediaAddress: string;
  /** Cryptographically strong random bytes (SRTP keys, SDP session ids). */
  readonly randomBytes: (length: number) => Uint8Array;
  /** Most sessions at once, INVITEs being answered included (default: no limit). */
  readonly maxSessions?: number;
  /** False when the media path cannot take another session without losing audio. */
  readonly mediaHealthy?: () => boolean;
  /** False when the disk the journals go to is below its free-space minimum. */
  readonly storageHasRoom?: () => boolean;
  /** Retry-After of 503 answers, in seconds (default 5). */
  readonly retryAfterSeconds?: number;
  readonly metadataLimits?: SiprecMetadataParseOptions;
  readonly placeholderPatterns?: readonly RegExp[];
}

export interface SiprecSessionHandler extends SipUserAgentHandler {
  /** Sessions that are not closed, oldest first. */
  listSessions(): RecordingSessionSnapshot[];
  getSession(id: string): RecordingSessionSnapshot | undefined;
  /** Sessions counted against maxSessions: open ones plus INVITEs being answered. */
  readonly load: number;
  /** Closes every session (process shutdown); the dialogs are the core's business. */
  closeAll(): void;
}

interface SessionRecord {
  readonly id: string;
  readonly callId: string;
  readonly orgId: string;
  readonly trunkId: string;
  readonly trunkName: string;
  readonly mediaLatching?: RecordingSessionSnapshot['mediaLatching'];
  readonly source: SipDialogContext['source'];
  readonly startedAt: number;
  readonly siprecIndicators: RecordingSessionSnapshot['siprecIndicators'];
  state: RecordingSessionState;
  ownership: RecordingOwnership;
  owners: RecordingOwner[];
  refusalReason?: string;
  metadata: RecordingMetadataState;
  answer: SdpAnswer;
  /** RTP ports this session holds. */
  readonly ports: Set<number>;
}

/** The parts of a request body the session needs. */
interface BodyParts {
  readonly sdp?: string;
  readonly metadata?: string | Uint8Array;
  readonly metadataContentType?: string;
}

class BodyError extends Error {
  constructor(
    readonly part: 'multipart' | 'sdp' | 'metadata',
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A quoted-string safe text for Reason and Warning headers (no quotes, no CR/LF, bounded). */
function headerText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/["\\\u0000-\u001f\u007f]/g, ' ').slice(0, 200);
}

/** RFC 3326 Reason header for a refusal the SRC may show its operator. */
function reasonHeader(status: number, text: string): SipHeader {
  return { name: 'Reason', value: `SIP;cause=${status};text="${headerText(text)}"` };
}

/** RFC 3261 §20.43 Warning 399 (miscellaneous) naming what was wrong with the body. */
function warningHeader(text: string): SipHeader {
  return { name: 'Warning', value: `399 callvault "${headerText(text)}"` };
}

/** Read through a function: the state may change while a policy promise is pending. */
function isClosed(session: { readonly state: RecordingSessionState }): boolean {
  return session.state === 'closed';
}

function ownerKey(owner: RecordingOwner): string {
  return `${owner.kind}:${owner.id}`;
}

export function createSiprecSessionHandler(
  options: SiprecSessionHandlerOptions,
): SiprecSessionHandler {
  const { policy, sink, clock, logger, ports } = options;
  const maxSessions = options.maxSessions ?? Number.POSITIVE_INFINITY;
  const retryAfter = String(options.retryAfterSeconds ?? 5);
  const patterns = options.placeholderPatterns ?? DEFAULT_PLACEHOLDER_AOR_PATTERNS;
  const sessions = new Map<string, SessionRecord>();
  /** Initial INVITEs being answered, by dialog id; true once cancelled. */
  const inFlight = new Map<string, { cancelled: boolean }>();

  const log = (
    level: 'debug' | 'info' | 'warn' | 'error',
    ctx: { callId: string; dialogId?: string },
    message: string,
    fields: Record<string, unknown> = {},
  ): void => {
    logger[level]({ callId: ctx.callId, dialogId: ctx.dialogId, ...fields }, message);
  };

  function report(outcome: RecordingRequestOutcome): void {
    try {
      sink.requestAnswered(outcome);
    } catch (err) {
      log('error', outcome, 'recording sink failed on requestAnswered', { err });
    }
  }

  function answerWith(
    request: SipRequest,
    ctx: SipDialogContext,
    initial: boolean,
    answer: SipUasAnswer,
    bodyError?: BodyError,
  ): SipUasAnswer {
    report({
      method: request.method,
      status: answer.status,
      callId: ctx.callId,
      initial,
      ...(bodyError ? { bodyError: { part: bodyError.part, code: bodyError.code } } : {}),
    });
    return answer;
  }

  function snapshot(session: SessionRecord): RecordingSessionSnapshot {
    const model = session.metadata.current;
    const parties = model
      ? listActiveRecordingParticipants(model).map((p) => ({
          id: p.id,
          ...(p.aor === undefined ? {} : { aor: p.aor }),
          ...(p.name === undefined ? {} : { name: p.name }),
          placeholder: isPlaceholderRecordingParticipant(p, patterns),
        }))
      : [];
    return {
      id: session.id,
      callId: session.callId,
      orgId: session.orgId,
      trunkId: session.trunkId,
      trunkName: session.trunkName,
      ...(session.mediaLatching === undefined ? {} : { mediaLatching: session.mediaLatching }),
      source: session.source,
      state: session.state,
      ownership: session.ownership,
      startedAt: session.startedAt,
      parties,
      owners: [...session.owners],
      streams: session.answer.streams,
      metadataRevisions: session.metadata.revisions,
      siprecIndicators: session.siprecIndicators,
    };
  }

  function move(session: SessionRecord, event: RecordingSessionEvent): void {
    const before = session.state;
    session.state = transitionRecordingSession(before, event);
    if (before !== session.state) {
      log('debug', { callId: session.callId, dialogId: session.id }, 'session state changed', {
        from: before,
        to: session.state,
        event,
      });
    }
  }

  function notifyUpdated(session: SessionRecord): void {
    try {
      sink.sessionUpdated(snapshot(session));
    } catch (err) {
      log(
        'error',
        { callId: session.callId, dialogId: session.id },
        'recording sink failed on sessionUpdated',
        { err },
      );
    }
  }

  // -------------------------------------------------------------------------------------------
  // Body

  function readBody(request: SipRequest): BodyParts {
    if (request.body.length === 0) return {};
    const contentType = getHeader(request, 'Content-Type') ?? 'application/sdp';
    const mediaType = readSiprecPartMediaType(contentType);
    if (mediaType === 'application/sdp') {
      return { sdp: new TextDecoder().decode(request.body) };
    }
    if (SIPREC_METADATA_CONTENT_TYPES.includes(mediaType)) {
      return { metadata: request.body, metadataContentType: contentType };
    }
    if (!mediaType.startsWith('multipart/')) {
      throw new BodyError('multipart', 'UNSUPPORTED_BODY', `body type ${mediaType} not supported`);
    }
    let parts: SiprecBodyPart[];
    try {
      parts = parseMultipart(request.body, contentType).parts.map((part) => {
        const disposition = getPartHeader(part, 'Content-Disposition');
        return {
          contentType: getPartHeader(part, 'Content-Type') ?? 'text/plain',
          ...(disposition === undefined ? {} : { contentDisposition: disposition }),
          body: part.body,
        };
      });
    } catch (err) {
      if (err instanceof SipParseError) {
        throw new BodyError('multipart', err.code, `multipart body: ${err.message}`);
      }
      throw err;
    }
    const picked = pickSiprecBodyParts(parts);
    return {
      ...(picked.sdp === undefined ? {} : { sdp: picked.sdp }),
      ...(picked.metadata === undefined ? {} : { metadata: picked.metadata }),
      ...(picked.metadataContentType === undefined
        ? {}
        : { metadataContentType: picked.metadataContentType }),
    };
  }

  function readOffer(sdp: string): SdpSessionDescription {
    try {
      return parseSdp(sdp);
    } catch (err) {
      if (isSdpError(err)) throw new BodyError('sdp', err.code, `SDP offer: ${err.message}`);
      throw err;
    }
  }

  function applyMetadata(
    state: RecordingMetadataState,
    body: string | Uint8Array,
    seq: number,
  ): RecordingMetadataState {
    try {
      return applyRecordingMetadataBody(state, body, { ...options.metadataLimits, seq });
    } catch (err) {
      if (isSiprecMetadataError(err)) {
        throw new BodyError('metadata', err.code, `recording metadata: ${err.message}`);
      }
      throw err;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Owners

  function candidatesOf(metadata: RecordingMetadataState): RecordingPartyCandidate[] {
    const model = metadata.current;
    if (!model) return [];
    const candidates: RecordingPartyCandidate[] = listActiveRecordingParticipants(model).map(
      (p) => ({
        id: p.id,
        ...(p.aor === undefined ? {} : { aor: p.aor }),
        ...(p.name === undefined ? {} : { name: p.name }),
        placeholder: isPlaceholderRecordingParticipant(p, patterns),
      }),
    );
    // BroadWorks names the recorded user in its own extension, apart from the participants.
    const userId = model.vendor?.broadworks?.userId;
    if (userId !== undefined && userId.trim() !== '') {
      candidates.push({ id: 'broadworks:userID', broadworksUserId: userId, placeholder: false });
    }
    // ... and the call's numbers in `callType` (origCall/termCall), often in national form.
    const callType = model.vendor?.broadworks?.callType;
    for (const [field, value] of [
      ['callingPartyNumber', callType?.callingPartyNumber],
      ['calledPartyNumber', callType?.calledPartyNumber],
    ] as const) {
      if (value !== undefined && value.trim() !== '') {
        candidates.push({ id: `broadworks:${field}`, aor: value.trim(), placeholder: false });
      }
    }
    return candidates;
  }

  async function decide(
    scope: RecordingCallScope,
    metadata: RecordingMetadataState,
    ctx: { callId: string; dialogId: string },
  ) {
    const candidates = candidatesOf(metadata);
    const decision = await policy.decideOwners(scope, candidates);
    log('info', ctx, 'owner decision', {
      participants: candidates.map((c) => c.aor ?? c.broadworksUserId ?? c.id),
      owners: decision.owners.map((o) => `${o.kind}:${o.displayName} (${o.matchedBy})`),
      waitingForParticipants: decision.waitingForParticipants,
      refusal: decision.refusal?.reason,
      notes: decision.notes,
    });
    return decision;
  }

  // -------------------------------------------------------------------------------------------
  // Ports

  function allocatorFor(held: Set<number>) {
    return () => {
      const port = ports.allocate();
      if (port !== undefined) held.add(port);
      return port;
    };
  }

  function releaseAll(held: Set<number>): void {
    for (const port of held) ports.release(port);
    held.clear();
  }

  // -------------------------------------------------------------------------------------------
  // Closing

  function close(session: SessionRecord, event: RecordingSessionEvent): void {
    if (session.state === 'closed') return;
    move(session, event);
    releaseAll(session.ports);
    sessions.delete(session.id);
    const kept = session.ownership === 'owned' && session.owners.length > 0;
    const outcome = kept
      ? `recorded for ${session.owners.map((o) => `${o.kind} ${o.displayName}`).join(', ')}`
      : session.ownership === 'refused'
        ? `nothing is kept: refused (${session.refusalReason ?? 'policy'})`
        : session.ownership === 'awaiting-participants'
          ? 'nothing is kept: the metadata never named a participant (only placeholders or none)'
          : 'nothing is kept: no participant matched an entity whose settings record the call';
    const ctx = { callId: session.callId, dialogId: session.id };
    log(kept ? 'info' : 'warn', ctx, `session closed: ${outcome}`, { endReason: event });
    const closed: RecordingSessionClosed = {
      ...snapshot(session),
      endedAt: clock.now(),
      endReason:
        event === 'ack-timeout' || event === 'shutdown' || event === 'cancel' ? event : 'bye',
      kept,
      outcome,
    };
    try {
      sink.sessionClosed(closed);
    } catch (err) {
      log('error', ctx, 'recording sink failed on sessionClosed', { err });
    }
  }

  // -------------------------------------------------------------------------------------------
  // INVITE

  async function onInvite(request: SipRequest, ctx: SipDialogContext): Promise<SipUasAnswer> {
    const flight = { cancelled: false };
    inFlight.set(ctx.dialogId, flight);
    const held = new Set<number>();
    try {
      const answer = await answerInvite(request, ctx, flight, held);
      if (answer.status >= 300) releaseAll(held);
      return answer;
    } catch (err) {
      releaseAll(held);
      log('error', ctx, 'INVITE failed', { err });
      return answerWith(request, ctx, true, { status: 500 });
    } finally {
      inFlight.delete(ctx.dialogId);
    }
  }

  async function answerInvite(
    request: SipRequest,
    ctx: SipDialogContext,
    flight: { cancelled: boolean },
    held: Set<number>,
  ): Promise<SipUasAnswer> {
    const authorization = getHeader(request, 'Authorization');
    log('info', ctx, 'INVITE received', {
      source: `${ctx.source.transport}:${ctx.source.address}:${ctx.source.port}`,
      requestUri: request.uri,
    });
    const admission = await policy.admit({
      source: ctx.source,
      method: request.method,
      requestUri: request.uri,
      callId: ctx.callId,
      ...(authorization === undefined ? {} : { authorization }),
    });
    if (!admission.ok) {
      log('warn', ctx, `not admitted: ${admission.reason}`, { status: admission.status });
      return answerWith(request, ctx, true, {
        status: admission.status,
        headers:
          admission.status === 401
            ? [{ name: 'WWW-Authenticate', value: admission.challenge }]
            : admission.status === 503
              ? [
                  { name: 'Retry-After', value: String(admission.retryAfterSeconds) },
                  reasonHeader(503, admission.reason),
                ]
              : [reasonHeader(403, admission.reason)],
      });
    }
    log('info', ctx, 'admitted', { orgId: admission.orgId, trunk: admission.trunkName });
    if (flight.cancelled) return answerWith(request, ctx, true, { status: 487 });

    // Overload (SPEC §5): refuse early and cheaply so the SBC fails over to another recorder.
    if (sessions.size + inFlight.size > maxSessions) {
      log('warn', ctx, 'overloaded: session limit reached', { limit: maxSessions });
      return answerWith(request, ctx, true, {
        status: 503,
        headers: [{ name: 'Retry-After', value: retryAfter }, reasonHeader(503, 'session limit')],
      });
    }
    if (options.mediaHealthy && !options.mediaHealthy()) {
      log('warn', ctx, 'overloaded: the media path is unhealthy');
      return answerWith(request, ctx, true, {
        status: 503,
        headers: [{ name: 'Retry-After', value: retryAfter }, reasonHeader(503, 'media overload')],
      });
    }
    // A journal that cannot be written is audio lost: refuse while the disk is low, so the SBC
    // records elsewhere (or its failure behaviour applies) instead of a recording failing mid-call.
    if (options.storageHasRoom && !options.storageHasRoom()) {
      log('warn', ctx, 'refused: the journal disk is below its free-space minimum');
      return answerWith(request, ctx, true, {
        status: 503,
        headers: [
          { name: 'Retry-After', value: retryAfter },
          reasonHeader(503, 'insufficient storage'),
        ],
      });
    }

    const indicators = readSiprecRequestIndicators({
      contactHeader: getHeaders(request, 'Contact'),
      requireHeader: getHeaders(request, 'Require'),
    });
    let body: BodyParts;
    let offer: SdpSessionDescription | undefined;
    let metadata = createRecordingMetadataState();
    try {
      body = readBody(request);
      offer = body.sdp === undefined ? undefined : readOffer(body.sdp);
      if (body.metadata !== undefined) {
        metadata = applyMetadata(metadata, body.metadata, getCSeq(request)?.seq ?? 1);
      }
    } catch (err) {
      if (!(err instanceof BodyError)) throw err;
      log('warn', ctx, `unreadable body: ${err.message}`, { part: err.part, code: err.code });
      return answerWith(
        request,
        ctx,
        true,
        { status: 400, headers: [warningHeader(err.message)] },
        err,
      );
    }
    const siprecIndicators = { ...indicators, metadataPart: body.metadata !== undefined };
    log('info', ctx, 'offer read', {
      siprec: siprecIndicators,
      metadataType: body.metadataContentType,
      dialect: metadata.current?.dialect,
      streams: offer?.media.length ?? 0,
    });
    if (offer === undefined) {
      // RFC 7866 §8.1.1: the SRC offers the media; we never make the offer ourselves.
      log('warn', ctx, 'no SDP offer in the INVITE');
      return answerWith(request, ctx, true, {
        status: 488,
        headers: [warningHeader('an SDP offer is required')],
      });
    }

    const decision = await decide(
      { orgId: admission.orgId, trunkId: admission.trunkId },
      metadata,
      ctx,
    );
    if (decision.refusal) {
      const refusal = decision.refusal;
      log('warn', ctx, `refused: ${refusal.reason}`, { status: refusal.status });
      return answerWith(request, ctx, true, {
        status: refusal.status,
        headers: [
          ...(refusal.status === 503
            ? [{ name: 'Retry-After', value: String(refusal.retryAfterSeconds) }]
            : []),
          reasonHeader(refusal.status, refusal.reason),
        ],
      });
    }
    if (flight.cancelled) return answerWith(request, ctx, true, { status: 487 });

    const sdpAnswer = buildSdpAnswer(offer, {
      localAddress: options.mediaAddress,
      allocatePortPair: allocatorFor(held),
      randomBytes: options.randomBytes,
    });
    if (sdpAnswer.streams.some((s) => s.rejectReason === 'no-port')) {
      log('warn', ctx, 'overloaded: no free RTP port pair', { inUse: ports.inUse });
      return answerWith(request, ctx, true, {
        status: 503,
        headers: [{ name: 'Retry-After', value: retryAfter }, reasonHeader(503, 'no RTP ports')],
      });
    }
    if (!sdpAnswer.streams.some((s) => s.accepted)) {
      const reasons = sdpAnswer.streams.map((s) => s.rejectReason ?? 'accepted');
      log('warn', ctx, 'no stream can be recorded', { reasons });
      return answerWith(request, ctx, true, {
        status: 488,
        headers: [warningHeader(`no recordable stream: ${reasons.join(', ')}`)],
      });
    }
    // The answered ports' sockets are bound before the answer names them.
    const binding = bindPortPairs(ports, held);
    const unbound = binding && (await binding);
    if (unbound) {
      log('error', ctx, 'RTP ports could not be bound', { err: unbound });
      return answerWith(request, ctx, true, {
        status: 503,
        headers: [
          { name: 'Retry-After', value: retryAfter },
          reasonHeader(503, 'RTP ports could not be bound'),
        ],
      });
    }
    if (flight.cancelled) return answerWith(request, ctx, true, { status: 487 });

    const session: SessionRecord = {
      id: ctx.dialogId,
      callId: ctx.callId,
      orgId: admission.orgId,
      trunkId: admission.trunkId,
      trunkName: admission.trunkName,
      ...(admission.mediaLatching === undefined ? {} : { mediaLatching: admission.mediaLatching }),
      source: ctx.source,
      startedAt: clock.now(),
      siprecIndicators,
      state: 'answering',
      ownership: 'no-owner',
      owners: [],
      metadata,
      answer: sdpAnswer,
      ports: new Set(held),
    };
    applyDecision(session, decision.owners, decision.waitingForParticipants);
    move(session, 'answered');
    held.clear();
    sessions.set(session.id, session);
    log('info', ctx, 'session answered', {
      ownership: session.ownership,
      streams: sdpAnswer.streams.map((s) => ({
        label: s.label,
        port: s.localPort,
        codec: s.codec?.name,
        protocol: s.protocol,
        rejected: s.rejectReason,
      })),
    });
    try {
      sink.sessionOpened(snapshot(session));
    } catch (err) {
      log('error', ctx, 'recording sink failed on sessionOpened', { err });
    }
    return answerWith(request, ctx, true, {
      status: 200,
      body: new TextEncoder().encode(sdpAnswer.sdp),
      contentType: 'application/sdp',
    });
  }

  function applyDecision(
    session: SessionRecord,
    owners: readonly RecordingOwner[],
    waiting: boolean,
  ): void {
    // An owner stays an owner of the recording even when a later revision drops the participant.
    const known = new Set(session.owners.map(ownerKey));
    for (const owner of owners) {
      if (!known.has(ownerKey(owner))) {
        session.owners.push(owner);
        known.add(ownerKey(owner));
      }
    }
    if (session.owners.length > 0) session.ownership = 'owned';
    else session.ownership = waiting ? 'awaiting-participants' : 'no-owner';
  }

  // -------------------------------------------------------------------------------------------
  // re-INVITE and UPDATE

  async function onReoffer(request: SipRequest, ctx: SipDialogContext): Promise<SipUasAnswer> {
    const session = sessions.get(ctx.dialogId);
    if (!session) {
      log('warn', ctx, `${request.method} for a session that is not open`);
      return answerWith(request, ctx, false, { status: 481 });
    }
    try {
      return await answerReoffer(request, ctx, session);
    } catch (err) {
      log('error', ctx, `${request.method} failed`, { err });
      return answerWith(request, ctx, false, { status: 500 });
    }
  }

  async function answerReoffer(
    request: SipRequest,
    ctx: SipDialogContext,
    session: SessionRecord,
  ): Promise<SipUasAnswer> {
    let body: BodyParts;
    let offer: SdpSessionDescription | undefined;
    let metadata = session.metadata;
    try {
      body = readBody(request);
      offer = body.sdp === undefined ? undefined : readOffer(body.sdp);
      if (body.metadata !== undefined) {
        metadata = applyMetadata(metadata, body.metadata, getCSeq(request)?.seq ?? 0);
      }
    } catch (err) {
      if (!(err instanceof BodyError)) throw err;
      log('warn', ctx, `unreadable ${request.method} body: ${err.message}`, {
        part: err.part,
        code: err.code,
      });
      return answerWith(
        request,
        ctx,
        false,
        { status: 400, headers: [warningHeader(err.message)] },
        err,
      );
    }
    if (body.metadata !== undefined) {
      session.metadata = metadata;
      const revision = metadata.revisions[metadata.revisions.length - 1];
      log('info', ctx, 'metadata revision applied', {
        seq: revision?.seq,
        dataMode: revision?.dataMode,
        revisions: metadata.revisions.length,
      });
      if (session.ownership !== 'refused') {
        const decision = await decide(
          { orgId: session.orgId, trunkId: session.trunkId },
          metadata,
          ctx,
        );
        // The BYE may have come while the policy was deciding.
        if (isClosed(session)) return answerWith(request, ctx, false, { status: 481 });
        if (decision.refusal?.status === 503) {
          // The policy cannot decide now: the session keeps its owners and its media is
          // answered, so nothing of the call is lost; the next revision decides again.
          log('warn', ctx, `owners kept as they were: ${decision.refusal.reason}`);
        } else if (decision.refusal) {
          session.ownership = 'refused';
          session.refusalReason = decision.refusal.reason;
          log('warn', ctx, `refused on update: ${decision.refusal.reason}`);
          notifyUpdated(session);
          return answerWith(request, ctx, false, {
            status: decision.refusal.status,
            headers: [reasonHeader(decision.refusal.status, decision.refusal.reason)],
          });
        }
        applyDecision(session, decision.owners, decision.waitingForParticipants);
      }
    }

    let answerBody: string | undefined;
    if (offer !== undefined) {
      const added = new Set<number>();
      const next = buildSdpAnswer(offer, {
        localAddress: options.mediaAddress,
        allocatePortPair: allocatorFor(added),
        randomBytes: options.randomBytes,
        previous: session.answer.state,
      });
      // New ports' sockets are bound before the answer names them; the session stays as it was
      // when they cannot be (RFC 3261 §14.2), or when the BYE came meanwhile.
      const binding = bindPortPairs(ports, added);
      const unbound = binding && (await binding);
      if (unbound || isClosed(session)) {
        for (const port of added) ports.release(port);
        if (!unbound) return answerWith(request, ctx, false, { status: 481 });
        log('error', ctx, 'RTP ports could not be bound', { err: unbound });
        notifyUpdated(session);
        return answerWith(request, ctx, false, {
          status: 503,
          headers: [
            { name: 'Retry-After', value: retryAfter },
            reasonHeader(503, 'RTP ports could not be bound'),
          ],
        });
      }
      for (const port of added) session.ports.add(port);
      for (const port of next.releasedPorts) {
        ports.release(port);
        session.ports.delete(port);
      }
      session.answer = next;
      answerBody = next.sdp;
      log('info', ctx, 'offer answered again', {
        version: next.state.sessionVersion,
        streams: next.streams.map((s) => ({
          label: s.label,
          port: s.localPort,
          onHold: s.onHold,
          rejected: s.rejectReason,
        })),
      });
    } else if (request.method === 'INVITE') {
      // RFC 3264 §8 / RFC 3261 §14.2: an offerless re-INVITE gets our current description as
      // the offer in the 2xx; the answer comes in the ACK.
      answerBody = session.answer.sdp;
    }
    move(session, 'reoffer');
    notifyUpdated(session);
    return answerWith(request, ctx, false, {
      status: 200,
      ...(answerBody === undefined
        ? {}
        : { body: new TextEncoder().encode(answerBody), contentType: 'application/sdp' }),
    });
  }

  // -------------------------------------------------------------------------------------------

  return {
    onInvite,
    onReinvite: onReoffer,
    onUpdate: onReoffer,
    onAck(_ack, ctx) {
      const session = sessions.get(ctx.dialogId);
      if (!session) return;
      const before = session.state;
      move(session, 'ack');
      if (before !== session.state) {
        log('info', ctx, 'ACK received: the session is active');
        notifyUpdated(session);
      }
    },
    onBye(_bye, ctx) {
      const session = sessions.get(ctx.dialogId);
      if (!session) {
        log('debug', ctx, 'BYE for a session that is not open');
        return;
      }
      log('info', ctx, 'BYE received');
      close(session, 'bye');
    },
    onCancel(_cancel, ctx) {
      const flight = inFlight.get(ctx.dialogId);
      if (flight) {
        flight.cancelled = true;
        log('info', ctx, 'INVITE cancelled before it was answered');
        return;
      }
      // A cancelled re-INVITE leaves the session as it was (RFC 3261 §9.2).
      log('info', ctx, 'a re-INVITE was cancelled; the session continues');
    },
    onAckTimeout(ctx) {
      const session = sessions.get(ctx.dialogId);
      if (!session) return;
      log('warn', ctx, 'no ACK for the 2xx (RFC 3261 §13.3.1.4): the core sent BYE');
      close(session, 'ack-timeout');
    },
    listSessions: () => [...sessions.values()].map(snapshot),
    getSession(id) {
      const session = sessions.get(id);
      return session ? snapshot(session) : undefined;
    },
    get load() {
      return sessions.size + inFlight.size;
    },
    closeAll() {
      for (const session of [...sessions.values()]) close(session, 'shutdown');
    },
  };
}
