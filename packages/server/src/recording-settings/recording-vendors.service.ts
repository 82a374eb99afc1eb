// Recording vendors (SPEC §3, §9.1): the org's and each location's vendor, storage region and
// failure behaviour, terms of service, vendor users, and the external vendors of /api/recording-vendors.
import crypto from 'node:crypto';
import type {
  FailureBehavior,
  RecordingVendor,
  RecordingVendorCreate,
  RecordingVendorHealth,
  RecordingVendorWithHealth,
} from '@callvault/shared';
import { audit } from '../audit/audit.service.js';
import { AppError, invalid, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { findLocationById } from '../org/locations.repository.js';
import type { OrgDeps } from '../org/org-deps.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import { BUILTIN_VENDOR_NAME } from './recording-settings.model.js';
import {
  deleteExternalVendor,
  findOrgSettings,
  insertExternalVendor,
  listEntitiesWithSettings,
  listExternalVendors,
  type ExternalVendorRow,
  listLocationSettings,
  listLocationsUsingVendor,
} from './recording-settings.repository.js';
import {
  TERMS_URL,
  loadVendors,
  presentVendors,
  requireVendor,
  vendorName,
} from './vendor-registry.js';
import {
  changeLocationSettings,
  changeOrgSettings,
  requireLocationSettings,
} from './org-recording-settings.service.js';
import { recordVendorJob } from './call-recording-jobs.service.js';
import { findVendorHealthByOrg } from './vendor-health.repository.js';
import type { StorageRegion } from './storage-region.js';

export async function getOrgVendors(
  deps: OrgDeps,
  actor: Actor,
): Promise<{
  vendorId: string;
  vendorName: string;
  vendors: RecordingVendor[];
  storageRegion: string;
  failureBehavior: FailureBehavior;
  recordLocallyOnVendorFailureEnabled: boolean;
  dualRecordingEnabled: boolean;
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
    recordLocallyOnVendorFailureEnabled: settings.recordLocallyOnVendorFailure,
    dualRecordingEnabled: settings.dualRecording,
  };
}

export async function setOrgVendor(
  deps: OrgDeps,
  actor: Actor,
  input: {
    vendorId?: string | undefined;
    storageRegion?: string | undefined;
    failureBehavior?: FailureBehavior | undefined;
    recordLocallyOnVendorFailureEnabled?: boolean | undefined;
    dualRecordingEnabled?: boolean | undefined;
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
        recordLocallyOnVendorFailure:
          input.recordLocallyOnVendorFailureEnabled ?? before.recordLocallyOnVendorFailure,
        dualRecording: input.dualRecordingEnabled ?? before.dualRecording,
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
    orgDualRecordingEnabled: location.dualRecording === null,
    dualRecordingEnabled: location.dualRecording ?? org.dualRecording,
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
  orgDualRecordingEnabled?: boolean | undefined;
  dualRecordingEnabled?: boolean | undefined;
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
        dualRecording:
          input.orgDualRecordingEnabled === true
            ? null
            : (input.dualRecordingEnabled ??
              before.dualRecording ??
              (input.orgDualRecordingEnabled === false ? org.dualRecording : null)),
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

// External vendors (/api/recording-vendors) ----------------------------------------------------

const NOT_PROBED: RecordingVendorHealth = {
  state: 'unknown',
  downSince: null,
  lastError: null,
  lastUpAt: null,
  checkedAt: null,
};

const withHealth = (
  vendor: RecordingVendor,
  health: ReadonlyMap<string, RecordingVendorHealth>,
  external: ExternalVendorRow | undefined,
): RecordingVendorWithHealth => ({
  ...vendor,
  health: vendor.builtIn ? null : (health.get(vendor.id) ?? NOT_PROBED),
  metadataDialect: external?.metadataDialect ?? null,
  // The password is never returned (only H(A1) is stored).
  digest: external?.digest
    ? { username: external.digest.username, realm: external.digest.realm }
    : null,
});

/** H(username:realm:password) in MD5 and SHA-256 (RFC 7616 §3.4.2): what is stored of a password. */
function digestHa1s(username: string, realm: string, password: string) {
  const a1 = `${username}:${realm}:${password}`;
  return {
    md5: crypto.createHash('md5').update(a1).digest('hex'),
    sha256: crypto.createHash('sha256').update(a1).digest('hex'),
  };
}

export async function listVendors(
  deps: OrgDeps,
  actor: Actor,
): Promise<RecordingVendorWithHealth[]> {
  assertCan(actor, 'recordingSettings.read', { orgId: actor.orgId });
  const health = await findVendorHealthByOrg(deps.db, actor.orgId);
  const external = new Map(
    (await listExternalVendors(deps.db, actor.orgId)).map((v) => [v.id, v] as const),
  );
  return (await presentVendors(deps.db, actor.orgId)).map((v) =>
    withHealth(v, health, external.get(v.id)),
  );
}

export async function getVendor(
  deps: OrgDeps,
  actor: Actor,
  id: string,
): Promise<RecordingVendorWithHealth> {
  const vendor = (await listVendors(deps, actor)).find((v) => v.id === id);
  if (!vendor) throw notFound('Recording vendor');
  return vendor;
}

export async function createVendor(
  deps: OrgDeps,
  actor: Actor,
  input: RecordingVendorCreate,
): Promise<RecordingVendorWithHealth> {
  assertCan(actor, 'recordingSettings.write', { orgId: actor.orgId });
  const digest = input.digest
    ? {
        username: input.digest.username,
        realm: input.digest.realm,
        ha1: digestHa1s(input.digest.username, input.digest.realm, input.digest.password),
      }
    : null;
  const row: ExternalVendorRow = {
    id: newId('RECORDING_VENDOR'),
    orgId: actor.orgId,
    name: input.name.trim(),
    sipUri: input.sipUri,
    description: input.description ?? '',
    created: deps.clock.now().toISOString(),
    metadataDialect: input.metadataDialect ?? 'rfc7865',
    digest,
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
      // Without H(A1): the audit trail names the credentials, never what stands for the password.
      {
        after: {
          ...row,
          digest: digest ? { username: digest.username, realm: digest.realm } : null,
        },
      },
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
    health: NOT_PROBED,
    metadataDialect: row.metadataDialect,
    digest: digest ? { username: digest.username, realm: digest.realm } : null,
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
