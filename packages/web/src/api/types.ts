// Shapes of the server's API as the console uses them. Written by hand for now; they follow the
// Webex field names of SPEC §9.1 and will be generated from the server's OpenAPI file later.

export const ROLES = [
  'fullAdmin',
  'readOnlyAdmin',
  'complianceOfficer',
  'user',
  'partnerAdmin',
] as const;
export type Role = (typeof ROLES)[number];

export type CallingLicense = 'professional' | 'basic' | 'none';

/** The signed-in person, as `/api/auth/session` and `/api/auth/login` return it. */
export interface Me {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly orgId: string;
  readonly orgName: string;
  readonly roles: readonly Role[];
  /** Signed in with a one-time password: the console asks for a new one before anything else. */
  readonly mustChangePassword: boolean;
}

export interface Session {
  readonly user: Me;
  /** Echoed in `x-csrf-token` on every request that changes something. */
  readonly csrfToken: string;
}

export interface LoginRequest {
  readonly email: string;
  readonly password: string;
}

/** The Webex error body (SPEC §9.1) every failed request carries. */
export interface WebexErrorBody {
  readonly message: string;
  readonly errors: readonly {
    readonly description: string;
    /** Webex's integer error code. */
    readonly errorCode: number;
    /** Callvault's stable string code, e.g. NOT_FOUND. */
    readonly code: string;
  }[];
  readonly trackingId: string;
}

export interface PhoneNumber {
  readonly type: string;
  readonly value: string;
}

export interface Person {
  readonly id: string;
  readonly emails: readonly string[];
  readonly displayName: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly extension: string | null;
  readonly phoneNumbers: readonly PhoneNumber[];
  readonly sipAddresses: readonly string[];
  readonly locationId: string | null;
  readonly orgId: string;
  readonly callingLicense: CallingLicense;
  readonly announcementLanguage: string;
  readonly roles: readonly string[];
  readonly created: string;
}

export interface Location {
  readonly id: string;
  readonly name: string;
  readonly orgId: string;
  readonly timeZone: string;
  readonly announcementLanguage: string;
}

export interface Workspace {
  readonly id: string;
  readonly displayName: string;
  readonly locationId: string | null;
  readonly extension: string | null;
  readonly phoneNumbers: readonly PhoneNumber[];
  readonly callingLicense: CallingLicense;
  readonly announcementLanguage: string;
}

export interface VirtualLine {
  readonly id: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly displayName: string;
  readonly number: { readonly external: string | null; readonly extension: string | null };
  readonly location: { readonly id: string; readonly name: string };
}

/** `GET /v1/people`, `/v1/locations`, `/v1/workspaces`. */
export interface ItemsResponse<T> {
  readonly items: T[];
}

/** `GET /v1/telephony/config/virtualLines`. */
export interface VirtualLinesResponse {
  readonly virtualLines: VirtualLine[];
  readonly total: number;
}

// Call recording settings (SPEC §3, §9.1) ------------------------------------------------------

export const RECORD_MODES = [
  'Always',
  'Never',
  'Always with Pause/Resume',
  'On Demand with User Initiated Start',
] as const;
export type RecordMode = (typeof RECORD_MODES)[number];

export const FAILURE_BEHAVIORS = [
  'PROCEED_WITH_CALL_NO_ANNOUNCEMENT',
  'PROCEED_CALL_WITH_ANNOUNCEMENT',
  'END_CALL_WITH_ANNOUNCEMENT',
] as const;
export type FailureBehavior = (typeof FAILURE_BEHAVIORS)[number];

/** `None` only ever comes back from a GET (notification off); a PUT may not send it. */
export type NotificationType = 'None' | 'Beep' | 'Play Announcement';

/** `GET /v1/telephony/config/callRecording` */
export interface OrgCallRecording {
  readonly organization: { readonly id: string; readonly name: string };
  readonly enabled: boolean;
  readonly vendorId: string;
  readonly vendorName: string;
  readonly termsOfServiceUrl: string;
  readonly retentionDays: number;
  readonly quotaBytes: number;
  readonly transcriptEnabled: boolean;
}

export interface OrgCallRecordingUpdate {
  readonly enabled?: boolean;
  readonly acknowledgeDisable?: boolean;
  readonly transcriptEnabled?: boolean;
}

