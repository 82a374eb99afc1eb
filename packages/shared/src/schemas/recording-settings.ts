// Call-recording settings with Webex's paths, field names, enum strings and defaults (SPEC §3).
import { Type, type Static } from '@sinclair/typebox';
import {
  FAILURE_BEHAVIORS,
  NOTIFICATION_TYPES,
  PAUSE_BEHAVIOURS,
  RECORD_MODES,
} from '../recording-modes.js';
import { literalUnion } from './literal-union.js';

export const RecordModeSchema = literalUnion(RECORD_MODES);
export const FailureBehaviorSchema = literalUnion(FAILURE_BEHAVIORS);

const DtmfCode = Type.String({
  pattern: '^[0-9*#]{2,8}$',
  description: '2 to 8 of the keys 0-9, * and #',
});

/** DTMF feature codes the recorded party types to control a live recording (SPEC §4). */
export const DtmfFeatureCodes = Type.Object({
  start: DtmfCode,
  stop: DtmfCode,
  pause: DtmfCode,
  resume: DtmfCode,
});
export type DtmfFeatureCodes = Static<typeof DtmfFeatureCodes>;

/** `GET /v1/telephony/config/callRecording` */
export const OrgCallRecording = Type.Object({
  organization: Type.Object({ id: Type.String(), name: Type.String() }),
  enabled: Type.Boolean(),
  vendorId: Type.String(),
  vendorName: Type.String(),
  termsOfServiceUrl: Type.String(),
  retentionDays: Type.Integer({ description: 'read-only here; recordings are purged after it' }),
  quotaBytes: Type.Integer({ description: 'read-only here; storage quota of the org' }),
  transcriptEnabled: Type.Boolean({ description: 'org default for entities that have not set it' }),
  /** Callvault: a paused stretch is cut out (default) or kept as silence. */
  pauseBehaviour: literalUnion(PAUSE_BEHAVIOURS),
  dtmfFeatureCodes: DtmfFeatureCodes,
});
export type OrgCallRecording = Static<typeof OrgCallRecording>;

export const OrgCallRecordingUpdate = Type.Object({
  enabled: Type.Optional(Type.Boolean()),
  acknowledgeDisable: Type.Optional(
    Type.Boolean({
      description:
        'Required with enabled:false: "I understand that turning off call recording removes this feature for all users"',
    }),
  ),
  transcriptEnabled: Type.Optional(Type.Boolean()),
  pauseBehaviour: Type.Optional(literalUnion(PAUSE_BEHAVIOURS)),
  dtmfFeatureCodes: Type.Optional(Type.Partial(DtmfFeatureCodes)),
});
export type OrgCallRecordingUpdate = Static<typeof OrgCallRecordingUpdate>;

export const RecordingVendor = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  migrateUserCreationEnabled: Type.Boolean(),
  loginDetails: Type.Array(Type.String()),
  termsOfServiceUrl: Type.String(),
  sipUri: Type.Union([Type.String(), Type.Null()]),
  builtIn: Type.Boolean(),
});
export type RecordingVendor = Static<typeof RecordingVendor>;

export const RecordingVendorList = Type.Object({ items: Type.Array(RecordingVendor) });
export type RecordingVendorList = Static<typeof RecordingVendorList>;

/** `GET /v1/telephony/config/callRecording/vendors` */
export const OrgVendors = Type.Object({
  vendorId: Type.String(),
  vendorName: Type.String(),
  vendors: Type.Array(RecordingVendor),
  storageRegion: Type.String(),
  failureBehavior: FailureBehaviorSchema,
});
export type OrgVendors = Static<typeof OrgVendors>;

export const OrgVendorUpdate = Type.Object({
  vendorId: Type.Optional(Type.String({ minLength: 1 })),
  storageRegion: Type.Optional(Type.String({ maxLength: 20 })),
  failureBehavior: Type.Optional(FailureBehaviorSchema),
});
export type OrgVendorUpdate = Static<typeof OrgVendorUpdate>;

