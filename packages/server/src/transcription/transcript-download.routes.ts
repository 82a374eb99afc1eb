// `GET /api/recordings/{id}/transcript`: a transcript behind a temporary download link. Thin:
// parse, call the service, answer the file.
import { ErrorBody, IdParam, TranscriptDownloadQuery } from '@callvault/shared';
import { Type } from '@sinclair/typebox';
import { sendFileResponse } from '../http/file-reply.js';
import type { AppInstance } from '../http/types.js';
import type { RecordingsDeps } from '../recordings/recording-deps.js';
import { openRecordingTranscript } from './transcript-download.service.js';

const errors = { '4xx': ErrorBody, '5xx': ErrorBody };
const callvaultTags = ['recordings'];

export function registerTranscriptDownloadRoute(app: AppInstance, deps: RecordingsDeps): void {
  app.get(
    '/api/recordings/:id/transcript',
    {
      exposeHeadRoute: false,
      config: { public: true },
      schema: {
        tags: callvaultTags,
        summary:
          'The transcript behind a temporary download link (no token): format=json|vtt|txt, default vtt',
        security: [],
        params: IdParam,
        querystring: TranscriptDownloadQuery,
        response: {
          200: Type.String({ description: 'the transcript in the requested format' }),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const result = await openRecordingTranscript(deps, {
        recordingId: request.params.id,
        expires: request.query.exp,
        actorId: request.query.actor,
        signature: request.query.sig,
        format: request.query.format ?? 'vtt',
        clientIp: request.ip,
      });
      return sendFileResponse(reply, result);
    },
  );
}
