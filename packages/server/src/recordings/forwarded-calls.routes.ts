// GET /api/forwarded-calls: the catalogue entries of calls forwarded to external recorders
// (kind `forwarded`, no audio). Callvault's own list, beside /api/recordings.
import { ErrorBody, ForwardedCallList, ForwardedCallsQuery } from '@callvault/shared';
import { actorOf, setNextLink } from '../http/auth-hook.js';
import type { AppInstance } from '../http/types.js';
import { listForwardedCalls } from './forwarded-calls.service.js';
import type { RecordingsDeps } from './recording-deps.js';

export function registerForwardedCallRoutes(app: AppInstance, deps: RecordingsDeps): void {
  app.get(
    '/api/forwarded-calls',
    {
      schema: {
        tags: ['recordings'],
        summary:
          'Calls forwarded to external recorders (no audio here): the org’s for compliance officers and administrators, your own for everyone else; newest first',
        querystring: ForwardedCallsQuery,
        response: { 200: ForwardedCallList, '4xx': ErrorBody, '5xx': ErrorBody },
      },
    },
    async (request, reply) => {
      const page = await listForwardedCalls(deps, actorOf(request), request.query);
      setNextLink(request, reply, page.nextCursor);
      return page;
    },
  );
}
