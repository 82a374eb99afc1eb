// Webex call-recording settings endpoints (SPEC §9.1) and Callvault's /api/recording-vendors.
import {
  CallRecordingJob,
  CallRecordingJobErrors,
  CallRecordingJobList,
  LocationRecordingAnnouncements,
  LocationRecordingAnnouncementsUpdate,
  RecordingAnnouncements,
  RecordingAnnouncementsUpdate,
  StorageRegions,
  TermsOfService,
  TermsOfServiceUpdate,
  VendorJobId,
  VendorUsers,
  VendorUsersQuery,
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
import { trackingIdOf } from '../http/error-handler.js';
import type { AppInstance } from '../http/types.js';
import type { OrgDeps } from '../org/org-deps.js';
import type { RecordableKind } from './recording-settings.model.js';
import { LOCAL_STORE_REGION } from './storage-region.js';
import {
  createVendor,
  getCallRecordingJob,
  getCallRecordingJobErrors,
  getEntitySettings,
  getLocationRecordingAnnouncements,
  getOrgRecordingAnnouncements,
  getStorageRegions,
  getTermsOfService,
  getVendorUsers,
  listCallRecordingJobs,
  setLocationRecordingAnnouncements,
  setOrgRecordingAnnouncements,
  setTermsOfService,
  type StorageRegion,
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

export function registerRecordingSettingsRoutes(
  app: AppInstance,
  deps: OrgDeps,
  store: StorageRegion = LOCAL_STORE_REGION,
): void {
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

  app.get(
    `${base}/announcements`,
    {
      schema: {
        tags,
        summary: 'The recording start, stop, pause, resume and failure prompts of the org',
        querystring: Query,
        response: { 200: RecordingAnnouncements, ...errors },
      },
    },
    (request) => getOrgRecordingAnnouncements(deps, actorOf(request)),
  );

  app.put(
    `${base}/announcements`,
    {
      schema: {
        tags,
        description:
          'CUSTOM plays the file uploaded for that prompt (POST /api/announcements/custom?prompt=start…); audioAnnouncementFileId, when given, must be that file.',
        querystring: Query,
        body: RecordingAnnouncementsUpdate,
        response: noContent,
      },
    },
    async (request, reply) => {
      await setOrgRecordingAnnouncements(deps, actorOf(request), request.body);
      return reply.status(204).send(null);
    },
  );

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

  app.get(
    `${locBase}/announcements`,
    {
      schema: {
        tags,
        params: LocationParam,
        querystring: Query,
        response: { 200: LocationRecordingAnnouncements, ...errors },
      },
    },
    (request) =>
      getLocationRecordingAnnouncements(deps, actorOf(request), request.params.locationId),
  );

  app.put(
    `${locBase}/announcements`,
    {
      schema: {
        tags,
        params: LocationParam,
        querystring: Query,
        body: LocationRecordingAnnouncementsUpdate,
        response: noContent,
      },
    },
    async (request, reply) => {
      await setLocationRecordingAnnouncements(
        deps,
        actorOf(request),
        request.params.locationId,
        request.body,
      );
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
