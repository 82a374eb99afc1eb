// Converged recordings with Webex's paths, field names and enum values (SPEC §9.1, §7),
// and Callvault's own search and bulk actions (SPEC §7).
import { Type, type Static } from '@sinclair/typebox';
import { literalUnion } from './literal-union.js';

export const RECORDING_FORMATS = ['OGG', 'WAV', 'MP3'] as const;
export type RecordingFormat = (typeof RECORDING_FORMATS)[number];
export const RECORDING_STATUSES = ['available', 'deleted', 'purged'] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];
/**
 * `unattributed`: a call the recorder answered whose parties match no entity (no metadata, or
 * metadata naming nobody Callvault knows) and whose trunk has no default owner; only compliance
 * officers and administrators see it, until it is reassigned to a person.
 */
export const RECORDING_OWNER_TYPES = ['user', 'place', 'virtualLine', 'unattributed'] as const;
export type RecordingOwnerType = (typeof RECORDING_OWNER_TYPES)[number];
export const CALL_DIRECTIONS = ['inbound', 'outbound', 'internal'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

export const RecordingFormatSchema = literalUnion(RECORDING_FORMATS);
export const RecordingStatusSchema = literalUnion(RECORDING_STATUSES);
export const RecordingOwnerTypeSchema = literalUnion(RECORDING_OWNER_TYPES);
export const CallDirectionSchema = literalUnion(CALL_DIRECTIONS);

/** Webex lists and batch calls take at most this many ids. */
export const MAX_RECORDING_IDS = 100;
/** Callvault's bulk call (the console's "select all") takes at most this many. */
export const MAX_BULK_RECORDING_IDS = 200;

export const RecordingParty = Type.Object({
  role: Type.Optional(literalUnion(['caller', 'callee', 'participant'] as const)),
  name: Type.Optional(Type.String({ maxLength: 200 })),
  number: Type.Optional(Type.String({ maxLength: 64 })),
  address: Type.Optional(Type.String({ maxLength: 300 })),
  entityType: Type.Optional(Type.String({ maxLength: 40 })),
  entityId: Type.Optional(Type.String({ maxLength: 200 })),
  channel: Type.Optional(Type.Integer({ minimum: 0, maximum: 64 })),
});
export type RecordingParty = Static<typeof RecordingParty>;

export const RecordingServiceData = Type.Object({
  locationId: Type.Optional(Type.String({ description: 'plain UUID, as Webex shows it' })),
  callSessionId: Type.Optional(Type.String()),
});

// How a recording was made (Callvault extras on Webex shapes) -------------------------------------

/**
 * Why a recording ended: the SRC's BYE (or CANCEL before the answer), no ACK for the answer, the
 * recorder shutting down, the owner stopping it (a later part of the call may follow), or the
 * recorder stopping during the call (a crash) and the recording rebuilt from its journal at the
 * next start, or the recorder ending a session whose SRC vanished: no media (rtp-timeout), no
 * session refresh (session-timer, RFC 4028), no answer to an in-dialog OPTIONS (probe-failed).
 */
export const RECORDING_END_REASONS = [
  'bye',
  'cancel',
  'ack-timeout',
  'shutdown',
  'stopped',
  'recovered',
  'rtp-timeout',
  'session-timer',
  'probe-failed',
] as const;
export type RecordingEndReason = (typeof RECORDING_END_REASONS)[number];

/** Something that went wrong while the call was captured; the audio before and around it is kept. */
export const RecordingCaptureFailure = Type.Object({
  code: Type.String({
    maxLength: 40,
    description:
      'stable code: no-media (a stream carried no media), disk-full, journal-write, capture-start, unreadable (a journal could not be read back)',
  }),
  detail: Type.String({ maxLength: 1000, description: 'what happened, in words' }),
  at: Type.Union([Type.String(), Type.Null()], {
    description: 'ISO 8601: when the capture noticed; null when it was found at finalize',
  }),
  resolvedAt: Type.Union([Type.String(), Type.Null()], {
    description: 'ISO 8601: when it was over (media came after all); null when it lasted',
  }),
  stream: Type.Union([Type.String(), Type.Null()], {
    description: 'the stream it concerns (SDP label, or #index), when it concerns one',
  }),
});
export type RecordingCaptureFailure = Static<typeof RecordingCaptureFailure>;

/** What a recovered recording kept: the audio the journal held when the recorder stopped. */
export const RecordingRecovery = Type.Object({
  recoveredAt: Type.String({ description: 'ISO 8601: when the restarted recorder rebuilt it' }),
  audioEndedAt: Type.String({ description: 'ISO 8601: where the kept audio of the call ends' }),
  journalLastWrittenAt: Type.Union([Type.String(), Type.Null()], {
    description:
      'ISO 8601: the last write to the capture journal before the recorder stopped (while media flowed, the journal is written every 0.5 s, so the stop came at most 0.5 s later); null when unknown',
  }),
});
export type RecordingRecovery = Static<typeof RecordingRecovery>;

/** The provenance fields of the details, the metadata and the search rows. */
export const RecordingProvenanceFields = {
  recovered: Type.Boolean({
    description:
      'Callvault: the recorder stopped during the call (a crash) and the recording was rebuilt from its journal at the next start',
  }),
  recovery: Type.Optional(RecordingRecovery),
  failed: Type.Boolean({
    description:
      'Callvault: part of the capture failed and its audio is missing (the rest is kept); `failures` says what. A failure that was over with nothing lost (media that came late) is listed in `failures` without making the recording failed',
  }),
  failures: Type.Array(RecordingCaptureFailure, {
    description: 'Callvault: every failure of the capture, in order',
  }),
  endReason: Type.Union([literalUnion(RECORDING_END_REASONS), Type.Null()], {
    description:
      'Callvault: why the recording ended — bye, cancel, ack-timeout, shutdown, stopped (by the owner), recovered (rebuilt after a crash), rtp-timeout (no media on any stream for CALLVAULT_RTP_INACTIVITY_TIMEOUT: the SRC vanished without a BYE, the recorder sent one), session-timer (the SRC offered an RFC 4028 session timer and did not refresh the session in time; the recorder sent BYE), probe-failed (the SRC answered the in-dialog OPTIONS probe with 481 or not at all; the recorder sent BYE); null for imported audio',
  }),
};
export const RecordingProvenance = Type.Object(RecordingProvenanceFields);
export type RecordingProvenance = Static<typeof RecordingProvenance>;

/** One item of `GET /v1/convergedRecordings` and `GET /v1/admin/convergedRecordings`. */
export const ConvergedRecording = Type.Object({
  id: Type.String(),
  topic: Type.String(),
  createTime: Type.String({ description: 'when the recording file was catalogued' }),
  timeRecorded: Type.String({ description: 'when the recording started' }),
  format: RecordingFormatSchema,
  serviceType: Type.Literal('calling'),
  durationSeconds: Type.Integer(),
  sizeBytes: Type.Integer(),
  status: RecordingStatusSchema,
  ownerId: Type.String({
    description: 'plain UUID, as Webex shows it (the UUID inside the owner’s Webex id)',
  }),
  ownerEmail: Type.Optional(Type.String()),
  ownerType: RecordingOwnerTypeSchema,
  storageRegion: Type.String(),
  serviceData: RecordingServiceData,
});
export type ConvergedRecording = Static<typeof ConvergedRecording>;

export const TemporaryDirectDownloadLinks = Type.Object({
  audioDownloadLink: Type.String({
    description:
      'signed link that works without a token until `expiration`; `?format=wav` converts',
  }),
  transcriptDownloadLink: Type.Union([Type.String(), Type.Null()]),
  mp3DownloadLink: Type.Optional(
    Type.String({
      description:
        'Callvault: the same audio as MP3 (Webex’s format), transcoded from the stored original; Range works',
    }),
  ),
  expiration: Type.String({ description: 'ISO 8601; 3 hours after the request' }),
});

/**
 * Callvault: links for listening without downloading, given instead of
 * `temporaryDirectDownloadLinks` to someone a recording was shared with without download.
 */
export const TemporaryPlaybackLinks = Type.Object({
  audioPlaybackLink: Type.String({
    description:
      'signed link to stream the stored audio (Range works, no conversion) until `expiration`',
  }),
  transcriptLink: Type.Union([Type.String(), Type.Null()]),
  expiration: Type.String({ description: 'ISO 8601; 3 hours after the request' }),
});

/** `GET /v1/convergedRecordings/{id}` */
export const ConvergedRecordingDetails = Type.Intersect([
  ConvergedRecording,
  Type.Object({
    temporaryDirectDownloadLinks: Type.Optional(TemporaryDirectDownloadLinks),
    temporaryPlaybackLinks: Type.Optional(TemporaryPlaybackLinks),
    transcriptStatus: Type.Optional(
      Type.Union([Type.Literal('completed'), Type.Literal('skipped'), Type.Literal('pending')], {
        description: 'Callvault: whether the transcript is made, was not made, or not yet decided',
      }),
    ),
    transcriptReason: Type.Optional(
      Type.String({
        description: 'Callvault: why there is no transcript (e.g. a non-English call)',
      }),
    ),
    ...RecordingProvenanceFields,
  }),
]);
export type ConvergedRecordingDetails = Static<typeof ConvergedRecordingDetails>;

const Document = Type.Record(Type.String(), Type.Unknown());

/** Raw SIPREC metadata the response carries at most (the stored copy is always whole). */
export const MAX_SRC_METADATA_RESPONSE_BYTES = 256 * 1024;

/** The SRC's metadata as received: each revision's XML, and what the reader did not interpret. */
export const RecordingSrcMetadata = Type.Object({
  revisions: Type.Array(
    Type.Object({
      seq: Type.Integer({ description: 'the order the SRC sent it in' }),
      bytes: Type.Integer({ description: 'size of the XML as received' }),
      xml: Type.Union([Type.String(), Type.Null()], {
        description: `the RFC 7865 document exactly as received; null when it did not fit the response's ${MAX_SRC_METADATA_RESPONSE_BYTES / 1024} KiB for raw metadata`,
      }),
    }),
  ),
  truncated: Type.Boolean({ description: 'some revision XML was left out for size' }),
  extensions: Type.Array(
    Type.Object({
      parent: Type.String({ description: 'the element holding it (recording, participant, …)' }),
      parentId: Type.Optional(Type.String()),
      localName: Type.String(),
      namespace: Type.Optional(Type.String()),
      xml: Type.String({ description: 'the element exactly as received' }),
    }),
    { description: 'vendor extension elements of the merged metadata, verbatim' },
  ),
  vendor: Type.Record(Type.String(), Type.Unknown(), {
    description: 'vendor data the reader understood (BroadWorks `broadworks`)',
  }),
});
export type RecordingSrcMetadata = Static<typeof RecordingSrcMetadata>;

/** Which part of the call a recording is (a call stopped and started again gives several). */
export const RecordingSegment = Type.Object({
  index: Type.Integer({ minimum: 1, description: '1 for the first part' }),
  count: Type.Integer({ minimum: 1, description: 'how many parts the owner has of the call' }),
  startOffsetMs: Type.Integer({ description: 'from the start of the call’s audio' }),
  endOffsetMs: Type.Integer({ description: 'from the start of the call’s audio' }),
  pauses: Type.Array(Type.Object({ startOffsetMs: Type.Integer(), endOffsetMs: Type.Integer() })),
  pauseBehaviour: literalUnion(['cut', 'silence'] as const),
});
export type RecordingSegment = Static<typeof RecordingSegment>;

/** How the call's media was protected in transit (SDES-SRTP, RFC 4568). */
export const RecordingMediaSecurity = Type.Object({
  signalling: Type.String({
    description: 'the SIP transport the session came over: udp, tcp or tls',
  }),
  srtpSuites: Type.Array(Type.String(), {
    description: 'the SDES crypto suites of its SRTP streams; empty for plain RTP',
  }),
  keysSentInClear: Type.Boolean({
    description:
      'true when SRTP keys were signalled over SIP without TLS (RFC 4568 §8.3): anyone on the signalling path could decrypt the media',
  }),
});
export type RecordingMediaSecurity = Static<typeof RecordingMediaSecurity>;

export const METADATA_OWNER_TYPES = ['USER', 'PLACE', 'VIRTUAL_LINE', 'UNATTRIBUTED'] as const;

/** A party of the call in Webex's metadata: the owner's side carries the owner as `actor`. */
export const WebexCallParty = Type.Object({
  actor: Type.Optional(
    Type.Object({
      type: Type.String({ description: 'USER, PLACE or VIRTUAL_LINE' }),
      id: Type.String({ description: 'plain UUID' }),
      email: Type.Optional(Type.String()),
    }),
  ),
  number: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
});

/** Why a recorded call had no owner when it was stored. */
export const RecordingUnattributed = Type.Object({
  reason: Type.String({
    description:
      'what the recorder found: no metadata and From/To matching no one, metadata naming only placeholders, parties matching no entity, the trunk default owner gone',
  }),
});
export type RecordingUnattributed = Static<typeof RecordingUnattributed>;

/** `GET /v1/convergedRecordings/{id}/metadata` */
export const ConvergedRecordingMetadata = Type.Object({
  id: Type.String(),
  orgId: Type.String({ description: 'plain UUID, as Webex shows it' }),
  ownerId: Type.String({ description: 'plain UUID, as Webex shows it' }),
  ownerType: literalUnion(METADATA_OWNER_TYPES),
  ownerName: Type.String(),
  ownerEmail: Type.Optional(Type.String()),
  storageRegion: Type.String(),
  serviceType: Type.Literal('calling'),
  version: Type.String(),
  sha256: Type.String({ description: 'SHA-256 of the stored audio (chain of custody)' }),
  serviceData: Type.Object({
    callRecordingId: Type.Optional(Type.String({ description: 'the recording id' })),
    locationId: Type.Optional(Type.String({ description: 'plain UUID, as Webex shows it' })),
    callSessionId: Type.Optional(Type.String()),
    personality: Type.Optional(literalUnion(['originator', 'terminator'] as const)),
    callingParty: Type.Optional(WebexCallParty),
    calledParty: Type.Optional(WebexCallParty),
    answererInfo: Type.Optional(WebexCallParty),
    recordingType: Type.Optional(
      Type.String({
        description:
          'alwaysON when the owner’s recording mode started it, onDemand when the owner (API, DTMF) or the SRC did, voicemail for a message left in the owner’s mailbox (recorded only with recordVoicemailEnabled)',
      }),
    ),
    callId: Type.Optional(Type.String()),
    direction: Type.Optional(CallDirectionSchema),
    localNumber: Type.Optional(Type.String()),
    remoteNumber: Type.Optional(Type.String()),
    parties: Type.Array(RecordingParty),
    channels: Type.Integer(),
    participants: Type.Array(Document),
    streams: Type.Array(Document),
    callActivity: Type.Array(Document),
    recordingActions: Type.Array(Document),
    announcements: Document,
    session: Type.Object({
      startTime: Type.String(),
      stopTime: Type.String({ description: 'ISO 8601: when the recording ended' }),
      durationSeconds: Type.Integer({ description: 'Callvault' }),
    }),
    trunk: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()], {
      description: 'Callvault: the recording trunk the call came in on; null for imports',
    }),
    segment: Type.Union([RecordingSegment, Type.Null()], {
      description: 'Callvault: which part of the call this recording is; null for imports',
    }),
    srcMetadata: Type.Union([RecordingSrcMetadata, Type.Null()], {
      description: 'Callvault: the SRC’s SIPREC metadata as received; null for imports',
    }),
    mediaSecurity: Type.Union([RecordingMediaSecurity, Type.Null()], {
      description:
        'Callvault: how the media was protected in transit; null for imports and older recordings',
    }),
    unattributed: Type.Union([RecordingUnattributed, Type.Null()], {
      description:
        'Callvault: why the recorder kept the call without an owner (the recording stays listed as recorded unattributed after a reassign); null for a call recorded for its owner',
    }),
  }),
  ...RecordingProvenanceFields,
});
export type ConvergedRecordingMetadata = Static<typeof ConvergedRecordingMetadata>;