export interface RecordingVendor {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly sipUri: string | null;
  readonly builtIn: boolean;
}

export interface RecordingVendorCreate {
  readonly name: string;
  readonly sipUri: string;
  readonly description?: string;
}

/** `GET /v1/telephony/config/callRecording/vendors` */
export interface OrgVendors {
  readonly vendorId: string;
  readonly vendorName: string;
  readonly vendors: readonly RecordingVendor[];
  readonly storageRegion: string;
  readonly failureBehavior: FailureBehavior;
}

export interface OrgVendorUpdate {
  readonly vendorId?: string;
  readonly failureBehavior?: FailureBehavior;
}

/** `GET /v1/telephony/config/locations/{id}/callRecording/vendors` */
export interface LocationVendors {
  readonly orgDefaultEnabled: boolean;
  readonly orgDefaultVendorId: string;
  readonly orgDefaultVendorName: string;
  readonly defaultVendorId: string;
  readonly defaultVendorName: string;
  readonly vendors: readonly RecordingVendor[];
  readonly orgFailureBehaviorEnabled: boolean;
  readonly orgFailureBehavior: FailureBehavior;
  readonly failureBehavior: FailureBehavior;
}

export interface LocationVendorUpdate {
  readonly useOrgVendorId: boolean;
  readonly vendorId?: string;
  readonly useOrgFailureBehavior: boolean;
  readonly failureBehavior?: FailureBehavior;
}

export type AnnouncementType = 'DEFAULT' | 'CUSTOM';

export interface ComplianceAnnouncement {
  readonly inboundPSTNCallsEnabled: boolean;
  readonly outboundPSTNCallsEnabled: boolean;
  readonly outboundPSTNCallsDelayEnabled: boolean;
  /** 1–20 seconds. */
  readonly delayInSeconds: number;
  readonly announcementType: AnnouncementType;
  readonly customAnnouncementFileName: string | null;
}

export type ComplianceAnnouncementUpdate = Omit<
  ComplianceAnnouncement,
  'customAnnouncementFileName'
>;

export interface LocationComplianceAnnouncement extends ComplianceAnnouncement {
  readonly useOrgSettingsEnabled: boolean;
}

export type LocationComplianceAnnouncementUpdate =
  | { readonly useOrgSettingsEnabled: true }
  | (ComplianceAnnouncementUpdate & { readonly useOrgSettingsEnabled: false });

/** `POST /api/announcements/custom` */
export interface UploadedAnnouncement {
  readonly id: string;
  readonly fileName: string;
  readonly durationMs: number;
}

export interface CallRecordingAccessSettings {
  readonly viewAndPlayRecordingsEnabled: boolean;
  readonly downloadRecordingsEnabled: boolean;
  readonly deleteRecordingsEnabled: boolean;
  readonly shareRecordingsEnabled: boolean;
}

/** A person's, workspace's or virtual line's `callRecording` (SPEC §3.3). */
export interface EntityCallRecording {
  readonly enabled: boolean;
  readonly record: RecordMode;
  readonly recordVoicemailEnabled: boolean;
  readonly startStopAnnouncementEnabled: boolean;
  readonly startStopAnnouncement: {
    readonly internalCallsEnabled: boolean;
    readonly pstnCallsEnabled: boolean;
  };
  readonly notification: { readonly enabled: boolean; readonly type: NotificationType };
  readonly repeat: { readonly enabled: boolean; readonly interval: number };
  readonly transcriptEnabled: boolean;
  readonly callRecordingAccessSettings: CallRecordingAccessSettings;
  readonly serviceProvider: string;
  readonly externalGroup: string;
  readonly externalIdentifier: string;
}

/** What the console sends back: every editable field, never the read-only platform info. */
export interface EntityCallRecordingUpdate {
  readonly enabled: boolean;
  readonly record: RecordMode;
  readonly recordVoicemailEnabled: boolean;
  readonly startStopAnnouncement: {
    readonly internalCallsEnabled: boolean;
    readonly pstnCallsEnabled: boolean;
  };
  readonly notification: {
    readonly enabled: boolean;
    readonly type?: Exclude<NotificationType, 'None'>;
  };
  readonly repeat: { readonly enabled: boolean; readonly interval: number };
  readonly transcriptEnabled: boolean;
  readonly callRecordingAccessSettings: CallRecordingAccessSettings;
}

