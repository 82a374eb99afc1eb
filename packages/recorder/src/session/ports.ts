// The ports through which the recording-session layer talks to its host (STYLE.md "Packages and
// boundaries"): the recorder declares them, the server implements them. Types only; the recorder
// imports nothing from the server.
import type { SessionTimerState } from './session-timer.js';
import type { RecordingMetadataRevision, VoicemailLeg } from '../siprec/index.js';
import type { SdpAnsweredStream } from '../sdp/index.js';
import type { MediaLatchingMode } from '../media/capture/rtp-source-latch.js';
import type { SipSource } from '../sip/transport/sip-transport.js';

export type { Clock } from '../sip/transaction/sip-timers.js';

// ---------------------------------------------------------------------------------------------
// RecordingPolicy: who may send sessions, and whose calls they are

export interface RecordingTrunkRequest {
  readonly source: SipSource;
  readonly requestUri: string;
  readonly callId: string;
}

/** A trunk's stored digest credentials; the recorder checks the SRC's Authorization with them. */
export interface RecordingTrunkDigest {
  readonly username: string;
  readonly realm: string;
  /** H(username:realm:password), MD5 in lower-case hex (RFC 7616 §3.4.2). */
  readonly ha1: string;
}

/** A recording trunk that allows the source of a new session. */
export interface RecordingTrunk {
  readonly orgId: string;
  readonly trunkId: string;
  readonly trunkName: string;
  /** Which RTP senders the trunk's streams take media from (default `first-source`). */
  readonly mediaLatching?: MediaLatchingMode;
  /** Absent: the source network is enough; present: the SRC must authenticate (RFC 3261 §22.4). */
  readonly digest?: RecordingTrunkDigest;
}

export type RecordingTrunkLookup =
  | {
      readonly ok: true;
      /** Every enabled trunk allowing the source, oldest first; never empty. */
      readonly trunks: readonly RecordingTrunk[];
    }
  | {
      readonly ok: false;
      /** No enabled trunk allows the source. */
      readonly status: 403;
      readonly reason: string;
    }
  | {
      readonly ok: false;
      /**
       * The policy cannot decide now (its database is unreachable): 503 with Retry-After, so
       * the SRC tries another recorder or this one again later (RFC 3261 §21.5.4).
       */
      readonly status: 503;
      readonly reason: string;
      readonly retryAfterSeconds: number;
    };

/** A metadata participant as the policy sees it. */
export interface RecordingPartyCandidate {
  /** The participant id of the metadata (RFC 7865 §6.4). */
  readonly id: string;
  readonly aor?: string;
  readonly name?: string;
  /** BroadWorks `userID` of the recorded user (broadWorksRecordingMetadata extension). */
  readonly broadworksUserId?: string;
  /** True when the participant identifies nobody yet (an Avaya SBCE style placeholder). */
  readonly placeholder: boolean;
}

export type RecordingOwnerKind = 'person' | 'workspace' | 'virtualLine';

/** An entity whose settings record this call. */
export interface RecordingOwner {
  readonly kind: RecordingOwnerKind;
  readonly id: string;
  readonly displayName: string;
  /** Which participant matched it, and by what. */
  readonly participantId: string;
  readonly matchedBy:
    | 'sip-address'
    | 'extension'
    | 'number'
    | 'broadworks-user-id'
    /** No party matched anyone: the trunk's default owner stands in for the call's party. */
    | 'trunk-default-owner';
  /** The entity's recording mode (`Always`, `On Demand with User Initiated Start`, ...). */
  readonly mode: string;
  /** The effective failure behaviour (SPEC §3.1 `failureBehavior`), reported with a failure. */
  readonly failureBehavior?: string;
  /** `voicemail`: the owner's mailbox took a message on this leg (catalogued as a voicemail). */
  readonly recordingType?: 'voicemail';
}

/**
 * An external SIPREC recorder the call's owners record with instead of Callvault (their effective
 * provider, SPEC §3.1 `vendorId`): the recorder forwards the session to it as an SRC (RFC 7866).
 */
