// Workspaces (shared devices) and virtual lines: recordable entities that are not people.
import type {
  VirtualLine,
  VirtualLineCreate,
  VirtualLineUpdate,
  Workspace,
  WorkspaceCreate,
  WorkspaceUpdate,
} from '@callvault/shared';
import { audit, diffFields } from '../audit/audit.service.js';
import type { Trx } from '../db/database.js';
import { canonicalSipAddress } from './sip-address.js';
import type { Page } from '../db/paging.js';
import { notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import { deleteDirectoryEntries, replaceDirectoryEntries } from './directory-entries.repository.js';
import { findLocationById } from './locations.repository.js';
import { DEFAULT_LANGUAGE, requireLocation, type OrgDeps } from './org-deps.js';
import {
  deleteVirtualLine,
  findVirtualLineById,
  insertVirtualLine,
  listVirtualLines,
  updateVirtualLine,
  type VirtualLineRecord,
} from './virtual-lines.repository.js';
import {
  deleteWorkspace,
  findWorkspaceById,
  insertWorkspace,
  listWorkspaces,
  updateWorkspace,
} from './workspaces.repository.js';

export async function listOrgWorkspaces(
  deps: OrgDeps,
  actor: Actor,
  q: {
    displayName?: string | undefined;
    locationId?: string | undefined;
    cursor?: string | undefined;
    max: number;
  },
): Promise<Page<Workspace>> {
  assertCan(actor, 'workspace.read', { orgId: actor.orgId });
  return listWorkspaces(deps.db, { orgId: actor.orgId, ...q, limit: q.max });
}

export async function getWorkspace(deps: OrgDeps, actor: Actor, id: string): Promise<Workspace> {
  assertCan(actor, 'workspace.read', { orgId: actor.orgId });
  const w = await findWorkspaceById(deps.db, actor.orgId, id);
  if (!w) throw notFound('Workspace');
  return w;
}

export async function insertNewWorkspace(
  trx: Trx,
  deps: OrgDeps,
  actor: Actor | null,
  orgId: string,
  input: WorkspaceCreate,
): Promise<Workspace> {
  const location = await requireLocation(trx, orgId, input.locationId);
  const now = deps.clock.now();
  const w: Workspace = {
    id: newId('WORKSPACE'),
    displayName: input.displayName.trim(),
    orgId,
    locationId: location.id,
    extension: input.extension ?? null,
    phoneNumbers: input.phoneNumbers ?? [],
    sipAddress: input.sipAddress ? canonicalSipAddress(input.sipAddress) : null,
    callingLicense: input.callingLicense ?? 'none',
    announcementLanguage: input.announcementLanguage ?? location.announcementLanguage,
    created: now.toISOString(),
  };
  await insertWorkspace(trx, w, now);
  await replaceDirectoryEntries(trx, orgId, 'workspace', w.id, {
    extension: w.extension,
    numbers: w.phoneNumbers.map((n) => n.value),
  });
  await audit(
    trx,
    deps.clock,
    actor,
    'workspace.created',
    { type: 'workspace', id: w.id },
    { after: w },
    orgId,
  );
  return w;
}

export async function createWorkspace(
  deps: OrgDeps,
  actor: Actor,
  input: WorkspaceCreate,
): Promise<Workspace> {
  assertCan(actor, 'workspace.write', { orgId: actor.orgId });
  return deps.db
    .transaction()
    .execute((trx) => insertNewWorkspace(trx, deps, actor, actor.orgId, input));
}

export async function changeWorkspace(
  deps: OrgDeps,
  actor: Actor,
  id: string,
  input: WorkspaceUpdate,
): Promise<Workspace> {
  assertCan(actor, 'workspace.write', { orgId: actor.orgId });
  return deps.db.transaction().execute(async (trx) => {
    const before = await findWorkspaceById(trx, actor.orgId, id);
    if (!before) throw notFound('Workspace');
    const locationId = input.locationId
      ? (await requireLocation(trx, actor.orgId, input.locationId)).id
      : before.locationId;
    const after: Workspace = {
      ...before,
      displayName: input.displayName?.trim() ?? before.displayName,
      locationId,
      extension: input.extension === undefined ? before.extension : input.extension,
      phoneNumbers: input.phoneNumbers ?? before.phoneNumbers,
      sipAddress:
        input.sipAddress === undefined
          ? before.sipAddress
          : input.sipAddress
            ? canonicalSipAddress(input.sipAddress)
            : null,
      callingLicense: input.callingLicense ?? before.callingLicense,
      announcementLanguage: input.announcementLanguage ?? before.announcementLanguage,
    };
    await updateWorkspace(trx, after, deps.clock.now());
    await replaceDirectoryEntries(trx, actor.orgId, 'workspace', id, {
      extension: after.extension,
      numbers: after.phoneNumbers.map((n) => n.value),
    });
    await audit(
      trx,
      deps.clock,
      actor,
      'workspace.updated',
      { type: 'workspace', id },
      diffFields(before, after),
    );
    return after;
  });
}

export async function removeWorkspace(deps: OrgDeps, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'workspace.write', { orgId: actor.orgId });
  await deps.db.transaction().execute(async (trx) => {
    const before = await findWorkspaceById(trx, actor.orgId, id);
    if (!before) throw notFound('Workspace');
    await deleteDirectoryEntries(trx, id);
    await deleteWorkspace(trx, id);
    await audit(trx, deps.clock, actor, 'workspace.deleted', { type: 'workspace', id }, { before });
  });
}

