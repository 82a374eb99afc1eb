// Stored recording settings per scope (SPEC §3) and their defaults. Location and entity values of
// null mean "inherit from the scope above".
import type {
  AccessSettings,
  CallingLicense,
  DtmfFeatureCodes,
  PauseBehaviour,
  FailureBehavior,
  NotificationType,
  RecordMode,
  RecordingPrompt,
} from '@callvault/shared';

export const BUILTIN_VENDOR_ID = 'Y2lzY29zcGFyazovL3VzL1JFQ09SRElOR19WRU5ET1IvY2FsbHZhdWx0';
export const BUILTIN_VENDOR_NAME = 'Callvault';
export const DEFAULT_RETENTION_DAYS = 365;
export const DEFAULT_QUOTA_BYTES = 107_374_182_400;
export { REPEAT_INTERVAL_MAX, REPEAT_INTERVAL_MIN } from '@callvault/shared';

export interface AnnouncementConfig {
  readonly inboundPSTNCallsEnabled: boolean;
  readonly outboundPSTNCallsEnabled: boolean;
  readonly outboundPSTNCallsDelayEnabled: boolean;
  readonly delayInSeconds: number;
  readonly announcementType: 'DEFAULT' | 'CUSTOM';
  readonly customFileName: string | null;
  /**
   * Locations only: the organisation's announcement (its type and file) is played with this
   * location's own flags and delay. Absent means false.
   */
  readonly useOrgLevelAnnouncement?: boolean;
}

/** Which file plays for one recording prompt: the default one, or the file uploaded at a level. */
export interface PromptSelection {
  readonly type: 'DEFAULT' | 'CUSTOM';
  /** For CUSTOM: whose upload of this prompt (the organisation's or the location's). */
  readonly level: 'ORGANIZATION' | 'LOCATION';
}
export type PromptSelections = Readonly<Record<RecordingPrompt, PromptSelection>>;

export const DEFAULT_PROMPT_SELECTIONS: PromptSelections = {
  start: { type: 'DEFAULT', level: 'ORGANIZATION' },
  stop: { type: 'DEFAULT', level: 'ORGANIZATION' },
  pause: { type: 'DEFAULT', level: 'ORGANIZATION' },
  resume: { type: 'DEFAULT', level: 'ORGANIZATION' },
  failureProceedWithCall: { type: 'DEFAULT', level: 'ORGANIZATION' },
  failureEndWithCall: { type: 'DEFAULT', level: 'ORGANIZATION' },
};

export interface OrgRecordingSettings {
  /** false is the Webex vendor "None": recording off for the whole org. */
  readonly enabled: boolean;
  readonly vendorId: string;
  readonly storageRegion: string;
  readonly failureBehavior: FailureBehavior;
  readonly retentionDays: number;
  readonly quotaBytes: number;
  readonly transcriptDefault: boolean;
  readonly complianceAnnouncement: AnnouncementConfig;
  /** Live controls (SPEC §4): a paused stretch cut out or kept as silence. */
  readonly pauseBehaviour: PauseBehaviour;
  /** Live controls (SPEC §4): the codes the recorded party types. */
  readonly dtmfFeatureCodes: DtmfFeatureCodes;
  /** Vendors whose terms of service the organisation accepted. */
  readonly termsOfServiceAccepted: readonly string[];
  /** Start/stop/pause/resume/failure prompts (Webex `callRecording/announcements`). */
  readonly recordingAnnouncements: PromptSelections;
  /**
   * Callvault: a call forwarded to an external recorder is journalled here too and kept as a
   * recording of its owners when the vendor refuses, times out or stops answering.
   */
  readonly recordLocallyOnVendorFailure: boolean;
  /** Callvault: calls forwarded to an external recorder are recorded here as well. */
  readonly dualRecording: boolean;
}

export interface LocationRecordingSettings {
  readonly vendorId: string | null;
  readonly storageRegion: string | null;
  readonly failureBehavior: FailureBehavior | null;
  /** null: `useOrgSettingsEnabled` (a new location starts on the org's values). */
  readonly complianceAnnouncement: AnnouncementConfig | null;
  /** null: `useOrgLevelAnnouncementEnabled` for the recording prompts. */
  readonly recordingAnnouncements: PromptSelections | null;
  /** null: the organisation's dual recording applies. */
  readonly dualRecording: boolean | null;
}

