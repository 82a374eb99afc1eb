// Organisation, location and entity call-recording settings (SPEC §3), with Webex's
// shapes, defaults and validation quirks. Every change is audited with before/after.
import { validateDtmfFeatureCodes } from '@callvault/recorder';
import {
  RECORDING_PROMPTS,
  type AudioAnnouncementFile,
  type CallRecordingJob,
  type LocationComplianceAnnouncement,
  type RecordingAnnouncements,
  type RecordingAnnouncementsUpdate,
  type RecordingPrompt,
} from '@callvault/shared';
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
import { findAnnouncementFileInfo } from '../announcements/announcements.repository.js';
import { AppError, ERROR_NUMBER, invalid, notFound } from '../errors.js';
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
  type PromptSelection,
  type PromptSelections,
  type RecordableKind,
  type VendorInfo,
} from './recording-settings.model.js';
import {
  findJob,
  insertJob,
  listJobs,
  nextJobInstance,
  type CallRecordingJobRow,
  type JobError,
} from './call-recording-jobs.repository.js';
import {
  deleteExternalVendor,
  findEntitySettings,
  findLocationSettings,
  findOrgSettings,
  insertExternalVendor,
  listEntitiesWithSettings,
  listExternalVendors,
  listLocationSettings,
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
      loginUrl: '',
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
      loginUrl: '',
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

async function changeOrgSettings<T = void>(
  deps: OrgDeps,
  actor: Actor,
  action: string,
  change: (
    before: OrgRecordingSettings,
    trx: Trx,
  ) => Promise<OrgRecordingSettings> | OrgRecordingSettings,
  options: {
    /** More audit details beside before/after. */
    details?: (before: OrgRecordingSettings, after: OrgRecordingSettings) => object;
    /** Runs in the same transaction after the change is saved (e.g. records a job). */
    then?: (trx: Trx, after: OrgRecordingSettings) => Promise<T>;
  } = {},
): Promise<T> {
  assertCan(actor, 'recordingSettings.write', { orgId: actor.orgId });
  return deps.db.transaction().execute(async (trx) => {
    const before = await findOrgSettings(trx, actor.orgId);
    const after = await change(before, trx);
    await saveOrgSettings(trx, actor.orgId, after, deps.clock.now());
    const result = options.then ? await options.then(trx, after) : (undefined as T);
    await audit(
      trx,
      deps.clock,
      actor,
      action,
      { type: 'organization', id: actor.orgId },
      {
        ...diffFields(before, after),
        ...(options.details ? options.details(before, after) : {}),
      },
    );
    return result;
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
  await changeOrgSettings(
    deps,
    actor,
    'callRecording.updated',
    (before) => {
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
    },
    {
      // Webex takes {"enabled": false} as it is; the console asks "I understand …" first and
      // says so with acknowledgeDisable. The audit event keeps which of the two turned it off.
      details: (before, after) =>
        before.enabled && !after.enabled
          ? {
              confirmation:
                input.acknowledgeDisable === true ? 'acknowledgeDisable' : 'none (Webex API)',
            }
          : {},
    },
  );
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
  trackingId = '',
): Promise<{ jobId: string }> {
  let jobId = '';
  await changeOrgSettings(
    deps,
    actor,
    'callRecording.vendorUpdated',
    async (before, trx) => {
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
    },
    {
      then: async (trx, after) => {
        jobId = await recordVendorJob(deps, trx, actor, {
          locationId: null,
          vendorId: after.vendorId,
          trackingId,
        });
      },
      details: () => ({ jobId }),
    },
  );
  return { jobId };
}

// Compliance announcement ----------------------------------------------------------------------

type AnnouncementLevel = 'ORGANIZATION' | 'LOCATION';

async function presentFile(
  db: DbOrTrx,
  orgId: string,
  scopeId: string,
  prompt: string,
  level: AnnouncementLevel,
): Promise<AudioAnnouncementFile | undefined> {
  const file = await findAnnouncementFileInfo(db, orgId, scopeId, prompt);
  return file
    ? { id: file.id, fileName: file.fileName, mediaFileType: 'WAV', level, isTextToSpeech: false }
    : undefined;
}

function presentAnnouncement(
  a: AnnouncementConfig,
  file: AudioAnnouncementFile | undefined,
): ComplianceAnnouncement {
  return {
    inboundPSTNCallsEnabled: a.inboundPSTNCallsEnabled,
    outboundPSTNCallsEnabled: a.outboundPSTNCallsEnabled,
    outboundPSTNCallsDelayEnabled: a.outboundPSTNCallsDelayEnabled,
    delayInSeconds: a.delayInSeconds,
    useCustomAnnouncementEnabled: a.announcementType === 'CUSTOM',
    ...(file ? { audioAnnouncementFile: file } : {}),
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
  useCustomAnnouncementEnabled?: boolean | undefined;
  audioAnnouncementFileId?: string | null | undefined;
}

/**
 * Checks that a file id a Webex client names is the file it would get: the current upload of
 * `prompt` at `scopeId` (a new upload replaces the file and its id).
 */
async function checkFileId(
  db: DbOrTrx,
  orgId: string,
  field: string,
  fileId: string | null | undefined,
  candidates: Array<{ scopeId: string; level: AnnouncementLevel }>,
  prompt: string,
): Promise<AnnouncementLevel | undefined> {
  if (fileId === undefined || fileId === null) return undefined;
  for (const c of candidates) {
    const file = await findAnnouncementFileInfo(db, orgId, c.scopeId, prompt);
    if (file?.id === fileId) return c.level;
  }
  throw invalid(
    `${field}: no such ${prompt} announcement file here (upload one with POST /api/announcements/custom?prompt=${prompt})`,
  );
}

function applyAnnouncement(
  base: AnnouncementConfig,
  input: AnnouncementUpdate,
): AnnouncementConfig {
  const customFlag =
    input.useCustomAnnouncementEnabled === undefined
      ? undefined
      : input.useCustomAnnouncementEnabled
        ? ('CUSTOM' as const)
        : ('DEFAULT' as const);
  // Both given (a client sending back all it read, one of them changed): Webex's name wins.
  const next: AnnouncementConfig = {
    ...base,
    inboundPSTNCallsEnabled: input.inboundPSTNCallsEnabled ?? base.inboundPSTNCallsEnabled,
    outboundPSTNCallsEnabled: input.outboundPSTNCallsEnabled ?? base.outboundPSTNCallsEnabled,
    outboundPSTNCallsDelayEnabled:
      input.outboundPSTNCallsDelayEnabled ?? base.outboundPSTNCallsDelayEnabled,
    delayInSeconds: input.delayInSeconds ?? base.delayInSeconds,
    announcementType: customFlag ?? input.announcementType ?? base.announcementType,
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
  const settings = await findOrgSettings(deps.db, actor.orgId);
  return presentAnnouncement(
    settings.complianceAnnouncement,
    await presentFile(deps.db, actor.orgId, actor.orgId, 'compliance', 'ORGANIZATION'),
  );
}

export async function setOrgAnnouncement(
  deps: OrgDeps,
  actor: Actor,
  input: AnnouncementUpdate,
): Promise<void> {
  await changeOrgSettings(deps, actor, 'complianceAnnouncement.updated', async (before, trx) => {
    await checkFileId(
      trx,
      actor.orgId,
      'audioAnnouncementFileId',
      input.audioAnnouncementFileId,
      [{ scopeId: actor.orgId, level: 'ORGANIZATION' }],
      'compliance',
    );
    return {
      ...before,
      complianceAnnouncement: applyAnnouncement(before.complianceAnnouncement, input),
    };
  });
}

// Location -----------------------------------------------------------------------------------

async function changeLocationSettings<T = void>(
  deps: OrgDeps,
  actor: Actor,
  locationId: string,
  action: string,
  change: (
    before: LocationRecordingSettings,
    org: OrgRecordingSettings,
    trx: Trx,
  ) => Promise<LocationRecordingSettings> | LocationRecordingSettings,
  then?: (trx: Trx, after: LocationRecordingSettings, org: OrgRecordingSettings) => Promise<T>,
): Promise<T> {
  assertCan(actor, 'recordingSettings.write', { orgId: actor.orgId });
  return deps.db.transaction().execute(async (trx) => {
    if (!(await findLocationById(trx, actor.orgId, locationId))) throw notFound('Location');
    const before = await findLocationSettings(trx, locationId);
    const org = await findOrgSettings(trx, actor.orgId);
    const after = await change(before, org, trx);
    await saveLocationSettings(trx, actor.orgId, locationId, after, deps.clock.now());
    const result = then ? await then(trx, after, org) : (undefined as T);
    await audit(
      trx,
      deps.clock,
      actor,
      action,
      { type: 'location', id: locationId },
      {
        ...diffFields(before, after),
        ...(typeof result === 'object' && result !== null ? result : {}),
      },
    );
    return result;
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

export interface LocationVendorInput {
  id?: string | undefined;
  orgDefaultEnabled?: boolean | undefined;
  orgStorageRegionEnabled?: boolean | undefined;
  storageRegion?: string | undefined;
  orgFailureBehaviorEnabled?: boolean | undefined;
  failureBehavior?: FailureBehavior | undefined;
  useOrgVendorId?: boolean | undefined;
  vendorId?: string | undefined;
  useOrgStorageRegion?: boolean | undefined;
  useOrgFailureBehavior?: boolean | undefined;
}

/** One value under its Webex name or its older Callvault name; both given must agree. */
function either<T>(webexName: string, webex: T | undefined, ownName: string, own: T | undefined) {
  if (webex !== undefined && own !== undefined && webex !== own)
    throw invalid(`${webexName} and ${ownName} are the same setting and disagree`);
  return webex ?? own;
}

export async function setLocationVendor(
  deps: OrgDeps,
  actor: Actor,
  locationId: string,
  input: LocationVendorInput,
  trackingId = '',
): Promise<{ jobId: string }> {
  const vendorId = either('id', input.id, 'vendorId', input.vendorId);
  const useOrgVendor = either(
    'orgDefaultEnabled',
    input.orgDefaultEnabled,
    'useOrgVendorId',
    input.useOrgVendorId,
  );
  const useOrgRegion = either(
    'orgStorageRegionEnabled',
    input.orgStorageRegionEnabled,
    'useOrgStorageRegion',
    input.useOrgStorageRegion,
  );
  const useOrgFailure = either(
    'orgFailureBehaviorEnabled',
    input.orgFailureBehaviorEnabled,
    'useOrgFailureBehavior',
    input.useOrgFailureBehavior,
  );
  return changeLocationSettings(
    deps,
    actor,
    locationId,
    'callRecording.locationVendorUpdated',
    async (before, org, trx) => {
      if (vendorId !== undefined && !(await loadVendors(trx, actor.orgId)).has(vendorId)) {
        throw invalid('id: no such recording vendor in this organization');
      }
      // A location leaving an org value without giving its own keeps the value it showed.
      return {
        ...before,
        vendorId:
          useOrgVendor === true
            ? null
            : (vendorId ?? before.vendorId ?? (useOrgVendor === false ? org.vendorId : null)),
        storageRegion:
          useOrgRegion === true
            ? null
            : (input.storageRegion ??
              before.storageRegion ??
              (useOrgRegion === false ? org.storageRegion : null)),
        failureBehavior:
          useOrgFailure === true
            ? null
            : (input.failureBehavior ??
              before.failureBehavior ??
              (useOrgFailure === false ? org.failureBehavior : null)),
      };
    },
    async (trx, after, org) => ({
      jobId: await recordVendorJob(deps, trx, actor, {
        locationId,
        vendorId: after.vendorId ?? org.vendorId,
        trackingId,
      }),
    }),
  );
}

export async function getLocationAnnouncement(
  deps: OrgDeps,
  actor: Actor,
  locationId: string,
): Promise<LocationComplianceAnnouncement> {
  const { org, location } = await requireLocationSettings(deps, actor, locationId);
  const own = location.complianceAnnouncement;
  const orgLevel = own === null || own.useOrgLevelAnnouncement === true;
  const orgFile = await presentFile(
    deps.db,
    actor.orgId,
    actor.orgId,
    'compliance',
    'ORGANIZATION',
  );
  const locationFile = await presentFile(
    deps.db,
    actor.orgId,
    locationId,
    'compliance',
    'LOCATION',
  );
  // What is played: the flags of the location (or the org), the announcement of the level chosen.
  const flags = own ?? org.complianceAnnouncement;
  const played: AnnouncementConfig = orgLevel
    ? {
        ...flags,
        announcementType: org.complianceAnnouncement.announcementType,
        customFileName: org.complianceAnnouncement.customFileName,
      }
    : flags;
  const ownType = own?.announcementType ?? 'DEFAULT';
  return {
    useOrgSettingsEnabled: own === null,
    useOrgLevelAnnouncementEnabled: orgLevel,
    customComplianceAnnouncement: {
      type: ownType,
      ...(locationFile ? { audioAnnouncementFile: locationFile } : {}),
    },
    ...presentAnnouncement(played, orgLevel ? orgFile : locationFile),
  };
}

export async function setLocationAnnouncement(
  deps: OrgDeps,
  actor: Actor,
  locationId: string,
  input: AnnouncementUpdate & {
    useOrgSettingsEnabled?: boolean | undefined;
    useOrgLevelAnnouncementEnabled?: boolean | undefined;
    customComplianceAnnouncement?:
      | {
          type?: 'DEFAULT' | 'CUSTOM' | undefined;
          audioAnnouncementFileId?: string | null | undefined;
        }
      | undefined;
  },
): Promise<void> {
  await changeLocationSettings(
    deps,
    actor,
    locationId,
    'complianceAnnouncement.locationUpdated',
    async (before, org, trx) => {
      if (input.useOrgSettingsEnabled === true) return { ...before, complianceAnnouncement: null };
      const custom = input.customComplianceAnnouncement;
      await checkFileId(
        trx,
        actor.orgId,
        'customComplianceAnnouncement.audioAnnouncementFileId',
        custom?.audioAnnouncementFileId,
        [{ scopeId: locationId, level: 'LOCATION' }],
        'compliance',
      );
      // The top-level useCustomAnnouncementEnabled/audioAnnouncementFile(Id) describe what is
      // played; a Webex client sends them back as it read them, so they are not a change here.
      const {
        useCustomAnnouncementEnabled: _played,
        audioAnnouncementFileId: _file,
        ...flags
      } = input;
      const update: AnnouncementUpdate = {
        ...flags,
        ...(custom?.type !== undefined ? { announcementType: custom.type } : {}),
      };
      // Leaving the org values starts from them, so a partial update keeps what was shown.
      const base: AnnouncementConfig = before.complianceAnnouncement ?? {
        ...org.complianceAnnouncement,
        announcementType: 'DEFAULT',
        customFileName: null,
        useOrgLevelAnnouncement: true,
      };
      const touched = Object.keys(input).some(
        (k) =>
          k !== 'useOrgSettingsEnabled' &&
          input[k as keyof typeof input] !== undefined &&
          !['useCustomAnnouncementEnabled', 'audioAnnouncementFileId'].includes(k),
      );
      if (
        before.complianceAnnouncement === null &&
        input.useOrgSettingsEnabled !== false &&
        touched
      ) {
        throw invalid(
          'useOrgSettingsEnabled: set it to false to give this location its own announcement settings',
        );
      }
      if (input.useOrgSettingsEnabled !== false && before.complianceAnnouncement === null)
        return before;
      const locationFile = await findAnnouncementFileInfo(
        trx,
        actor.orgId,
        locationId,
        'compliance',
      );
      const next = applyAnnouncement(
        { ...base, customFileName: locationFile?.fileName ?? base.customFileName },
        update,
      );
      return {
        ...before,
        complianceAnnouncement: {
          ...next,
          useOrgLevelAnnouncement:
            input.useOrgLevelAnnouncementEnabled ??
            (update.announcementType !== undefined ||
            update.useCustomAnnouncementEnabled !== undefined
              ? false
              : (base.useOrgLevelAnnouncement ?? false)),
        },
      };
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
    loginUrl: '',
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

// Vendor-change jobs ---------------------------------------------------------------------------

/**
 * Records a vendor change as a completed job (Webex's `jobs/callRecording`). Callvault applies the
 * change in the request's transaction; the job reports what it meant: the locations whose vendor
 * it sets, the users (people, workspaces, virtual lines with recording on) there, and those the
 * vendor cannot record (licence rules, SPEC §2) as the job's errors.
 */
async function recordVendorJob(
  deps: OrgDeps,
  trx: Trx,
  actor: Actor,
  change: { locationId: string | null; vendorId: string; trackingId: string },
): Promise<string> {
  const vendors = await loadVendors(trx, actor.orgId);
  const vendor = vendors.get(change.vendorId);
  const locations =
    change.locationId !== null
      ? [change.locationId]
      : (await listLocationSettings(trx, actor.orgId))
          .filter((l) => l.settings.vendorId === null)
          .map((l) => l.locationId);
  const affected = new Set(locations);
  const users = (await listEntitiesWithSettings(trx, actor.orgId)).filter(
    (e) =>
      e.settings.enabled &&
      (e.locationId === null ? change.locationId === null : affected.has(e.locationId)),
  );
  const errors: JobError[] = [];
  for (const u of users) {
    const problem = licenseProblem(u.kind, toLicense(u.license), vendor?.builtIn ?? false);
    if (problem) errors.push({ item: u.id, locationId: u.locationId ?? '', description: problem });
  }
  const now = deps.clock.now().toISOString();
  const id = newId('JOB');
  await insertJob(trx, {
    id,
    orgId: actor.orgId,
    instanceId: await nextJobInstance(trx, actor.orgId),
    locationId: change.locationId,
    vendorId: change.vendorId,
    sourceUserId: actor.personId,
    trackingId: change.trackingId,
    status: 'COMPLETED',
    counts: {
      totalNumberOfLocations: locations.length,
      totalNumberOfUsers: users.length,
      failedUsers: errors.length,
      updatedUsers: users.length - errors.length,
    },
    errors,
    created: now,
    completed: now,
  });
  return id;
}

function toLicense(value: string | null): CallingLicense | null {
  return value === 'professional' || value === 'basic' || value === 'none' ? value : null;
}

function presentJob(job: CallRecordingJobRow): CallRecordingJob {
  const start = job.created;
  const end = job.completed ?? job.created;
  const elapsed = `${Math.max(0, Date.parse(end) - Date.parse(start))} ms`;
  const exitCode =
    job.status === 'COMPLETED' ? 'COMPLETED' : job.status === 'FAILED' ? 'FAILED' : 'UNKNOWN';
  return {
    name: 'callrecording',
    id: job.id,
    trackingId: job.trackingId,
    sourceUserId: job.sourceUserId,
    sourceCustomerId: job.orgId,
    targetCustomerId: job.orgId,
    instanceId: job.instanceId,
    jobExecutionStatus: [
      {
        id: job.instanceId,
        startTime: start,
        endTime: end,
        lastUpdated: end,
        statusMessage: job.status,
        exitCode,
        createdTime: start,
        timeElapsed: elapsed,
        stepExecutionStatuses: [
          {
            id: 1,
            startTime: start,
            endTime: end,
            lastUpdated: end,
            statusMessage: job.status,
            exitCode,
            name: 'callRecordingVendorUpdate',
            timeElapsed: elapsed,
          },
        ],
      },
    ],
    latestExecutionStatus: job.status,
    ...(job.locationId !== null ? { locationId: job.locationId } : {}),
    vendorId: job.vendorId,
    counts: job.counts,
  };
}

export async function listCallRecordingJobs(
  deps: OrgDeps,
  actor: Actor,
  page: { start: number; max: number },
): Promise<{ items: CallRecordingJob[] }> {
  assertCan(actor, 'recordingSettings.read', { orgId: actor.orgId });
  return { items: (await listJobs(deps.db, actor.orgId, page)).map(presentJob) };
}

async function requireJob(deps: OrgDeps, actor: Actor, jobId: string) {
  assertCan(actor, 'recordingSettings.read', { orgId: actor.orgId });
  const job = await findJob(deps.db, actor.orgId, jobId);
  if (!job) throw notFound('Job');
  return job;
}

export async function getCallRecordingJob(
  deps: OrgDeps,
  actor: Actor,
  jobId: string,
): Promise<CallRecordingJob> {
  return presentJob(await requireJob(deps, actor, jobId));
}

export async function getCallRecordingJobErrors(deps: OrgDeps, actor: Actor, jobId: string) {
  const job = await requireJob(deps, actor, jobId);
  return {
    items: job.errors.map((e, i) => ({
      itemNumber: i + 1,
      item: e.item,
      error: {
        key: '400',
        message: [
          {
            description: e.description,
            code: String(ERROR_NUMBER.LICENSE_REQUIRED),
            locationId: e.locationId,
          },
        ],
      },
      trackingId: job.trackingId,
    })),
  };
}

// Terms of service, storage regions, vendor users ----------------------------------------------

async function requireVendor(db: DbOrTrx, orgId: string, vendorId: string): Promise<VendorInfo> {
  const vendor = (await loadVendors(db, orgId)).get(vendorId);
  if (!vendor) throw notFound('Recording vendor');
  return vendor;
}

export async function getTermsOfService(deps: OrgDeps, actor: Actor, vendorId: string) {
  assertCan(actor, 'recordingSettings.read', { orgId: actor.orgId });
  const vendor = await requireVendor(deps.db, actor.orgId, vendorId);
  const settings = await findOrgSettings(deps.db, actor.orgId);
  return {
    vendorId: vendor.id,
    vendorName: vendor.name,
    termsOfServiceEnabled: settings.termsOfServiceAccepted.includes(vendor.id),
    termsOfServiceUrl: vendor.builtIn ? TERMS_URL : '',
  };
}

export async function setTermsOfService(
  deps: OrgDeps,
  actor: Actor,
  vendorId: string,
  input: { termsOfServiceEnabled: boolean },
): Promise<void> {
  await changeOrgSettings(
    deps,
    actor,
    'callRecording.termsOfServiceUpdated',
    async (before, trx) => {
      await requireVendor(trx, actor.orgId, vendorId);
      const others = before.termsOfServiceAccepted.filter((id) => id !== vendorId);
      return {
        ...before,
        termsOfServiceAccepted: input.termsOfServiceEnabled ? [...others, vendorId] : others,
      };
    },
    { details: () => ({ vendorId }) },
  );
}

/** The one place Callvault keeps recordings, as a Webex storage region. */
export interface StorageRegion {
  readonly code: string;
  readonly name: string;
}

export function getStorageRegions(actor: Actor, store: StorageRegion) {
  assertCan(actor, 'recordingSettings.read', { orgId: actor.orgId });
  return { regions: [{ code: store.code, name: store.name, defaultEnabled: true }] };
}

const LICENSE_TYPE = {
  person: { professional: 'PROFESSIONAL_USER', basic: 'BASIC_USER' },
  workspace: { professional: 'PROFESSIONAL_WORKSPACE', basic: 'WORKSPACE' },
} as const;

/**
 * Who has recording on with the vendor of the org (locations that use the org's vendor, and
 * entities without a location) or of one location.
 */
export async function getVendorUsers(
  deps: OrgDeps,
  actor: Actor,
  locationId: string | null,
  query: {
    max?: number | undefined;
    start?: number | undefined;
    standardUserOnly?: boolean | undefined;
  },
) {
  assertCan(actor, 'recordingSettings.read', { orgId: actor.orgId });
  if (locationId !== null && !(await findLocationById(deps.db, actor.orgId, locationId)))
    throw notFound('Location');
  const org = await findOrgSettings(deps.db, actor.orgId);
  const locations = new Map(
    (await listLocationSettings(deps.db, actor.orgId)).map((l) => [l.locationId, l.settings]),
  );
  const vendorId =
    locationId === null ? org.vendorId : (locations.get(locationId)?.vendorId ?? org.vendorId);
  const members = (await listEntitiesWithSettings(deps.db, actor.orgId))
    .filter((e) => e.settings.enabled && e.settings.record !== 'Never')
    .filter((e) =>
      locationId !== null
        ? e.locationId === locationId
        : e.locationId === null || (locations.get(e.locationId)?.vendorId ?? null) === null,
    )
    .map((e) => ({
      id: e.id,
      firstName: e.firstName,
      lastName: e.lastName,
      type:
        e.kind === 'person'
          ? ('PEOPLE' as const)
          : e.kind === 'workspace'
            ? ('PLACE' as const)
            : ('VIRTUAL_LINE' as const),
      licenseType:
        e.kind === 'virtualLine'
          ? ('VIRTUAL_PROFILE' as const)
          : LICENSE_TYPE[e.kind][e.license === 'professional' ? 'professional' : 'basic'],
    }))
    .filter((m) => query.standardUserOnly !== true || m.licenseType === 'BASIC_USER');
  const start = query.start ?? 0;
  return { vendorId, members: members.slice(start, start + (query.max ?? 2000)) };
}

// Recording announcements (start, stop, pause, resume, failure prompts) ------------------------

async function presentPrompts(
  db: DbOrTrx,
  orgId: string,
  selections: PromptSelections,
  locationId: string | null,
): Promise<RecordingAnnouncements> {
  const out: Partial<Record<RecordingPrompt, RecordingAnnouncements[RecordingPrompt]>> = {};
  for (const prompt of RECORDING_PROMPTS) {
    const sel = selections[prompt];
    const file =
      sel.type === 'CUSTOM'
        ? await presentFile(
            db,
            orgId,
            sel.level === 'LOCATION' && locationId !== null ? locationId : orgId,
            prompt,
            sel.level,
          )
        : undefined;
    out[prompt] = { type: sel.type, ...(file ? { audioAnnouncementFile: file } : {}) };
  }
  return out as RecordingAnnouncements;
}

async function applyPrompts(
  db: DbOrTrx,
  orgId: string,
  before: PromptSelections,
  input: RecordingAnnouncementsUpdate,
  locationId: string | null,
): Promise<PromptSelections> {
  const next: Record<RecordingPrompt, PromptSelection> = { ...before };
  for (const prompt of RECORDING_PROMPTS) {
    const given = input[prompt];
    if (!given) continue;
    const candidates: Array<{ scopeId: string; level: AnnouncementLevel }> = [
      ...(locationId !== null ? [{ scopeId: locationId, level: 'LOCATION' as const }] : []),
      { scopeId: orgId, level: 'ORGANIZATION' },
    ];
    const level = await checkFileId(
      db,
      orgId,
      `${prompt}.audioAnnouncementFileId`,
      given.audioAnnouncementFileId,
      candidates,
      prompt,
    );
    const type = given.type ?? before[prompt].type;
    let chosen = level ?? before[prompt].level;
    if (type === 'CUSTOM' && level === undefined) {
      // No file named: the one kept before, else this level's own upload, else the org's.
      const found = [...candidates.filter((c) => c.level === before[prompt].level), ...candidates];
      let hit: AnnouncementLevel | undefined;
      for (const c of found) {
        if (await findAnnouncementFileInfo(db, orgId, c.scopeId, prompt)) {
          hit = c.level;
          break;
        }
      }
      if (!hit)
        throw invalid(
          `${prompt}: CUSTOM needs an uploaded ${prompt} announcement (POST /api/announcements/custom?prompt=${prompt})`,
        );
      chosen = hit;
    }
    next[prompt] = { type, level: chosen };
  }
  return next;
}

export async function getOrgRecordingAnnouncements(
  deps: OrgDeps,
  actor: Actor,
): Promise<RecordingAnnouncements> {
  assertCan(actor, 'recordingSettings.read', { orgId: actor.orgId });
  const org = await findOrgSettings(deps.db, actor.orgId);
  return presentPrompts(deps.db, actor.orgId, org.recordingAnnouncements, null);
}

export async function setOrgRecordingAnnouncements(
  deps: OrgDeps,
  actor: Actor,
  input: RecordingAnnouncementsUpdate,
): Promise<void> {
  await changeOrgSettings(deps, actor, 'recordingAnnouncements.updated', async (before, trx) => ({
    ...before,
    recordingAnnouncements: await applyPrompts(
      trx,
      actor.orgId,
      before.recordingAnnouncements,
      input,
      null,
    ),
  }));
}

export async function getLocationRecordingAnnouncements(
  deps: OrgDeps,
  actor: Actor,
  locationId: string,
): Promise<RecordingAnnouncements & { useOrgLevelAnnouncementEnabled: boolean }> {
  const { org, location } = await requireLocationSettings(deps, actor, locationId);
  return {
    useOrgLevelAnnouncementEnabled: location.recordingAnnouncements === null,
    ...(await presentPrompts(
      deps.db,
      actor.orgId,
      location.recordingAnnouncements ?? org.recordingAnnouncements,
      locationId,
    )),
  };
}

export async function setLocationRecordingAnnouncements(
  deps: OrgDeps,
  actor: Actor,
  locationId: string,
  input: RecordingAnnouncementsUpdate & { useOrgLevelAnnouncementEnabled?: boolean | undefined },
): Promise<void> {
  await changeLocationSettings(
    deps,
    actor,
    locationId,
    'recordingAnnouncements.locationUpdated',
    async (before, org, trx) => {
      if (input.useOrgLevelAnnouncementEnabled === true)
        return { ...before, recordingAnnouncements: null };
      const touched = RECORDING_PROMPTS.some((p) => input[p] !== undefined);
      if (
        before.recordingAnnouncements === null &&
        input.useOrgLevelAnnouncementEnabled !== false
      ) {
        if (touched)
          throw invalid(
            'useOrgLevelAnnouncementEnabled: set it to false to give this location its own announcements',
          );
        return before;
      }
      return {
        ...before,
        recordingAnnouncements: await applyPrompts(
          trx,
          actor.orgId,
          before.recordingAnnouncements ?? org.recordingAnnouncements,
          input,
          locationId,
        ),
      };
    },
  );
}
