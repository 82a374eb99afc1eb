// Sharing a recording (SPEC §7): an owner whose `shareRecordingsEnabled` allows it shares one of
// their recordings, read-only, with people of their org, optionally until an expiry and optionally
// with download. Recipients list what is shared with them; the owner, administrators and
// compliance officers list a recording's shares and revoke them.
import { Type, type Static } from '@sinclair/typebox';
import { literalUnion } from './literal-union.js';
import { ConvergedRecording } from './recordings.js';

export const SHARE_STATUSES = ['active', 'expired', 'revoked'] as const;
export type ShareStatus = (typeof SHARE_STATUSES)[number];

/** Why a share ended: revoked by someone, or dropped with its recording. */
export const SHARE_REVOKE_REASONS = [
  'revoked',
  'recordingDeleted',
  'recordingPurged',
  'recordingReassigned',
] as const;
export type ShareRevokeReason = (typeof SHARE_REVOKE_REASONS)[number];

export const ShareCreate = Type.Object(
  {
    recipientId: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'a person of the owner’s organization (not the owner)',
    }),
    expiration: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'ISO 8601, in the future; absent: until revoked',
      }),
    ),
    downloadEnabled: Type.Optional(
      Type.Boolean({
        description: 'whether the recipient may download the audio (default false: play only)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ShareCreate = Static<typeof ShareCreate>;

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const RecordingShare = Type.Object({
  id: Type.String(),
  recordingId: Type.String(),
  recipientId: Type.String(),
  recipientName: Type.String(),
  recipientEmail: Type.String(),
  sharedBy: Type.String({ description: 'the person who shared it (the owner)' }),
  created: Type.String(),
  expiration: Nullable(Type.String()),
  downloadEnabled: Type.Boolean(),
  status: literalUnion(SHARE_STATUSES),
  revoked: Nullable(Type.String()),
  revokedBy: Nullable(Type.String()),
  revokeReason: Type.Union([literalUnion(SHARE_REVOKE_REASONS), Type.Null()]),
});
export type RecordingShare = Static<typeof RecordingShare>;

export const RecordingShareList = Type.Object({ items: Type.Array(RecordingShare) });
export type RecordingShareList = Static<typeof RecordingShareList>;

export const RecordingShareQuery = Type.Object({
  status: Type.Optional(literalUnion(['active', 'all'] as const)),
  orgId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
});
export type RecordingShareQuery = Static<typeof RecordingShareQuery>;

export const ShareParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200 }),
  shareId: Type.String({ minLength: 1, maxLength: 200 }),
});

/** One item of `GET /v1/convergedRecordings/sharedWithMe`: the recording and its share. */
export const SharedRecording = Type.Object({
  recording: ConvergedRecording,
  ownerName: Type.String(),
  share: Type.Object({
    id: Type.String(),
    created: Type.String(),
    expiration: Nullable(Type.String()),
    downloadEnabled: Type.Boolean(),
  }),
});
export type SharedRecording = Static<typeof SharedRecording>;

export const SharedRecordingList = Type.Object({ items: Type.Array(SharedRecording) });
export type SharedRecordingList = Static<typeof SharedRecordingList>;

export const ShareRecipientQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 100, description: 'start of a name or email' })),
});

/** A person the caller may share with (`GET /v1/convergedRecordings/shareRecipients`). */
export const ShareRecipient = Type.Object({
  id: Type.String(),
  displayName: Type.String(),
  email: Type.String(),
});
export type ShareRecipient = Static<typeof ShareRecipient>;
export const ShareRecipientList = Type.Object({ items: Type.Array(ShareRecipient) });
export type ShareRecipientList = Static<typeof ShareRecipientList>;
