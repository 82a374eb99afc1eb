// Converged recordings with Webex's paths (SPEC §9.1) and Callvault's own search, bulk actions and
// signed audio downloads (/api/recordings). Thin: parse, call the service, present.
import {
  AudioDownloadQuery,
  AudioPlaybackQuery,
  ConvergedRecordingDetails,
  ConvergedRecordingList,
  ConvergedRecordingMetadata,
  ConvergedRecordingsQuery,
  ErrorBody,
  IdParam,
  OrgQuery,
  RecordingPeaks,
  RecordingSearchQuery,
  RecordingSearchResult,
} from '@callvault/shared';
import { Type } from '@sinclair/typebox';
import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { actorOf, setNextLink } from '../http/auth-hook.js';
import { errorBody } from '../http/error-handler.js';
import { sendFileResponse } from '../http/file-reply.js';
import type { AppInstance } from '../http/types.js';
import { openRecordingAudio, openRecordingPlayback } from './recording-audio.service.js';
import { getRecordingPeaks } from './recording-peaks.service.js';
import { inTimeZone, requestTimeZone } from './request-timezone.js';
import { type RecordingsDeps } from './recording-deps.js';
import {
  getRecordingDetails,
  getRecordingMetadata,
  listAdminRecordings,
  listOwnRecordings,
  searchOrgRecordings,
} from './recording-query.service.js';

const errors = { '4xx': ErrorBody, '5xx': ErrorBody };
const tags = ['converged recordings'];
const callvaultTags = ['recordings'];
const Query = Type.Object(OrgQuery);

// Audio is streamed, never serialised; the schema only documents it.
const AudioBody = (description: string) =>
  Type.Unsafe<Readable>({ type: 'string', format: 'binary', description });

const originOf = (request: FastifyRequest): { origin: string } => ({
  origin: `${request.protocol}://${request.host}`,
});

export function registerRecordingRoutes(app: AppInstance, deps: RecordingsDeps): void {
  app.get(
    '/v1/convergedRecordings',
    {
      schema: {
        tags,
        summary: 'List your own recordings (needs viewAndPlayRecordingsEnabled); newest first',
        querystring: ConvergedRecordingsQuery,
        response: { 200: ConvergedRecordingList, ...errors },
      },
    },
    async (request, reply) => {
      const zone = requestTimeZone(request.headers.timezone);
      const page = await listOwnRecordings(deps, actorOf(request), request.query);
      setNextLink(request, reply, page.nextCursor);
      return { items: page.items.map((r) => inTimeZone(r, zone)) };
    },
  );

  app.get(
    '/v1/admin/convergedRecordings',
    {
      schema: {
        tags,
        summary:
          'List the organization’s recordings (administrators, compliance officers; purged only for compliance officers); window ≤ 30 days',
        querystring: ConvergedRecordingsQuery,
        response: { 200: ConvergedRecordingList, ...errors },
      },
    },
    async (request, reply) => {
      const zone = requestTimeZone(request.headers.timezone);
      const page = await listAdminRecordings(deps, actorOf(request), request.query);
      setNextLink(request, reply, page.nextCursor);
      return { items: page.items.map((r) => inTimeZone(r, zone)) };
    },
  );

  app.get(
    '/v1/convergedRecordings/:id',
    {
      schema: {
        tags,
        summary:
          'Recording details; temporaryDirectDownloadLinks (3 hours) for compliance officers and owners allowed to download, never for administrators',
        params: IdParam,
        querystring: Query,
        response: { 200: ConvergedRecordingDetails, ...errors },
      },
    },
    async (request) => {
      const zone = requestTimeZone(request.headers.timezone);
      const details = await getRecordingDetails(
        deps,
        actorOf(request),
        request.params.id,
        originOf(request),
      );
      return inTimeZone(details, zone);
    },
  );

  app.get(
    '/v1/convergedRecordings/:id/metadata',
    {
      schema: {
        tags,
        summary: 'The recording’s call metadata',
        params: IdParam,
        querystring: Query,
        response: { 200: ConvergedRecordingMetadata, ...errors },
      },
    },
    (request) => getRecordingMetadata(deps, actorOf(request), request.params.id),
  );

  app.get(
    '/api/recordings',
    {
      schema: {
        tags: callvaultTags,
        summary:
          'Search the organization’s recordings (administrators, compliance officers): 100 a page, window up to the retention period',
        querystring: RecordingSearchQuery,
        response: { 200: RecordingSearchResult, ...errors },
      },
    },
    async (request, reply) => {
      const page = await searchOrgRecordings(deps, actorOf(request), request.query);
      setNextLink(request, reply, page.nextCursor);
      return page;
    },
  );

  app.get(
    '/api/recordings/:id/peaks',
    {
      schema: {
        tags: callvaultTags,
        summary:
          'The waveform peaks of a recording (precomputed on the server), for those who may play it',
        params: IdParam,
        querystring: Query,
        response: { 200: RecordingPeaks, ...errors },
      },
    },
    async (request, reply) => {
      const peaks = await getRecordingPeaks(deps, actorOf(request), request.params.id);
      return reply.header('cache-control', 'private, no-store').send(peaks);
    },
  );

  app.get(
    '/api/recordings/:id/playback',
    {
      exposeHeadRoute: false,
      config: { public: true },
      schema: {
        tags: callvaultTags,
        summary:
          'The audio behind a temporary playback link (no token), for listening: Range requests give 206; every read is audited as played',
        security: [],
        params: IdParam,
        querystring: AudioPlaybackQuery,
        response: {
          200: AudioBody('the audio'),
          206: AudioBody('the requested range'),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const result = await openRecordingPlayback(deps, {
        recordingId: request.params.id,
        expires: request.query.exp,
        actorId: request.query.actor,
        signature: request.query.sig,
        range: request.headers.range,
        clientIp: request.ip,
      });
      if ('unsatisfiable' in result) {
        const message = `Range not satisfiable: the audio has ${result.size} bytes`;
        return reply
          .status(416)
          .header('content-range', `bytes */${result.size}`)
          .send(errorBody(request, 'RANGE_NOT_SATISFIABLE', message, [message]));
      }
      return sendFileResponse(reply, result);
    },
  );

  app.get(
    '/api/recordings/:id/audio',
    {
      // A HEAD would run the whole download (integrity read, audit); players do not need it.
      exposeHeadRoute: false,
      config: { public: true },
      schema: {
        tags: callvaultTags,
        summary:
          'The audio behind a temporary download link (no token): Range requests give 206; format=wav converts',
        security: [],
        params: IdParam,
        querystring: AudioDownloadQuery,
        response: {
          200: AudioBody('the audio'),
          206: AudioBody('the requested range'),
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const result = await openRecordingAudio(deps, {
        recordingId: request.params.id,
        expires: request.query.exp,
        actorId: request.query.actor,
        signature: request.query.sig,
        format: request.query.format ?? 'original',
        range: request.headers.range,
        clientIp: request.ip,
        timeZone: requestTimeZone(request.query.timezone),
      });
      if ('unsatisfiable' in result) {
        const message = `Range not satisfiable: the audio has ${result.size} bytes`;
        return reply
          .status(416)
          .header('content-range', `bytes */${result.size}`)
          .send(errorBody(request, 'RANGE_NOT_SATISFIABLE', message, [message]));
      }
      return sendFileResponse(reply, result);
    },
  );
}
