// Call-recording settings of people, workspaces and virtual lines (SPEC §3), and a user's own
// read-only view of them. Every change is audited with before/after.
import type {
  EntityCallRecording,
  EntityCallRecordingUpdate,
  MyCallRecording,
} from '@callvault/shared';
import { checkEntityRecording, describeSettingsProblem } from '@callvault/shared';
import { audit, diffFields } from '../audit/audit.service.js';
import { AppError, notFound } from '../errors.js';
import type { OrgDeps } from '../org/org-deps.js';
import { hasSecondaryLine } from '../org/secondary-lines.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import { resolveEffectiveSettings } from './effective-settings.js';
import {
  ALL_ACCESS,
  REPEAT_INTERVAL_MAX,
  REPEAT_INTERVAL_MIN,
  licenseProblem,
  type EntityRecordingSettings,
  type OrgRecordingSettings,
  type RecordableKind,
} from './recording-settings.model.js';
import {
  findEntitySettings,
  findLocationSettings,
  findOrgSettings,
  saveEntitySettings,
} from './recording-settings.repository.js';
import { loadVendors } from './vendor-registry.js';
import {
  KIND_NAME,
  effectiveSettingsOf,
  findRecordableEntity,
  type RecordableEntity,
} from './effective-settings.service.js';

function presentEntitySettings(
  s: EntityRecordingSettings,
  org: OrgRecordingSettings,
  entity: RecordableEntity,
): EntityCallRecording {
  return {
    enabled: s.enabled,
    record: s.record,
    recordVoicemailEnabled: s.recordVoicemailEnabled,
    startStopAnnouncementEnabled:
      s.startStopAnnouncement.internalCallsEnabled && s.startStopAnnouncement.pstnCallsEnabled,
    startStopAnnouncement: s.startStopAnnouncement,
    notification: s.notification.enabled ? s.notification : { enabled: false, type: 'None' },
    repeat: s.repeat,
    transcriptEnabled: s.transcriptEnabled ?? org.transcriptDefault,
    callRecordingAccessSettings: s.access ?? ALL_ACCESS,
    serviceProvider: 'Callvault',
    externalGroup: entity.orgId,
    externalIdentifier: entity.externalIdentifier,
  };
}

export async function getEntitySettings(
  deps: OrgDeps,
  actor: Actor,
  kind: RecordableKind,
  id: string,
): Promise<EntityCallRecording> {
  assertCan(actor, 'recordingSettings.read', { orgId: actor.orgId });
  const entity = await findRecordableEntity(deps.db, actor.orgId, kind, id);
  if (!entity) throw notFound(KIND_NAME[kind]);
  return presentEntitySettings(
    await findEntitySettings(deps.db, id),
    await findOrgSettings(deps.db, actor.orgId),
    entity,
  );
}

/**
 * Webex's "my call recording settings" of one entity: its fields (enabled, vendor,
 * recordingMode, …), then the admin view of the same settings.
 */
async function presentMySettings(
  deps: OrgDeps,
  entity: RecordableEntity,
): Promise<MyCallRecording> {
  const settings = await findEntitySettings(deps.db, entity.id);
  const effective = await effectiveSettingsOf(deps.db, entity);
  const admin = presentEntitySettings(
    settings,
    await findOrgSettings(deps.db, entity.orgId),
    entity,
  );
  return {
    ...admin,
    vendor: { id: effective.vendor.id, name: effective.vendor.name, loginUrl: '' },
    recordingMode: settings.record,
    // Webex's values are Beep and Play Announcement: a notification that is off leaves it out.
    ...(admin.notification.type === 'None'
      ? {}
      : { pauseResumeNotifyMethod: admin.notification.type }),
    announcementEnabled:
      settings.startStopAnnouncement.internalCallsEnabled ||
      settings.startStopAnnouncement.pstnCallsEnabled,
    warningToneEnabled: settings.repeat.enabled,
    warningToneDuration: settings.repeat.interval,
  };
}

/** A user's own settings (read only: users may not change them). */
export async function getMySettings(deps: OrgDeps, actor: Actor): Promise<MyCallRecording> {
  const entity = await findRecordableEntity(deps.db, actor.homeOrgId, 'person', actor.personId);
  if (!entity) throw notFound('Person');
  return presentMySettings(deps, entity);
}

/**
 * The settings of a virtual line the user has as a secondary line. Any other id, another
 * person's line or a line of another org included, is 404: the user may only read their own.
 */
export async function getMySecondaryLineSettings(
  deps: OrgDeps,
  actor: Actor,
  lineOwnerId: string,
): Promise<MyCallRecording> {
  const orgId = actor.homeOrgId;
  const line = (await hasSecondaryLine(deps.db, orgId, actor.personId, lineOwnerId))
    ? await findRecordableEntity(deps.db, orgId, 'virtualLine', lineOwnerId)
    : null;
  if (!line) throw notFound('Secondary line');
  return presentMySettings(deps, line);
}

