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
        'Callvault: the console sends it with enabled:false after its "I understand that turning off call recording removes this feature for all users" confirmation. Not needed (Webex takes {"enabled": false}); the audit event records whether it was given',
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
  loginUrl: Type.String({
    description:
      'empty: recordings of every vendor are played in Callvault, which has no vendor login page',
  }),
  loginDetails: Type.Array(Type.String()),
  termsOfServiceUrl: Type.String(),
  sipUri: Type.Union([Type.String(), Type.Null()]),
  builtIn: Type.Boolean(),
});
export type RecordingVendor = Static<typeof RecordingVendor>;

export const VENDOR_HEALTH_STATES = ['up', 'down', 'unknown'] as const;

/** An external recorder's health from the recorders' OPTIONS probes (docs/adr/0010). */
export const RecordingVendorHealth = Type.Object({
  state: literalUnion(VENDOR_HEALTH_STATES, {
    description:
      'up: the last probe got a final response below 500 other than 408; down: 408, 5xx, 6xx, no response or a URI that does not resolve; unknown: not probed yet (no recorder running, or just registered)',
  }),
  downSince: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'the first failed probe of the current outage; null unless down',
  }),
  lastError: Type.Union([Type.String(), Type.Null()], {
    description:
      'the last failure in words ("503 Service Unavailable", "no response"); null unless down',
  }),
  lastUpAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  checkedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'when a recorder last probed it',
  }),
});
export type RecordingVendorHealth = Static<typeof RecordingVendorHealth>;

export const METADATA_DIALECTS = ['rfc7865', 'broadworks'] as const;
export type MetadataDialect = (typeof METADATA_DIALECTS)[number];

/** A vendor of `/api/recording-vendors`: the Webex vendor object, its signalling and health. */
export const RecordingVendorWithHealth = Type.Composite([
  RecordingVendor,
  Type.Object({
    health: Type.Union([RecordingVendorHealth, Type.Null()], {
      description: "null for Callvault's built-in recorder",
    }),
    metadataDialect: Type.Union([literalUnion(METADATA_DIALECTS), Type.Null()], {
      description:
        'the recording metadata the recorder is sent: rfc7865 (RFC 7865 XML) or broadworks (the BroadWorks ns:siprec form); null for the built-in recorder',
    }),
    digest: Type.Union(
      [Type.Object({ username: Type.String(), realm: Type.String() }), Type.Null()],
      {
        description:
          'the digest credentials a 401/407 to the forwarded INVITE is answered with (the password is never returned); null: none',
      },
    ),
  }),
]);
export type RecordingVendorWithHealth = Static<typeof RecordingVendorWithHealth>;

export const RecordingVendorList = Type.Object({ items: Type.Array(RecordingVendorWithHealth) });
export type RecordingVendorList = Static<typeof RecordingVendorList>;

/** `GET /v1/telephony/config/callRecording/vendors` */
export const OrgVendors = Type.Object({
  vendorId: Type.String(),
  vendorName: Type.String(),
  vendors: Type.Array(RecordingVendor),
  storageRegion: Type.String(),
  failureBehavior: FailureBehaviorSchema,
  recordLocallyOnVendorFailureEnabled: Type.Boolean({
    description:
      'Callvault extension (no Webex field): a call forwarded to an external recorder is recorded here too and kept as a recording of its owners when the vendor refuses it, times out or stops answering. Default true',
  }),
  dualRecordingEnabled: Type.Boolean({
    description:
      'Callvault extension (no Webex field): calls forwarded to an external recorder are recorded here as well (dual recording, for migrations and local copies under legal hold). Default false; a location may override it',
  }),
});
export type OrgVendors = Static<typeof OrgVendors>;

export const OrgVendorUpdate = Type.Object({
  vendorId: Type.Optional(Type.String({ minLength: 1 })),
  storageRegion: Type.Optional(Type.String({ maxLength: 20 })),
  failureBehavior: Type.Optional(FailureBehaviorSchema),
  recordLocallyOnVendorFailureEnabled: Type.Optional(
    Type.Boolean({
      description:
        'Callvault extension (no Webex field): a call forwarded to an external recorder is recorded here too and kept as a recording of its owners when the vendor refuses it, times out or stops answering. Default true',
    }),
  ),
  dualRecordingEnabled: Type.Optional(
    Type.Boolean({
      description:
        'Callvault extension (no Webex field): calls forwarded to an external recorder are recorded here as well (dual recording, for migrations and local copies under legal hold). Default false; a location may override it',
    }),
  ),
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
  orgDualRecordingEnabled: Type.Boolean({
    description:
      'Callvault extension (no Webex field): true: the location follows the organisation’s dual recording',
  }),
  dualRecordingEnabled: Type.Boolean({
    description:
      'Callvault extension (no Webex field): calls of this location’s people forwarded to an external recorder are recorded here as well (the location’s own value, else the organisation’s)',
  }),
});
export type LocationVendors = Static<typeof LocationVendors>;

