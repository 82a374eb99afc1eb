import {
  ErrorBody,
  IdParam,
  OrgQuery,
  RecordingTrunk,
  RecordingTrunkCreate,
  RecordingTrunkList,
  RecordingTrunkUpdate,
} from '@callvault/shared';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../http/auth-hook.js';
import type { AppInstance } from '../http/types.js';
import {
  changeTrunk,
  createTrunk,
  getTrunk,
  listOrgTrunks,
  removeTrunk,
  type TrunkDeps,
} from './recording-trunks.service.js';

const errors = { '4xx': ErrorBody };
const tags = ['recording trunks'];
const Query = Type.Object(OrgQuery);

export function registerRecordingTrunkRoutes(app: AppInstance, deps: TrunkDeps): void {
  app.get(
    '/api/recording-trunks',
    {
      schema: {
        tags,
        querystring: Query,
        response: { 200: RecordingTrunkList, ...errors },
      },
    },
    async (request) => ({ items: await listOrgTrunks(deps, actorOf(request)) }),
  );
  app.get(
    '/api/recording-trunks/:id',
    {
      schema: {
        tags,
        params: IdParam,
        querystring: Query,
        response: { 200: RecordingTrunk, ...errors },
      },
    },
    (request) => getTrunk(deps, actorOf(request), request.params.id),
  );
  app.post(
    '/api/recording-trunks',
    {
      schema: {
        tags,
        summary:
          'Allow SIPREC sessions from these sources (optional digest credentials, stored as HA1)',
        querystring: Query,
        body: RecordingTrunkCreate,
        response: { 200: RecordingTrunk, ...errors },
      },
    },
    (request) => createTrunk(deps, actorOf(request), request.body),
  );
  app.put(
    '/api/recording-trunks/:id',
    {
      schema: {
        tags,
        params: IdParam,
        querystring: Query,
        body: RecordingTrunkUpdate,
        response: { 200: RecordingTrunk, ...errors },
      },
    },
    (request) => changeTrunk(deps, actorOf(request), request.params.id, request.body),
  );
  app.delete(
    '/api/recording-trunks/:id',
    {
      schema: {
        tags,
        params: IdParam,
        querystring: Query,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await removeTrunk(deps, actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