const isoDateTime = (description: string) =>
  Type.String({ minLength: 4, maxLength: 40, description: `ISO 8601; ${description}` });

/** The filters shared by both Webex lists. */
/** Every owner type Webex lists take; Callvault records no call queues (that filter is empty). */
export const WEBEX_LIST_OWNER_TYPES = [...RECORDING_OWNER_TYPES, 'callQueue'] as const;
/** Every service type Webex lists take; Callvault records only `calling`. */
export const WEBEX_LIST_SERVICE_TYPES = ['calling', 'customerAssist', 'all'] as const;

export const ConvergedRecordingsQuery = Type.Object({
  from: Type.Optional(
    isoDateTime('inclusive; default `to` − 7 days; the interval to `to` is at most 30 days'),
  ),
  to: Type.Optional(isoDateTime('exclusive; default `from` + 7 days, or now without `from`')),
  status: Type.Optional(RecordingStatusSchema),
  serviceType: Type.Optional(literalUnion(WEBEX_LIST_SERVICE_TYPES)),
  format: Type.Optional(RecordingFormatSchema),
  ownerId: Type.Optional(
    Type.String({
      maxLength: 200,
      description: 'the plain UUID (dashed or 32-hex) or the Webex id',
    }),
  ),
  ownerEmail: Type.Optional(Type.String({ maxLength: 320 })),
  ownerType: Type.Optional(literalUnion(WEBEX_LIST_OWNER_TYPES)),
  storageRegion: Type.Optional(Type.String({ maxLength: 20 })),
  locationId: Type.Optional(
    Type.String({
      maxLength: 200,
      description: 'the plain UUID (dashed or 32-hex) or the Webex id',
    }),
  ),
  topic: Type.Optional(
    Type.String({ maxLength: 200, description: 'case-insensitive; matches part of the topic' }),
  ),
  max: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'default 10' })),
  cursor: Type.Optional(Type.String({ maxLength: 500, description: 'from the Link header' })),
  orgId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});
