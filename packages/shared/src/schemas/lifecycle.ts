// The recordings lifecycle (SPEC §6): legal holds, the retention and quota policy,
// usage with its notification level, and Webex-style webhooks for converged recordings.
import { Type, type Static } from '@sinclair/typebox';
import { literalUnion } from './literal-union.js';

// Legal holds ------------------------------------------------------------------------------------

export const LEGAL_HOLD_SCOPES = ['recording', 'owner', 'org'] as const;
export type LegalHoldScope = (typeof LEGAL_HOLD_SCOPES)[number];
export const LEGAL_HOLD_STATUSES = ['active', 'released'] as const;
export type LegalHoldStatus = (typeof LEGAL_HOLD_STATUSES)[number];

export const LegalHoldCreate = Type.Object(
  {
    scope: literalUnion(LEGAL_HOLD_SCOPES),
    /** scope `recording`: the held recording. */
    recordingId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    /** scope `owner`: a person, workspace or virtual line; all their recordings are held. */
    ownerId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    reason: Type.String({ minLength: 1, maxLength: 1000 }),
  },
  { additionalProperties: false },
);
export type LegalHoldCreate = Static<typeof LegalHoldCreate>;

export const LegalHoldRelease = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);
export type LegalHoldRelease = Static<typeof LegalHoldRelease>;

export const LegalHold = Type.Object({
  id: Type.String(),
  orgId: Type.String(),
  scope: literalUnion(LEGAL_HOLD_SCOPES),
  recordingId: Type.Union([Type.String(), Type.Null()]),
  ownerId: Type.Union([Type.String(), Type.Null()]),
  ownerType: Type.Union([Type.String(), Type.Null()]),
  ownerName: Type.Union([Type.String(), Type.Null()], {
    description:
      'the held owner’s display name now; null for a recording or org hold, or once the owner was deleted',
  }),
  reason: Type.String(),
  status: literalUnion(LEGAL_HOLD_STATUSES),
  createdBy: Type.String(),
  created: Type.String(),
  releasedBy: Type.Union([Type.String(), Type.Null()]),
  released: Type.Union([Type.String(), Type.Null()]),
  releaseReason: Type.Union([Type.String(), Type.Null()]),
});
export type LegalHold = Static<typeof LegalHold>;

export const LegalHoldQuery = Type.Object({
  status: Type.Optional(literalUnion(['active', 'released', 'all'] as const)),
  orgId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});
export type LegalHoldQuery = Static<typeof LegalHoldQuery>;

export const LegalHoldList = Type.Object({ items: Type.Array(LegalHold) });

// Retention and quota ----------------------------------------------------------------------------

export const MIN_RETENTION_DAYS = 1;
export const MAX_RETENTION_DAYS = 3650;
/** A quota below 1 MiB could not hold one call. */
export const MIN_QUOTA_BYTES = 1_048_576;
/** 1 PiB: far above any one org, and exact as a JavaScript number. */
export const MAX_QUOTA_BYTES = 1_125_899_906_842_624;
/** Usage notifications fire when usage crosses these percentages upward. */
export const QUOTA_THRESHOLDS = [80, 90, 100] as const;

export const RecordingPolicy = Type.Object({
  retentionDays: Type.Integer(),
  quotaBytes: Type.Integer(),
});
export type RecordingPolicy = Static<typeof RecordingPolicy>;

export const RecordingPolicyUpdate = Type.Object(
  {
    retentionDays: Type.Optional(
      Type.Integer({ minimum: MIN_RETENTION_DAYS, maximum: MAX_RETENTION_DAYS }),
    ),
    quotaBytes: Type.Optional(Type.Integer({ minimum: MIN_QUOTA_BYTES, maximum: MAX_QUOTA_BYTES })),
  },
  { additionalProperties: false },
);
export type RecordingPolicyUpdate = Static<typeof RecordingPolicyUpdate>;

export const Usage = Type.Object({
  bytesUsed: Type.Integer({ description: 'bytes of stored audio, exact' }),
  quotaBytes: Type.Integer(),
  recordings: Type.Integer({ description: 'recordings not purged' }),
  percent: Type.Number({ description: 'bytesUsed / quotaBytes × 100, two decimals' }),
  level: Type.Integer({
    description: 'highest threshold reached: 0, 80, 90 or 100 (the console shows a banner)',
  }),
  overQuota: Type.Boolean({ description: 'usage is at or above the quota' }),
});
export type Usage = Static<typeof Usage>;

