// Organisation call-recording settings (SPEC §3): on/off and the read-modify-audit steps every
// org- or location-level change goes through. Every change is audited with before/after.
import { validateDtmfFeatureCodes } from '@callvault/recorder';
import type { DtmfFeatureCodes, OrgCallRecording, PauseBehaviour } from '@callvault/shared';
import { audit, diffFields } from '../audit/audit.service.js';
import type { Trx } from '../db/database.js';
import { AppError, notFound } from '../errors.js';
import { findLocationById } from '../org/locations.repository.js';
import { findOrganizationById } from '../org/organizations.repository.js';
import type { OrgDeps } from '../org/org-deps.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import type {
  LocationRecordingSettings,
  OrgRecordingSettings,
} from './recording-settings.model.js';
import {
  findLocationSettings,
  findOrgSettings,
  saveLocationSettings,
  saveOrgSettings,
} from './recording-settings.repository.js';
import { TERMS_URL, loadVendors, vendorName } from './vendor-registry.js';

export async function changeOrgSettings<T = void>(
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

// Location -----------------------------------------------------------------------------------

export async function changeLocationSettings<T = void>(
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

export async function requireLocationSettings(
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