export type ConvergedRecordingsQuery = Static<typeof ConvergedRecordingsQuery>;

export const ConvergedRecordingList = Type.Object({ items: Type.Array(ConvergedRecording) });
export type ConvergedRecordingList = Static<typeof ConvergedRecordingList>;

/**
 * Body of `DELETE /v1/convergedRecordings/{id}`, optional as in Webex: `reason` is needed only when
 * the compliance officer deletes someone else's recording.
 */
export const RecordingDeleteBody = Type.Object({
  reason: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: "required when deleting another person's recording",
    }),
  ),
  comment: Type.Optional(Type.String({ maxLength: 255 })),
});
export type RecordingDeleteBody = Static<typeof RecordingDeleteBody>;

const RecordingIds = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
  maxItems: MAX_RECORDING_IDS,
});

export const SoftDeleteBody = Type.Object({
  trashAll: Type.Optional(Type.Boolean()),
  ownerEmail: Type.Optional(Type.String({ maxLength: 320 })),
  recordingIds: Type.Optional(RecordingIds),
});
export type SoftDeleteBody = Static<typeof SoftDeleteBody>;
export const RestoreBody = Type.Object({
  restoreAll: Type.Optional(Type.Boolean()),
  ownerEmail: Type.Optional(Type.String({ maxLength: 320 })),
  recordingIds: Type.Optional(RecordingIds),
});
export const PurgeBody = Type.Object({
  purgeAll: Type.Optional(Type.Boolean()),
  ownerEmail: Type.Optional(Type.String({ maxLength: 320 })),
  recordingIds: Type.Optional(RecordingIds),
});

