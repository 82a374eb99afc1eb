import {
  ErrorBody,
  OrgQuery,
  RecordingDecision,
  RecordingDecisionRequest,
} from '@callvault/shared';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../http/auth-hook.js';
import type { AppInstance } from '../http/types.js';
import { requestRecordingDecision, type DecisionDeps } from './recording-decisions.service.js';

export function registerRecordingDecisionRoutes(app: AppInstance, deps: DecisionDeps): void {
  app.post(
    '/api/recording-decisions',
    {
      schema: {
        tags: ['recording decisions'],
        summary:
          'For call systems: whether and how to record a call leg, and which announcements to play',
        querystring: Type.Object(OrgQuery),
        body: RecordingDecisionRequest,
        response: { 200: RecordingDecision, '4xx': ErrorBody },
      },
    },
    (request) =>
      requestRecordingDecision(
        deps,
        actorOf(request),
        request.body,
        `${request.protocol}://${request.host}`,
      ),
  );
}