/** Applies a PUT body to stored settings, with Webex's validation rules. */
export function applyEntityUpdate(
  before: EntityRecordingSettings,
  input: EntityCallRecordingUpdate,
): EntityRecordingSettings {
  // Webex clients send `type: null` after reading "None" (the PUT enum has no "None"): it is
  // the same as no type. "None" itself means off, which contradicts `enabled: true`.
  const typeNone = input.notification?.type === 'None';
  const enabled = input.enabled ?? before.enabled;
  const repeatEnabled = input.repeat?.enabled ?? before.repeat.enabled;
  const givenInterval = input.repeat?.interval;
  // The shared rules: the interval is checked only while recording and the tone are on.
  const problems = checkEntityRecording({
    enabled,
    repeatEnabled,
    repeatInterval: givenInterval ?? before.repeat.interval,
    notificationEnabled: input.notification?.enabled === true,
    notificationType: input.notification?.type ?? null,
  }).map(describeSettingsProblem);
  if (problems.length > 0)
    throw new AppError('VALIDATION_FAILED', problems[0] ?? 'invalid', problems);
  // An interval given while it is not checked is kept only when it is valid: the stored one stays
  // in range for the day the tone is switched on.
  const interval =
    givenInterval !== undefined &&
    givenInterval >= REPEAT_INTERVAL_MIN &&
    givenInterval <= REPEAT_INTERVAL_MAX
      ? givenInterval
      : before.repeat.interval;

  const legacy = input.startStopAnnouncementEnabled;
  const givenType =
    input.notification?.type === null || typeNone ? undefined : input.notification?.type;
  const notificationEnabled = typeNone
    ? false
    : (input.notification?.enabled ?? before.notification.enabled);
  const notificationType =
    givenType ?? (before.notification.type === 'None' ? 'Beep' : before.notification.type);
  return {
    enabled,
    record: input.record ?? before.record,
    recordVoicemailEnabled: input.recordVoicemailEnabled ?? before.recordVoicemailEnabled,
    startStopAnnouncement: {
      internalCallsEnabled:
        input.startStopAnnouncement?.internalCallsEnabled ??
        legacy ??
        before.startStopAnnouncement.internalCallsEnabled,
      pstnCallsEnabled:
        input.startStopAnnouncement?.pstnCallsEnabled ??
        legacy ??
        before.startStopAnnouncement.pstnCallsEnabled,
    },
    // `enabled: true` without a type means Beep (Webex); disabled keeps the chosen type for later.
    notification: {
      enabled: notificationEnabled,
      type: notificationEnabled || givenType ? notificationType : before.notification.type,
    },
    repeat: { enabled: repeatEnabled, interval },
    transcriptEnabled: input.transcriptEnabled ?? before.transcriptEnabled,
    access:
      input.callRecordingAccessSettings !== undefined
        ? { ...(before.access ?? ALL_ACCESS), ...input.callRecordingAccessSettings }
        : (before.access ?? (enabled ? ALL_ACCESS : null)),
  };
}

export async function setEntitySettings(
  deps: OrgDeps,
  actor: Actor,
  kind: RecordableKind,
  id: string,
  input: EntityCallRecordingUpdate,
): Promise<void> {
  assertCan(actor, 'recordingSettings.write', { orgId: actor.orgId });
  await deps.db.transaction().execute(async (trx) => {
    const entity = await findRecordableEntity(trx, actor.orgId, kind, id);
    if (!entity) throw notFound(KIND_NAME[kind]);
    if (kind === 'person' && entity.license === 'none') {
      throw new AppError(
        'LICENSE_REQUIRED',
        'This person has no calling licence; call recording settings need a Professional or Basic licence',
      );
    }
    const before = await findEntitySettings(trx, id);
    const after = applyEntityUpdate(before, input);
    if (after.enabled && after.record !== 'Never') {
      const effective = resolveEffectiveSettings({
        org: await findOrgSettings(trx, actor.orgId),
        location: entity.locationId ? await findLocationSettings(trx, entity.locationId) : null,
        entity: after,
        kind,
        license: entity.license,
        vendors: await loadVendors(trx, actor.orgId),
      });
      const problem = licenseProblem(kind, entity.license, effective.vendor.builtIn);
      if (problem)
        throw new AppError('LICENSE_REQUIRED', `Recording cannot be enabled: ${problem}`);
    }
    await saveEntitySettings(trx, actor.orgId, kind, id, after, deps.clock.now());
    await audit(
      trx,
      deps.clock,
      actor,
      'callRecording.entityUpdated',
      { type: kind, id },
      diffFields(before, after),
    );
  });
}