export const ReassignBody = Type.Object({
  reassignOwnerEmail: Type.String({ minLength: 3, maxLength: 320 }),
  ownerEmail: Type.Optional(Type.String({ maxLength: 320 })),
  ownerID: Type.Optional(Type.String({ maxLength: 200 })),
  recordingIds: Type.Optional(RecordingIds),
});
export type ReassignBody = Static<typeof ReassignBody>;

/** `GET /api/recordings/{id}/audio` — the target of a signed link. */
export const AudioDownloadQuery = Type.Object({
  exp: Type.Integer({ description: 'expiry, Unix seconds' }),
  actor: Type.String({ maxLength: 200 }),
  sig: Type.String({ maxLength: 100 }),
  format: Type.Optional(literalUnion(['original', 'wav', 'mp3'] as const)),
  timezone: Type.Optional(
    Type.String({
      maxLength: 64,
      description: 'IANA time zone for the time in the file name (default UTC)',
    }),
  ),
});

/** `GET /api/recordings/{id}/playback` — the target of a signed playback link. */
export const AudioPlaybackQuery = Type.Object({
  exp: Type.Integer({ description: 'expiry, Unix seconds' }),
  actor: Type.String({ maxLength: 200 }),
  sig: Type.String({ maxLength: 100 }),
});