/** `GET /v1/telephony/config/locations/{id}/callRecording/vendors` */
export const LocationVendors = Type.Object({
  orgDefaultEnabled: Type.Boolean(),
  orgDefaultVendorId: Type.String(),
  orgDefaultVendorName: Type.String(),
  defaultVendorId: Type.String(),
  defaultVendorName: Type.String(),
  vendors: Type.Array(RecordingVendor),
  orgStorageRegionEnabled: Type.Boolean(),
  orgStorageRegion: Type.String(),
  storageRegion: Type.String(),
  orgFailureBehaviorEnabled: Type.Boolean(),
  orgFailureBehavior: FailureBehaviorSchema,
  failureBehavior: FailureBehaviorSchema,
});
export type LocationVendors = Static<typeof LocationVendors>;

export const LocationVendorUpdate = Type.Object({
  useOrgVendorId: Type.Optional(Type.Boolean()),
  vendorId: Type.Optional(Type.String({ minLength: 1 })),
  useOrgStorageRegion: Type.Optional(Type.Boolean()),
  storageRegion: Type.Optional(Type.String({ maxLength: 20 })),
  useOrgFailureBehavior: Type.Optional(Type.Boolean()),
  failureBehavior: Type.Optional(FailureBehaviorSchema),
});
export type LocationVendorUpdate = Static<typeof LocationVendorUpdate>;

export const ComplianceAnnouncement = Type.Object({
  inboundPSTNCallsEnabled: Type.Boolean(),
  outboundPSTNCallsEnabled: Type.Boolean(),
  outboundPSTNCallsDelayEnabled: Type.Boolean(),
  delayInSeconds: Type.Integer({ minimum: 1, maximum: 20 }),
  announcementType: Type.Union([Type.Literal('DEFAULT'), Type.Literal('CUSTOM')]),
  customAnnouncementFileName: Type.Union([Type.String(), Type.Null()]),
});
export type ComplianceAnnouncement = Static<typeof ComplianceAnnouncement>;

export const ComplianceAnnouncementUpdate = Type.Partial(
  Type.Object({
    inboundPSTNCallsEnabled: Type.Boolean(),
    outboundPSTNCallsEnabled: Type.Boolean(),
    outboundPSTNCallsDelayEnabled: Type.Boolean(),
    delayInSeconds: Type.Integer({ minimum: 1, maximum: 20 }),
    announcementType: Type.Union([Type.Literal('DEFAULT'), Type.Literal('CUSTOM')]),
  }),
);
export type ComplianceAnnouncementUpdate = Static<typeof ComplianceAnnouncementUpdate>;

export const LocationComplianceAnnouncement = Type.Composite([
  Type.Object({ useOrgSettingsEnabled: Type.Boolean() }),
  ComplianceAnnouncement,
]);
export type LocationComplianceAnnouncement = Static<typeof LocationComplianceAnnouncement>;
export const LocationComplianceAnnouncementUpdate = Type.Composite([
  Type.Object({ useOrgSettingsEnabled: Type.Optional(Type.Boolean()) }),
  ComplianceAnnouncementUpdate,
]);
export type LocationComplianceAnnouncementUpdate = Static<
  typeof LocationComplianceAnnouncementUpdate
>;

/** `POST /api/announcements/custom`: the uploaded compliance announcement. */
export const UploadedAnnouncement = Type.Object({
  id: Type.String(),
  fileName: Type.String(),
  durationMs: Type.Integer(),
});
export type UploadedAnnouncement = Static<typeof UploadedAnnouncement>;

export const AccessSettings = Type.Object({
  viewAndPlayRecordingsEnabled: Type.Boolean(),
  downloadRecordingsEnabled: Type.Boolean(),
  deleteRecordingsEnabled: Type.Boolean(),
  shareRecordingsEnabled: Type.Boolean(),
});
export type AccessSettings = Static<typeof AccessSettings>;

