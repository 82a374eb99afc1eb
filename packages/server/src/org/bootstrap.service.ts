// First start: an empty database gets an organisation and its first full administrator with a
// one-time password, printed once by `serve` and stored only as a hash.
import { audit } from '../audit/audit.service.js';
import { generatePassword, hashPassword } from '../auth/passwords.js';
import { newId } from '../ids.js';
import { insertLocation } from './locations.repository.js';
import { insertOrganization } from './organizations.repository.js';
import { countPeople, setPasswordHash } from './people.repository.js';
import { insertNewPerson } from './people.service.js';
import { DEFAULT_LANGUAGE, type OrgDeps } from './org-deps.js';

export const INITIAL_ADMIN_EMAIL = 'admin@callvault.local';

export interface InitialAdmin {
  readonly orgId: string;
  readonly email: string;
  readonly oneTimePassword: string;
}

/** Creates the first org and admin when nobody exists yet; null when the database has people. */
export async function ensureInitialAdmin(deps: OrgDeps): Promise<InitialAdmin | null> {
  if ((await countPeople(deps.db)) > 0) return null;
  const password = generatePassword();
  const hashed = await hashPassword(password);
  return deps.db.transaction().execute(async (trx) => {
    // Re-check inside the transaction: two processes starting together create one admin.
    if ((await countPeople(trx)) > 0) return null;
    const now = deps.clock.now();
    const orgId = newId('ORGANIZATION');
    await insertOrganization(trx, { id: orgId, name: 'Callvault', partnerId: null, at: now });
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
    await audit(
      trx,
      deps.clock,
      null,
      'organization.created',
      { type: 'organization', id: orgId },
      { name: 'Callvault', reason: 'first start' },
      orgId,
    );
    const admin = await insertNewPerson(trx, deps, null, orgId, {
      emails: [INITIAL_ADMIN_EMAIL],
      displayName: 'Administrator',
      locationId,
      roles: ['fullAdmin'],
    });
    await setPasswordHash(trx, admin.id, hashed, true, now);
    return { orgId, email: INITIAL_ADMIN_EMAIL, oneTimePassword: password };
  });
}