export interface RecordingForwardTarget {
  readonly vendorId: string;
  readonly vendorName: string;
  /** Where to send the forwarded session; its `transport` parameter picks the transport (RFC 3263). */
  readonly sipUri: string;
  /** Why the call goes there, one line per owner or the org default that sent it. */
  readonly because: readonly string[];
  /**
   * The entities the vendor records the call for: the owners of the `forwarded` catalogue entry,
   * and of the local recording when Callvault records too (dual recording, or the fallback).
   */
  readonly owners: readonly RecordingOwner[];
  /**
   * "Record here when the vendor fails" (the org's option, default on): the call's audio is
   * journalled here while it is relayed, and kept as a recording of `owners` when the vendor
   * refuses, times out or stops answering; discarded when the vendor took the whole call.
   */
  readonly fallbackToLocal: boolean;
  /** Dual recording (org or location): recorded here as well as forwarded, whatever happens. */
  readonly dualRecording: boolean;
  /** The metadata dialect the vendor reads (default RFC 7865). */
  readonly metadataDialect?: 'rfc7865' | 'broadworks';
  /**
   * Digest credentials the vendor challenges for (RFC 3261 §22.2): the username, the realm and
   * H(A1) per hash, as the host stores them; never logged.
   */
  readonly credentials?: {
    readonly username: string;
    readonly realm: string;
    readonly ha1: { readonly md5: string; readonly sha256: string };
  };
}

/** Where a forwarded session stands with its vendor (the snapshot's `forward`). */
export type RecordingForwardLegState = 'inviting' | 'established' | 'ended' | 'failed';

export interface RecordingForwardState {
  readonly vendorId: string;
  readonly vendorName: string;
  readonly sipUri: string;
  readonly state: RecordingForwardLegState;
  /** The entities the vendor records the call for (the forward target's owners). */
  readonly owners: readonly RecordingOwner[];
  /** Clock times (ms): the INVITE sent, the vendor's 2xx, the leg's end or failure. */
  readonly startedAt: number;
  readonly establishedAt?: number;
  readonly endedAt?: number;
  /** Why the leg failed (vendor-timeout, vendor-rejected, vendor-stopped-answering ...). */
  readonly failure?: { readonly code: string; readonly status?: number; readonly reason: string };
  /**
   * True when Callvault records the call as well (dual recording, or the fallback once the leg
   * failed): the snapshot's owners then include the forward's owners and the audio is kept.
   */
  readonly recordedHere: boolean;
  /** The org's "record here when the vendor fails": the audio is journalled here meanwhile. */
  readonly fallbackToLocal: boolean;
}

export interface RecordingOwnerDecision {
  readonly owners: readonly RecordingOwner[];
  /**
   * Set when no owner records with Callvault and the matched owners (or, with none matched, the
   * org) record with one external recorder: the session is forwarded there, not recorded here.
   * Never set together with `refusal`.
   */
  readonly forward?: RecordingForwardTarget;
  /** No owner yet because the participants are placeholders (or there are none): ask again on
   * the next metadata update. */
  readonly waitingForParticipants: boolean;
  /**
   * 403: the org does not want this recorded by Callvault; answered with a Reason header.
   * 503: the policy cannot decide now (its database is unreachable): a new session is refused
   * with Retry-After; an open session keeps the owners it has and goes on being recorded.
   */
  readonly refusal?:
    | { readonly status: 403; readonly reason: string }
    | { readonly status: 503; readonly reason: string; readonly retryAfterSeconds: number };
  /** Why each participant is or is not an owner, for the session log. */
  readonly notes: readonly string[];
  /**
   * Set when no owner was found because nothing in the call names an entity the host knows (no
   * participant matched, the trunk has no default owner): the call is recorded anyway, without
   * an owner, and this says why. Absent when an entity matched but does not record the call.
   */
  readonly unattributed?: string;
}

/** The admitted session's org and the trunk it came on (whose dial plan and domains apply). */
export interface RecordingCallScope {
  readonly orgId: string;
  readonly trunkId: string;
}

/** What the session is, apart from who is on it. */
export interface RecordingLegFacts {
  /**
   * Set when the SRC's metadata (or the INVITE's To) says the session is a voicemail deposit
   * (voicemail-leg.ts): then only the mailbox owner may own it, and only if that entity records
   * voicemail.
   */
  readonly voicemail?: VoicemailLeg;
}

