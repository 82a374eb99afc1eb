// Webex's recording announcements (start, stop, pause, resume, failure prompts) and compliance
// announcements of the org and of each location (SPEC §9.1).
import {
  LocationRecordingAnnouncements,
  LocationRecordingAnnouncementsUpdate,
  RecordingAnnouncements,
  RecordingAnnouncementsUpdate,
  ComplianceAnnouncement,
  ComplianceAnnouncementUpdate,
  LocationComplianceAnnouncement,
  LocationComplianceAnnouncementUpdate,
} from '@callvault/shared';
import { actorOf } from '../http/auth-hook.js';
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
  getOrgAnnouncement,
  setOrgAnnouncement,
  getLocationAnnouncement,
  setLocationAnnouncement,
} from './compliance-announcements.service.js';
import {
  getOrgRecordingAnnouncements,
  setOrgRecordingAnnouncements,
  getLocationRecordingAnnouncements,
  setLocationRecordingAnnouncements,
} from './recording-announcements.service.js';

export function registerAnnouncementSettingsRoutes(app: AppInstance, deps: OrgDeps): void {
  const base = ORG_PATH;
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

  const locBase = LOCATION_PATH;
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
}