/**
 * `PUT /v1/telephony/config/locations/{id}/callRecording/vendor` with Webex's field names. The
 * Callvault names of earlier versions are still read; the read-only fields of the GET answer may
 * be sent back and are ignored; any other field is refused (400), so a body Callvault does not
 * understand never passes as a no-op.
 */
export const LocationVendorUpdate = Type.Object(
  {
    id: Type.Optional(Type.String({ minLength: 1, description: 'the location’s own vendor' })),
    orgDefaultEnabled: Type.Optional(
      Type.Boolean({ description: 'true: the location uses the organisation’s vendor' }),
    ),
    orgStorageRegionEnabled: Type.Optional(
      Type.Boolean({ description: 'true: the location uses the organisation’s storage region' }),
    ),
    storageRegion: Type.Optional(Type.String({ maxLength: 20 })),
    orgFailureBehaviorEnabled: Type.Optional(
      Type.Boolean({ description: 'true: the location uses the organisation’s failure behaviour' }),
    ),
    failureBehavior: Type.Optional(FailureBehaviorSchema),
    orgDualRecordingEnabled: Type.Optional(
      Type.Boolean({
        description:
          'Callvault extension: true: the location follows the organisation’s dual recording',
      }),
    ),
    dualRecordingEnabled: Type.Optional(
      Type.Boolean({
        description:
          'Callvault extension: the location’s own dual recording (record here as well as forward)',
      }),
    ),
    useOrgVendorId: Type.Optional(
      Type.Boolean({ description: 'Callvault name of orgDefaultEnabled' }),
    ),
    vendorId: Type.Optional(Type.String({ minLength: 1, description: 'Callvault name of id' })),
    useOrgStorageRegion: Type.Optional(
      Type.Boolean({ description: 'Callvault name of orgStorageRegionEnabled' }),
    ),
    useOrgFailureBehavior: Type.Optional(
      Type.Boolean({ description: 'Callvault name of orgFailureBehaviorEnabled' }),
    ),
    orgDefaultVendorId: Type.Optional(Type.Unknown({ description: 'read-only; ignored' })),
    orgDefaultVendorName: Type.Optional(Type.Unknown({ description: 'read-only; ignored' })),
    defaultVendorId: Type.Optional(Type.Unknown({ description: 'read-only; ignored' })),
    defaultVendorName: Type.Optional(Type.Unknown({ description: 'read-only; ignored' })),
    vendors: Type.Optional(Type.Unknown({ description: 'read-only; ignored' })),
    orgStorageRegion: Type.Optional(Type.Unknown({ description: 'read-only; ignored' })),
    orgFailureBehavior: Type.Optional(Type.Unknown({ description: 'read-only; ignored' })),
  },
  { additionalProperties: false },
);
export type LocationVendorUpdate = Static<typeof LocationVendorUpdate>;

/** A vendor PUT answers with the job that reports the change (Webex's 200 `{jobId}`). */
export const VendorJobId = Type.Object({ jobId: Type.String() });

/** `GET /v1/telephony/config/callRecording/regions` */
export const StorageRegions = Type.Object({
  regions: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      defaultEnabled: Type.Boolean(),
    }),
    {
      description:
        'Callvault keeps recordings in one store: one region describing it (the file store or the S3 bucket and its region)',
    },
  ),
});

/** `GET /v1/telephony/config/callRecording/vendors/{vendorId}/termsOfService` */
export const TermsOfService = Type.Object({
  vendorId: Type.String(),
  vendorName: Type.String(),
  termsOfServiceEnabled: Type.Boolean({
    description: 'the organisation accepted this vendor’s terms of service',
  }),
  termsOfServiceUrl: Type.String(),
});
export const TermsOfServiceUpdate = Type.Object({ termsOfServiceEnabled: Type.Boolean() });