/** `GET /api/recordings/{id}/transcript` — the target of a signed transcript link. */
export const TranscriptDownloadQuery = Type.Object({
  exp: Type.Integer({ description: 'expiry, Unix seconds' }),
  actor: Type.String({ maxLength: 200 }),
  sig: Type.String({ maxLength: 100 }),
  format: Type.Optional(literalUnion(['json', 'vtt', 'txt'] as const)),
});

// Callvault search -------------------------------------------------------------------------------

/** Where a transcript search (`transcript=`) found its words: the recording's first hit. */
export const TranscriptMatch = Type.Object({
  snippet: Type.String({ description: 'the matching segment’s words around the first hit' }),
  start: Type.Number({ description: 'seconds from the start of the recording' }),
  end: Type.Number({ description: 'seconds from the start of the recording' }),
  speaker: Type.String({ description: 'who said it, as the transcript names them' }),
});
export type TranscriptMatch = Static<typeof TranscriptMatch>;

/** One row of `GET /api/recordings`. */
export const RecordingSummary = Type.Object({
  id: Type.String(),
  topic: Type.String(),
  createTime: Type.String(),
  timeRecorded: Type.String(),
  format: RecordingFormatSchema,
  durationSeconds: Type.Integer(),
  sizeBytes: Type.Integer(),
  status: RecordingStatusSchema,
  ownerId: Type.String(),
  ownerEmail: Type.Union([Type.String(), Type.Null()]),
  ownerName: Type.String(),
  ownerType: RecordingOwnerTypeSchema,
  locationId: Type.Union([Type.String(), Type.Null()]),
  direction: Type.Union([CallDirectionSchema, Type.Null()]),
  localNumber: Type.Union([Type.String(), Type.Null()]),
  remoteNumber: Type.Union([Type.String(), Type.Null()]),
  parties: Type.Array(RecordingParty),
  channels: Type.Integer(),
  hasTranscript: Type.Boolean(),
  deletedAt: Type.Union([Type.String(), Type.Null()]),
  purgedAt: Type.Union([Type.String(), Type.Null()]),
  transcriptMatch: Type.Optional(TranscriptMatch),
  ...RecordingProvenanceFields,
});
export type RecordingSummary = Static<typeof RecordingSummary>;