// Webhooks ---------------------------------------------------------------------------------------

/**
 * Callvault's own resources: `storageQuota`, usage crossing 80/90/100 %; `recordingAccess`, a
 * person given (`created`) or losing (`deleted`) a role that opens recordings (compliance officer).
 */
export const WEBHOOK_RESOURCES = [
  'convergedRecordings',
  'storageQuota',
  'recordingAccess',
] as const;
export type WebhookResource = (typeof WEBHOOK_RESOURCES)[number];
export const WEBHOOK_EVENTS = ['created', 'updated', 'deleted', 'all'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export const WEBHOOK_STATUSES = ['active', 'inactive'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];
export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'skipped'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];
/** Webex's `ownedBy`: `org` for org-wide webhooks, `creator` for the creator's own resources. */
export const WEBHOOK_OWNERS = ['org', 'creator'] as const;
export type WebhookOwner = (typeof WEBHOOK_OWNERS)[number];
/**
 * Webex's sub-types of a `convergedRecordings` `updated` event: moved to the recycle bin,
 * restored from it, purged (webex-js-sdk's recording events carry them as `eventSubType`).
 */
export const RECORDING_EVENT_SUB_TYPES = ['TRASH', 'RESTORE', 'PURGE'] as const;
export type RecordingEventSubType = (typeof RECORDING_EVENT_SUB_TYPES)[number];

const TargetUrl = Type.String({ minLength: 1, maxLength: 2000, description: 'http(s) URL' });

export const WebhookCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    targetUrl: TargetUrl,
    resource: literalUnion(WEBHOOK_RESOURCES),
    event: literalUnion(WEBHOOK_EVENTS),
    filter: Type.Optional(
      Type.String({
        maxLength: 1000,
        description: 'key=value pairs joined by &: ownerId, ownerEmail, ownerType, locationId',
      }),
    ),
    secret: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    ownedBy: Type.Optional(
      literalUnion(WEBHOOK_OWNERS, {
        description:
          'org: every recording of the org (administrators; compliance officers for convergedRecordings); creator: your own recordings only. Default: org for those who may, else creator',
      }),
    ),
  },
  { additionalProperties: false },
);
export type WebhookCreate = Static<typeof WebhookCreate>;

/**
 * Webex: "All other fields, if supplied, are ignored", so the body of a GET can be sent back as it
 * is (resource, event, filter and the read-only fields are not changed by a PUT).
 */
export const WebhookUpdate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    targetUrl: TargetUrl,
    secret: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    ownedBy: Type.Optional(literalUnion(WEBHOOK_OWNERS)),
    status: Type.Optional(literalUnion(WEBHOOK_STATUSES)),
  },
  { description: 'other fields are ignored' },
);
export type WebhookUpdate = Static<typeof WebhookUpdate>;

export const WebhookLastDelivery = Type.Object({
  status: literalUnion(WEBHOOK_DELIVERY_STATUSES),
  code: Type.Union([Type.Integer(), Type.Null()]),
  at: Type.Union([Type.String(), Type.Null()]),
  attempts: Type.Integer(),
});

export const Webhook = Type.Object({
  id: Type.String(),
  name: Type.String(),
  targetUrl: Type.String(),
  resource: literalUnion(WEBHOOK_RESOURCES),
  event: literalUnion(WEBHOOK_EVENTS),
  filter: Type.Optional(Type.String()),
  secret: Type.Optional(Type.String({ description: 'shown to those who may manage webhooks' })),
  orgId: Type.String(),
  createdBy: Type.String(),
  appId: Type.String(),
  ownedBy: literalUnion(WEBHOOK_OWNERS),
  status: literalUnion(WEBHOOK_STATUSES),
  created: Type.String(),
  lastDelivery: Type.Optional(WebhookLastDelivery),
});
export type Webhook = Static<typeof Webhook>;

export const WebhookList = Type.Object({ items: Type.Array(Webhook) });

