// Webex's organisation call-recording endpoint (SPEC §9.1): recording on or off for the org.
import { OrgCallRecording, OrgCallRecordingUpdate } from '@callvault/shared';
import { actorOf } from '../http/auth-hook.js';
import type { AppInstance } from '../http/types.js';
import type { OrgDeps } from '../org/org-deps.js';
import { errors, noContent, Query, tags, ORG_PATH } from './route-schemas.js';
import { getOrgCallRecording, updateOrgCallRecording } from './org-recording-settings.service.js';

export function registerOrgRecordingSettingsRoutes(app: AppInstance, deps: OrgDeps): void {
  const base = ORG_PATH;
  app.get(
    base,
    { schema: { tags, querystring: Query, response: { 200: OrgCallRecording, ...errors } } },
    (request) => getOrgCallRecording(deps, actorOf(request)),
  );

  app.put(
    base,
    {
      schema: {
        tags,
        summary: 'Turn recording on or off for the org',
        querystring: Query,
        body: OrgCallRecordingUpdate,
        response: noContent,
      },
    },
    async (request, reply) => {
      await updateOrgCallRecording(deps, actorOf(request), request.body);
      return reply.status(204).send(null);
    },
  );
}