export const RecordingSearchQuery = Type.Object({
  q: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'owner name or email prefix' }),
  ),
  from: Type.Optional(isoDateTime('inclusive; default `to` − 7 days')),
  to: Type.Optional(isoDateTime('exclusive; default now')),
  status: Type.Optional(RecordingStatusSchema),
  ownerId: Type.Optional(Type.String({ maxLength: 200 })),
  ownerEmail: Type.Optional(Type.String({ maxLength: 320 })),
  ownerType: Type.Optional(RecordingOwnerTypeSchema),
  locationId: Type.Optional(Type.String({ maxLength: 200 })),
  topic: Type.Optional(Type.String({ maxLength: 200 })),
  format: Type.Optional(RecordingFormatSchema),
  partyNumber: Type.Optional(
    Type.String({
      maxLength: 64,
      description: 'a number of the call: local, remote, or any party who took part',
    }),
  ),
  direction: Type.Optional(CallDirectionSchema),
  minDurationSeconds: Type.Optional(Type.Integer({ minimum: 0 })),
  maxDurationSeconds: Type.Optional(Type.Integer({ minimum: 0 })),
  hasTranscript: Type.Optional(Type.Boolean()),
  recovered: Type.Optional(
    Type.Boolean({ description: 'only recordings rebuilt after a crash (true) or not (false)' }),
  ),
  failed: Type.Optional(
    Type.Boolean({ description: 'only recordings whose capture partly failed (true) or not' }),
  ),
  transcript: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        'words said in the call: recordings with a transcript segment holding every word (as a word start), each with its first match; compliance officers only',
    }),
  ),
  max: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'default 100' })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
  orgId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});
