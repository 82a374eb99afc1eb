// Authentication: console logins with server-side sessions, personal API tokens, and turning
// either into the Actor every service receives.
import {
  CONSOLE_LANGUAGES,
  type AdminSetPasswordBody,
  type AdminSetPasswordResult,
  type ConsoleLanguage,
  type Me,
  type Role,
} from '@callvault/shared';
import { audit } from '../audit/audit.service.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { AppError, isStorageFullError, notFound } from '../errors.js';
import { hashSecret, newId, newSecret } from '../ids.js';
import { findOrganizationById } from '../org/organizations.repository.js';
import {
  findPasswordHash,
  findPersonByEmail,
  findPersonById,
  findPersonByIdAnyOrg,
  setPasswordHash,
  type PersonRecord,
  findConsoleLanguage,
  setConsoleLanguage,
} from '../org/people.repository.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import {
  deleteSession,
  deleteSessionsOfPerson,
  findSessionByHash,
  findTokenByHash,
  insertSession,
  insertToken,
  listTokensOfPerson,
  revokeToken,
  touchSession,
  touchToken,
  type TokenRow,
} from './credentials.repository.js';
import { generatePassword, hashPassword, verifyPassword } from './passwords.js';

export interface AuthDeps {
  readonly db: Db;
  readonly clock: Clock;
}

/**
 * Recording when a token or session was last used is bookkeeping: on a full disk the write is
 * refused and the request goes on authenticated (reads must keep working while space is low;
 * the session's idle expiry then stays where it was). Any other failure still fails the request.
 */
async function bestEffortTouch(touch: () => Promise<void>): Promise<void> {
  try {
    await touch();
  } catch (err) {
    if (!isStorageFullError(err)) throw err;
  }
}

export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
export const TOKEN_PREFIX = 'cvt_';
const SESSION_PREFIX = 'cvs_';

interface RequestContext {
  readonly clientIp: string | null;
  /** `?orgId=`: a partner administrator acting on a customer org. */
  readonly orgId?: string | undefined;
}

async function buildActor(
  deps: AuthDeps,
  person: PersonRecord,
  via: Actor['via'],
  ctx: RequestContext,
): Promise<Actor> {
  let orgId = person.orgId;
  if (ctx.orgId !== undefined && ctx.orgId !== person.orgId) {
    const target = await findOrganizationById(deps.db, ctx.orgId);
    const manages =
      person.roles.includes('partnerAdmin') &&
      person.partnerId !== null &&
      target?.partnerId === person.partnerId;
    if (!manages) {
      throw new AppError('ORG_NOT_MANAGED', 'You do not manage the organization given in orgId');
    }
    orgId = ctx.orgId;
  }
  return {
    personId: person.id,
    email: person.emails[0] ?? '',
    displayName: person.displayName,
    homeOrgId: person.orgId,
    orgId,
    roles: person.roles,
    partnerId: person.partnerId,
    via,
    clientIp: ctx.clientIp,
  };
}

/** A Bearer token to an actor, or TOKEN_INVALID (unknown, revoked or expired alike). */
export async function authenticateToken(
  deps: AuthDeps,
  token: string,
  ctx: RequestContext,
): Promise<Actor> {
  const row = token.startsWith(TOKEN_PREFIX)
    ? await findTokenByHash(deps.db, hashSecret(token))
    : null;
  const now = deps.clock.now();
  if (!row || row.revoked !== null || (row.expires !== null && row.expires <= now.toISOString())) {
    throw new AppError('TOKEN_INVALID', 'The access token is invalid, expired or revoked');
  }
  const person = await findPersonByIdAnyOrg(deps.db, row.personId);
  if (!person)
    throw new AppError('TOKEN_INVALID', 'The access token is invalid, expired or revoked');
  // Recording last use at minute granularity keeps a busy token from writing on every request.
  if (row.lastUsed === null || now.getTime() - Date.parse(row.lastUsed) > 60_000) {
    await bestEffortTouch(() => touchToken(deps.db, row.id, now.toISOString()));
  }
  return buildActor(deps, person, 'token', ctx);
}

export interface SessionInfo {
  readonly actor: Actor;
  readonly sessionId: string;
  readonly csrfToken: string;
  /** Signed in with a one-time password: nothing but a password change is allowed yet. */
  readonly mustChangePassword: boolean;
}

