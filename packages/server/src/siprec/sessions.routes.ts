// GET /api/sessions: live SIPREC sessions of the actor's org (thin: authorise, read, present).
import { ErrorBody, OrgQuery } from '@callvault/shared';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../http/auth-hook.js';
import type { AppInstance } from '../http/types.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { JobQueue } from '../jobs/job-queue.js';
import {
  listActiveSessions,
  listCaptureFailures,
  resolveCaptureFailure,
} from './sessions.service.js';
import type { SessionRegistry } from './session-registry.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const SessionSchema = Type.Object({
  id: Type.String({ description: 'The SIP dialog id of the recording session' }),
  callId: Type.String(),
  state: Type.Union(['answering', 'awaiting-ack', 'active', 'closed'].map((s) => Type.Literal(s))),
  ownership: Type.Union(
    ['owned', 'unattributed', 'awaiting-participants', 'no-owner', 'refused'].map((s) =>
      Type.Literal(s),
    ),
    {
      description:
        'unattributed: no party matched anyone and the trunk has no default owner; the call is recorded without an owner',
    },
  ),
  unattributedReason: Type.Optional(
    Type.String({ description: 'why nobody owns the call (ownership unattributed)' }),
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
      recordingState: Nullable(Type.String()),
      failureBehavior: Nullable(Type.String()),
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
  recordingState: Nullable(Type.String()),
  onHold: Type.Boolean(),
  failure: Type.Union([
    Type.Object({
      reason: Type.String(),
      detail: Type.String(),
      at: Type.String({ format: 'date-time' }),
      failureBehavior: Nullable(Type.String()),
    }),
    Type.Null(),
  ]),
  forward: Type.Union(
    [
      Type.Object({
        vendorId: Type.String(),
        vendorName: Type.String(),
        sipUri: Type.String(),
        state: Type.String({ description: 'inviting | established | ended | failed' }),
        failure: Type.Union([
          Type.Object({
            code: Type.String(),
            status: Type.Union([Type.Integer(), Type.Null()]),
            reason: Type.String(),
          }),
          Type.Null(),
        ]),
        recordedHere: Type.Boolean(),
      }),
      Type.Null(),
    ],
    { description: 'the external recorder the session is forwarded to; null when not forwarded' },
  ),
});

export const CaptureFailureSchema = Type.Object({
  id: Type.String(),
  callId: Type.String(),
  callSessionId: Type.String(),
  reason: Type.String({
    description:
      'no-media | disk-full | journal-write | encoder-error | store-error | no-owner | unreadable | finalize-error',
  }),
  detail: Type.String(),
  failureBehavior: Nullable(Type.String()),
  ownerIds: Type.Array(Type.String()),
  recordingIds: Type.Array(Type.String(), { description: 'stored anyway from what was captured' }),
  failedAt: Type.String({ format: 'date-time' }),
  retrying: Type.Boolean({
    description:
      'the recording is still being retried (a storage outage); it leaves this list by itself when a retry stores it',
  }),
});

export function registerSessionRoutes(
  app: AppInstance,
  deps: {
    readonly sessions: SessionRegistry | null;
    readonly db: Db;
    readonly clock: Clock;
    readonly queue: JobQueue | null;
  },
): void {
  app.get(
    '/api/sessions',
    {
      schema: {
        tags: ['sessions'],
        summary: 'SIPREC sessions being recorded now by this process (administrators)',
        querystring: Type.Object(OrgQuery),
        response: {
          200: Type.Object({
            items: Type.Array(SessionSchema),
            failures: Type.Array(CaptureFailureSchema, {
              description: 'captured calls whose recording failed, not yet resolved (journal kept)',
            }),
          }),
          '4xx': ErrorBody,
        },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      return {
        items: listActiveSessions(deps.sessions, actor),
        failures: await listCaptureFailures(deps.db, actor),
      };
    },
  );

  app.post(
    '/api/sessions/failures/:id/resolve',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Mark a failed capture dealt with; retry: finalize its kept journal again',
        description:
          'Administrators. `retry` only when nothing of the call was stored and the journal is on this server.',
        params: Type.Object({ id: Type.String({ maxLength: 100 }) }),
        querystring: Type.Object(OrgQuery),
        body: Type.Object({ retry: Type.Optional(Type.Boolean()) }),
        response: { 204: Type.Null(), '4xx': ErrorBody, '5xx': ErrorBody },
      },
    },
    async (request, reply) => {
      await resolveCaptureFailure(deps, actorOf(request), request.params.id, request.body);
      return reply.status(204).send(null);
    },
  );
}