export type RecordingSearchQuery = Static<typeof RecordingSearchQuery>;

export const RecordingSearchResult = Type.Object({
  items: Type.Array(RecordingSummary),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type RecordingSearchResult = Static<typeof RecordingSearchResult>;

export const BULK_RECORDING_ACTIONS = [
  'softDelete',
  'delete',
  'restore',
  'purge',
  'reassign',
] as const;
export type BulkRecordingAction = (typeof BULK_RECORDING_ACTIONS)[number];

export const RecordingBulkBody = Type.Object({
  action: Type.Union(
    BULK_RECORDING_ACTIONS.map((a) => Type.Literal(a)),
    {
      description:
        'softDelete: to the recycle bin; restore; purge: from the recycle bin; reassign: to reassignOwnerEmail; delete: permanent (compliance officers, needs reason)',
    },
  ),
  ids: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
    minItems: 1,
    maxItems: MAX_BULK_RECORDING_IDS,
  }),
  reassignOwnerEmail: Type.Optional(Type.String({ maxLength: 320 })),
  reason: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  comment: Type.Optional(Type.String({ maxLength: 255 })),
});
export type RecordingBulkBody = Static<typeof RecordingBulkBody>;

export const RecordingBulkResult = Type.Object({
  changed: Type.Array(Type.String()),
  unchanged: Type.Array(Type.String({ description: 'already in the state asked for' })),
  failed: Type.Array(
    Type.Object({ id: Type.String(), errorCode: Type.String(), description: Type.String() }),
  ),
});
export type RecordingBulkResult = Static<typeof RecordingBulkResult>;

export const RecordingPeaks = Type.Object(
  {
    recordingId: Type.String(),
    durationMs: Type.Integer({ minimum: 0 }),
    sampleRate: Type.Integer({ description: 'the rate the audio was decoded at for the peaks' }),
    samplesPerPeak: Type.Integer({
      minimum: 1,
      description:
        'samples of one channel behind each peak: a peak covers samplesPerPeak/sampleRate s',
    }),
    channels: Type.Array(Type.Array(Type.Number({ minimum: 0, maximum: 1 })), {
      description:
        'one lane per channel (the owner first), the loudest absolute sample of each slice',
    }),
  },
  { description: 'A recording’s waveform, precomputed on the server' },
);
export type RecordingPeaks = Static<typeof RecordingPeaks>;