async function presentVirtualLine(
  trx: Trx | OrgDeps['db'],
  v: VirtualLineRecord,
): Promise<VirtualLine> {
  const location = await findLocationById(trx, v.orgId, v.locationId);
  return {
    id: v.id,
    firstName: v.firstName,
    lastName: v.lastName,
    displayName: v.displayName,
    number: { external: v.phoneNumber, extension: v.extension },
    location: { id: v.locationId, name: location?.name ?? '' },
    announcementLanguage: v.announcementLanguage,
  };
}

export async function listOrgVirtualLines(
  deps: OrgDeps,
  actor: Actor,
  q: {
    name?: string | undefined;
    locationId?: string | undefined;
    cursor?: string | undefined;
    max: number;
  },
): Promise<Page<VirtualLine>> {
  assertCan(actor, 'virtualLine.read', { orgId: actor.orgId });
  const page = await listVirtualLines(deps.db, { orgId: actor.orgId, ...q, limit: q.max });
  return {
    items: await Promise.all(page.items.map((v) => presentVirtualLine(deps.db, v))),
    nextCursor: page.nextCursor,
  };
}

export async function getVirtualLine(
  deps: OrgDeps,
  actor: Actor,
  id: string,
): Promise<VirtualLine> {
  assertCan(actor, 'virtualLine.read', { orgId: actor.orgId });
  const v = await findVirtualLineById(deps.db, actor.orgId, id);
  if (!v) throw notFound('Virtual line');
  return presentVirtualLine(deps.db, v);
}

export async function insertNewVirtualLine(
  trx: Trx,
  deps: OrgDeps,
  actor: Actor | null,
  orgId: string,
  input: VirtualLineCreate,
): Promise<VirtualLine> {
  const location = await requireLocation(trx, orgId, input.locationId);
  const now = deps.clock.now();
  const v: VirtualLineRecord = {
    id: newId('VIRTUAL_LINE'),
    orgId,
    locationId: location.id,
    firstName: input.firstName.trim(),
    lastName: input.lastName.trim(),
    displayName: input.displayName?.trim() ?? `${input.firstName.trim()} ${input.lastName.trim()}`,
    extension: input.extension ?? null,
    phoneNumber: input.phoneNumber ?? null,
    announcementLanguage:
      input.announcementLanguage ?? location.announcementLanguage ?? DEFAULT_LANGUAGE,
    created: now.toISOString(),
  };
  await insertVirtualLine(trx, v, now);
  await replaceDirectoryEntries(trx, orgId, 'virtualLine', v.id, {
    extension: v.extension,
    numbers: v.phoneNumber ? [v.phoneNumber] : [],
  });
  const presented = await presentVirtualLine(trx, v);
  await audit(
    trx,
    deps.clock,
    actor,
    'virtualLine.created',
    { type: 'virtualLine', id: v.id },
    { after: presented },
    orgId,
  );
  return presented;
}

export async function createVirtualLine(
  deps: OrgDeps,
  actor: Actor,
  input: VirtualLineCreate,
): Promise<VirtualLine> {
  assertCan(actor, 'virtualLine.write', { orgId: actor.orgId });
  return deps.db
    .transaction()
    .execute((trx) => insertNewVirtualLine(trx, deps, actor, actor.orgId, input));
}

export async function changeVirtualLine(
  deps: OrgDeps,
  actor: Actor,
  id: string,
  input: VirtualLineUpdate,
): Promise<VirtualLine> {
  assertCan(actor, 'virtualLine.write', { orgId: actor.orgId });
  return deps.db.transaction().execute(async (trx) => {
    const before = await findVirtualLineById(trx, actor.orgId, id);
    if (!before) throw notFound('Virtual line');
    const after: VirtualLineRecord = {
      ...before,
      firstName: input.firstName?.trim() ?? before.firstName,
      lastName: input.lastName?.trim() ?? before.lastName,
      displayName: input.displayName?.trim() ?? before.displayName,
      extension: input.extension === undefined ? before.extension : input.extension,
      phoneNumber: input.phoneNumber === undefined ? before.phoneNumber : input.phoneNumber,
      announcementLanguage: input.announcementLanguage ?? before.announcementLanguage,
    };
    await updateVirtualLine(trx, after, deps.clock.now());
    await replaceDirectoryEntries(trx, actor.orgId, 'virtualLine', id, {
      extension: after.extension,
      numbers: after.phoneNumber ? [after.phoneNumber] : [],
    });
    await audit(
      trx,
      deps.clock,
      actor,
      'virtualLine.updated',
      { type: 'virtualLine', id },
      diffFields(before, after),
    );
    return presentVirtualLine(trx, after);
  });
}

export async function removeVirtualLine(deps: OrgDeps, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'virtualLine.write', { orgId: actor.orgId });
  await deps.db.transaction().execute(async (trx) => {
    const before = await findVirtualLineById(trx, actor.orgId, id);
    if (!before) throw notFound('Virtual line');
    await deleteDirectoryEntries(trx, id);
    await deleteVirtualLine(trx, id);
    await audit(
      trx,
      deps.clock,
      actor,
      'virtualLine.deleted',
      { type: 'virtualLine', id },
      { before },
    );
  });
}
