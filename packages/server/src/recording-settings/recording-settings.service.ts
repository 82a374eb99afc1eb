// Organisation, location and entity call-recording settings (SPEC §3), with Webex's
// shapes, defaults and validation quirks. Every change is audited with before/after.
import { validateDtmfFeatureCodes } from '@callvault/recorder';
import type {
  CallingLicense,
  ComplianceAnnouncement,
  DtmfFeatureCodes,
  EntityCallRecording,
  EntityCallRecordingUpdate,
  FailureBehavior,
  MyCallRecording,
  OrgCallRecording,
  PauseBehaviour,
  RecordingVendor,
} from '@callvault/shared';
import { audit, diffFields } from '../audit/audit.service.js';
import type { DbOrTrx, Trx } from '../db/database.js';
import { AppError, invalid, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { findLocationById } from '../org/locations.repository.js';
import { findOrganizationById } from '../org/organizations.repository.js';
import type { OrgDeps } from '../org/org-deps.js';
import { findPersonById } from '../org/people.repository.js';
import { hasSecondaryLine } from '../org/secondary-lines.js';
import { findVirtualLineById } from '../org/virtual-lines.repository.js';
import { findWorkspaceById } from '../org/workspaces.repository.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import { resolveEffectiveSettings, type EffectiveRecording } from './effective-settings.js';
import {
  ALL_ACCESS,
  BUILTIN_VENDOR_ID,
  BUILTIN_VENDOR_NAME,
  REPEAT_INTERVAL_MAX,
  REPEAT_INTERVAL_MIN,
  licenseProblem,
  type AnnouncementConfig,
  type EntityRecordingSettings,
  type LocationRecordingSettings,
  type OrgRecordingSettings,
  type RecordableKind,
  type VendorInfo,
} from './recording-settings.model.js';
import {
  deleteExternalVendor,
  findEntitySettings,
  findLocationSettings,
  findOrgSettings,
  insertExternalVendor,
  listExternalVendors,
  listLocationsUsingVendor,
  saveEntitySettings,
  saveLocationSettings,
  saveOrgSettings,
} from './recording-settings.repository.js';

const BUILTIN_VENDOR: VendorInfo = {
  id: BUILTIN_VENDOR_ID,
  name: BUILTIN_VENDOR_NAME,
  builtIn: true,
  sipUri: null,
};
const TERMS_URL = 'https://callvault.invalid/terms';

export async function loadVendors(db: DbOrTrx, orgId: string): Promise<Map<string, VendorInfo>> {
  const external = await listExternalVendors(db, orgId);
  return new Map<string, VendorInfo>([
    [BUILTIN_VENDOR.id, BUILTIN_VENDOR],
    ...external.map((v): [string, VendorInfo] => [
      v.id,
      { id: v.id, name: v.name, builtIn: false, sipUri: v.sipUri },
    ]),
  ]);
}

async function presentVendors(db: DbOrTrx, orgId: string): Promise<RecordingVendor[]> {
  const external = await listExternalVendors(db, orgId);
  return [
    {
      id: BUILTIN_VENDOR.id,
      name: BUILTIN_VENDOR.name,
      description: "Callvault's built-in SIPREC recorder",
      migrateUserCreationEnabled: false,
      loginDetails: [],
      termsOfServiceUrl: TERMS_URL,
      sipUri: null,
      builtIn: true,
    },
    ...external.map((v) => ({
      id: v.id,
      name: v.name,
      description: v.description,
      migrateUserCreationEnabled: false,
      loginDetails: [],
      termsOfServiceUrl: '',
      sipUri: v.sipUri,
      builtIn: false,
    })),
  ];
}

function vendorName(vendors: Map<string, VendorInfo>, id: string): string {
  return vendors.get(id)?.name ?? 'unknown';
}

async function changeOrgSettings(
  deps: OrgDeps,
  actor: Actor,
  action: string,
  change: (
    before: OrgRecordingSettings,
    trx: Trx,
  ) => Promise<OrgRecordingSettings> | OrgRecordingSettings,
): Promise<void> {
  assertCan(actor, 'recordingSettings.write', { orgId: actor.orgId });
  await deps.db.transaction().execute(async (trx) => {
    const before = await findOrgSettings(trx, actor.orgId);
    const after = await change(before, trx);
    await saveOrgSettings(trx, actor.orgId, after, deps.clock.now());
    await audit(
      trx,
      deps.clock,
      actor,
      action,
      { type: 'organization', id: actor.orgId },
      diffFields(before, after),
    );
  });
}

// Organisation -----------------------------------------------------------------------------------

export async function getOrgCallRecording(deps: OrgDeps, actor: Actor): Promise<OrgCallRecording> {
  assertCan(actor, 'recordingSettings.read', { orgId: actor.orgId });
  const org = await findOrganizationById(deps.db, actor.orgId);
  const settings = await findOrgSettings(deps.db, actor.orgId);
  const vendors = await loadVendors(deps.db, actor.orgId);
  return {
    organization: { id: actor.orgId, name: org?.displayName ?? '' },
    enabled: settings.enabled,
    vendorId: settings.enabled ? settings.vendorId : '',
    vendorName: settings.enabled ? vendorName(vendors, settings.vendorId) : 'None',
    termsOfServiceUrl: TERMS_URL,
    retentionDays: settings.retentionDays,
    quotaBytes: settings.quotaBytes,
    transcriptEnabled: settings.transcriptDefault,
    pauseBehaviour: settings.pauseBehaviour,
    dtmfFeatureCodes: settings.dtmfFeatureCodes,
  };
}

export async function updateOrgCallRecording(
  deps: OrgDeps,
  actor: Actor,
  input: {
    enabled?: boolean | undefined;
    acknowledgeDisable?: boolean | undefined;
    transcriptEnabled?: boolean | undefined;
    pauseBehaviour?: PauseBehaviour | undefined;
    dtmfFeatureCodes?: Partial<DtmfFeatureCodes> | undefined;
  },
): Promise<void> {
  await changeOrgSettings(deps, actor, 'callRecording.updated', (before) => {
    if (input.enabled === false && before.enabled && input.acknowledgeDisable !== true) {
      throw new AppError(
        'VALIDATION_FAILED',
        'Turning off call recording needs acknowledgeDisable: true ("I understand that turning off call recording removes this feature for all users"). Recordings already made stay stored.',
      );
    }
    const dtmfFeatureCodes = { ...before.dtmfFeatureCodes, ...input.dtmfFeatureCodes };
    const problems = validateDtmfFeatureCodes(dtmfFeatureCodes);
    if (problems.length > 0) {
      throw new AppError('VALIDATION_FAILED', `dtmfFeatureCodes: ${problems.join('; ')}`);
    }
    return {
      ...before,
      enabled: input.enabled ?? before.enabled,
      transcriptDefault: input.transcriptEnabled ?? before.transcriptDefault,
      pauseBehaviour: input.pauseBehaviour ?? before.pauseBehaviour,
      dtmfFeatureCodes,
    };
  });
}

export async function getOrgVendors(
  deps: OrgDeps,
  actor: Actor,
): Promise<{
  vendorId: string;
  vendorName: string;
  vendors: RecordingVendor[];
  storageRegion: string;
  failureBehavior: FailureBehavior;
}> {
  assertCan(actor, 'recordingSettings.read', { orgId: actor.orgId });
  const settings = await findOrgSettings(deps.db, actor.orgId);
  const vendors = await loadVendors(deps.db, actor.orgId);
  return {
    vendorId: settings.vendorId,
    vendorName: vendorName(vendors, settings.vendorId),
    vendors: await presentVendors(deps.db, actor.orgId),
    storageRegion: settings.storageRegion,
    failureBehavior: settings.failureBehavior,
  };
}

export async function setOrgVendor(
  deps: OrgDeps,
  actor: Actor,
  input: {
    vendorId?: string | undefined;
    storageRegion?: string | undefined;
    failureBehavior?: FailureBehavior | undefined;
  },
): Promise<void> {
  await changeOrgSettings(deps, actor, 'callRecording.vendorUpdated', async (before, trx) => {
    if (
      input.vendorId !== undefined &&
      !(await loadVendors(trx, actor.orgId)).has(input.vendorId)
    ) {
      throw invalid('vendorId: no such recording vendor in this organization');
    }
    return {
      ...before,
      vendorId: input.vendorId ?? before.vendorId,
      storageRegion: input.storageRegion ?? before.storageRegion,
      failureBehavior: input.failureBehavior ?? before.failureBehavior,
    };
  });
}

// Compliance announcement ----------------------------------------------------------------------

function presentAnnouncement(a: AnnouncementConfig): ComplianceAnnouncement {
  return {
    inboundPSTNCallsEnabled: a.inboundPSTNCallsEnabled,
    outboundPSTNCallsEnabled: a.outboundPSTNCallsEnabled,
    outboundPSTNCallsDelayEnabled: a.outboundPSTNCallsDelayEnabled,
    delayInSeconds: a.delayInSeconds,
    announcementType: a.announcementType,
    customAnnouncementFileName: a.customFileName,
  };
}

export interface AnnouncementUpdate {
  inboundPSTNCallsEnabled?: boolean | undefined;
  outboundPSTNCallsEnabled?: boolean | undefined;
  outboundPSTNCallsDelayEnabled?: boolean | undefined;
  delayInSeconds?: number | undefined;
  announcementType?: 'DEFAULT' | 'CUSTOM' | undefined;
}

function applyAnnouncement(
  base: AnnouncementConfig,
  input: AnnouncementUpdate,
): AnnouncementConfig {
  const next: AnnouncementConfig = {
    ...base,
    inboundPSTNCallsEnabled: input.inboundPSTNCallsEnabled ?? base.inboundPSTNCallsEnabled,
    outboundPSTNCallsEnabled: input.outboundPSTNCallsEnabled ?? base.outboundPSTNCallsEnabled,
    outboundPSTNCallsDelayEnabled:
      input.outboundPSTNCallsDelayEnabled ?? base.outboundPSTNCallsDelayEnabled,
    delayInSeconds: input.delayInSeconds ?? base.delayInSeconds,
    announcementType: input.announcementType ?? base.announcementType,
  };
  if (next.announcementType === 'CUSTOM' && next.customFileName === null) {
    throw invalid(
      'announcementType: CUSTOM needs an uploaded announcement file first (POST /api/announcements/custom)',
    );
  }
  return next;
}

export async function getOrgAnnouncement(
  deps: OrgDeps,
  actor: Actor,
): Promise<ComplianceAnnouncement> {
  assertCan(actor, 'recordingSettings.read', { orgId: actor.orgId });
  return presentAnnouncement((await findOrgSettings(deps.db, actor.orgId)).complianceAnnouncement);
}

export async function setOrgAnnouncement(
  deps: OrgDeps,
  actor: Actor,
  input: AnnouncementUpdate,
): Promise<void> {
  await changeOrgSettings(deps, actor, 'complianceAnnouncement.updated', (before) => ({
    ...before,
    complianceAnnouncement: applyAnnouncement(before.complianceAnnouncement, input),
  }));
}

// Location -----------------------------------------------------------------------------------

async function changeLocationSettings(
  deps: OrgDeps,
  actor: Actor,
  locationId: string,
  action: string,
  change: (
    before: LocationRecordingSettings,
    org: OrgRecordingSettings,
    trx: Trx,
  ) => Promise<LocationRecordingSettings> | LocationRecordingSettings,
): Promise<void> {
  assertCan(actor, 'recordingSettings.write', { orgId: actor.orgId });
  await deps.db.transaction().execute(async (trx) => {
    if (!(await findLocationById(trx, actor.orgId, locationId))) throw notFound('Location');
    const before = await findLocationSettings(trx, locationId);
    const after = await change(before, await findOrgSettings(trx, actor.orgId), trx);
    await saveLocationSettings(trx, actor.orgId, locationId, after, deps.clock.now());
    await audit(
      trx,
      deps.clock,
      actor,
      action,
      { type: 'location', id: locationId },
      diffFields(before, after),
    );
  });
}

async function requireLocationSettings(
  deps: OrgDeps,
  actor: Actor,
  locationId: string,
): Promise<{ org: OrgRecordingSettings; location: LocationRecordingSettings }> {
  assertCan(actor, 'recordingSettings.read', { orgId: actor.orgId });
  if (!(await findLocationById(deps.db, actor.orgId, locationId))) throw notFound('Location');
  return {
    org: await findOrgSettings(deps.db, actor.orgId),
    location: await findLocationSettings(deps.db, locationId),
  };
}

export async function getLocationVendors(deps: OrgDeps, actor: Actor, locationId: string) {
  const { org, location } = await requireLocationSettings(deps, actor, locationId);
  const vendors = await loadVendors(deps.db, actor.orgId);
  const vendorId = location.vendorId ?? org.vendorId;
  return {
    orgDefaultEnabled: location.vendorId === null,
    orgDefaultVendorId: org.vendorId,
    orgDefaultVendorName: vendorName(vendors, org.vendorId),
    defaultVendorId: vendorId,
    defaultVendorName: vendorName(vendors, vendorId),
    vendors: await presentVendors(deps.db, actor.orgId),
    orgStorageRegionEnabled: location.storageRegion === null,
    orgStorageRegion: org.storageRegion,
    storageRegion: location.storageRegion ?? org.storageRegion,
    orgFailureBehaviorEnabled: location.failureBehavior === null,
    orgFailureBehavior: org.failureBehavior,
    failureBehavior: location.failureBehavior ?? org.failureBehavior,
  };
}

export async function setLocationVendor(
  deps: OrgDeps,
  actor: Actor,
  locationId: string,
  input: {
    useOrgVendorId?: boolean | undefined;
    vendorId?: string | undefined;
    useOrgStorageRegion?: boolean | undefined;
    storageRegion?: string | undefined;
    useOrgFailureBehavior?: boolean | undefined;
    failureBehavior?: FailureBehavior | undefined;
  },
): Promise<void> {
  await changeLocationSettings(
    deps,
    actor,
    locationId,
    'callRecording.locationVendorUpdated',
    async (before, _org, trx) => {
      if (
        input.vendorId !== undefined &&
        !(await loadVendors(trx, actor.orgId)).has(input.vendorId)
      ) {
        throw invalid('vendorId: no such recording vendor in this organization');
      }
      if (
        input.useOrgVendorId === false &&
        input.vendorId === undefined &&
        before.vendorId === null
      ) {
        throw invalid('vendorId: give the location’s own vendor when useOrgVendorId is false');
      }
      if (
        input.useOrgFailureBehavior === false &&
        input.failureBehavior === undefined &&
        before.failureBehavior === null
      ) {
        throw invalid(
          'failureBehavior: give the location’s own failure behaviour when useOrgFailureBehavior is false',
        );
      }
      return {
        ...before,
        vendorId: input.useOrgVendorId === true ? null : (input.vendorId ?? before.vendorId),
        storageRegion:
          input.useOrgStorageRegion === true ? null : (input.storageRegion ?? before.storageRegion),
        failureBehavior:
          input.useOrgFailureBehavior === true
            ? null
            : (input.failureBehavior ?? before.failureBehavior),
      };
    },
  );
}

export async function getLocationAnnouncement(
  deps: OrgDeps,
  actor: Actor,
  locationId: string,
): Promise<ComplianceAnnouncement & { useOrgSettingsEnabled: boolean }> {
  const { org, location } = await requireLocationSettings(deps, actor, locationId);
  return {
    useOrgSettingsEnabled: location.complianceAnnouncement === null,
    ...presentAnnouncement(location.complianceAnnouncement ?? org.complianceAnnouncement),
  };
}

export async function setLocationAnnouncement(
  deps: OrgDeps,
  actor: Actor,
  locationId: string,
  input: AnnouncementUpdate & { useOrgSettingsEnabled?: boolean | undefined },
): Promise<void> {
  await changeLocationSettings(
    deps,
    actor,
    locationId,
    'complianceAnnouncement.locationUpdated',
    (before, org) => {
      if (input.useOrgSettingsEnabled === true) return { ...before, complianceAnnouncement: null };
      // Leaving the org values starts from them, so a partial update keeps what was shown.
      const base = before.complianceAnnouncement ?? org.complianceAnnouncement;
      const touched = Object.keys(input).some((k) => k !== 'useOrgSettingsEnabled');
      if (
        before.complianceAnnouncement === null &&
        input.useOrgSettingsEnabled !== false &&
        touched
      ) {
        throw invalid(
          'useOrgSettingsEnabled: set it to false to give this location its own announcement settings',
        );
      }
      return input.useOrgSettingsEnabled === false || before.complianceAnnouncement !== null
        ? { ...before, complianceAnnouncement: applyAnnouncement(base, input) }
        : before;
    },
  );
}

// Entities -------------------------------------------------------------------------------------

export interface RecordableEntity {
  readonly kind: RecordableKind;
  readonly id: string;
  readonly orgId: string;
  readonly locationId: string | null;
  readonly license: CallingLicense | null;
  readonly externalIdentifier: string;
  readonly language: string;
}

export async function findRecordableEntity(
  db: DbOrTrx,
  orgId: string,
  kind: RecordableKind,
  id: string,
): Promise<RecordableEntity | null> {
  switch (kind) {
    case 'person': {
      const p = await findPersonById(db, orgId, id);
      return p
        ? {
            kind,
            id,
            orgId,
            locationId: p.locationId,
            license: p.callingLicense,
            externalIdentifier: p.emails[0] ?? id,
            language: p.announcementLanguage,
          }
        : null;
    }
    case 'workspace': {
      const w = await findWorkspaceById(db, orgId, id);
      return w
        ? {
            kind,
            id,
            orgId,
            locationId: w.locationId,
            license: w.callingLicense,
            externalIdentifier: id,
            language: w.announcementLanguage,
          }
        : null;
    }
    case 'virtualLine': {
      const v = await findVirtualLineById(db, orgId, id);
      return v
        ? {
            kind,
            id,
            orgId,
            locationId: v.locationId,
            license: null,
            externalIdentifier: id,
            language: v.announcementLanguage,
          }
        : null;
    }
  }
}

const KIND_NAME: Record<RecordableKind, string> = {
  person: 'Person',
  workspace: 'Workspace',
  virtualLine: 'Virtual line',
};

/** The effective settings of one entity (org → location → entity). */
export async function effectiveSettingsOf(
  db: DbOrTrx,
  entity: RecordableEntity,
): Promise<EffectiveRecording> {
  return resolveEffectiveSettings({
    org: await findOrgSettings(db, entity.orgId),
    location: entity.locationId ? await findLocationSettings(db, entity.locationId) : null,
    entity: await findEntitySettings(db, entity.id),
    kind: entity.kind,
    license: entity.license,
    vendors: await loadVendors(db, entity.orgId),
  });
}

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
    pauseResumeNotifyMethod: admin.notification.type,
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
  const problems: string[] = [];
  const interval = input.repeat?.interval ?? before.repeat.interval;
  if (interval < REPEAT_INTERVAL_MIN || interval > REPEAT_INTERVAL_MAX) {
    problems.push(
      `repeat.interval must be between ${REPEAT_INTERVAL_MIN} and ${REPEAT_INTERVAL_MAX} seconds (got ${interval})`,
    );
  }
  // Webex clients send `type: null` after reading "None" (the PUT enum has no "None"): it is
  // the same as no type. "None" itself means off, which contradicts `enabled: true`.
  const typeNone = input.notification?.type === 'None';
  if (typeNone && input.notification?.enabled === true) {
    problems.push(
      'notification.type: "None" cannot be set with notification.enabled true; choose Beep or Play Announcement, or set notification.enabled to false',
    );
  }
  if (problems.length > 0)
    throw new AppError('VALIDATION_FAILED', problems[0] ?? 'invalid', problems);

  const legacy = input.startStopAnnouncementEnabled;
  const givenType =
    input.notification?.type === null || typeNone ? undefined : input.notification?.type;
  const notificationEnabled = typeNone
    ? false
    : (input.notification?.enabled ?? before.notification.enabled);
  const notificationType =
    givenType ?? (before.notification.type === 'None' ? 'Beep' : before.notification.type);
  const enabled = input.enabled ?? before.enabled;
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
    repeat: { enabled: input.repeat?.enabled ?? before.repeat.enabled, interval },
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

// External vendors (/api/recording-vendors) ----------------------------------------------------

export async function listVendors(deps: OrgDeps, actor: Actor): Promise<RecordingVendor[]> {
  assertCan(actor, 'recordingSettings.read', { orgId: actor.orgId });
  return presentVendors(deps.db, actor.orgId);
}

export async function createVendor(
  deps: OrgDeps,
  actor: Actor,
  input: { name: string; sipUri: string; description?: string | undefined },
): Promise<RecordingVendor> {
  assertCan(actor, 'recordingSettings.write', { orgId: actor.orgId });
  const row = {
    id: newId('RECORDING_VENDOR'),
    orgId: actor.orgId,
    name: input.name.trim(),
    sipUri: input.sipUri,
    description: input.description ?? '',
    created: deps.clock.now().toISOString(),
  };
  if (row.name.toLowerCase() === BUILTIN_VENDOR_NAME.toLowerCase())
    throw new AppError('CONFLICT', `"${BUILTIN_VENDOR_NAME}" is the built-in recorder`);
  await deps.db.transaction().execute(async (trx) => {
    if (
      (await listExternalVendors(trx, actor.orgId)).some(
        (v) => v.name.toLowerCase() === row.name.toLowerCase(),
      )
    ) {
      throw new AppError('CONFLICT', `A recording vendor named "${row.name}" already exists`);
    }
    await insertExternalVendor(trx, row);
    await audit(
      trx,
      deps.clock,
      actor,
      'recordingVendor.created',
      { type: 'recordingVendor', id: row.id },
      { after: row },
    );
  });
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    migrateUserCreationEnabled: false,
    loginDetails: [],
    termsOfServiceUrl: '',
    sipUri: row.sipUri,
    builtIn: false,
  };
}

export async function removeVendor(deps: OrgDeps, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'recordingSettings.write', { orgId: actor.orgId });
  await deps.db.transaction().execute(async (trx) => {
    const org = await findOrgSettings(trx, actor.orgId);
    const usedBy = await listLocationsUsingVendor(trx, actor.orgId, id);
    if (org.vendorId === id || usedBy.length > 0) {
      throw new AppError(
        'CONFLICT',
        'This vendor is in use by the organization or a location; choose another vendor first',
      );
    }
    if (!(await deleteExternalVendor(trx, actor.orgId, id))) throw notFound('Recording vendor');
    await audit(trx, deps.clock, actor, 'recordingVendor.deleted', { type: 'recordingVendor', id });
  });
}
