// Webex's vendor-change jobs (/v1/telephony/config/jobs/callRecording, SPEC §9.1).
import { CallRecordingJob, CallRecordingJobErrors, CallRecordingJobList } from '@callvault/shared';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../http/auth-hook.js';
import type { AppInstance } from '../http/types.js';
import type { OrgDeps } from '../org/org-deps.js';
import { errors, Query, tags } from './route-schemas.js';
import {
  listCallRecordingJobs,
  getCallRecordingJob,
  getCallRecordingJobErrors,
} from './call-recording-jobs.service.js';

export function registerCallRecordingJobRoutes(app: AppInstance, deps: OrgDeps): void {
  const jobs = '/v1/telephony/config/jobs/callRecording';
  const JobParam = Type.Object({ jobId: Type.String({ minLength: 1, maxLength: 200 }) });
  app.get(
    jobs,
    {
      schema: {
        tags,
        summary: 'Vendor changes of the org, newest first',
        querystring: Type.Composite([
          Query,
          Type.Object({
            start: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
            max: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 1000 })),
          }),
        ]),
        response: { 200: CallRecordingJobList, ...errors },
      },
    },
    (request) =>
      listCallRecordingJobs(deps, actorOf(request), {
        start: request.query.start ?? 0,
        max: request.query.max ?? 1000,
      }),
  );
  app.get(
    `${jobs}/:jobId`,
    {
      schema: {
        tags,
        params: JobParam,
        querystring: Query,
        response: { 200: CallRecordingJob, ...errors },
      },
    },
    (request) => getCallRecordingJob(deps, actorOf(request), request.params.jobId),
  );
  app.get(
    `${jobs}/:jobId/errors`,
    {
      schema: {
        tags,
        summary: 'The users the new vendor cannot record (licence rules)',
        params: JobParam,
        querystring: Query,
        response: { 200: CallRecordingJobErrors, ...errors },
      },
    },
    (request) => getCallRecordingJobErrors(deps, actorOf(request), request.params.jobId),
  );
}
