// The catalogue's records as the service sees them: camelCase, parsed JSON, booleans.
import type {
  CallDirection,
  RecordingFormat,
  RecordingOwnerType,
  RecordingCaptureFailure,
  RecordingEndReason,
  RecordingParty,
  RecordingRecovery,
  RecordingStatus,
} from '@callvault/shared';

export interface AudioObjectRecord {
  readonly id: string;
  readonly orgId: string;
  readonly blobKey: string;
  readonly format: RecordingFormat;
  readonly contentType: string;
  readonly sizeBytes: number;
  /** SHA-256 (hex) of the plain audio. */
  readonly sha256: string;
  readonly durationMs: number;
  readonly channels: number;
  readonly sampleRate: number;
  readonly createdAt: string;
}

/** The call's metadata document: what SIPREC metadata and the recorder knew about the call. */
export interface RecordingMetadataDocument {
  readonly participants?: ReadonlyArray<Record<string, unknown>>;
  readonly streams?: ReadonlyArray<Record<string, unknown>>;
  readonly callActivity?: ReadonlyArray<Record<string, unknown>>;
  readonly recordingActions?: ReadonlyArray<Record<string, unknown>>;
  /** Which announcements played (compliance, start/stop, pause/resume). */
  readonly announcements?: Readonly<Record<string, unknown>>;
  /** Anything else (vendor extension data is kept verbatim). */
  readonly [key: string]: unknown;
}

/** How a recording was made: rebuilt after a crash, what failed while capturing, why it ended. */
export interface RecordingProvenance {
  readonly recovered: boolean;
  /** What the journal held when the recorder stopped; null unless recovered. */
  readonly recovery: RecordingRecovery | null;
  readonly failures: readonly RecordingCaptureFailure[];
  /** Null for imported audio. */
  readonly endReason: RecordingEndReason | null;
}

/** The provenance of audio that did not come through the recorder (an import). */
export const IMPORTED_PROVENANCE: RecordingProvenance = {
  recovered: false,
  recovery: null,
  failures: [],
  endReason: null,
};

export interface RecordingOwner {
  readonly type: RecordingOwnerType;
  readonly id: string;
  readonly email: string | null;
  readonly name: string;
  readonly locationId: string | null;
}

export interface RecordingRecord {
  readonly id: string;
  readonly orgId: string;
  readonly audioId: string | null;
  readonly topic: string;
  readonly createTime: string;
  readonly timeRecorded: string;
  readonly format: RecordingFormat;
  readonly serviceType: 'calling';
  readonly durationSeconds: number;
  readonly sizeBytes: number;
  readonly status: RecordingStatus;
  readonly ownerId: string;
  readonly ownerEmail: string | null;
  readonly ownerName: string;
  readonly ownerType: RecordingOwnerType;
  readonly storageRegion: string;
  readonly locationId: string | null;
  readonly callSessionId: string | null;
  readonly callId: string | null;
  readonly direction: CallDirection | null;
  readonly localNumber: string | null;
  readonly remoteNumber: string | null;
  readonly parties: readonly RecordingParty[];
  readonly channels: number;
  readonly sha256: string;
  readonly hasTranscript: boolean;
  readonly metadata: RecordingMetadataDocument;
  readonly provenance: RecordingProvenance;
  readonly deletedAt: string | null;
  readonly purgedAt: string | null;
  readonly updatedAt: string;
}

export interface OrgUsage {
  readonly orgId: string;
  readonly bytesUsed: number;
  readonly recordings: number;
}

export const CONTENT_TYPES: Readonly<Record<RecordingFormat, string>> = {
  OGG: 'audio/ogg',
  WAV: 'audio/wav',
  MP3: 'audio/mpeg',
};

export const FILE_EXTENSIONS: Readonly<Record<RecordingFormat, string>> = {
  OGG: 'ogg',
  WAV: 'wav',
  MP3: 'mp3',
};
