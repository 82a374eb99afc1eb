// Operator actions on organisations (CLI): a new customer org with its first administrator,
// optionally under a partner.
import { audit } from '../audit/audit.service.js';
import { generatePassword, hashPassword } from '../auth/passwords.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import { insertLocation } from './locations.repository.js';
import {
  findOrganizationByName,
  findPartnerByName,
  insertOrganization,
  insertPartner,
} from './organizations.repository.js';
import { setPasswordHash } from './people.repository.js';
import { insertNewPerson } from './people.service.js';
import { DEFAULT_LANGUAGE, type OrgDeps } from './org-deps.js';

export interface CreatedOrganization {
  readonly orgId: string;
  readonly partnerId: string | null;
  readonly adminId: string;
  readonly adminEmail: string;
  readonly oneTimePassword: string;
}

export async function createOrganizationWithAdmin(
  deps: OrgDeps,
  input: { name: string; adminEmail: string; partnerName?: string | undefined },
): Promise<CreatedOrganization> {
  const password = generatePassword();
  const hashed = await hashPassword(password);
  return deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    if (await findOrganizationByName(trx, input.name)) {
      throw new AppError('CONFLICT', `An organization named "${input.name}" already exists`);
    }
    let partnerId: string | null = null;
    if (input.partnerName) {
      partnerId = (await findPartnerByName(trx, input.partnerName))?.id ?? null;
      if (!partnerId) {
        partnerId = newId('PARTNER');
        await insertPartner(trx, { id: partnerId, name: input.partnerName, at: now });
      }
    }
    const orgId = newId('ORGANIZATION');
    await insertOrganization(trx, { id: orgId, name: input.name, partnerId, at: now });
    await audit(
      trx,
      deps.clock,
      null,
      'organization.created',
      { type: 'organization', id: orgId },
      { name: input.name, partnerId },
      orgId,
    );
    const locationId = newId('LOCATION');
    await insertLocation(
      trx,
      {
        id: locationId,
        name: 'Main',
        orgId,
        timeZone: 'UTC',
        announcementLanguage: DEFAULT_LANGUAGE,
        address: {},
      },
      now,
    );
    const admin = await insertNewPerson(trx, deps, null, orgId, {
      emails: [input.adminEmail],
      locationId,
      roles: ['fullAdmin'],
    });
    await setPasswordHash(trx, admin.id, hashed, true, now);
    return {
      orgId,
      partnerId,
      adminId: admin.id,
      adminEmail: admin.emails[0] ?? '',
      oneTimePassword: password,
    };
  });
}