export async function authenticateSession(
  deps: AuthDeps,
  secret: string,
  ctx: RequestContext,
): Promise<SessionInfo | null> {
  if (!secret.startsWith(SESSION_PREFIX)) return null;
  const session = await findSessionByHash(deps.db, hashSecret(secret));
  const now = deps.clock.now();
  if (!session || session.expires <= now.toISOString()) return null;
  const person = await findPersonByIdAnyOrg(deps.db, session.personId);
  if (!person) return null;
  if (now.getTime() - Date.parse(session.lastSeen) > 60_000) {
    await bestEffortTouch(() =>
      touchSession(
        deps.db,
        session.id,
        now.toISOString(),
        new Date(now.getTime() + SESSION_IDLE_MS).toISOString(),
      ),
    );
  }
  const stored = await findPasswordHash(deps.db, person.id);
  return {
    actor: await buildActor(deps, person, 'session', ctx),
    sessionId: session.id,
    csrfToken: session.csrfToken,
    mustChangePassword: stored?.mustChange ?? false,
  };
}

export interface LoginResult {
  readonly secret: string;
  readonly csrfToken: string;
  readonly actor: Actor;
}

export async function login(
  deps: AuthDeps,
  input: { email: string; password: string; clientIp: string | null; userAgent: string | null },
): Promise<LoginResult> {
  const person = await findPersonByEmail(deps.db, input.email);
  const stored = person ? await findPasswordHash(deps.db, person.id) : null;
  const ok = await verifyPassword(stored?.hash ?? null, input.password);
  if (!person || !ok) {
    throw new AppError('AUTH_INVALID_CREDENTIALS', 'Invalid email or password');
  }
  const now = deps.clock.now();
  const secret = newSecret(SESSION_PREFIX);
  const csrfToken = newSecret('');
  const actor = await buildActor(deps, person, 'session', { clientIp: input.clientIp });
  await deps.db.transaction().execute(async (trx) => {
    const id = newId('SESSION');
    await insertSession(trx, {
      id,
      hash: hashSecret(secret),
      personId: person.id,
      csrfToken,
      created: now.toISOString(),
      expires: new Date(now.getTime() + SESSION_IDLE_MS).toISOString(),
      clientIp: input.clientIp,
      userAgent: input.userAgent?.slice(0, 300) ?? null,
    });
    await audit(trx, deps.clock, actor, 'auth.login', { type: 'session', id });
  });
  return { secret, csrfToken, actor };
}

export async function logout(deps: AuthDeps, info: SessionInfo): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await deleteSession(trx, info.sessionId);
    await audit(trx, deps.clock, info.actor, 'auth.logout', {
      type: 'session',
      id: info.sessionId,
    });
  });
}

export async function describeActor(deps: AuthDeps, actor: Actor): Promise<Me> {
  const org = await findOrganizationById(deps.db, actor.orgId);
  const stored = await findPasswordHash(deps.db, actor.personId);
  const language = await findConsoleLanguage(deps.db, actor.personId);
  return {
    id: actor.personId,
    email: actor.email,
    displayName: actor.displayName,
    orgId: actor.orgId,
    orgName: org?.displayName ?? '',
    roles: [...actor.roles] as Role[],
    mustChangePassword: stored?.mustChange ?? false,
    language: isConsoleLanguage(language) ? language : null,
  };
}

function isConsoleLanguage(value: string | null): value is ConsoleLanguage {
  return value !== null && (CONSOLE_LANGUAGES as readonly string[]).includes(value);
}

/** Remembers the console language the actor chose (null forgets it), for every browser of theirs. */
export async function setOwnConsoleLanguage(
  deps: AuthDeps,
  actor: Actor,
  language: ConsoleLanguage | null,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const before = await findConsoleLanguage(trx, actor.personId);
    if (before === language) return;
    await setConsoleLanguage(trx, actor.personId, language);
    await audit(
      trx,
      deps.clock,
      actor,
      'person.consoleLanguageChanged',
      { type: 'person', id: actor.personId },
      { before, after: language },
    );
  });
}

/**
 * Changes the actor's own password. Every other console session of theirs ends (whoever knew the
 * old password is signed out); the session that made the change, if any, stays.
 */
export async function changePassword(
  deps: AuthDeps,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
  currentSessionId: string | null,
): Promise<void> {
  const stored = await findPasswordHash(deps.db, actor.personId);
  if (!(await verifyPassword(stored?.hash ?? null, input.currentPassword))) {
    throw new AppError('AUTH_INVALID_CREDENTIALS', 'The current password is not correct');
  }
  const hashed = await hashPassword(input.newPassword);
  await deps.db.transaction().execute(async (trx) => {
    await setPasswordHash(trx, actor.personId, hashed, false, deps.clock.now());
    const endedSessions = await deleteSessionsOfPerson(trx, actor.personId, currentSessionId);
    await audit(
      trx,
      deps.clock,
      actor,
      'person.passwordChanged',
      { type: 'person', id: actor.personId },
      { endedSessions },
    );
  });
}