export const MEMBER_TYPES = ['PEOPLE', 'PLACE', 'VIRTUAL_LINE'] as const;
export const USER_LICENSE_TYPES = [
  'BASIC_USER',
  'PROFESSIONAL_USER',
  'WORKSPACE',
  'PROFESSIONAL_WORKSPACE',
  'VIRTUAL_PROFILE',
] as const;

/** `GET …/callRecording/vendorUsers`: who has recording on with this vendor. */
export const VendorUsers = Type.Object({
  vendorId: Type.String(),
  members: Type.Array(
    Type.Object({
      id: Type.String(),
      firstName: Type.String(),
      lastName: Type.String(),
      type: literalUnion(MEMBER_TYPES),
      licenseType: literalUnion(USER_LICENSE_TYPES),
    }),
  ),
});
export const VendorUsersQuery = Type.Object({
  max: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000, default: 2000 })),
  start: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  standardUserOnly: Type.Optional(
    Type.Boolean({ description: 'only people with a Basic (standard) calling licence' }),
  ),
});

export const JOB_STATUSES = ['STARTING', 'STARTED', 'COMPLETED', 'FAILED'] as const;

const JobStep = Type.Object({
  id: Type.Integer(),
  startTime: Type.String(),
  endTime: Type.String(),
  lastUpdated: Type.String(),
  statusMessage: literalUnion(JOB_STATUSES),
  exitCode: Type.String(),
  name: Type.String(),
  timeElapsed: Type.String(),
});

/** A call-recording job (`GET /v1/telephony/config/jobs/callRecording/{jobId}`). */
export const CallRecordingJob = Type.Object({
  name: Type.String(),
  id: Type.String(),
  trackingId: Type.String(),
  sourceUserId: Type.String(),
  sourceCustomerId: Type.String(),
  targetCustomerId: Type.String(),
  instanceId: Type.Integer(),
  jobExecutionStatus: Type.Array(
    Type.Object({
      id: Type.Integer(),
      startTime: Type.String(),
      endTime: Type.String(),
      lastUpdated: Type.String(),
      statusMessage: literalUnion(JOB_STATUSES),
      exitCode: Type.String(),
      createdTime: Type.String(),
      timeElapsed: Type.String(),
      stepExecutionStatuses: Type.Array(JobStep),
    }),
  ),
  latestExecutionStatus: literalUnion(JOB_STATUSES),
  locationId: Type.Optional(Type.String({ description: 'set for a location’s vendor change' })),
  vendorId: Type.String(),
  counts: Type.Object({
    totalNumberOfLocations: Type.Integer(),
    totalNumberOfUsers: Type.Integer(),
    failedUsers: Type.Integer(),
    updatedUsers: Type.Integer(),
  }),
});
export type CallRecordingJob = Static<typeof CallRecordingJob>;

export const CallRecordingJobList = Type.Object({ items: Type.Array(CallRecordingJob) });

/** `GET …/jobs/callRecording/{jobId}/errors`: one item per user the new vendor cannot record. */
export const CallRecordingJobErrors = Type.Object({
  items: Type.Array(
    Type.Object({
      itemNumber: Type.Integer(),
      item: Type.String({ description: 'the user, workspace or virtual line' }),
      error: Type.Object({
        key: Type.String({ description: 'the HTTP status the change would have had alone' }),
        message: Type.Array(
          Type.Object({
            description: Type.String(),
            code: Type.String(),
            locationId: Type.String(),
          }),
        ),
      }),
      trackingId: Type.String(),
    }),
  ),
});

export const ANNOUNCEMENT_LEVELS = ['ORGANIZATION', 'LOCATION'] as const;

/** An uploaded announcement file as Webex presents it. */
export const AudioAnnouncementFile = Type.Object({
  id: Type.String(),
  fileName: Type.String(),
  mediaFileType: Type.Literal('WAV'),
  level: literalUnion(ANNOUNCEMENT_LEVELS),
  isTextToSpeech: Type.Boolean(),
});
export type AudioAnnouncementFile = Static<typeof AudioAnnouncementFile>;

const AnnouncementType = Type.Union([Type.Literal('DEFAULT'), Type.Literal('CUSTOM')]);

/** The prompts of `…/callRecording/announcements`, in Webex's order. */
export const RECORDING_PROMPTS = [
  'start',
  'stop',
  'pause',
  'resume',
  'failureProceedWithCall',
  'failureEndWithCall',
] as const;
export type RecordingPrompt = (typeof RECORDING_PROMPTS)[number];

