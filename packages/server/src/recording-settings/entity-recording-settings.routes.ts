// Webex's call-recording settings of people, workspaces and virtual lines, and a user's own
// read-only view of them (SPEC §9.1).
import {
  EntityCallRecording,
  EntityCallRecordingUpdate,
  IdParam,
  MyCallRecording,
} from '@callvault/shared';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../http/auth-hook.js';
import type { AppInstance } from '../http/types.js';
import type { OrgDeps } from '../org/org-deps.js';
import type { RecordableKind } from './recording-settings.model.js';
import { errors, noContent, Query, tags } from './route-schemas.js';
import {
  getEntitySettings,
  getMySettings,
  getMySecondaryLineSettings,
  setEntitySettings,
} from './entity-recording-settings.service.js';

export function registerEntityRecordingSettingsRoutes(app: AppInstance, deps: OrgDeps): void {
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
}