/** Operator action (CLI): set a person's password; every console session of theirs ends. */
export async function setPasswordByEmail(
  deps: AuthDeps,
  email: string,
  password: string,
  mustChange: boolean,
): Promise<PersonRecord> {
  const person = await findPersonByEmail(deps.db, email);
  if (!person) throw notFound(`Person with email ${email}`);
  const hashed = await hashPassword(password);
  await deps.db.transaction().execute(async (trx) => {
    await setPasswordHash(trx, person.id, hashed, mustChange, deps.clock.now());
    await deleteSessionsOfPerson(trx, person.id);
    await audit(
      trx,
      deps.clock,
      null,
      'person.passwordSet',
      { type: 'person', id: person.id },
      {},
      person.orgId,
    );
  });
  return person;
}

/**
 * An administrator sets another person's console password: the one given, or a generated one-time
 * password returned once. Every console session of that person ends. Their own password an
 * administrator changes with the current one (`changePassword`), and only a partner administrator
 * sets a partner administrator's.
 */
export async function setPersonPassword(
  deps: AuthDeps,
  actor: Actor,
  personId: string,
  input: AdminSetPasswordBody,
): Promise<AdminSetPasswordResult> {
  assertCan(actor, 'person.write', { orgId: actor.orgId });
  const person = await findPersonById(deps.db, actor.orgId, personId);
  if (!person) throw notFound('Person');
  if (person.id === actor.personId) {
    throw new AppError('FORBIDDEN', 'Change your own password with your current one');
  }
  if (person.roles.includes('partnerAdmin') && !actor.roles.includes('partnerAdmin')) {
    throw new AppError(
      'FORBIDDEN',
      "Only a partner administrator sets a partner administrator's password",
    );
  }
  const oneTime = input.password === undefined;
  const password = input.password ?? generatePassword();
  const mustChange = oneTime || (input.mustChange ?? true);
  const hashed = await hashPassword(password);
  await deps.db.transaction().execute(async (trx) => {
    await setPasswordHash(trx, person.id, hashed, mustChange, deps.clock.now());
    const endedSessions = await deleteSessionsOfPerson(trx, person.id);
    await audit(
      trx,
      deps.clock,
      actor,
      'person.passwordSet',
      { type: 'person', id: person.id },
      { oneTime, mustChange, endedSessions },
    );
  });
  return { oneTimePassword: oneTime ? password : null, mustChangePassword: mustChange };
}

export interface CreatedToken {
  readonly id: string;
  readonly name: string;
  readonly token: string;
  readonly created: string;
  readonly expires: string | null;
}

/** A new personal API token for `person`; the secret is returned once and stored hashed. */
export async function createToken(
  deps: AuthDeps,
  person: PersonRecord,
  input: { name: string; expiresInMs: number | null },
  actor: Actor | null,
): Promise<CreatedToken> {
  const now = deps.clock.now();
  const token = newSecret(TOKEN_PREFIX);
  const created: CreatedToken = {
    id: newId('API_TOKEN'),
    name: input.name,
    token,
    created: now.toISOString(),
    expires:
      input.expiresInMs === null ? null : new Date(now.getTime() + input.expiresInMs).toISOString(),
  };
  await deps.db.transaction().execute(async (trx) => {
    await insertToken(trx, {
      id: created.id,
      orgId: person.orgId,
      personId: person.id,
      name: created.name,
      hash: hashSecret(token),
      created: created.created,
      expires: created.expires,
    });
    await audit(
      trx,
      deps.clock,
      actor,
      'token.created',
      { type: 'apiToken', id: created.id },
      { name: created.name, personId: person.id, expires: created.expires },
      person.orgId,
    );
  });
  return created;
}

export async function createTokenByEmail(
  deps: AuthDeps,
  email: string,
  input: { name: string; expiresInMs: number | null },
): Promise<CreatedToken> {
  const person = await findPersonByEmail(deps.db, email);
  if (!person) throw notFound(`Person with email ${email}`);
  return createToken(deps, person, input, null);
}

export async function listOwnTokens(deps: AuthDeps, actor: Actor): Promise<TokenRow[]> {
  return listTokensOfPerson(deps.db, actor.personId);
}

export async function revokeOwnToken(deps: AuthDeps, actor: Actor, id: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const revoked = await revokeToken(trx, id, actor.personId, deps.clock.now().toISOString());
    if (!revoked) throw notFound('Token');
    await audit(trx, deps.clock, actor, 'token.revoked', { type: 'apiToken', id });
  });
}

/** "30d", "12h", "90m" or "never" to milliseconds (null = never expires). */
export function parseDuration(text: string): number | null {
  if (text === 'never') return null;
  const match = /^(\d{1,5})([dhm])$/.exec(text.trim());
  if (!match)
    throw new AppError('VALIDATION_FAILED', `"${text}" is not a duration like 30d, 12h or 90m`);
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[match[2] as 'd' | 'h' | 'm'];
  return Number(match[1]) * unit;
}
