// Webex call-recording settings endpoints (SPEC §9.1) and Callvault's /api/recording-vendors.
import {
  ComplianceAnnouncement,
  ComplianceAnnouncementUpdate,
  EntityCallRecording,
  EntityCallRecordingUpdate,
  ErrorBody,
  IdParam,
  LocationComplianceAnnouncement,
  LocationComplianceAnnouncementUpdate,
  LocationVendorUpdate,
  LocationVendors,
  MyCallRecording,
  OrgCallRecording,
  OrgCallRecordingUpdate,
  OrgQuery,
  OrgVendorUpdate,
  OrgVendors,
  RecordingVendor,
  RecordingVendorCreate,
  RecordingVendorList,
} from '@callvault/shared';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../http/auth-hook.js';
import type { AppInstance } from '../http/types.js';
import type { OrgDeps } from '../org/org-deps.js';
import type { RecordableKind } from './recording-settings.model.js';
import {
  createVendor,
  getEntitySettings,
  getLocationAnnouncement,
  getLocationVendors,
  getMySecondaryLineSettings,
  getMySettings,
  getOrgAnnouncement,
  getOrgCallRecording,
  getOrgVendors,
  listVendors,
  removeVendor,
  setEntitySettings,
  setLocationAnnouncement,
  setLocationVendor,
  setOrgAnnouncement,
  setOrgVendor,
  updateOrgCallRecording,
} from './recording-settings.service.js';

const errors = { '4xx': ErrorBody };
const noContent = { 204: Type.Null(), ...errors };
const Query = Type.Object(OrgQuery);
const LocationParam = Type.Object({ locationId: Type.String({ minLength: 1, maxLength: 200 }) });
const tags = ['call recording settings'];

export function registerRecordingSettingsRoutes(app: AppInstance, deps: OrgDeps): void {
  const base = '/v1/telephony/config/callRecording';

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
        summary: 'Turn recording on or off for the org (off needs acknowledgeDisable: true)',
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

  app.get(
    `${base}/vendors`,
    { schema: { tags, querystring: Query, response: { 200: OrgVendors, ...errors } } },
    (request) => getOrgVendors(deps, actorOf(request)),
  );

  app.put(
    `${base}/vendor`,
    { schema: { tags, querystring: Query, body: OrgVendorUpdate, response: noContent } },
    async (request, reply) => {
      await setOrgVendor(deps, actorOf(request), request.body);
      return reply.status(204).send(null);
    },
  );

  app.get(
    `${base}/complianceAnnouncement`,
    { schema: { tags, querystring: Query, response: { 200: ComplianceAnnouncement, ...errors } } },
    (request) => getOrgAnnouncement(deps, actorOf(request)),
  );

  app.put(
    `${base}/complianceAnnouncement`,
    {
      schema: { tags, querystring: Query, body: ComplianceAnnouncementUpdate, response: noContent },
    },
    async (request, reply) => {
      await setOrgAnnouncement(deps, actorOf(request), request.body);
      return reply.status(204).send(null);
    },
  );

  const locBase = '/v1/telephony/config/locations/:locationId/callRecording';
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
        params: LocationParam,
        querystring: Query,
        body: LocationVendorUpdate,
        response: noContent,
      },
    },
    async (request, reply) => {
      await setLocationVendor(deps, actorOf(request), request.params.locationId, request.body);
      return reply.status(204).send(null);
    },
  );

  app.get(
    `${locBase}/complianceAnnouncement`,
    {
      schema: {
        tags,
        params: LocationParam,
        querystring: Query,
        response: { 200: LocationComplianceAnnouncement, ...errors },
      },
    },
    (request) => getLocationAnnouncement(deps, actorOf(request), request.params.locationId),
  );

  app.put(
    `${locBase}/complianceAnnouncement`,
    {
      schema: {
        tags,
        params: LocationParam,
        querystring: Query,
        body: LocationComplianceAnnouncementUpdate,
        response: noContent,
      },
    },
    async (request, reply) => {
      await setLocationAnnouncement(
        deps,
        actorOf(request),
        request.params.locationId,
        request.body,
      );
      return reply.status(204).send(null);
    },
  );

  const entityRoutes: Array<[string, RecordableKind]> = [
    ['/v1/people/:id/features/callRecording', 'person'],
    ['/v1/telephony/config/workspaces/:id/features/callRecordings', 'workspace'],
    // The singular form is what older Webex documentation shows; scripts use both.
    ['/v1/telephony/config/workspaces/:id/features/callRecording', 'workspace'],
    // The workspace path wxc_sdk uses (the people path with `workspaces` in it).
    ['/v1/workspaces/:id/features/callRecording', 'workspace'],
    ['/v1/telephony/config/virtualLines/:id/callRecording', 'virtualLine'],
  ];
  for (const [path, kind] of entityRoutes) {
    app.get(
      path,
      {
        schema: {
          tags,
          params: IdParam,
          querystring: Query,
          response: { 200: EntityCallRecording, ...errors },
        },
      },
      (request) => getEntitySettings(deps, actorOf(request), kind, request.params.id),
    );
    app.put(
      path,
      {
        schema: {
          tags,
          params: IdParam,
          querystring: Query,
          body: EntityCallRecordingUpdate,
          response: noContent,
        },
      },
      async (request, reply) => {
        await setEntitySettings(deps, actorOf(request), kind, request.params.id, request.body);
        return reply.status(204).send(null);
      },
    );
  }

  app.get(
    '/v1/telephony/config/people/me/settings/callRecording',
    {
      schema: {
        tags,
        summary: 'Your own call-recording settings (read only)',
        description:
          'Webex’s fields (enabled, vendor, recordingMode, pauseResumeNotifyMethod, announcementEnabled, warningToneEnabled, warningToneDuration) followed by the administrator’s view of the same settings.',
        response: { 200: MyCallRecording, ...errors },
      },
    },
    (request) => getMySettings(deps, actorOf(request)),
  );

  app.get(
    '/v1/telephony/config/people/me/settings/secondaryLines/:lineOwnerId/callRecording',
    {
      schema: {
        tags,
        summary: 'The call-recording settings of a virtual line you have as a secondary line',
        description:
          'Same shape as your own settings. 404 for a line that is not one of your secondary lines (an administrator sets them at /api/virtual-lines/{id}/secondaryLineUsers).',
        params: Type.Object({ lineOwnerId: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: MyCallRecording, ...errors },
      },
    },
    (request) => getMySecondaryLineSettings(deps, actorOf(request), request.params.lineOwnerId),
  );

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

  app.post(
    '/api/recording-vendors',
    {
      schema: {
        tags: ['recording vendors'],
        summary: 'Register an external SIPREC recorder',
        querystring: Query,
        body: RecordingVendorCreate,
        response: { 200: RecordingVendor, ...errors },
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
