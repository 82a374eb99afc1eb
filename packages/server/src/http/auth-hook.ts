// Sets request.actor from a Bearer token or the console session cookie; enforces CSRF for
// cookie-authenticated changes. Routes marked `config: { public: true }` skip it. It runs on
// `onRequest`, before the body is read, parsed or validated: an anonymous client cannot make the
// server read or parse a body of a route it may not call.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { routeNotFound } from './error-handler.js';
import type { Actor } from '../policy/actor.js';

/** What the hook knows of a request when it resolves its credentials. */
export interface AuthRequestContext {
  readonly clientIp: string | null;
  /** `?orgId=`: a partner administrator acting on a customer org. */
  readonly orgId?: string | undefined;
}

/** A console session the cookie names, as the hook needs it. */
export interface AuthenticatedSession {
  readonly actor: Actor;
  readonly sessionId: string;
  readonly csrfToken: string;
  /** Signed in with a one-time password: nothing but a password change is allowed yet. */
  readonly mustChangePassword: boolean;
}

/**
 * How credentials become an actor: the auth feature's service, handed in by the composition
 * root (app/), so this hook does not know where tokens and sessions are kept.
 */
export interface RequestAuthenticator {
  /** A Bearer token to its actor; throws TOKEN_INVALID for an unknown, revoked or expired one. */
  token(token: string, ctx: AuthRequestContext): Promise<Actor>;
  /** A session cookie's secret to its live session, or null. */
  session(secret: string, ctx: AuthRequestContext): Promise<AuthenticatedSession | null>;
}

export const SESSION_COOKIE = 'cv_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    session: AuthenticatedSession | null;
  }
  interface FastifyContextConfig {
    /** No authentication needed (login, health, docs). */
    public?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function orgIdParam(request: FastifyRequest): string | undefined {
  const q = request.query as Record<string, unknown> | undefined;
  const value = q?.orgId;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function registerAuth(app: FastifyInstance, authenticator: RequestAuthenticator): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('session', null);

  // @fastify/cookie parses the Cookie header on its own onRequest hook, registered before this one.
  app.addHook('onRequest', async (request) => {
    // Fastify would still read and parse the body of a request no route serves: answer first.
    if (request.is404) throw routeNotFound(request);
    const isApi = request.url.startsWith('/api/') || request.url.startsWith('/v1/');
    if (!isApi || request.routeOptions.config.public === true) return;
    const ctx = { clientIp: request.ip, orgId: orgIdParam(request) };
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!match?.[1])
        throw new AppError('TOKEN_INVALID', 'The Authorization header must be "Bearer <token>"');
      request.actor = await authenticator.token(match[1], ctx);
      return;
    }
    const cookie = request.cookies[SESSION_COOKIE];
    const session = cookie ? await authenticator.session(cookie, ctx) : null;
    if (!session) throw new AppError('UNAUTHENTICATED', 'Sign in or send a Bearer token');
    if (!SAFE_METHODS.has(request.method) && request.headers[CSRF_HEADER] !== session.csrfToken) {
      throw new AppError('CSRF_TOKEN_INVALID', `Missing or wrong ${CSRF_HEADER} header`);
    }
    // A one-time password only lets its holder choose a real one (and read or end the session).
    if (session.mustChangePassword && !request.url.startsWith('/api/auth/')) {
      throw new AppError(
        'PASSWORD_CHANGE_REQUIRED',
        'Choose a new password first (POST /api/auth/password)',
      );
    }
    request.session = session;
    request.actor = session.actor;
  });
}

/** The authenticated actor of a route that is not public. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('UNAUTHENTICATED', 'Sign in or send a Bearer token');
  return request.actor;
}

/** Sets the Webex `Link: <…>; rel="next"` header when there is another page. */
export function setNextLink(
  request: FastifyRequest,
  reply: { header(name: string, value: string): unknown },
  nextCursor: string | null,
): void {
  if (nextCursor === null) return;
  const url = new URL(request.url, `${request.protocol}://${request.host}`);
  url.searchParams.set('cursor', nextCursor);
  reply.header('Link', `<${url.toString()}>; rel="next"`);
}
