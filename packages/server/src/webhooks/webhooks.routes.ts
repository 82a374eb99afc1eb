// `/v1/webhooks` with Webex's shape, and Callvault's delivery log `/api/webhooks/{id}/deliveries`.
import {
  ErrorBody,
  IdParam,
  OrgQuery,
  Webhook,
  WebhookCreate,
  WebhookDeliveryList,
  WebhookList,
  WebhookUpdate,
} from '@callvault/shared';
import { Type } from '@sinclair/typebox';
import { actorOf, setNextLink } from '../http/auth-hook.js';
import type { AppInstance } from '../http/types.js';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhookDeliveries,
  listWebhooks,
  updateWebhook,
  type WebhookDeps,
} from './webhooks.service.js';

const errors = { '4xx': ErrorBody };
const tags = ['webhooks'];
const Query = Type.Object(OrgQuery);
const ListQuery = Type.Object({
  ...OrgQuery,
  max: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});
const WebhookListQuery = Type.Object({
  ...OrgQuery,
  max: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 100, description: 'page size, default 100' }),
  ),
  ownedBy: Type.Optional(Type.Literal('org', { description: 'only org-wide webhooks' })),
  cursor: Type.Optional(Type.String({ maxLength: 500, description: 'from the Link header' })),
});

export function registerWebhookRoutes(app: AppInstance, deps: WebhookDeps): void {
  app.get(
    '/v1/webhooks',
    {
      schema: {
        tags,
        summary:
          'List webhooks: administrators see the organization’s, others their own; page with max and the Link header',
        querystring: WebhookListQuery,
        response: { 200: WebhookList, ...errors },
      },
    },
    async (request, reply) => {
      const page = await listWebhooks(deps, actorOf(request), {
        max: request.query.max ?? 100,
        cursor: request.query.cursor,
        ownedBy: request.query.ownedBy,
      });
      setNextLink(request, reply, page.nextCursor);
      return { items: page.items };
    },
  );
  app.post(
    '/v1/webhooks',
    {
      schema: {
        tags,
        summary:
          'Create a webhook (resource convergedRecordings: created, updated (eventSubType TRASH, RESTORE, PURGE for the recycle bin, restore, purge), deleted or all; storageQuota: usage crossing 80/90/100 %; recordingAccess: a compliance officer role granted (created) or removed (deleted)). ownedBy org: administrators, and compliance officers for convergedRecordings; ownedBy creator: anyone, for their own recordings',
        querystring: Query,
        body: WebhookCreate,
        response: { 200: Webhook, ...errors },
      },
    },
    (request) => createWebhook(deps, actorOf(request), request.body),
  );
  app.get(
    '/v1/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Webhook details with the status of its last delivery',
        params: IdParam,
        querystring: Query,
        response: { 200: Webhook, ...errors },
      },
    },
    (request) => getWebhook(deps, actorOf(request), request.params.id),
  );
  app.put(
    '/v1/webhooks/:id',
    {
      schema: {
        tags,
        summary:
          'Change name, targetUrl, secret, ownedBy and status; other fields (such as those of a GET body) are ignored',
        params: IdParam,
        querystring: Query,
        body: WebhookUpdate,
        response: { 200: Webhook, ...errors },
      },
    },
    (request) => updateWebhook(deps, actorOf(request), request.params.id, request.body),
  );
  app.delete(
    '/v1/webhooks/:id',
    {
      schema: {
        tags,
        params: IdParam,
        querystring: Query,
        response: { 204: Type.Null({ description: 'removed' }), ...errors },
      },
    },
    async (request, reply) => {
      await deleteWebhook(deps, actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
  app.get(
    '/api/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'Recent deliveries of a webhook, newest first (status, attempts, last HTTP code)',
        params: IdParam,
        querystring: ListQuery,
        response: { 200: WebhookDeliveryList, ...errors },
      },
    },
    async (request) => ({
      items: await listWebhookDeliveries(
        deps,
        actorOf(request),
        request.params.id,
        request.query.max ?? 100,
      ),
    }),
  );
}
