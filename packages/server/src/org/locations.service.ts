import type { Location } from '@callvault/shared';
import { audit, diffFields } from '../audit/audit.service.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import {
  countLocationMembers,
  deleteLocation,
  findLocationById,
  findLocationByName,
  insertLocation,
  listLocations,
  updateLocation,
} from './locations.repository.js';
import { dialPlanCountry } from './dial-plan.js';
import { DEFAULT_LANGUAGE, type OrgDeps } from './org-deps.js';

export interface LocationInput {
  name: string;
  timeZone?: string | undefined;
  announcementLanguage?: string | undefined;
  address?: Location['address'] | undefined;
}

/** The address with its country upper-cased and checked (it is the location's dial plan). */
function checkAddress(address: Location['address']): Location['address'] {
  if (address.country === undefined) return address;
  const country = dialPlanCountry(address.country);
  if (!country) {
    const problem = `address.country: "${address.country}" is not an ISO 3166-1 alpha-2 country with a known dial plan`;
    throw new AppError('VALIDATION_FAILED', problem, [problem]);
  }
  return { ...address, country };
}

export async function listOrgLocations(
  deps: OrgDeps,
  actor: Actor,
  name?: string,
): Promise<Location[]> {
  assertCan(actor, 'location.read', { orgId: actor.orgId });
  return listLocations(deps.db, actor.orgId, name);
}

export async function getLocation(deps: OrgDeps, actor: Actor, id: string): Promise<Location> {
  assertCan(actor, 'location.read', { orgId: actor.orgId });
  const location = await findLocationById(deps.db, actor.orgId, id);
  if (!location) throw notFound('Location');
  return location;
}

export async function createLocation(
  deps: OrgDeps,
  actor: Actor,
  input: LocationInput,
): Promise<Location> {
  assertCan(actor, 'location.write', { orgId: actor.orgId });
  const location: Location = {
    id: newId('LOCATION'),
    name: input.name.trim(),
    orgId: actor.orgId,
    timeZone: input.timeZone ?? 'UTC',
    announcementLanguage: input.announcementLanguage ?? DEFAULT_LANGUAGE,
    address: checkAddress(input.address ?? {}),
  };
  return deps.db.transaction().execute(async (trx) => {
    if (await findLocationByName(trx, actor.orgId, location.name)) {
      throw new AppError('CONFLICT', `A location named "${location.name}" already exists`);
    }
    await insertLocation(trx, location, deps.clock.now());
    await audit(
      trx,
      deps.clock,
      actor,
      'location.created',
      { type: 'location', id: location.id },
      { after: location },
    );
    return location;
  });
}

export async function changeLocation(
  deps: OrgDeps,
  actor: Actor,
  id: string,
  input: Partial<LocationInput>,
): Promise<Location> {
  assertCan(actor, 'location.write', { orgId: actor.orgId });
  return deps.db.transaction().execute(async (trx) => {
    const before = await findLocationById(trx, actor.orgId, id);
    if (!before) throw notFound('Location');
    const after: Location = {
      ...before,
      name: input.name?.trim() ?? before.name,
      timeZone: input.timeZone ?? before.timeZone,
      announcementLanguage: input.announcementLanguage ?? before.announcementLanguage,
      address: input.address ? checkAddress(input.address) : before.address,
    };
    const clash =
      after.name !== before.name ? await findLocationByName(trx, actor.orgId, after.name) : null;
    if (clash) throw new AppError('CONFLICT', `A location named "${after.name}" already exists`);
    await updateLocation(trx, after);
    await audit(
      trx,
      deps.clock,
      actor,
      'location.updated',
      { type: 'location', id },
      diffFields(before, after),
    );
    return after;
  });
}

/**
 * Deletes a location that holds nobody: people, workspaces, virtual lines and call features must
 * be moved or deleted first (LOCATION_IN_USE), so nothing is left without a location.
 */
export async function removeLocation(deps: OrgDeps, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'location.write', { orgId: actor.orgId });
  await deps.db.transaction().execute(async (trx) => {
    const before = await findLocationById(trx, actor.orgId, id);
    if (!before) throw notFound('Location');
    const members = await countLocationMembers(trx, id);
    if (members > 0) {
      throw new AppError(
        'LOCATION_IN_USE',
        `The location "${before.name}" still has ${members} people, workspaces, virtual lines or call features`,
      );
    }
    await deleteLocation(trx, id);
    await audit(trx, deps.clock, actor, 'location.deleted', { type: 'location', id }, { before });
  });
}