const PromptSetting = Type.Object({
  type: AnnouncementType,
  audioAnnouncementFile: Type.Optional(AudioAnnouncementFile),
});
// File ids take null first: with type coercion on, a string branch first would read null as "".
const PromptSettingUpdate = Type.Object({
  type: Type.Optional(AnnouncementType),
  audioAnnouncementFileId: Type.Optional(Type.Union([Type.Null(), Type.String()])),
});

/** `GET /v1/telephony/config/callRecording/announcements` */
export const RecordingAnnouncements = Type.Object({
  start: PromptSetting,
  stop: PromptSetting,
  pause: PromptSetting,
  resume: PromptSetting,
  failureProceedWithCall: PromptSetting,
  failureEndWithCall: PromptSetting,
});
export type RecordingAnnouncements = Static<typeof RecordingAnnouncements>;
export const RecordingAnnouncementsUpdate = Type.Object({
  start: Type.Optional(PromptSettingUpdate),
  stop: Type.Optional(PromptSettingUpdate),
  pause: Type.Optional(PromptSettingUpdate),
  resume: Type.Optional(PromptSettingUpdate),
  failureProceedWithCall: Type.Optional(PromptSettingUpdate),
  failureEndWithCall: Type.Optional(PromptSettingUpdate),
});
export type RecordingAnnouncementsUpdate = Static<typeof RecordingAnnouncementsUpdate>;
export const LocationRecordingAnnouncements = Type.Composite([
  Type.Object({ useOrgLevelAnnouncementEnabled: Type.Boolean() }),
  RecordingAnnouncements,
]);
export const LocationRecordingAnnouncementsUpdate = Type.Composite([
  Type.Object({ useOrgLevelAnnouncementEnabled: Type.Optional(Type.Boolean()) }),
  RecordingAnnouncementsUpdate,
]);

export const ComplianceAnnouncement = Type.Object({
  inboundPSTNCallsEnabled: Type.Boolean(),
  outboundPSTNCallsEnabled: Type.Boolean(),
  outboundPSTNCallsDelayEnabled: Type.Boolean(),
  delayInSeconds: Type.Integer({ minimum: 1, maximum: 20 }),
  useCustomAnnouncementEnabled: Type.Boolean({
    description: 'the uploaded announcement file is played instead of the default one',
  }),
  audioAnnouncementFile: Type.Optional(AudioAnnouncementFile),
  announcementType: Type.Union([Type.Literal('DEFAULT'), Type.Literal('CUSTOM')], {
    description: 'Callvault name of useCustomAnnouncementEnabled',
  }),
  customAnnouncementFileName: Type.Union([Type.String(), Type.Null()]),
});
export type ComplianceAnnouncement = Static<typeof ComplianceAnnouncement>;

// The delay's range is a rule of its own (recording-settings-rules.ts): it holds only while the
// delay is on, so an update may carry any whole number while it is off.
const ComplianceAnnouncementFields = {
  inboundPSTNCallsEnabled: Type.Boolean(),
  outboundPSTNCallsEnabled: Type.Boolean(),
  outboundPSTNCallsDelayEnabled: Type.Boolean(),
  delayInSeconds: Type.Integer({
    description:
      '1–20 while outboundPSTNCallsEnabled and outboundPSTNCallsDelayEnabled are both on (else 400); while either is off the delay is not checked, and a value out of range is ignored (the stored delay is kept)',
  }),
  announcementType: Type.Union([Type.Literal('DEFAULT'), Type.Literal('CUSTOM')]),
};

export const ComplianceAnnouncementUpdate = Type.Partial(
  Type.Object({
    ...ComplianceAnnouncementFields,
    useCustomAnnouncementEnabled: Type.Boolean(),
    audioAnnouncementFileId: Type.Union([Type.Null(), Type.String()], {
      description: 'the id of the uploaded compliance announcement (it must be this level’s file)',
    }),
  }),
);
export type ComplianceAnnouncementUpdate = Static<typeof ComplianceAnnouncementUpdate>;

