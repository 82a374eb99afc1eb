// API tokens and console sessions. Only hashes of the secrets are stored.
import type { DbOrTrx } from '../db/database.js';

export interface TokenRow {
  readonly id: string;
  readonly orgId: string;
  readonly personId: string;
  readonly name: string;
  readonly created: string;
  readonly expires: string | null;
  readonly revoked: string | null;
  readonly lastUsed: string | null;
}

export async function insertToken(
  db: DbOrTrx,
  t: {
    id: string;
    orgId: string;
    personId: string;
    name: string;
    hash: string;
    created: string;
    expires: string | null;
  },
): Promise<void> {
  await db
    .insertInto('api_tokens')
    .values({
      id: t.id,
      org_id: t.orgId,
      person_id: t.personId,
      name: t.name,
      token_hash: t.hash,
      created_at: t.created,
      expires_at: t.expires,
      revoked_at: null,
      last_used_at: null,
    })
    .execute();
}

export async function findTokenByHash(db: DbOrTrx, hash: string): Promise<TokenRow | null> {
  const row = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_hash', '=', hash)
    .executeTakeFirst();
  return row
    ? {
        id: row.id,
        orgId: row.org_id,
        personId: row.person_id,
        name: row.name,
        created: row.created_at,
        expires: row.expires_at,
        revoked: row.revoked_at,
        lastUsed: row.last_used_at,
      }
    : null;
}

export async function listTokensOfPerson(db: DbOrTrx, personId: string): Promise<TokenRow[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('person_id', '=', personId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    orgId: row.org_id,
    personId: row.person_id,
    name: row.name,
    created: row.created_at,
    expires: row.expires_at,
    revoked: row.revoked_at,
    lastUsed: row.last_used_at,
  }));
}

export async function revokeToken(
  db: DbOrTrx,
  id: string,
  personId: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('person_id', '=', personId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function touchToken(db: DbOrTrx, id: string, at: string): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}

export interface SessionRow {
  readonly id: string;
  readonly personId: string;
  readonly csrfToken: string;
  readonly expires: string;
  readonly lastSeen: string;
}

export async function insertSession(
  db: DbOrTrx,
  s: {
    id: string;
    hash: string;
    personId: string;
    csrfToken: string;
    created: string;
    expires: string;
    clientIp: string | null;
    userAgent: string | null;
  },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: s.id,
      secret_hash: s.hash,
      person_id: s.personId,
      csrf_token: s.csrfToken,
      created_at: s.created,
      expires_at: s.expires,
      last_seen_at: s.created,
      client_ip: s.clientIp,
      user_agent: s.userAgent,
    })
    .execute();
}

export async function findSessionByHash(db: DbOrTrx, hash: string): Promise<SessionRow | null> {
  const row = await db
    .selectFrom('sessions')
    .selectAll()
    .where('secret_hash', '=', hash)
    .executeTakeFirst();
  return row
    ? {
        id: row.id,
        personId: row.person_id,
        csrfToken: row.csrf_token,
        expires: row.expires_at,
        lastSeen: row.last_seen_at,
      }
    : null;
}

export async function touchSession(
  db: DbOrTrx,
  id: string,
  lastSeen: string,
  expires: string,
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ last_seen_at: lastSeen, expires_at: expires })
    .where('id', '=', id)
    .execute();
}

export async function deleteSession(db: DbOrTrx, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

/** Ends every console session of a person, or every one but `keepSessionId`; returns how many. */
export async function deleteSessionsOfPerson(
  db: DbOrTrx,
  personId: string,
  keepSessionId: string | null = null,
): Promise<number> {
  let q = db.deleteFrom('sessions').where('person_id', '=', personId);
  if (keepSessionId !== null) q = q.where('id', '!=', keepSessionId);
  const result = await q.executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteExpiredSessions(db: DbOrTrx, now: string): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<', now).execute();
}
