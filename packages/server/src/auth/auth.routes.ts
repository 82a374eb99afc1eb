// Console login/logout/session and personal API tokens.
import {
  AdminSetPasswordBody,
  AdminSetPasswordResult,
  ChangePasswordBody,
  ConsoleLanguageBody,
  ErrorBody,
  IdParam,
  LoginBody,
  OrgQuery,
  SessionResponse,
  TokenCreateBody,
  TokenCreated,
  TokenInfo,
} from '@callvault/shared';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { actorOf, SESSION_COOKIE } from '../http/auth-hook.js';
import type { AppInstance } from '../http/types.js';
import { findPersonByIdAnyOrg } from '../org/people.repository.js';
import {
  changePassword,
  createToken,
  describeActor,
  listOwnTokens,
  login,
  logout,
  revokeOwnToken,
  setOwnConsoleLanguage,
  SESSION_IDLE_MS,
  setPersonPassword,
  type AuthDeps,
} from './auth.service.js';

const errors = { '4xx': ErrorBody };
const DAY_MS = 86_400_000;

export function registerAuthRoutes(
  app: AppInstance,
  deps: AuthDeps,
  options: {
    /** Was this request served over HTTPS (then the session cookie is Secure)? */
    readonly servedOverHttps: (request: FastifyRequest) => boolean;
  },
): void {
  app.post(
    '/api/auth/login',
    {
      config: {
        public: true,
        // Per client address and email: slows guessing without letting one address lock out others.
        rateLimit: {
          // After body parsing, so the key can include the email.
          hook: 'preHandler',
          max: 10,
          timeWindow: 60_000,
          keyGenerator: (request) => {
            const body = request.body as { email?: unknown } | undefined;
            return `${request.ip}|${typeof body?.email === 'string' ? body.email.toLowerCase() : ''}`;
          },
        },
      },
      schema: {
        tags: ['auth'],
        summary: 'Console sign-in; sets an HTTP-only session cookie',
        body: LoginBody,
        response: { 200: SessionResponse, ...errors },
      },
    },
    async (request, reply) => {
      const result = await login(deps, {
        email: request.body.email,
        password: request.body.password,
        clientIp: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
      });
      reply.setCookie(SESSION_COOKIE, result.secret, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: options.servedOverHttps(request),
        maxAge: SESSION_IDLE_MS / 1000,
      });
      return { user: await describeActor(deps, result.actor), csrfToken: result.csrfToken };
    },
  );

  app.get(
    '/api/auth/session',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in console user',
        response: { 200: SessionResponse, ...errors },
      },
    },
    async (request) => {
      if (!request.session) throw new AppError('UNAUTHENTICATED', 'No console session');
      return {
        user: await describeActor(deps, request.session.actor),
        csrfToken: request.session.csrfToken,
      };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: { tags: ['auth'], response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      if (request.session) await logout(deps, request.session);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary:
          'Change your own password (required after a one-time password); your other console sessions end',
        body: ChangePasswordBody,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await changePassword(
        deps,
        actorOf(request),
        request.body,
        request.session?.sessionId ?? null,
      );
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/api/auth/language',
    {
      schema: {
        tags: ['auth'],
        summary:
          'Remember the console language you chose (null forgets it); the console opens in it in every browser',
        body: ConsoleLanguageBody,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await setOwnConsoleLanguage(deps, actorOf(request), request.body.language);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/people/:id/password',
    {
      schema: {
        tags: ['auth'],
        summary:
          "Set another person's console password, or have a one-time password generated (full administrators); their console sessions end",
        params: IdParam,
        querystring: Type.Object(OrgQuery),
        body: AdminSetPasswordBody,
        response: { 200: AdminSetPasswordResult, ...errors },
      },
    },
    async (request) => setPersonPassword(deps, actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/api/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Your personal API tokens (secrets are never shown again)',
        response: { 200: Type.Object({ items: Type.Array(TokenInfo) }), ...errors },
      },
    },
    async (request) => ({
      items: (await listOwnTokens(deps, actorOf(request))).map((t) => ({
        id: t.id,
        name: t.name,
        created: t.created,
        expires: t.expires,
        lastUsed: t.lastUsed,
      })),
    }),
  );

  app.post(
    '/api/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Create a personal API token; the secret is in this answer only',
        body: TokenCreateBody,
        response: { 200: TokenCreated, ...errors },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const person = await findPersonByIdAnyOrg(deps.db, actor.personId);
      if (!person) throw new AppError('UNAUTHENTICATED', 'Unknown person');
      const days = request.body.expiresInDays ?? 90;
      return createToken(
        deps,
        person,
        { name: request.body.name, expiresInMs: days * DAY_MS },
        actor,
      );
    },
  );

  app.delete(
    '/api/tokens/:id',
    {
      schema: { tags: ['tokens'], params: IdParam, response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      await revokeOwnToken(deps, actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