export const LocationComplianceAnnouncement = Type.Composite([
  Type.Object({
    useOrgSettingsEnabled: Type.Boolean(),
    useOrgLevelAnnouncementEnabled: Type.Boolean({
      description:
        'true: the organisation’s announcement (default or custom) is played; false: this location’s customComplianceAnnouncement',
    }),
    customComplianceAnnouncement: Type.Object({
      type: AnnouncementType,
      audioAnnouncementFile: Type.Optional(AudioAnnouncementFile),
    }),
  }),
  ComplianceAnnouncement,
]);
export type LocationComplianceAnnouncement = Static<typeof LocationComplianceAnnouncement>;
export const LocationComplianceAnnouncementUpdate = Type.Partial(
  Type.Object({
    useOrgSettingsEnabled: Type.Boolean(),
    ...ComplianceAnnouncementFields,
    useOrgLevelAnnouncementEnabled: Type.Boolean(),
    customComplianceAnnouncement: Type.Object({
      type: Type.Optional(AnnouncementType),
      audioAnnouncementFileId: Type.Optional(Type.Union([Type.Null(), Type.String()])),
    }),
  }),
);
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
    pauseResumeNotifyMethod: Type.Optional(
      Type.Union([Type.Literal('Beep'), Type.Literal('Play Announcement')], {
        description:
          'absent when the pause/resume notification is off (Webex’s values are Beep and Play Announcement only)',
      }),
    ),
    announcementEnabled: Type.Boolean({
      description: 'a start/stop announcement is played on internal or PSTN calls',
    }),
    warningToneEnabled: Type.Boolean({ description: 'the repeating recording tone' }),
    warningToneDuration: Type.Integer({ description: 'its interval in seconds (10–1800)' }),
  }),
  EntityCallRecording,
]);
export type MyCallRecording = Static<typeof MyCallRecording>;

// The schema fixes the shape (an unknown `record` value is refused here); the limits are the
// rules of recording-settings-rules.ts, which the service applies and the console's form too.
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
      interval: Type.Optional(
        Type.Integer({
          description:
            'seconds, 10–1800 while recording and the repeat tone are both on (else 400); while either is off it is not checked, and a value out of range is ignored (the stored interval is kept)',
        }),
      ),
      enabled: Type.Optional(Type.Boolean()),
    }),
  ),
  transcriptEnabled: Type.Optional(Type.Boolean()),
  callRecordingAccessSettings: Type.Optional(Type.Partial(AccessSettings)),
});
export type EntityCallRecordingUpdate = Static<typeof EntityCallRecordingUpdate>;

export const RecordingVendorCreate = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 80 }),
  sipUri: Type.String({
    pattern: '^sips?:[^\\s]+$',
    maxLength: 300,
    description: 'where forwarded sessions go; `;transport=tls` (or sips:) for SIP over TLS',
  }),
  description: Type.Optional(Type.String({ maxLength: 500 })),
  metadataDialect: Type.Optional(
    literalUnion(METADATA_DIALECTS, {
      description: 'the recording metadata the recorder reads (default rfc7865)',
    }),
  ),
  digest: Type.Optional(
    Type.Object(
      {
        username: Type.String({ minLength: 1, maxLength: 120 }),
        realm: Type.String({ minLength: 1, maxLength: 200 }),
        password: Type.String({ minLength: 1, maxLength: 200, writeOnly: true }),
      },
      {
        description:
          "the recorder's digest credentials (RFC 3261 §22.2) for the realm it challenges with; only H(A1) is stored, so the realm must be the one in the recorder's challenge",
      },
    ),
  ),
});
export type RecordingVendorCreate = Static<typeof RecordingVendorCreate>;

export const MediaLatching = Type.Union([Type.Literal('signalled'), Type.Literal('first-source')], {
  description:
    'Which RTP senders the trunk\'s streams take media from: "signalled" = the SDP c= address only; "first-source" = also the first sender of any address within 5 s of the offer (an SRC behind NAT). Either way one sender at a time, and a re-offer or an SSRC change may move the latch to a new sender.',
});
export type MediaLatching = Static<typeof MediaLatching>;

const Sha256Fingerprint = Type.String({
  pattern: '^[0-9A-Fa-f]{2}(:?[0-9A-Fa-f]{2}){31}$',
  description: 'SHA-256 of the certificate (DER), 64 hex digits, colons optional',
});

export const TrunkCaCertificate = Type.Object({
  subject: Type.String(),
  fingerprint: Type.String(),
  notAfter: Type.String(),
});
export type TrunkCaCertificate = Static<typeof TrunkCaCertificate>;

