// One open SIPREC recording session as the handler keeps it, and the pure steps on it: the
// snapshot the sink and the API see, the owners a decision adds, and why a closing session is
// or is not kept.
import {
  buildParticipantHistory,
  isPlaceholderRecordingParticipant,
  listActiveRecordingParticipants,
  type ParticipantHistory,
  type RecordingMetadataState,
} from '../siprec/index.js';
import type { SdpAnswer, SdpOffer } from '../sdp/index.js';
import type { SessionTimerState } from './session-timer.js';
import type { ForwardRuntime } from './forward/forward-session.js';
import type { SipDialogContext } from '../sip/dialog/sip-user-agent-core.js';
import type {
  RecordingOwner,
  RecordingForwardState,
  RecordingOwnerDecision,
  RecordingOwnership,
  RecordingSessionParty,
  RecordingSessionSnapshot,
  RecordingSessionState,
} from './ports.js';

export interface SessionRecord {
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
  /** Why nobody owns the call while it is recorded unattributed. */
  unattributedReason?: string;
  metadata: RecordingMetadataState;
  answer: SdpAnswer;
  /**
   * Our offer sent in the 2xx of a delayed-offer INVITE, until the ACK brings its answer; the
   * sink has not heard of the session meanwhile.
   */
  delayedOffer?: SdpOffer;
  /** RTP ports this session holds. */
  readonly ports: Set<number>;
  /** The RFC 4028 session timer, restarted by every refresh (session-timer.ts). */
  sessionTimer?: SessionTimerState;
  /** A forwarded session: where its leg to the external recorder stands. */
  forward?: { -readonly [K in keyof RecordingForwardState]: RecordingForwardState[K] };
  /** The forwarded session's live leg and relay (absent when the forward failed to start). */
  forwardRuntime?: ForwardRuntime;
}

/** Read through a function: the state may change while a policy promise is pending. */
export function isSessionClosed(session: { readonly state: RecordingSessionState }): boolean {
  return session.state === 'closed';
}

/**
 * The active participants of the current metadata, placeholders marked, each by its stable id
 * (participant-history.ts: the id it was first listed with, whatever a later revision re-issued).
 */
export function sessionParties(
  metadata: RecordingMetadataState,
  patterns: readonly RegExp[],
  history: ParticipantHistory = buildParticipantHistory(metadata.revisions),
): RecordingSessionParty[] {
  const model = metadata.current;
  if (!model) return [];
  return listActiveRecordingParticipants(model).map((p) => ({
    id: history.stableIds.get(p.id) ?? p.id,
    ...(p.aor === undefined ? {} : { aor: p.aor }),
    ...(p.name === undefined ? {} : { name: p.name }),
    placeholder: isPlaceholderRecordingParticipant(p, patterns),
  }));
}

export function snapshotSession(
  session: SessionRecord,
  patterns: readonly RegExp[],
): RecordingSessionSnapshot {
  const history = buildParticipantHistory(session.metadata.revisions);
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
    parties: sessionParties(session.metadata, patterns, history),
    // Owners name their participant by its stable id too, as the parties do.
    owners: session.owners.map((o) => ({
      ...o,
      participantId: history.stableIds.get(o.participantId) ?? o.participantId,
    })),
    ...(session.ownership === 'unattributed' && session.unattributedReason !== undefined
      ? { unattributedReason: session.unattributedReason }
      : {}),
    streams: session.answer.streams,
    metadataRevisions: session.metadata.revisions,
    siprecIndicators: session.siprecIndicators,
    ...(session.sessionTimer === undefined ? {} : { sessionTimer: session.sessionTimer }),
    ...(session.forward === undefined ? {} : { forward: { ...session.forward } }),
  };
}

function ownerKey(owner: RecordingOwner): string {
  return `${owner.kind}:${owner.id}`;
}

/**
 * Adds the owners of a decision to the session. An owner stays an owner of the recording even
 * when a later revision drops the participant. With no owner: a decision that says why the call
 * is unattributed keeps it as such (recorded, no owner); otherwise the session waits for
 * participants (placeholders only; an unattributed session stays so meanwhile) or has none (an
 * entity matched whose settings do not record the call).
 */
export function applyOwnerDecision(
  session: Pick<SessionRecord, 'owners' | 'ownership' | 'unattributedReason'>,
  decision: Pick<RecordingOwnerDecision, 'owners' | 'waitingForParticipants' | 'unattributed'>,
): void {
  const known = new Set(session.owners.map(ownerKey));
  for (const owner of decision.owners) {
    if (!known.has(ownerKey(owner))) {
      session.owners.push(owner);
      known.add(ownerKey(owner));
    }
  }
  if (session.owners.length > 0) {
    session.ownership = 'owned';
    delete session.unattributedReason;
  } else if (decision.unattributed !== undefined) {
    session.ownership = 'unattributed';
    session.unattributedReason = decision.unattributed;
  } else if (decision.waitingForParticipants) {
    if (session.ownership !== 'unattributed') session.ownership = 'awaiting-participants';
  } else {
    // An entity matched that does not record the call: its settings win, nothing is kept.
    session.ownership = 'no-owner';
    delete session.unattributedReason;
  }
}

/** Whether a closing session is kept (an owner, or unattributed) and the sentence that says why. */
export function closingOutcome(
  session: Pick<
    SessionRecord,
    'owners' | 'ownership' | 'refusalReason' | 'unattributedReason' | 'forward'
  >,
): { kept: boolean; outcome: string } {
  const forward = session.forward;
  if (forward !== undefined && !forward.recordedHere) {
    return {
      kept: false,
      outcome:
        forward.state === 'failed'
          ? `nothing is kept: forwarding to ${forward.vendorName} failed (${forward.failure?.reason ?? 'unknown'}) and the org does not record here when the vendor fails`
          : `forwarded to ${forward.vendorName}; the external recorder keeps the call, nothing is kept here`,
    };
  }
  if (session.ownership === 'owned' && session.owners.length > 0) {
    return {
      kept: true,
      outcome: `recorded for ${session.owners.map((o) => `${o.kind} ${o.displayName}`).join(', ')}`,
    };
  }
  if (session.ownership === 'unattributed') {
    return {
      kept: true,
      outcome: `recorded unattributed: ${session.unattributedReason ?? 'no owner was found'}`,
    };
  }
  return {
    kept: false,
    outcome:
      session.ownership === 'refused'
        ? `nothing is kept: refused (${session.refusalReason ?? 'policy'})`
        : session.ownership === 'awaiting-participants'
          ? 'nothing is kept: the metadata never named a participant (only placeholders or none)'
          : 'nothing is kept: no participant matched an entity whose settings record the call',
  };
}
