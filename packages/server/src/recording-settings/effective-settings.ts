// What applies to one recordable entity on a call: org → location → entity, resolved by one pure
// function (SPEC §3). Entity values override; location values override the org; an entity's
// transcript switch follows the org default only until it is set.
import type {
  AccessSettings,
  CallingLicense,
  FailureBehavior,
  NotificationType,
  RecordMode,
} from '@callvault/shared';
import {
  ALL_ACCESS,
  licenseProblem,
  type AnnouncementConfig,
  type EntityRecordingSettings,
  type LocationRecordingSettings,
  type OrgRecordingSettings,
  type PromptSelections,
  type RecordableKind,
  type VendorInfo,
} from './recording-settings.model.js';

export interface EffectiveInput {
  readonly org: OrgRecordingSettings;
  /** null for an entity without a location. */
  readonly location: LocationRecordingSettings | null;
  readonly entity: EntityRecordingSettings;
  readonly kind: RecordableKind;
  readonly license: CallingLicense | null;
  readonly vendors: ReadonlyMap<string, VendorInfo>;
}

export interface EffectiveRecording {
  /** Whether calls of this entity are recorded at all (mode Never counts as no). */
  readonly recorded: boolean;
  /** Why not, when `recorded` is false; empty otherwise. */
  readonly reason: string;
  readonly mode: RecordMode;
  readonly vendor: VendorInfo;
  readonly vendorSource: 'org' | 'location';
  readonly failureBehavior: FailureBehavior;
  readonly storageRegion: string;
  readonly complianceAnnouncement: AnnouncementConfig;
  readonly complianceAnnouncementSource: 'org' | 'location';
  /** The start/stop/pause/resume/failure prompts: the location's own, else the org's. */
  readonly recordingAnnouncements: PromptSelections;
  readonly startStopAnnouncement: {
    readonly internalCallsEnabled: boolean;
    readonly pstnCallsEnabled: boolean;
  };
  readonly pauseResumeNotification: NotificationType;
  readonly repeatTone: { readonly enabled: boolean; readonly intervalSeconds: number };
  readonly transcriptEnabled: boolean;
  readonly access: AccessSettings;
  readonly recordVoicemail: boolean;
  /** Recorded here as well when the vendor is an external recorder: the location's, else the org's. */
  readonly dualRecording: boolean;
}

const UNKNOWN_VENDOR: VendorInfo = { id: '', name: 'unknown', builtIn: false, sipUri: null };

export function resolveEffectiveSettings(input: EffectiveInput): EffectiveRecording {
  const { org, location, entity } = input;
  const vendorId = location?.vendorId ?? org.vendorId;
  const known = input.vendors.get(vendorId);
  const vendor = known ?? { ...UNKNOWN_VENDOR, id: vendorId };
  // A location with its own flags may still play the organisation's announcement file.
  const own = location?.complianceAnnouncement ?? null;
  const orgFile = own?.useOrgLevelAnnouncement === true;
  const complianceAnnouncement = own
    ? orgFile
      ? {
          ...own,
          announcementType: org.complianceAnnouncement.announcementType,
          customFileName: org.complianceAnnouncement.customFileName,
        }
      : own
    : org.complianceAnnouncement;

  let reason = '';
  if (!org.enabled) reason = 'call recording is turned off for the organization';
  else if (!entity.enabled) reason = 'call recording is not enabled for this entity';
  else if (entity.record === 'Never') reason = 'the recording mode is Never';
  else if (!known) reason = 'the recording vendor no longer exists';
  else reason = licenseProblem(input.kind, input.license, vendor.builtIn) ?? '';

  return {
    recorded: reason === '',
    reason,
    mode: entity.record,
    vendor,
    vendorSource: location?.vendorId ? 'location' : 'org',
    failureBehavior: location?.failureBehavior ?? org.failureBehavior,
    storageRegion: location?.storageRegion ?? org.storageRegion,
    complianceAnnouncement,
    complianceAnnouncementSource: own && !orgFile ? 'location' : 'org',
    recordingAnnouncements: location?.recordingAnnouncements ?? org.recordingAnnouncements,
    startStopAnnouncement: entity.startStopAnnouncement,
    pauseResumeNotification: entity.notification.enabled ? entity.notification.type : 'None',
    repeatTone: { enabled: entity.repeat.enabled, intervalSeconds: entity.repeat.interval },
    transcriptEnabled: entity.transcriptEnabled ?? org.transcriptDefault,
    access: entity.access ?? ALL_ACCESS,
    recordVoicemail: entity.recordVoicemailEnabled,
    dualRecording: location?.dualRecording ?? org.dualRecording,
  };
}
