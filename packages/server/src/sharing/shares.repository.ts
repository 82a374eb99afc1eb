// The only SQL of recording shares. A share is active while it is neither revoked nor past its
// expiry; "now" is always passed in, so every read enforces the expiry against the caller's clock.
import type { ShareRevokeReason } from '@callvault/shared';
import { sql, type Selectable, type SqlBool } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import { LIKE_ESCAPE, likePrefix } from '../db/paging.js';
import type { RecordingSharesTable } from '../db/schema.js';

export interface ShareRecord {
  readonly id: string;
  readonly orgId: string;
  readonly recordingId: string;
  readonly recipientId: string;
  readonly sharedBy: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly downloadEnabled: boolean;
  readonly revokedAt: string | null;
  readonly revokedBy: string | null;
  readonly revokeReason: ShareRevokeReason | null;
}

function toShare(row: Selectable<RecordingSharesTable>): ShareRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    recordingId: row.recording_id,
    recipientId: row.recipient_id,
    sharedBy: row.shared_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    downloadEnabled: Number(row.download_enabled) === 1,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
    revokeReason: row.revoke_reason as ShareRevokeReason | null,
  };
}

export async function insertShare(db: DbOrTrx, s: ShareRecord): Promise<void> {
  await db
    .insertInto('recording_shares')
    .values({
      id: s.id,
      org_id: s.orgId,
      recording_id: s.recordingId,
      recipient_id: s.recipientId,
      shared_by: s.sharedBy,
      created_at: s.createdAt,
      expires_at: s.expiresAt,
      download_enabled: s.downloadEnabled ? 1 : 0,
      revoked_at: s.revokedAt,
      revoked_by: s.revokedBy,
      revoke_reason: s.revokeReason,
    })
    .execute();
}

/** The share `recipientId` holds on a recording at `now` (ISO 8601): unrevoked, unexpired. */
export async function findActiveShare(
  db: DbOrTrx,
  recordingId: string,
  recipientId: string,
  now: string,
): Promise<ShareRecord | null> {
  const row = await db
    .selectFrom('recording_shares')
    .selectAll()
    .where('recording_id', '=', recordingId)
    .where('recipient_id', '=', recipientId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row ? toShare(row) : null;
}

export async function findShareById(
  db: DbOrTrx,
  orgId: string,
  recordingId: string,
  id: string,
): Promise<ShareRecord | null> {
  const row = await db
    .selectFrom('recording_shares')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('recording_id', '=', recordingId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toShare(row) : null;
}

/** A recording's shares, newest first: the active ones at `now`, or all of them. */
export async function listSharesOfRecording(
  db: DbOrTrx,
  recordingId: string,
  now: string,
  which: 'active' | 'all',
): Promise<ShareRecord[]> {
  let q = db
    .selectFrom('recording_shares')
    .selectAll()
    .where('recording_id', '=', recordingId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc');
  if (which === 'active') {
    q = q
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
  }
  return (await q.execute()).map(toShare);
}

/** The shares active at `now` that `recipientId` received, newest first, at most `limit`. */
export async function listActiveSharesOfRecipient(
  db: DbOrTrx,
  orgId: string,
  recipientId: string,
  now: string,
  limit: number,
): Promise<ShareRecord[]> {
  const rows = await db
    .selectFrom('recording_shares')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('recipient_id', '=', recipientId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toShare);
}

/**
 * Revokes one share if it is still unrevoked; false when someone revoked it first (the update is
 * conditional, so two revocations never both count).
 */
export async function revokeShareRow(
  db: DbOrTrx,
  id: string,
  at: string,
  by: string | null,
  reason: ShareRevokeReason,
): Promise<boolean> {
  const result = await db
    .updateTable('recording_shares')
    .set({ revoked_at: at, revoked_by: by, revoke_reason: reason })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The unrevoked shares of a recording (expired ones too: they end for good with it). */
export async function listUnrevokedSharesOfRecording(
  db: DbOrTrx,
  recordingId: string,
): Promise<ShareRecord[]> {
  const rows = await db
    .selectFrom('recording_shares')
    .selectAll()
    .where('recording_id', '=', recordingId)
    .where('revoked_at', 'is', null)
    .execute();
  return rows.map(toShare);
}

export interface ShareRecipientRow {
  readonly id: string;
  readonly displayName: string;
  readonly email: string;
}

/**
 * People of `orgId` whose name or email starts with `prefix` (any case), by name, without
 * `excludeId` (the owner), at most `limit`.
 */
export async function searchShareRecipients(
  db: DbOrTrx,
  orgId: string,
  prefix: string,
  excludeId: string,
  limit: number,
): Promise<ShareRecipientRow[]> {
  let q = db
    .selectFrom('people')
    .select(['id', 'display_name', 'email'])
    .where('org_id', '=', orgId)
    .where('id', '<>', excludeId);
  if (prefix !== '') {
    const pattern = likePrefix(prefix.toLowerCase());
    q = q.where(
      (eb) =>
        sql<SqlBool>`(lower(${eb.ref('display_name')}) like ${pattern} ${LIKE_ESCAPE} or ${eb.ref('email')} like ${pattern} ${LIKE_ESCAPE})`,
    );
  }
  const rows = await q.orderBy('display_name').orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, displayName: r.display_name, email: r.email }));
}

export interface PersonName extends ShareRecipientRow {
  readonly orgId: string;
}

/** Names, emails and orgs of people by id (a share's recipient, the recipients of a list). */
export async function findPeopleNames(
  db: DbOrTrx,
  ids: readonly string[],
): Promise<Map<string, PersonName>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('people')
    .select(['id', 'org_id', 'display_name', 'email'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      { id: r.id, orgId: r.org_id, displayName: r.display_name, email: r.email },
    ]),
  );
}