export const TrunkClientCertificate = Type.Object(
  {
    caBundle: Type.Union([Type.String(), Type.Null()], {
      description: 'PEM CA certificates the SBC certificate must chain to; null = none',
    }),
    caCertificates: Type.Array(TrunkCaCertificate, {
      description: 'The certificates of caBundle, read from it (read-only)',
    }),
    fingerprints: Type.Array(Type.String(), {
      description: 'Pinned SHA-256 fingerprints (upper-case, colon-separated); empty = any',
    }),
    subjects: Type.Array(Type.String(), {
      description:
        'Expected subject: a DNS, URI or IP subjectAltName, or the CN when the certificate has no subjectAltName; empty = any',
    }),
  },
  {
    description:
      'Mutual TLS: the SBC must present a client certificate that chains to caBundle and/or has a pinned fingerprint (both when both are set), valid now, with one of the subjects when listed. Such a trunk is used only over TLS, chosen by the certificate; null = no client certificate (the trunk is chosen by source address on every transport).',
  },
);
export type TrunkClientCertificate = Static<typeof TrunkClientCertificate>;

export const TrunkClientCertificateInput = Type.Object({
  caBundle: Type.Optional(Type.Union([Type.String({ maxLength: 200_000 }), Type.Null()])),
  fingerprints: Type.Optional(Type.Array(Sha256Fingerprint, { maxItems: 20 })),
  subjects: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 20 }),
  ),
});
export type TrunkClientCertificateInput = Static<typeof TrunkClientCertificateInput>;

export const SiprecUri = Type.Object({
  transport: Type.Union([Type.Literal('udp'), Type.Literal('tcp'), Type.Literal('tls')]),
  uri: Type.String(),
});
export type SiprecUri = Static<typeof SiprecUri>;

/**
 * The person, workspace or virtual line a trunk's calls belong to when nothing in the call names
 * anyone Callvault knows (no metadata, or parties that match no entity).
 */
export const TrunkDefaultOwner = Type.Object(
  {
    type: Type.Union([
      Type.Literal('person'),
      Type.Literal('workspace'),
      Type.Literal('virtualLine'),
    ]),
    id: Type.String({ minLength: 1, maxLength: 200 }),
  },
  {
    description:
      'who owns a call on this trunk whose metadata (or, without metadata, whose From and To) matches no person, workspace or virtual line; null = such a call is kept as an unattributed recording',
  },
);
export type TrunkDefaultOwner = Static<typeof TrunkDefaultOwner>;

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
  clientCertificate: Type.Union([TrunkClientCertificate, Type.Null()]),
  defaultOwner: Type.Union([TrunkDefaultOwner, Type.Null()]),
  created: Type.String(),
});
export type RecordingTrunk = Static<typeof RecordingTrunk>;

export const RecordingTrunkList = Type.Object({
  items: Type.Array(RecordingTrunk),
  siprecUris: Type.Array(SiprecUri, {
    description:
      'Where an SBC sends SIPREC to this recorder: sip: over UDP and TCP, sips: (and sip:;transport=tls) over TLS',
  }),
});
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
  /** Mutual TLS; null (the default) = no client certificate required. */
  clientCertificate: Type.Optional(Type.Union([TrunkClientCertificateInput, Type.Null()])),
  /** Null (the default) = calls matching nobody are kept unattributed. */
  defaultOwner: Type.Optional(Type.Union([TrunkDefaultOwner, Type.Null()])),
});
export type RecordingTrunkCreate = Static<typeof RecordingTrunkCreate>;
export const RecordingTrunkUpdate = Type.Partial(RecordingTrunkCreate);
export type RecordingTrunkUpdate = Static<typeof RecordingTrunkUpdate>;

/** A call leg is a conversation, or a caller leaving a message in the recorded party's mailbox. */
const recordingLegType = (description: string) =>
  Type.Union([Type.Literal('call'), Type.Literal('voicemail')], { description });

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
  legType: Type.Optional(
    recordingLegType(
      'voicemail: the leg deposits a message in the recorded party’s mailbox; it is recorded only when that entity’s recordVoicemailEnabled is on. Default call.',
    ),
  ),
});
export type RecordingDecisionRequest = Static<typeof RecordingDecisionRequest>;

export const RecordingDecision = Type.Object({
  record: Type.Boolean(),
  recordingType: recordingLegType(
    'what the recording is catalogued as: a call, or a message left in the mailbox (voicemail)',
  ),
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