export interface EntityRecordingSettings {
  readonly enabled: boolean;
  readonly record: RecordMode;
  readonly recordVoicemailEnabled: boolean;
  readonly startStopAnnouncement: {
    readonly internalCallsEnabled: boolean;
    readonly pstnCallsEnabled: boolean;
  };
  readonly notification: { readonly enabled: boolean; readonly type: NotificationType };
  readonly repeat: { readonly enabled: boolean; readonly interval: number };
  /** null: follows the org default until set. */
  readonly transcriptEnabled: boolean | null;
  /** null until recording is first enabled, then all true (SPEC §3.3). */
  readonly access: AccessSettings | null;
}

export type RecordableKind = 'person' | 'workspace' | 'virtualLine';

export const DEFAULT_ANNOUNCEMENT: AnnouncementConfig = {
  inboundPSTNCallsEnabled: false,
  outboundPSTNCallsEnabled: false,
  outboundPSTNCallsDelayEnabled: false,
  delayInSeconds: 10,
  announcementType: 'DEFAULT',
  customFileName: null,
};

export const DEFAULT_ORG_SETTINGS: OrgRecordingSettings = {
  enabled: true,
  vendorId: BUILTIN_VENDOR_ID,
  storageRegion: 'local',
  failureBehavior: 'PROCEED_WITH_CALL_NO_ANNOUNCEMENT',
  retentionDays: DEFAULT_RETENTION_DAYS,
  quotaBytes: DEFAULT_QUOTA_BYTES,
  transcriptDefault: false,
  complianceAnnouncement: DEFAULT_ANNOUNCEMENT,
  pauseBehaviour: 'cut',
  dtmfFeatureCodes: { start: '*44', stop: '*45', pause: '*48', resume: '*49' },
  termsOfServiceAccepted: [],
  recordingAnnouncements: DEFAULT_PROMPT_SELECTIONS,
  recordLocallyOnVendorFailure: true,
  dualRecording: false,
};

export const DEFAULT_LOCATION_SETTINGS: LocationRecordingSettings = {
  vendorId: null,
  storageRegion: null,
  failureBehavior: null,
  complianceAnnouncement: null,
  recordingAnnouncements: null,
  dualRecording: null,
};

export const DEFAULT_ENTITY_SETTINGS: EntityRecordingSettings = {
  enabled: false,
  record: 'Never',
  recordVoicemailEnabled: false,
  startStopAnnouncement: { internalCallsEnabled: false, pstnCallsEnabled: false },
  notification: { enabled: false, type: 'None' },
  repeat: { enabled: false, interval: 15 },
  transcriptEnabled: null,
  access: null,
};

export const ALL_ACCESS: AccessSettings = {
  viewAndPlayRecordingsEnabled: true,
  downloadRecordingsEnabled: true,
  deleteRecordingsEnabled: true,
  shareRecordingsEnabled: true,
};

export interface VendorInfo {
  readonly id: string;
  readonly name: string;
  readonly builtIn: boolean;
  readonly sipUri: string | null;
  /** External recorders: the metadata dialect they read, and digest credentials if any. */
  readonly metadataDialect?: 'rfc7865' | 'broadworks';
  readonly digest?: {
    readonly username: string;
    readonly realm: string;
    readonly ha1: { readonly md5: string; readonly sha256: string };
  } | null;
}

/** Why an entity with this licence cannot be recorded by this vendor (SPEC §2), or null. */
export function licenseProblem(
  kind: RecordableKind,
  license: CallingLicense | null,
  vendorBuiltIn: boolean,
): string | null {
  if (kind === 'virtualLine') return null;
  if (kind === 'workspace') {
    return license === 'professional'
      ? null
      : 'a workspace needs a Professional calling licence to be recorded';
  }
  if (license === 'none' || license === null)
    return 'this person has no calling licence; recording needs Professional or Basic';
  if (license === 'basic' && !vendorBuiltIn) {
    return "a person with a Basic licence can be recorded only by Callvault's built-in recorder";
  }
  return null;
}
