// GET /api/sessions: live SIPREC sessions of the actor's org (thin: authorise, read, present).
import { ErrorBody, OrgQuery } from '@callvault/shared';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../http/auth-hook.js';
import type { AppInstance } from '../http/types.js';
import { listActiveSessions } from './sessions.service.js';
import type { SessionRegistry } from './session-registry.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const SessionSchema = Type.Object({
  id: Type.String({ description: 'The SIP dialog id of the recording session' }),
  callId: Type.String(),
  state: Type.Union(['answering', 'awaiting-ack', 'active', 'closed'].map((s) => Type.Literal(s))),
  ownership: Type.Union(
    ['owned', 'awaiting-participants', 'no-owner', 'refused'].map((s) => Type.Literal(s)),
  ),
  startedAt: Type.String({ format: 'date-time' }),
  trunk: Type.Object({ id: Type.String(), name: Type.String() }),
  source: Type.String({ description: 'transport:address:port the SRC sent from' }),
  parties: Type.Array(
    Type.Object({
      id: Type.String(),
      aor: Nullable(Type.String()),
      name: Nullable(Type.String()),
      placeholder: Type.Boolean(),
    }),
  ),
  owners: Type.Array(
    Type.Object({
      type: Type.String(),
      id: Type.String(),
      displayName: Type.String(),
      mode: Type.String(),
      matchedBy: Type.String(),
    }),
  ),
  streams: Type.Array(
    Type.Object({
      label: Nullable(Type.String()),
      port: Type.Integer(),
      protocol: Type.String(),
      codec: Nullable(Type.String()),
      direction: Type.String(),
    }),
  ),
  metadataRevisions: Type.Integer(),
});

export function registerSessionRoutes(
  app: AppInstance,
  deps: { readonly sessions: SessionRegistry | null },
): void {
  app.get(
    '/api/sessions',
    {
      schema: {
        tags: ['sessions'],
        summary: 'SIPREC sessions being recorded now by this process (administrators)',
        querystring: Type.Object(OrgQuery),
        response: {
          200: Type.Object({ items: Type.Array(SessionSchema) }),
          '4xx': ErrorBody,
        },
      },
    },
    (request) => ({ items: listActiveSessions(deps.sessions, actorOf(request)) }),
  );
}