export interface RecordingPolicy {
  /** The trunks a new session may come on, with their credentials; the recorder authenticates. */
  findTrunks(request: RecordingTrunkRequest): Promise<RecordingTrunkLookup>;
  decideOwners(
    scope: RecordingCallScope,
    participants: readonly RecordingPartyCandidate[],
    leg?: RecordingLegFacts,
  ): Promise<RecordingOwnerDecision>;
}

// ---------------------------------------------------------------------------------------------
// RecordingSink: what became of each session

/**
 * Session states (the explicit machine of siprec-session-handler.ts):
 *   answering → awaiting-ack → active → closed
 *   answering → closed (refused, cancelled)   awaiting-ack → closed (BYE, ACK timeout)
 */
export type RecordingSessionState = 'answering' | 'awaiting-ack' | 'active' | 'closed';

/**
 * Where the owner decision stands. `unattributed`: no one matched, yet the call is kept (answered
 * 200, so its audio is never discarded) as a recording without an owner until someone is matched
 * by a later metadata revision, or the recording is reassigned.
 */
export type RecordingOwnership =
  'owned' | 'unattributed' | 'awaiting-participants' | 'no-owner' | 'refused';

export interface RecordingSessionParty {
  readonly id: string;
  readonly aor?: string;
  readonly name?: string;
  readonly placeholder: boolean;
}

export interface RecordingSessionSnapshot {
  /** Our id for the session: the SIP dialog id. */
  readonly id: string;
  readonly callId: string;
  readonly orgId: string;
  readonly trunkId: string;
  readonly trunkName: string;
  /** The trunk's media latching (rtp-source-latch.ts); absent: the default. */
  readonly mediaLatching?: MediaLatchingMode;
  readonly source: SipSource;
  readonly state: RecordingSessionState;
  readonly ownership: RecordingOwnership;
  /** Milliseconds since the epoch (from the Clock port). */
  readonly startedAt: number;
  readonly parties: readonly RecordingSessionParty[];
  readonly owners: readonly RecordingOwner[];
  /** Why the session has no owner and is recorded unattributed (ownership `unattributed`). */
  readonly unattributedReason?: string;
  /** The streams of the current SDP answer. */
  readonly streams: readonly SdpAnsweredStream[];
  /** Every metadata revision received, oldest first. */
  readonly metadataRevisions: readonly RecordingMetadataRevision[];
  /** What marked the request as SIPREC (none of them is required). */
  readonly siprecIndicators: {
    readonly srcFeatureTag: boolean;
    readonly requireSiprec: boolean;
    readonly metadataPart: boolean;
  };
  /** The RFC 4028 session timer the last 2xx agreed, if any (session-timer.ts). */
  readonly sessionTimer?: SessionTimerState;
  /** Set when the session is forwarded to an external recorder (session/forward/). */
  readonly forward?: RecordingForwardState;
}

export interface RecordingSessionClosed extends RecordingSessionSnapshot {
  readonly endedAt: number;
  readonly endReason:
    | 'bye'
    | 'cancel'
    | 'ack-timeout'
    | 'shutdown'
    | 'rtp-timeout'
    | 'session-timer'
    | 'probe-failed'
    /**
     * Never answered 2xx: the forward to the external recorder failed and nothing records the
     * call here (the org's fallback is off); reported so the failure is seen and audited.
     */
    | 'forward-failed';
  /**
   * False when nothing is kept: no owner at the end and not unattributed (an entity matched but
   * does not record the call, or the policy refused it).
   */
  readonly kept: boolean;
  /** Why nothing is kept, or why it is. */
  readonly outcome: string;
}

/** The final answer of one INVITE, re-INVITE or UPDATE, for metrics. */
export interface RecordingRequestOutcome {
  readonly method: string;
  readonly status: number;
  readonly callId: string;
  readonly initial: boolean;
  /** Body that could not be read: which part and the error code. */
  readonly bodyError?: {
    readonly part: 'multipart' | 'sdp' | 'metadata';
    readonly code: string;
  };
}

export interface RecordingSink {
  sessionOpened(session: RecordingSessionSnapshot): void;
  sessionUpdated(session: RecordingSessionSnapshot): void;
  sessionClosed(session: RecordingSessionClosed): void;
  requestAnswered(outcome: RecordingRequestOutcome): void;
}

// ---------------------------------------------------------------------------------------------
// Logger: the session log (a pino child logger fits)

export interface Logger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}