/** Person / workspace / virtual line `callRecording` (SPEC §3.3). */
export const EntityCallRecording = Type.Object({
  enabled: Type.Boolean(),
  record: RecordModeSchema,
  recordVoicemailEnabled: Type.Boolean(),
  startStopAnnouncementEnabled: Type.Boolean({ description: 'legacy: both start/stop flags' }),
  startStopAnnouncement: Type.Object({
    internalCallsEnabled: Type.Boolean(),
    pstnCallsEnabled: Type.Boolean(),
  }),
  notification: Type.Object({ type: literalUnion(NOTIFICATION_TYPES), enabled: Type.Boolean() }),
  repeat: Type.Object({ interval: Type.Integer(), enabled: Type.Boolean() }),
  transcriptEnabled: Type.Boolean({ description: 'the org default until set' }),
  callRecordingAccessSettings: AccessSettings,
  serviceProvider: Type.String(),
  externalGroup: Type.String(),
  externalIdentifier: Type.String(),
});
export type EntityCallRecording = Static<typeof EntityCallRecording>;

/**
 * `GET /v1/telephony/config/people/me/settings/callRecording`: Webex's "my call recording
 * settings" fields, followed by the admin view of the same settings (Callvault extras).
 */
export const MyCallRecording = Type.Composite([
  Type.Object({
    vendor: Type.Object(
      {
        id: Type.String(),
        name: Type.String(),
        loginUrl: Type.String({
          description: 'empty: Callvault vendors have no login page of their own (as Webex)',
        }),
      },
      { description: 'the recording vendor that applies to you (your location’s or the org’s)' },
    ),
    recordingMode: RecordModeSchema,
    /** None when the pause/resume notification is off. */
    pauseResumeNotifyMethod: literalUnion(NOTIFICATION_TYPES),
    announcementEnabled: Type.Boolean({
      description: 'a start/stop announcement is played on internal or PSTN calls',
    }),
    warningToneEnabled: Type.Boolean({ description: 'the repeating recording tone' }),
    warningToneDuration: Type.Integer({ description: 'its interval in seconds (10–1800)' }),
  }),
  EntityCallRecording,
]);
export type MyCallRecording = Static<typeof MyCallRecording>;

// Validation limits are enforced in the service so the error text can explain them; the schema
// only fixes the shape (an unknown `record` value is still refused here).
export const EntityCallRecordingUpdate = Type.Object({
  enabled: Type.Optional(Type.Boolean()),
  record: Type.Optional(RecordModeSchema),
  recordVoicemailEnabled: Type.Optional(Type.Boolean()),
  startStopAnnouncementEnabled: Type.Optional(Type.Boolean()),
  startStopAnnouncement: Type.Optional(
    Type.Object({
      internalCallsEnabled: Type.Optional(Type.Boolean()),
      pstnCallsEnabled: Type.Optional(Type.Boolean()),
    }),
  ),
  notification: Type.Optional(
    Type.Object({
      type: Type.Optional(
        Type.Union([literalUnion(NOTIFICATION_TYPES), Type.Null()], {
          description:
            'Beep or Play Announcement. null, what Webex clients send after reading "None", is the same as leaving type out. "None" turns the notification off; with enabled: true it is refused',
        }),
      ),
      enabled: Type.Optional(Type.Boolean()),
    }),
  ),
  repeat: Type.Optional(
    Type.Object({
      interval: Type.Optional(Type.Integer()),
      enabled: Type.Optional(Type.Boolean()),
    }),
  ),
  transcriptEnabled: Type.Optional(Type.Boolean()),
  callRecordingAccessSettings: Type.Optional(Type.Partial(AccessSettings)),
});
export type EntityCallRecordingUpdate = Static<typeof EntityCallRecordingUpdate>;

export const RecordingVendorCreate = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 80 }),
  sipUri: Type.String({ pattern: '^sips?:[^\\s]+$', maxLength: 300 }),
  description: Type.Optional(Type.String({ maxLength: 500 })),
});
export type RecordingVendorCreate = Static<typeof RecordingVendorCreate>;

export const MediaLatching = Type.Union([Type.Literal('signalled'), Type.Literal('first-source')], {
  description:
    'Which RTP senders the trunk\'s streams take media from: "signalled" = the SDP c= address only; "first-source" = also the first sender of any address within 5 s of the offer (an SRC behind NAT). Either way one sender at a time, and a re-offer or an SSRC change may move the latch to a new sender.',
});
export type MediaLatching = Static<typeof MediaLatching>;

