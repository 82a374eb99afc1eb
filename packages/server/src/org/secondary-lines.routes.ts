// /api/virtual-lines/{id}/secondaryLineUsers: who has a virtual line as a secondary line. Webex
// sets this through device line members; Callvault has no devices, so it is set here.
import { ErrorBody, IdParam, OrgQuery, SecondaryLineUsers } from '@callvault/shared';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../http/auth-hook.js';
import type { AppInstance } from '../http/types.js';
import type { OrgDeps } from './org-deps.js';
import { getSecondaryLineUsers, setSecondaryLineUsers } from './secondary-lines.js';

export function registerSecondaryLineRoutes(app: AppInstance, deps: OrgDeps): void {
  const path = '/api/virtual-lines/:id/secondaryLineUsers';
  const tags = ['virtual lines'];
  app.get(
    path,
    {
      schema: {
        tags,
        summary: 'The people who have this virtual line as a secondary line',
        params: IdParam,
        querystring: Type.Object(OrgQuery),
        response: { 200: SecondaryLineUsers, '4xx': ErrorBody },
      },
    },
    (request) => getSecondaryLineUsers(deps, actorOf(request), request.params.id),
  );
  app.put(
    path,
    {
      schema: {
        tags,
        summary: 'Set the people who have this virtual line as a secondary line',
        description:
          'They read its recording settings at GET /v1/telephony/config/people/me/settings/secondaryLines/{virtualLineId}/callRecording.',
        params: IdParam,
        querystring: Type.Object(OrgQuery),
        body: SecondaryLineUsers,
        response: { 204: Type.Null(), '4xx': ErrorBody },
      },
    },
    async (request, reply) => {
      await setSecondaryLineUsers(
        deps,
        actorOf(request),
        request.params.id,
        request.body.personIds,
      );
      return reply.status(204).send(null);
    },
  );
}
