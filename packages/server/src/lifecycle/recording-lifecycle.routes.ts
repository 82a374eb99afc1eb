// The recording lifecycle with Webex's paths (SPEC §9.1): the recycle bin (softDelete, restore,
// purge), a compliance officer's permanent delete and reassign; and Callvault's bulk call. Thin:
// parse, call the service, present.
import {
  ErrorBody,
  IdParam,
  OrgQuery,
  PurgeBody,
  ReassignBody,
  RecordingBulkBody,
  RecordingBulkResult,
  RecordingDeleteBody,
  RestoreBody,
  SoftDeleteBody,
} from '@callvault/shared';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../http/auth-hook.js';
import type { AppInstance } from '../http/types.js';
import { OPTIONAL_BODY } from '../http/openapi-optional-body.js';
import type { RecordingsDeps } from '../recordings/recording-deps.js';
import {
  bulkChangeRecordings,
  changeRecordingsInBatch,
  deleteRecordingPermanently,
  reassignRecordings,
} from './recording-lifecycle.service.js';

const errors = { '4xx': ErrorBody, '5xx': ErrorBody };
const tags = ['converged recordings'];
const callvaultTags = ['recordings'];
const Query = Type.Object(OrgQuery);
const NoContent = { 204: Type.Null({ description: 'done' }) };

export function registerRecordingLifecycleRoutes(app: AppInstance, deps: RecordingsDeps): void {
  app.delete(
    '/v1/convergedRecordings/:id',
    {
      schema: {
        tags,
        summary:
          "Delete a recording permanently (compliance officers). The body is optional; reason (≤ 255) is required for another person's recording, comment ≤ 255",
        params: IdParam,
        querystring: Query,
        body: RecordingDeleteBody,
        [OPTIONAL_BODY]: true,
        response: { ...NoContent, ...errors },
      },
      // Webex clients send this DELETE without a body: validate it as an empty object.
      preValidation: (request, _reply, done) => {
        if (request.body === undefined || request.body === null) request.body = {};
        done();
      },
    },
    async (request, reply) => {
      await deleteRecordingPermanently(deps, actorOf(request), request.params.id, request.body);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v1/convergedRecordings/softDelete',
    {
      schema: {
        tags,
        summary:
          'Move recordings into the recycle bin (trashAll with ownerEmail for administrators)',
        querystring: Query,
        body: SoftDeleteBody,
        response: { ...NoContent, ...errors },
      },
    },
    async (request, reply) => {
      const { trashAll, ...rest } = request.body;
      await changeRecordingsInBatch(deps, actorOf(request), 'softDelete', {
        all: trashAll,
        ...rest,
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v1/convergedRecordings/restore',
    {
      schema: {
        tags,
        summary: 'Restore recordings from the recycle bin',
        querystring: Query,
        body: RestoreBody,
        response: { ...NoContent, ...errors },
      },
    },
    async (request, reply) => {
      const { restoreAll, ...rest } = request.body;
      await changeRecordingsInBatch(deps, actorOf(request), 'restore', {
        all: restoreAll,
        ...rest,
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v1/convergedRecordings/purge',
    {
      schema: {
        tags,
        summary: 'Purge recordings from the recycle bin; their audio is removed when unused',
        querystring: Query,
        body: PurgeBody,
        response: { ...NoContent, ...errors },
      },
    },
    async (request, reply) => {
      const { purgeAll, ...rest } = request.body;
      await changeRecordingsInBatch(deps, actorOf(request), 'purge', { all: purgeAll, ...rest });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v1/convergedRecordings/reassign',
    {
      schema: {
        tags,
        summary: 'Reassign recordings to a person of the organization (administrators)',
        querystring: Query,
        body: ReassignBody,
        response: { ...NoContent, ...errors },
      },
    },
    async (request, reply) => {
      await reassignRecordings(deps, actorOf(request), request.body);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/recordings/bulk',
    {
      schema: {
        tags: callvaultTags,
        summary: 'One action on up to 200 recordings; each refusal is reported, the rest applied',
        querystring: Query,
        body: RecordingBulkBody,
        response: { 200: RecordingBulkResult, ...errors },
      },
    },
    (request) => bulkChangeRecordings(deps, actorOf(request), request.body),
  );
}