export const RecordingTrunk = Type.Object({
  id: Type.String(),
  name: Type.String(),
  allowedSources: Type.Array(Type.String()),
  digest: Type.Union([Type.Object({ username: Type.String(), realm: Type.String() }), Type.Null()]),
  enabled: Type.Boolean(),
  country: Type.Union([Type.String(), Type.Null()], {
    description:
      'ISO 3166-1 alpha-2 country whose dial plan the SBC uses for national numbers; null = the countries of the org locations (address.country)',
  }),
  ownDomains: Type.Array(Type.String(), {
    description:
      'SIP domains/hosts whose user parts are extensions of this org ("*" = any host, "*.example.com" = subdomains); numbers and SIP addresses match on any host',
  }),
  mediaLatching: MediaLatching,
  created: Type.String(),
});
export type RecordingTrunk = Static<typeof RecordingTrunk>;

export const RecordingTrunkList = Type.Object({ items: Type.Array(RecordingTrunk) });
export type RecordingTrunkList = Static<typeof RecordingTrunkList>;

export const RecordingTrunkCreate = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 80 }),
  allowedSources: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 50 }),
  digest: Type.Optional(
    Type.Union([
      Type.Object({
        username: Type.String({ minLength: 1, maxLength: 100 }),
        realm: Type.String({ minLength: 1, maxLength: 100 }),
        password: Type.String({ minLength: 8, maxLength: 200, writeOnly: true }),
      }),
      Type.Null(),
    ]),
  ),
  enabled: Type.Optional(Type.Boolean()),
  country: Type.Optional(
    Type.Union([Type.String({ pattern: '^[A-Za-z]{2}$' }), Type.Null()], {
      description: 'ISO 3166-1 alpha-2 dial-plan country, or null for the location countries',
    }),
  ),
  ownDomains: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 50 }),
  ),
  /** Default first-source. */
  mediaLatching: Type.Optional(MediaLatching),
});
export type RecordingTrunkCreate = Static<typeof RecordingTrunkCreate>;
export const RecordingTrunkUpdate = Type.Partial(RecordingTrunkCreate);
export type RecordingTrunkUpdate = Static<typeof RecordingTrunkUpdate>;

const PartyRef = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 200 })),
  email: Type.Optional(Type.String({ maxLength: 320 })),
  extension: Type.Optional(Type.String({ maxLength: 20 })),
  number: Type.Optional(Type.String({ maxLength: 32 })),
});
export type PartyRef = Static<typeof PartyRef>;

export const RecordingDecisionRequest = Type.Object({
  callId: Type.String({ minLength: 1, maxLength: 200 }),
  callSessionId: Type.String({ minLength: 1, maxLength: 200 }),
  direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound')]),
  callType: Type.Union([Type.Literal('pstn'), Type.Literal('internal')]),
  recordedParty: PartyRef,
  otherParty: Type.Optional(PartyRef),
  answeringEntity: Type.Optional(PartyRef),
});
export type RecordingDecisionRequest = Static<typeof RecordingDecisionRequest>;

export const RecordingDecision = Type.Object({
  record: Type.Boolean(),
  mode: RecordModeSchema,
  target: Type.Union([
    Type.Object({
      type: Type.Union([Type.Literal('builtin'), Type.Literal('external')]),
      sipUri: Type.String(),
    }),
    Type.Null(),
  ]),
  complianceAnnouncement: Type.Object({
    play: Type.Boolean(),
    language: Type.String(),
    url: Type.Union([Type.String(), Type.Null()]),
    delaySeconds: Type.Integer(),
  }),
  startStopAnnouncement: Type.Object({
    play: Type.Boolean(),
    url: Type.Union([Type.String(), Type.Null()]),
  }),
  pauseResumeNotification: Type.Object({ type: literalUnion(NOTIFICATION_TYPES) }),
  repeatTone: Type.Object({ enabled: Type.Boolean(), intervalSeconds: Type.Integer() }),
  failureBehavior: FailureBehaviorSchema,
  reason: Type.String(),
});
export type RecordingDecision = Static<typeof RecordingDecision>;
