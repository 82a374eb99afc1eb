// Sharing recordings beside Webex's converged-recordings paths (SPEC §7, §9.1): Webex has no
// sharing API, so these are Callvault's, shaped like Webex's (`items` lists, 201/204). Thin: parse,
// call the service, present.
import {
  ErrorBody,
  IdParam,
  OrgQuery,
  RecordingShare,
  RecordingShareList,
  RecordingShareQuery,
  ShareCreate,
  ShareParams,
  ShareRecipientList,
  ShareRecipientQuery,
  SharedRecordingList,
} from '@callvault/shared';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../http/auth-hook.js';
import type { AppInstance } from '../http/types.js';
import {
  listRecordingShares,
  listShareRecipients,
  listSharedWithMe,
  revokeRecordingShare,
  shareRecording,
  type SharingDeps,
} from './sharing.service.js';

const errors = { '4xx': ErrorBody };
const tags = ['recording sharing'];
const Query = Type.Object(OrgQuery);

export function registerSharingRoutes(app: AppInstance, deps: SharingDeps): void {
  app.get(
    '/v1/convergedRecordings/sharedWithMe',
    {
      schema: {
        tags,
        summary:
          'Recordings shared with you now (unrevoked, unexpired, available), newest share first; at most 200',
        response: { 200: SharedRecordingList, ...errors },
      },
    },
    async (request) => ({ items: await listSharedWithMe(deps, actorOf(request)) }),
  );

  app.get(
    '/v1/convergedRecordings/shareRecipients',
    {
      schema: {
        tags,
        summary:
          'People of your organization to share a recording with (needs shareRecordingsEnabled); at most 20',
        querystring: ShareRecipientQuery,
        response: { 200: ShareRecipientList, ...errors },
      },
    },
    async (request) => ({
      items: await listShareRecipients(deps, actorOf(request), request.query.q),
    }),
  );

  app.post(
    '/v1/convergedRecordings/:id/shares',
    {
      schema: {
        tags,
        summary:
          'Share your recording, read-only, with a person of your organization (needs shareRecordingsEnabled); optional expiry and download',
        params: IdParam,
        querystring: Query,
        body: ShareCreate,
        response: { 201: RecordingShare, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await shareRecording(deps, actorOf(request), request.params.id, request.body)),
  );

  app.get(
    '/v1/convergedRecordings/:id/shares',
    {
      schema: {
        tags,
        summary:
          'The recording’s shares (its owner, administrators, compliance officers); default: active ones',
        params: IdParam,
        querystring: RecordingShareQuery,
        response: { 200: RecordingShareList, ...errors },
      },
    },
    async (request) => ({
      items: await listRecordingShares(
        deps,
        actorOf(request),
        request.params.id,
        request.query.status ?? 'active',
      ),
    }),
  );

  app.delete(
    '/v1/convergedRecordings/:id/shares/:shareId',
    {
      schema: {
        tags,
        summary:
          'Revoke a share (its owner, administrators, compliance officers); the share is kept, revoked',
        params: ShareParams,
        querystring: Query,
        response: { 204: Type.Null({ description: 'revoked' }), ...errors },
      },
    },
    async (request, reply) => {
      await revokeRecordingShare(deps, actorOf(request), request.params.id, request.params.shareId);
      return reply.status(204).send(null);
    },
  );
}
