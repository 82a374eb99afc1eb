// Sharing recordings (SPEC §7): the owner, when their access settings allow it, shares an
// available recording read-only with another person of the org, until an optional expiry and with
// or without download. Recipients reach it through the recordings' own read checks
// (recordings/recording-read-access.ts looks up their active share on every read). The owner,
// administrators and compliance officers list a recording's shares and revoke them; deleting,
// purging or reassigning the recording revokes them too. Every share, list and revocation is
// audited in its transaction.
import crypto from 'node:crypto';
import type {
  RecordingShare,
  ShareCreate,
  ShareRecipient,
  ShareRevokeReason,
  SharedRecording,
} from '@callvault/shared';
import { audit } from '../audit/audit.service.js';
import type { Clock } from '../clock.js';
import type { Db, Trx } from '../db/database.js';
import { AppError, forbidden, notFound } from '../errors.js';
import type { Actor } from '../policy/actor.js';
import { requireRecording } from '../recordings/recording-read-access.js';
import { presentConvergedRecording } from '../recordings/recording-presenter.js';
import type { RecordingRecord } from '../recordings/recordings.model.js';
import { ALL_ACCESS } from '../recording-settings/recording-settings.model.js';
import { findEntitySettings } from '../recording-settings/recording-settings.repository.js';
import { findRecordingsByIds } from '../recordings/recordings.repository.js';
import {
  findPeopleNames,
  findShareById,
  insertShare,
  listActiveSharesOfRecipient,
  listSharesOfRecording,
  listUnrevokedSharesOfRecording,
  revokeShareRow,
  searchShareRecipients,
  type ShareRecipientRow,
  type ShareRecord,
} from './shares.repository.js';

export interface SharingDeps {
  readonly db: Db;
  readonly clock: Clock;
}

/** At most this many recordings are listed as shared with one person. */
export const MAX_SHARED_WITH_ME = 200;
/** People offered by the recipient picker per search. */
export const MAX_SHARE_RECIPIENTS = 20;

function statusOf(s: ShareRecord, now: string): RecordingShare['status'] {
  if (s.revokedAt !== null) return 'revoked';
  return s.expiresAt !== null && s.expiresAt <= now ? 'expired' : 'active';
}

function presentShare(
  s: ShareRecord,
  recipient: ShareRecipientRow | undefined,
  now: string,
): RecordingShare {
  return {
    id: s.id,
    recordingId: s.recordingId,
    recipientId: s.recipientId,
    recipientName: recipient?.displayName ?? '',
    recipientEmail: recipient?.email ?? '',
    sharedBy: s.sharedBy,
    created: s.createdAt,
    expiration: s.expiresAt,
    downloadEnabled: s.downloadEnabled,
    status: statusOf(s, now),
    revoked: s.revokedAt,
    revokedBy: s.revokedBy,
    revokeReason: s.revokeReason,
  };
}

const newShareId = (): string =>
  Buffer.from(`ciscospark://us/RECORDING_SHARE/${crypto.randomUUID()}`).toString('base64url');

/** `POST /v1/convergedRecordings/{id}/shares` */
export async function shareRecording(
  deps: SharingDeps,
  actor: Actor,
  recordingId: string,
  body: ShareCreate,
): Promise<RecordingShare> {
  return deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    const at = now.toISOString();
    const { recording } = await requireRecording(trx, actor, 'share', recordingId, now);
    let expiresAt: string | null = null;
    if (body.expiration !== undefined) {
      const expiry = new Date(body.expiration);
      if (Number.isNaN(expiry.getTime()) || expiry.getTime() <= now.getTime()) {
        throw new AppError('SHARE_EXPIRATION_INVALID', 'expiration must be a time in the future');
      }
      expiresAt = expiry.toISOString();
    }
    const recipients = await findPeopleNames(trx, [body.recipientId]);
    const recipient = recipients.get(body.recipientId);
    if (!recipient || recipient.orgId !== recording.orgId) {
      throw new AppError(
        'SHARE_RECIPIENT_INVALID',
        'recipientId: no person with this id in the organization',
      );
    }
    if (recipient.id === actor.personId) {
      throw new AppError('SHARE_RECIPIENT_INVALID', 'recipientId: you cannot share with yourself');
    }
    const existing = await listSharesOfRecording(trx, recording.id, at, 'active');
    if (existing.some((s) => s.recipientId === recipient.id)) {
      throw new AppError(
        'SHARE_EXISTS',
        `The recording is already shared with ${recipient.displayName}; revoke that share to change it`,
      );
    }
    const share: ShareRecord = {
      id: newShareId(),
      orgId: recording.orgId,
      recordingId: recording.id,
      recipientId: recipient.id,
      sharedBy: actor.personId,
      createdAt: at,
      expiresAt,
      downloadEnabled: body.downloadEnabled ?? false,
      revokedAt: null,
      revokedBy: null,
      revokeReason: null,
    };
    await insertShare(trx, share);
    await audit(
      trx,
      deps.clock,
      actor,
      'recording.shared',
      { type: 'recording', id: recording.id },
      {
        shareId: share.id,
        ownerId: recording.ownerId,
        recipientId: recipient.id,
        recipientEmail: recipient.email,
        expiration: expiresAt,
        downloadEnabled: share.downloadEnabled,
      },
    );
    return presentShare(share, recipient, at);
  });
}