/** Whose recording settings a form edits; each has its own Webex path. */
export type RecordableKind = 'person' | 'workspace' | 'virtualLine';

/** `/api/recording-trunks` */
export interface RecordingTrunk {
  readonly id: string;
  readonly name: string;
  readonly allowedSources: readonly string[];
  readonly digest: { readonly username: string; readonly realm: string } | null;
  readonly enabled: boolean;
  /** ISO 3166-1 alpha-2 dial plan of the SBC's national numbers; null = the locations'. */
  readonly country: string | null;
  /** Hosts whose user parts are extensions (`*` any host, `*.example.com` subdomains). */
  readonly ownDomains: readonly string[];
  /** Which RTP senders its streams take media from (`first-source` also latches one behind NAT). */
  readonly mediaLatching: 'signalled' | 'first-source';
  readonly created: string;
}

export interface RecordingTrunkInput {
  readonly name: string;
  readonly allowedSources: readonly string[];
  /** Omit to keep the stored credentials on edit; null removes them. */
  readonly digest?: {
    readonly username: string;
    readonly realm: string;
    readonly password: string;
  } | null;
  readonly enabled: boolean;
  readonly country: string | null;
  readonly ownDomains: readonly string[];
  readonly mediaLatching: 'signalled' | 'first-source';
}

// Recordings (SPEC §6, §7, §9.1) ---------------------------------------------------------------

export const RECORDING_STATUSES = ['available', 'deleted', 'purged'] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];
export const RECORDING_OWNER_TYPES = ['user', 'place', 'virtualLine'] as const;
export type RecordingOwnerType = (typeof RECORDING_OWNER_TYPES)[number];
export const CALL_DIRECTIONS = ['inbound', 'outbound', 'internal'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];
export type RecordingFormat = 'OGG' | 'WAV' | 'MP3';

/** One side of a recorded call; each party is its own audio channel. */
export interface RecordingParty {
  readonly role?: 'caller' | 'callee' | 'participant';
  readonly name?: string;
  readonly number?: string;
  readonly address?: string;
  readonly entityType?: string;
  readonly entityId?: string;
  readonly channel?: number;
}

/**
 * Why a recording ended: the SRC's BYE (or CANCEL), no ACK for the answer, the recorder shutting
 * down, the owner stopping it, or the recorder stopping mid-call and rebuilding it at restart.
 */
export type RecordingEndReason =
  'bye' | 'cancel' | 'ack-timeout' | 'shutdown' | 'stopped' | 'recovered';

/** Something that went wrong while the call was captured; the rest of the audio is kept. */
export interface RecordingCaptureFailure {
  /** no-media, disk-full, journal-write, capture-start, unreadable, … */
  readonly code: string;
  readonly detail: string;
  /** ISO 8601; null when found only at finalize. */
  readonly at: string | null;
  /** ISO 8601: when it was over (media came after all); null when it lasted. */
  readonly resolvedAt: string | null;
  readonly stream: string | null;
}

/** What a recording rebuilt after a crash kept. */
export interface RecordingRecovery {
  readonly recoveredAt: string;
  /** Where the kept audio of the call ends. */
  readonly audioEndedAt: string;
  /** The last write to the capture journal before the recorder stopped; null when unknown. */
  readonly journalLastWrittenAt: string | null;
}

/** How a recording was made (Callvault extras on the details, the metadata and search rows). */
export interface RecordingProvenance {
  readonly recovered: boolean;
  readonly recovery?: RecordingRecovery;
  readonly failed: boolean;
  readonly failures: readonly RecordingCaptureFailure[];
  /** Null for imported audio. */
  readonly endReason: RecordingEndReason | null;
}

/** One row of Callvault's search, `GET /api/recordings`. */
export interface RecordingSummary extends RecordingProvenance {
  readonly id: string;
  readonly topic: string;
  readonly createTime: string;
  readonly timeRecorded: string;
  readonly format: RecordingFormat;
  readonly durationSeconds: number;
  readonly sizeBytes: number;
  readonly status: RecordingStatus;
  readonly ownerId: string;
  readonly ownerEmail: string | null;
  readonly ownerName: string;
  readonly ownerType: RecordingOwnerType;
  readonly locationId: string | null;
  readonly direction: CallDirection | null;
  readonly localNumber: string | null;
  readonly remoteNumber: string | null;
  readonly parties: readonly RecordingParty[];
  readonly channels: number;
  readonly hasTranscript: boolean;
  readonly deletedAt: string | null;
  readonly purgedAt: string | null;
}