export const WebhookDelivery = Type.Object({
  id: Type.String(),
  webhookId: Type.String(),
  resource: literalUnion(WEBHOOK_RESOURCES),
  event: Type.String(),
  eventSubType: Type.Union([literalUnion(RECORDING_EVENT_SUB_TYPES), Type.Null()]),
  dataId: Type.Union([Type.String(), Type.Null()]),
  status: literalUnion(WEBHOOK_DELIVERY_STATUSES),
  attempts: Type.Integer(),
  code: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  created: Type.String(),
  lastAttempt: Type.Union([Type.String(), Type.Null()]),
  delivered: Type.Union([Type.String(), Type.Null()]),
});
export type WebhookDelivery = Static<typeof WebhookDelivery>;

export const WebhookDeliveryList = Type.Object({ items: Type.Array(WebhookDelivery) });

// Usage breakdown, history and notices; retention preview ------------------------------------

const UsageGroup = {
  bytes: Type.Integer({
    description:
      'bytes of the distinct audio the group’s recordings hold; audio shared by recordings in several groups counts in each',
  }),
  recordings: Type.Integer({ description: 'recordings not purged' }),
};

export const UsageBreakdown = Type.Object({
  byLocation: Type.Array(
    Type.Object({
      locationId: Type.Union([Type.String(), Type.Null()], {
        description: 'null: recordings of no location (unattributed, imports)',
      }),
      locationName: Type.Union([Type.String(), Type.Null()]),
      ...UsageGroup,
    }),
  ),
  byOwnerType: Type.Array(Type.Object({ ownerType: Type.String(), ...UsageGroup })),
});
export type UsageBreakdown = Static<typeof UsageBreakdown>;

export const USAGE_HISTORY_MAX_DAYS = 366;

export const UsageHistoryQuery = Type.Object({
  days: Type.Optional(
    Type.Integer({ minimum: 1, maximum: USAGE_HISTORY_MAX_DAYS, description: 'default 90' }),
  ),
  orgId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});

export const UsageHistory = Type.Object({
  quotaBytes: Type.Integer(),
  days: Type.Array(
    Type.Object({
      day: Type.String({ description: 'UTC date, YYYY-MM-DD, oldest first' }),
      bytesUsed: Type.Union([Type.Integer(), Type.Null()], {
        description: 'bytes stored at the end of the day (now for today); null before any record',
      }),
      recordings: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
});
export type UsageHistory = Static<typeof UsageHistory>;

export const QuotaNotificationRecipient = Type.Object({
  webhookId: Type.String(),
  webhookName: Type.String(),
  targetUrl: Type.String(),
  status: literalUnion(WEBHOOK_DELIVERY_STATUSES),
  delivered: Type.Union([Type.String(), Type.Null()]),
});

export const QuotaThresholds = Type.Object({
  level: Type.Integer({ description: 'highest threshold reached now: 0, 80, 90 or 100' }),
  thresholds: Type.Array(
    Type.Object({
      threshold: Type.Integer(),
      reached: Type.Boolean({ description: 'usage is at or above this threshold now' }),
      lastCrossed: Type.Union([Type.String(), Type.Null()], {
        description: 'when usage last crossed it upward (its quota.threshold audit event)',
      }),
      auditEventId: Type.Union([Type.String(), Type.Null()]),
      recipients: Type.Array(QuotaNotificationRecipient, {
        description: 'the storageQuota webhooks told of that crossing',
      }),
    }),
  ),
});
export type QuotaThresholds = Static<typeof QuotaThresholds>;

export const RetentionPreviewQuery = Type.Object({
  retentionDays: Type.Optional(
    Type.Integer({
      minimum: MIN_RETENTION_DAYS,
      maximum: MAX_RETENTION_DAYS,
      description: 'default: the org’s current retention',
    }),
  ),
  orgId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});

export const RetentionPreview = Type.Object({
  retentionDays: Type.Integer(),
  cutoff: Type.String({ description: 'recordings made before this instant are due' }),
  recordings: Type.Integer({ description: 'recordings the next purge would remove' }),
  held: Type.Integer({ description: 'recordings past the cutoff kept by a legal hold' }),
});
export type RetentionPreview = Static<typeof RetentionPreview>;
