import { ErrorBody, OrgQuery, RECORDING_PROMPTS, UploadedAnnouncement } from '@callvault/shared';
import { Type } from '@sinclair/typebox';
import { notFound } from '../errors.js';
import { actorOf } from '../http/auth-hook.js';
import type { AppInstance } from '../http/types.js';
import type { OrgDeps } from '../org/org-deps.js';
import {
  readCustomAnnouncement,
  readDefaultPrompt,
  uploadCustomAnnouncement,
} from './announcements.service.js';
import { MAX_ANNOUNCEMENT_BYTES } from './wav-format.js';

const tags = ['announcements'];
const WAV_TYPES = ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave'];

export function registerAnnouncementRoutes(app: AppInstance, deps: OrgDeps): void {
  app.addContentTypeParser(
    WAV_TYPES,
    { parseAs: 'buffer', bodyLimit: MAX_ANNOUNCEMENT_BYTES + 1024 },
    (_request, body, done) => done(null, body),
  );

  // Call systems fetch prompts while they set up calls, without credentials: these are public.
  app.get(
    '/api/announcements/:language/:prompt',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'A default prompt, e.g. /api/announcements/sv_se/compliance.wav',
        params: Type.Object({
          language: Type.String({ maxLength: 10 }),
          prompt: Type.String({ maxLength: 40 }),
        }),
      },
    },
    (request, reply) => {
      const { language, prompt } = request.params;
      const data =
        language === 'custom' ? null : readDefaultPrompt(language, prompt.replace(/\.wav$/, ''));
      if (!data) throw notFound('Announcement');
      return reply.type('audio/wav').header('cache-control', 'public, max-age=3600').send(data);
    },
  );

  // The id is unguessable; call systems fetch it with the URL the decision API gave them.
  app.get(
    '/api/announcements/custom/:file',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'An uploaded compliance announcement',
        params: Type.Object({ file: Type.String({ maxLength: 220 }) }),
      },
    },
    async (request, reply) => {
      const file = await readCustomAnnouncement(deps, request.params.file.replace(/\.wav$/, ''));
      return reply
        .type(file.contentType)
        .header('cache-control', 'private, max-age=300')
        .send(Buffer.from(file.data));
    },
  );

  app.post(
    '/api/announcements/custom',
    {
      bodyLimit: MAX_ANNOUNCEMENT_BYTES + 1024,
      schema: {
        tags,
        summary:
          'Upload the org’s (or a location’s) compliance announcement or a recording prompt: WAV, PCM 16-bit or µ-law, 8 or 16 kHz, mono, ≤ 60 s, ≤ 5 MB',
        querystring: Type.Object({
          ...OrgQuery,
          fileName: Type.String({ minLength: 1, maxLength: 100 }),
          locationId: Type.Optional(Type.String({ maxLength: 200 })),
          prompt: Type.Optional(
            Type.Union(
              [Type.Literal('compliance'), ...RECORDING_PROMPTS.map((p) => Type.Literal(p))],
              {
                description:
                  'compliance (default): the compliance announcement; otherwise the file for that prompt of …/callRecording/announcements',
              },
            ),
          ),
        }),
        response: {
          200: UploadedAnnouncement,
          '4xx': ErrorBody,
        },
      },
    },
    (request) => {
      const body = request.body;
      if (!Buffer.isBuffer(body)) throw notFound('Upload body');
      return uploadCustomAnnouncement(deps, actorOf(request), {
        fileName: request.query.fileName,
        data: body,
        locationId: request.query.locationId,
        prompt: request.query.prompt,
      });
    },
  );
}
