// The one recording-metadata model every SIPREC metadata dialect is normalised into.
// Vocabulary follows RFC 7865 §6 (recording, group, session, participant, stream and their
// associations); field names are camelCase forms of the RFC element names.

export type RecordingDataMode = 'complete' | 'partial';

/**
 * Which XML vocabulary a document used, decided by the root's namespace:
 * - `rfc7865`: `urn:ietf:params:xml:ns:recording:1` (RFC 7865 §9);
 * - `draft`: `urn:ietf:params:xml:ns:recording` of the pre-RFC drafts (Acme/Oracle, AudioCodes,
 *   Sonus/Ribbon prefixed hybrids);
 * - `broadworks`: BroadWorks/Webex `recording_metadata` in `urn:ietf:params:xml:ns:siprec`;
 * - `unknown`: a `recording` root in no or another namespace, read with the same tolerant rules.
 */
export type SiprecMetadataDialect = 'rfc7865' | 'draft' | 'broadworks' | 'unknown';

/** RFC 7865 §6.1 recording object as sent by BroadWorks (`<recording><requestor><type>`). */
export interface RecordingRequestInfo {
  readonly id?: string;
  readonly requestor?: string;
  readonly type?: string;
}

/** RFC 7865 §6.2 Communication Session Group. */
export interface RecordingGroup {
  readonly id: string;
  readonly associateTime?: string;
  readonly disassociateTime?: string;
  /** BroadWorks `<initiator>`. */
  readonly initiator?: string;
}

/** RFC 7865 §6.3 Communication Session. */
export interface RecordingSession {
  readonly id: string;
  /** RFC 7865 §6.3 `sipSessionID` values (RFC 7989 Session-ID), whitespace around `;` removed. */
  readonly sipSessionIds: readonly string[];
  readonly groupRef?: string;
  readonly startTime?: string;
  readonly stopTime?: string;
  /** From `sessionrecordingassoc` (RFC 7865 §6.3.1) or an inline draft `associate-time`. */
  readonly associateTime?: string;
  readonly disassociateTime?: string;
}

/** One RFC 7865 §6.4 `nameID` (or a draft/BroadWorks `aor` + `name`). */
export interface RecordingNameId {
  readonly aor?: string;
  readonly name?: string;
  /** `xml:lang` of the name. */
  readonly lang?: string;
}

/** RFC 7865 §6.4 Participant with its §6.4.1/§6.4.2 associations folded in. */
export interface RecordingParticipant {
  readonly id: string;
  /** First non-empty address of record among the name IDs. */
  readonly aor?: string;
  /** First non-blank display name among the name IDs. */
  readonly name?: string;
  readonly nameIds: readonly RecordingNameId[];
  /** Sessions this participant is associated with. */
  readonly sessionIds: readonly string[];
  /** Stream ids this participant sends (RFC 7865 §6.4.2 `send`). */
  readonly send: readonly string[];
  /** Stream ids this participant receives (RFC 7865 §6.4.2 `recv`). */
  readonly recv: readonly string[];
  /**
   * True when this document stated the participant's streams (a `participantstreamassoc`, or
   * inline `send`/`recv` of the draft format). A partial update replaces send/recv only then.
   */
  readonly streamsDeclared: boolean;
  readonly associateTime?: string;
  readonly disassociateTime?: string;
}

/** RFC 7865 §6.5 Media Stream. */
export interface RecordingStream {
  readonly id: string;
  /** The SDP `a=label` (RFC 4574) tying the stream to an m-line. */
  readonly label?: string;
  readonly sessionId?: string;
  /** Draft/BroadWorks `<mode>`: `separate` or `mixed`. */
  readonly mode?: string;
  readonly associateTime?: string;
  readonly disassociateTime?: string;
}

/** Element of the recording document this reader did not interpret, kept verbatim. */
export interface SiprecExtension {
  /** Local name of the element that contains it (`recording`, `group`, `participant`, ...). */
  readonly parent: string;
  /** Id of the containing object, when it has one. */
  readonly parentId?: string;
  readonly localName: string;
  readonly namespace?: string;
  /** The element exactly as it appeared in the body. */
  readonly xml: string;
}

/** BroadWorks `broadWorksRecordingMetadata` extension (schema.broadsoft.com/broadworksCallRecording). */
export interface BroadWorksRecordingInfo {
  readonly version?: string;
  readonly extTrackingId?: string;
  readonly serviceProviderId?: string;
  readonly groupId?: string;
  readonly userId?: string;
  readonly callId?: string;
  readonly callType?: {
    /** `origCall`, `termCall`, or whatever element BroadWorks put there. */
    readonly kind: string;
    readonly callingPartyNumber?: string;
    readonly calledPartyNumber?: string;
    readonly dialedDigits?: string;
  };
  readonly recordingType?: string;
}

/**
 * Metaswitch's extension data: the subscriber the call is recorded for (`recordedParty`, an AOR
 * or a number, often national) and the call's direction as seen by that subscriber.
 */
export interface MetaswitchRecordingInfo {
  readonly recordedParty?: string;
  /** As sent: `incoming`/`outgoing` (or `inbound`/`outbound`, `terminating`/`originating`). */
  readonly direction?: string;
}

export interface RecordingVendorInfo {
  readonly broadworks?: BroadWorksRecordingInfo;
  readonly metaswitch?: MetaswitchRecordingInfo;
}

export interface RecordingMetadata {
  readonly dialect: SiprecMetadataDialect;
  /** Namespace URI of the root element, if any. */
  readonly namespace?: string;
  readonly dataMode: RecordingDataMode;
  readonly recording?: RecordingRequestInfo;
  /** The first (normally the only) communication session. Absent in most partial updates. */
  readonly session?: RecordingSession;
  readonly sessions: readonly RecordingSession[];
  readonly groups: readonly RecordingGroup[];
  readonly participants: readonly RecordingParticipant[];
  readonly streams: readonly RecordingStream[];
  readonly extensions: readonly SiprecExtension[];
  readonly vendor?: RecordingVendorInfo;
}