/** `GET /v1/convergedRecordings/{id}/shares` */
export async function listRecordingShares(
  deps: SharingDeps,
  actor: Actor,
  recordingId: string,
  which: 'active' | 'all',
): Promise<RecordingShare[]> {
  return deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    const at = now.toISOString();
    const { recording, as } = await requireRecording(trx, actor, 'listShares', recordingId, now);
    const shares = await listSharesOfRecording(trx, recording.id, at, which);
    const people = await findPeopleNames(
      trx,
      shares.map((s) => s.recipientId),
    );
    await audit(
      trx,
      deps.clock,
      actor,
      'recording.sharesListed',
      { type: 'recording', id: recording.id },
      { ownerId: recording.ownerId, as, status: which, count: shares.length },
    );
    return shares.map((s) => presentShare(s, people.get(s.recipientId), at));
  });
}

/** `DELETE /v1/convergedRecordings/{id}/shares/{shareId}` */
export async function revokeRecordingShare(
  deps: SharingDeps,
  actor: Actor,
  recordingId: string,
  shareId: string,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    const at = now.toISOString();
    const { recording, as } = await requireRecording(trx, actor, 'revokeShare', recordingId, now);
    const share = await findShareById(trx, recording.orgId, recording.id, shareId);
    if (!share) throw notFound('Share');
    if (share.revokedAt !== null) {
      throw new AppError('CONFLICT', 'This share was already revoked');
    }
    if (!(await revokeShareRow(trx, share.id, at, actor.personId, 'revoked'))) {
      throw new AppError('CONFLICT', 'This share was already revoked');
    }
    await audit(
      trx,
      deps.clock,
      actor,
      'recording.shareRevoked',
      { type: 'recording', id: recording.id },
      {
        shareId: share.id,
        ownerId: recording.ownerId,
        recipientId: share.recipientId,
        as,
        reason: 'revoked' satisfies ShareRevokeReason,
        wasExpired: statusOf(share, at) === 'expired',
      },
    );
  });
}

/** `GET /v1/convergedRecordings/sharedWithMe`: available recordings shared with the caller now. */
export async function listSharedWithMe(
  deps: SharingDeps,
  actor: Actor,
): Promise<SharedRecording[]> {
  if (actor.orgId !== actor.homeOrgId) {
    throw forbidden('Recordings are shared with people in their own organization');
  }
  return deps.db.transaction().execute(async (trx) => {
    const at = deps.clock.now().toISOString();
    const shares = await listActiveSharesOfRecipient(
      trx,
      actor.orgId,
      actor.personId,
      at,
      MAX_SHARED_WITH_ME,
    );
    const recordings = new Map(
      (
        await findRecordingsByIds(
          trx,
          actor.orgId,
          shares.map((s) => s.recordingId),
        )
      ).map((r) => [r.id, r]),
    );
    const items: SharedRecording[] = [];
    for (const s of shares) {
      const r = recordings.get(s.recordingId);
      // Only an available recording is open to its recipients.
      if (!r || r.status !== 'available') continue;
      items.push({
        recording: presentConvergedRecording(r),
        ownerName: r.ownerName,
        share: {
          id: s.id,
          created: s.createdAt,
          expiration: s.expiresAt,
          downloadEnabled: s.downloadEnabled,
        },
      });
    }
    await audit(trx, deps.clock, actor, 'recording.listed', null, {
      endpoint: 'GET /v1/convergedRecordings/sharedWithMe',
      count: items.length,
      recordingIds: items.map((i) => i.recording.id),
    });
    return items;
  });
}

/**
 * `GET /v1/convergedRecordings/shareRecipients?q=`: people of the caller's org to share with, for
 * the console's picker; only for someone whose access settings allow sharing.
 */
export async function listShareRecipients(
  deps: SharingDeps,
  actor: Actor,
  q: string | undefined,
): Promise<ShareRecipient[]> {
  const access =
    actor.orgId === actor.homeOrgId
      ? ((await findEntitySettings(deps.db, actor.personId)).access ?? ALL_ACCESS)
      : null;
  if (!access?.shareRecordingsEnabled) {
    throw new AppError(
      'SHARING_NOT_ALLOWED',
      'Your access settings do not allow sharing recordings',
    );
  }
  return searchShareRecipients(
    deps.db,
    actor.orgId,
    (q ?? '').trim(),
    actor.personId,
    MAX_SHARE_RECIPIENTS,
  );
}

/**
 * Revokes every unrevoked share of a recording that is being deleted, purged or reassigned, in
 * that change's transaction, each audited (`actor` null: retention did it).
 */
export async function dropRecordingShares(
  trx: Trx,
  clock: Clock,
  actor: Actor | null,
  recording: RecordingRecord,
  reason: Exclude<ShareRevokeReason, 'revoked'>,
): Promise<number> {
  const at = clock.now().toISOString();
  let dropped = 0;
  for (const share of await listUnrevokedSharesOfRecording(trx, recording.id)) {
    if (!(await revokeShareRow(trx, share.id, at, actor?.personId ?? null, reason))) continue;
    dropped++;
    await audit(
      trx,
      clock,
      actor,
      'recording.shareRevoked',
      { type: 'recording', id: recording.id },
      {
        shareId: share.id,
        ownerId: recording.ownerId,
        recipientId: share.recipientId,
        reason,
      },
      recording.orgId,
    );
  }
  return dropped;
}