export interface RecordingSearchResult {
  readonly items: RecordingSummary[];
  readonly nextCursor: string | null;
}

/** One item of `GET /v1/convergedRecordings` (Webex fields). */
export interface ConvergedRecording {
  readonly id: string;
  readonly topic: string;
  readonly createTime: string;
  readonly timeRecorded: string;
  readonly format: RecordingFormat;
  readonly serviceType: 'calling';
  readonly durationSeconds: number;
  readonly sizeBytes: number;
  readonly status: RecordingStatus;
  readonly ownerId: string;
  readonly ownerEmail?: string;
  readonly ownerType: RecordingOwnerType;
  readonly storageRegion: string;
  readonly serviceData: { readonly locationId?: string; readonly callSessionId?: string };
}

/** `GET /v1/convergedRecordings/{id}`: links only for those who may play and download. */
export interface ConvergedRecordingDetails extends ConvergedRecording, RecordingProvenance {
  readonly temporaryDirectDownloadLinks?: {
    readonly audioDownloadLink: string;
    readonly transcriptDownloadLink: string | null;
    readonly expiration: string;
  };
}

type MetadataDocument = Readonly<Record<string, unknown>>;

/** Which part of the call a recording is (a call stopped and started again gives several). */
export interface RecordingSegment {
  readonly index: number;
  readonly count: number;
  readonly startOffsetMs: number;
  readonly endOffsetMs: number;
  readonly pauses: readonly { readonly startOffsetMs: number; readonly endOffsetMs: number }[];
  readonly pauseBehaviour: 'cut' | 'silence';
}

/** The SRC's SIPREC metadata as received (each revision's XML; null when over the size budget). */
export interface RecordingSrcMetadata {
  readonly revisions: readonly {
    readonly seq: number;
    readonly bytes: number;
    readonly xml: string | null;
  }[];
  readonly truncated: boolean;
  readonly extensions: readonly {
    readonly parent: string;
    readonly parentId?: string;
    readonly localName: string;
    readonly namespace?: string;
    readonly xml: string;
  }[];
  readonly vendor: MetadataDocument;
}

/** `GET /v1/convergedRecordings/{id}/metadata` */
export interface ConvergedRecordingMetadata extends RecordingProvenance {
  readonly id: string;
  readonly ownerId: string;
  readonly ownerType: RecordingOwnerType;
  readonly ownerName: string;
  readonly ownerEmail?: string;
  readonly sha256: string;
  readonly serviceData: {
    readonly locationId?: string;
    readonly callSessionId?: string;
    readonly callId?: string;
    readonly direction?: CallDirection;
    readonly localNumber?: string;
    readonly remoteNumber?: string;
    readonly parties: readonly RecordingParty[];
    readonly channels: number;
    readonly participants: readonly MetadataDocument[];
    readonly streams: readonly MetadataDocument[];
    readonly callActivity: readonly MetadataDocument[];
    readonly recordingActions: readonly MetadataDocument[];
    readonly announcements: MetadataDocument;
    readonly session: { readonly startTime: string; readonly durationSeconds: number };
    /** The recording trunk the call came in on; null for imports. */
    readonly trunk: { readonly id: string; readonly name: string } | null;
    readonly segment: RecordingSegment | null;
    readonly srcMetadata: RecordingSrcMetadata | null;
  };
}

/** What `POST /api/recordings/bulk` does: the recycle bin, a compliance officer's delete, reassign. */
export type BulkRecordingAction = 'softDelete' | 'delete' | 'restore' | 'purge' | 'reassign';

export interface RecordingBulkRequest {
  readonly action: BulkRecordingAction;
  readonly ids: readonly string[];
  readonly reassignOwnerEmail?: string;
  readonly reason?: string;
  readonly comment?: string;
}

export interface RecordingBulkResult {
  readonly changed: readonly string[];
  /** Already in the state asked for. */
  readonly unchanged: readonly string[];
  readonly failed: readonly {
    readonly id: string;
    readonly errorCode: string;
    readonly description: string;
  }[];
}
