// `/v1/events` and `/v1/events/{eventId}` with Webex's shape (compliance officers).
import {
  ComplianceEvent,
  ComplianceEventList,
  ComplianceEventsQuery,
  ErrorBody,
  OrgQuery,
} from '@callvault/shared';
import { Type } from '@sinclair/typebox';
import { actorOf, setNextLink } from '../http/auth-hook.js';
import type { AppInstance } from '../http/types.js';
import { getEvent, listEvents, type ComplianceEventDeps } from './compliance-events.service.js';

const errors = { '4xx': ErrorBody };
const tags = ['events'];

export function registerComplianceEventRoutes(app: AppInstance, deps: ComplianceEventDeps): void {
  app.get(
    '/v1/events',
    {
      schema: {
        tags,
        summary:
          'List what happened to the organization’s recordings, newest first (compliance officers): resource=convergedRecordings&serviceType=calling, type, actorId, from, to; page with max and the Link header',
        querystring: ComplianceEventsQuery,
        response: { 200: ComplianceEventList, ...errors },
      },
    },
    async (request, reply) => {
      const page = await listEvents(deps, actorOf(request), request.query);
      setNextLink(request, reply, page.nextCursor);
      return { items: page.items };
    },
  );
  app.get(
    '/v1/events/:eventId',
    {
      schema: {
        tags,
        summary: 'One event by its id (compliance officers)',
        params: Type.Object({ eventId: Type.String({ minLength: 1, maxLength: 200 }) }),
        querystring: Type.Object(OrgQuery),
        response: { 200: ComplianceEvent, ...errors },
      },
    },
    (request) => getEvent(deps, actorOf(request), request.params.eventId),
  );
}
