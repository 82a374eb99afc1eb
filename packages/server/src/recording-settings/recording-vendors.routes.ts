// Recording vendor endpoints: Webex's org and location vendor settings, terms of service, storage
// regions and vendor users (SPEC §9.1), and Callvault's /api/recording-vendors.
import {
  StorageRegions,
  TermsOfService,
  TermsOfServiceUpdate,
  VendorJobId,
  VendorUsers,
  VendorUsersQuery,
  IdParam,
  LocationVendorUpdate,
  LocationVendors,
  OrgVendorUpdate,
  OrgVendors,
  RecordingVendorCreate,
  RecordingVendorList,
  RecordingVendorWithHealth,
} from '@callvault/shared';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../http/auth-hook.js';
import { trackingIdOf } from '../http/error-handler.js';
import type { AppInstance } from '../http/types.js';
import type { OrgDeps } from '../org/org-deps.js';
import {
  errors,
  noContent,
  Query,
  LocationParam,
  tags,
  ORG_PATH,
  LOCATION_PATH,
} from './route-schemas.js';
import {
  getOrgVendors,
  setOrgVendor,
  getLocationVendors,
  setLocationVendor,
  listVendors,
  getVendor,
  createVendor,
  removeVendor,
  getTermsOfService,
  setTermsOfService,
  getStorageRegions,
  getVendorUsers,
} from './recording-vendors.service.js';
import type { StorageRegion } from './storage-region.js';

export function registerVendorSettingsRoutes(
  app: AppInstance,
  deps: OrgDeps,
  store: StorageRegion,
): void {
  const base = ORG_PATH;
  app.get(
    `${base}/vendors`,
    { schema: { tags, querystring: Query, response: { 200: OrgVendors, ...errors } } },
    (request) => getOrgVendors(deps, actorOf(request)),
  );

  app.put(
    `${base}/vendor`,
    {
      schema: {
        tags,
        summary: 'Set the org’s vendor, storage region and failure behaviour',
        description:
          'Applied at once; the answer names the job that reports the change (GET /v1/telephony/config/jobs/callRecording/{jobId}).',
        querystring: Query,
        body: OrgVendorUpdate,
        response: { 200: VendorJobId, ...errors },
      },
    },
    (request) => setOrgVendor(deps, actorOf(request), request.body, trackingIdOf(request)),
  );

  app.get(
    `${base}/vendors/:vendorId/termsOfService`,
    {
      schema: {
        tags,
        params: Type.Object({ vendorId: Type.String({ minLength: 1, maxLength: 200 }) }),
        querystring: Query,
        response: { 200: TermsOfService, ...errors },
      },
    },
    (request) => getTermsOfService(deps, actorOf(request), request.params.vendorId),
  );

  app.put(
    `${base}/vendors/:vendorId/termsOfService`,
    {
      schema: {
        tags,
        params: Type.Object({ vendorId: Type.String({ minLength: 1, maxLength: 200 }) }),
        querystring: Query,
        body: TermsOfServiceUpdate,
        response: noContent,
      },
    },
    async (request, reply) => {
      await setTermsOfService(deps, actorOf(request), request.params.vendorId, request.body);
      return reply.status(204).send(null);
    },
  );

  app.get(
    `${base}/regions`,
    {
      schema: {
        tags,
        summary: 'Storage regions: the one store this server keeps recordings in',
        querystring: Query,
        response: { 200: StorageRegions, ...errors },
      },
    },
    (request) => getStorageRegions(actorOf(request), store),
  );

  app.get(
    `${base}/vendorUsers`,
    {
      schema: {
        tags,
        summary: 'Who has recording on with the org’s vendor',
        querystring: Type.Composite([Query, VendorUsersQuery]),
        response: { 200: VendorUsers, ...errors },
      },
    },
    (request) => getVendorUsers(deps, actorOf(request), null, request.query),
  );

  const locBase = LOCATION_PATH;
  app.get(
    `${locBase}/vendors`,
    {
      schema: {
        tags,
        params: LocationParam,
        querystring: Query,
        response: { 200: LocationVendors, ...errors },
      },
    },
    (request) => getLocationVendors(deps, actorOf(request), request.params.locationId),
  );

  app.put(
    `${locBase}/vendor`,
    {
      schema: {
        tags,
        description:
          'Webex’s field names (id, orgDefaultEnabled, orgStorageRegionEnabled, orgFailureBehaviorEnabled, …). Read-only fields of the GET answer are ignored; any other field is refused.',
        params: LocationParam,
        querystring: Query,
        body: LocationVendorUpdate,
        response: { 200: VendorJobId, ...errors },
      },
    },
    (request) =>
      setLocationVendor(
        deps,
        actorOf(request),
        request.params.locationId,
        request.body,
        trackingIdOf(request),
      ),
  );

  app.get(
    `${locBase}/vendorUsers`,
    {
      schema: {
        tags,
        summary: 'Who has recording on at this location (with its vendor)',
        params: LocationParam,
        querystring: Type.Composite([Query, VendorUsersQuery]),
        response: { 200: VendorUsers, ...errors },
      },
    },
    (request) => getVendorUsers(deps, actorOf(request), request.params.locationId, request.query),
  );
}

export function registerRecordingVendorRoutes(app: AppInstance, deps: OrgDeps): void {
  app.get(
    '/api/recording-vendors',
    {
      schema: {
        tags: ['recording vendors'],
        querystring: Query,
        response: { 200: RecordingVendorList, ...errors },
      },
    },
    async (request) => ({ items: await listVendors(deps, actorOf(request)) }),
  );

  app.get(
    '/api/recording-vendors/:id',
    {
      schema: {
        tags: ['recording vendors'],
        summary: 'One recording vendor with its health (external recorders: OPTIONS probes)',
        params: IdParam,
        querystring: Query,
        response: { 200: RecordingVendorWithHealth, ...errors },
      },
    },
    (request) => getVendor(deps, actorOf(request), request.params.id),
  );

  app.post(
    '/api/recording-vendors',
    {
      schema: {
        tags: ['recording vendors'],
        summary: 'Register an external SIPREC recorder',
        querystring: Query,
        body: RecordingVendorCreate,
        response: { 200: RecordingVendorWithHealth, ...errors },
      },
    },
    (request) => createVendor(deps, actorOf(request), request.body),
  );

  app.delete(
    '/api/recording-vendors/:id',
    {
      schema: {
        tags: ['recording vendors'],
        params: IdParam,
        querystring: Query,
        response: noContent,
      },
    },
    async (request, reply) => {
      await removeVendor(deps, actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
