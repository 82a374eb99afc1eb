// Auto attendants, call queues and hunt groups of a location (Webex
// /telephony/config/locations/{id}/autoAttendants|queues|huntGroups).
import type {
  CallFeature,
  CallFeatureCreate,
  CallFeatureKind,
  CallFeatureUpdate,
} from '@callvault/shared';
import { audit, diffFields } from '../audit/audit.service.js';
import { notFound } from '../errors.js';
import { newId, type IdType } from '../ids.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import {
  deleteCallFeature,
  findCallFeature,
  insertCallFeature,
  listCallFeatures,
  updateCallFeature,
  type CallFeatureRecord,
} from './call-features.repository.js';
import { deleteDirectoryEntries, replaceDirectoryEntries } from './directory-entries.repository.js';
import { findLocationById } from './locations.repository.js';
import type { OrgDeps } from './org-deps.js';

const ID_TYPE: Record<CallFeatureKind, IdType> = {
  autoAttendants: 'AUTO_ATTENDANT',
  queues: 'CALL_QUEUE',
  huntGroups: 'HUNT_GROUP',
};
const AUDIT_NAME: Record<CallFeatureKind, string> = {
  autoAttendants: 'autoAttendant',
  queues: 'callQueue',
  huntGroups: 'huntGroup',
};

function present(f: CallFeatureRecord): CallFeature {
  const { orgId: _o, kind: _k, ...rest } = f;
  return rest;
}

async function requireOwnLocation(
  deps: OrgDeps,
  actor: Actor,
  locationId: string,
): Promise<string> {
  const location = await findLocationById(deps.db, actor.orgId, locationId);
  if (!location) throw notFound('Location');
  return location.announcementLanguage;
}

export async function listLocationFeatures(
  deps: OrgDeps,
  actor: Actor,
  locationId: string,
  kind: CallFeatureKind,
): Promise<CallFeature[]> {
  assertCan(actor, 'callFeature.read', { orgId: actor.orgId });
  await requireOwnLocation(deps, actor, locationId);
  return (await listCallFeatures(deps.db, actor.orgId, locationId, kind)).map(present);
}

export async function getLocationFeature(
  deps: OrgDeps,
  actor: Actor,
  locationId: string,
  kind: CallFeatureKind,
  id: string,
): Promise<CallFeature> {
  assertCan(actor, 'callFeature.read', { orgId: actor.orgId });
  const f = await findCallFeature(deps.db, actor.orgId, locationId, kind, id);
  if (!f) throw notFound('Call feature');
  return present(f);
}

export async function createLocationFeature(
  deps: OrgDeps,
  actor: Actor,
  locationId: string,
  kind: CallFeatureKind,
  input: CallFeatureCreate,
): Promise<CallFeature> {
  assertCan(actor, 'callFeature.write', { orgId: actor.orgId });
  const language = await requireOwnLocation(deps, actor, locationId);
  const f: CallFeatureRecord = {
    id: newId(ID_TYPE[kind]),
    orgId: actor.orgId,
    kind,
    name: input.name.trim(),
    locationId,
    extension: input.extension ?? null,
    phoneNumber: input.phoneNumber ?? null,
    announcementLanguage: input.announcementLanguage ?? language,
  };
  return deps.db.transaction().execute(async (trx) => {
    await insertCallFeature(trx, f, deps.clock.now());
    await replaceDirectoryEntries(trx, actor.orgId, 'callFeature', f.id, {
      extension: f.extension,
      numbers: f.phoneNumber ? [f.phoneNumber] : [],
    });
    await audit(
      trx,
      deps.clock,
      actor,
      `${AUDIT_NAME[kind]}.created`,
      { type: AUDIT_NAME[kind], id: f.id },
      { after: present(f) },
    );
    return present(f);
  });
}

export async function changeLocationFeature(
  deps: OrgDeps,
  actor: Actor,
  locationId: string,
  kind: CallFeatureKind,
  id: string,
  input: CallFeatureUpdate,
): Promise<CallFeature> {
  assertCan(actor, 'callFeature.write', { orgId: actor.orgId });
  return deps.db.transaction().execute(async (trx) => {
    const before = await findCallFeature(trx, actor.orgId, locationId, kind, id);
    if (!before) throw notFound('Call feature');
    const after: CallFeatureRecord = {
      ...before,
      name: input.name?.trim() ?? before.name,
      extension: input.extension === undefined ? before.extension : input.extension,
      phoneNumber: input.phoneNumber === undefined ? before.phoneNumber : input.phoneNumber,
      announcementLanguage: input.announcementLanguage ?? before.announcementLanguage,
    };
    await updateCallFeature(trx, after, deps.clock.now());
    await replaceDirectoryEntries(trx, actor.orgId, 'callFeature', id, {
      extension: after.extension,
      numbers: after.phoneNumber ? [after.phoneNumber] : [],
    });
    await audit(
      trx,
      deps.clock,
      actor,
      `${AUDIT_NAME[kind]}.updated`,
      { type: AUDIT_NAME[kind], id },
      diffFields(present(before), present(after)),
    );
    return present(after);
  });
}

export async function removeLocationFeature(
  deps: OrgDeps,
  actor: Actor,
  locationId: string,
  kind: CallFeatureKind,
  id: string,
): Promise<void> {
  assertCan(actor, 'callFeature.write', { orgId: actor.orgId });
  await deps.db.transaction().execute(async (trx) => {
    const before = await findCallFeature(trx, actor.orgId, locationId, kind, id);
    if (!before) throw notFound('Call feature');
    await deleteDirectoryEntries(trx, id);
    await deleteCallFeature(trx, id);
    await audit(
      trx,
      deps.clock,
      actor,
      `${AUDIT_NAME[kind]}.deleted`,
      { type: AUDIT_NAME[kind], id },
      { before: present(before) },
    );
  });
}
