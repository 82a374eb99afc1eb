// `callvault demo-seed`: a demo organisation to try Callvault with (SPEC §9.4). Idempotent:
// entities are found by their natural keys and created only when missing; every run issues fresh
// API tokens (earlier demo tokens are revoked).
import type { CallingLicense, EntityCallRecordingUpdate, PersonCreate } from '@callvault/shared';
import { findTrunkByName } from '../recording-trunks/recording-trunks.repository.js';
import { insertNewTrunk } from '../recording-trunks/recording-trunks.service.js';
import type { RecordableKind } from '../recording-settings/recording-settings.model.js';
import {
  findEntitySettings,
  saveEntitySettings,
} from '../recording-settings/recording-settings.repository.js';
import { applyEntityUpdate } from '../recording-settings/entity-recording-settings.service.js';
import { audit } from '../audit/audit.service.js';
import { createToken } from '../auth/auth.service.js';
import { listTokensOfPerson, revokeToken } from '../auth/credentials.repository.js';
import { hashPassword } from '../auth/passwords.js';
import type { Trx } from '../db/database.js';
import { newId } from '../ids.js';
import { findLocationByName, insertLocation } from '../org/locations.repository.js';
import { findOrganizationByName, insertOrganization } from '../org/organizations.repository.js';
import {
  findPasswordHash,
  findPersonByEmail,
  setPasswordHash,
  type PersonRecord,
} from '../org/people.repository.js';
import { insertNewPerson } from '../org/people.service.js';
import type { OrgDeps } from '../org/org-deps.js';
import { listVirtualLines } from '../org/virtual-lines.repository.js';
import { insertNewVirtualLine, insertNewWorkspace } from '../org/workspaces.service.js';
import { listWorkspaces } from '../org/workspaces.repository.js';

export const DEMO_ORG_NAME = 'Example Org';
export const DEMO_PASSWORDS = {
  admin: 'callvault-demo-admin',
  complianceOfficer: 'callvault-demo-co',
  user: 'callvault-demo-user',
} as const;
const DEMO_TOKEN_NAME = 'demo-seed';
const DEMO_TRUNK_NAME = 'local test trunk';
const TOKEN_LIFETIME_MS = 30 * 86_400_000;

interface DemoPersonSpec {
  email: string;
  first: string;
  last: string;
  extension: string | null;
  number: string | null;
  location: 'Stockholm' | 'Göteborg';
  license: CallingLicense;
  /** Set only for those who speak English on calls; the others follow their Swedish location. */
  language?: string;
}

const PEOPLE: DemoPersonSpec[] = [
  {
    email: 'alice@example.com',
    first: 'Alice',
    last: 'Andersson',
    extension: '1001',
    number: '+4685550101',
    location: 'Stockholm',
    license: 'professional',
    language: 'en_us',
  },
  {
    email: 'bob@example.com',
    first: 'Bob',
    last: 'Berg',
    extension: '1002',
    number: '+4685550102',
    location: 'Stockholm',
    license: 'basic',
  },
  {
    email: 'carol@example.com',
    first: 'Carol',
    last: 'Carlsson',
    extension: '2001',
    number: '+46315550201',
    location: 'Göteborg',
    license: 'professional',
    language: 'en_us',
  },
  {
    email: 'dave@example.com',
    first: 'Dave',
    last: 'Dahl',
    extension: '2002',
    number: null,
    location: 'Göteborg',
    license: 'professional',
  },
  {
    email: 'erin@example.com',
    first: 'Erin',
    last: 'Ek',
    extension: '1003',
    number: null,
    location: 'Stockholm',
    license: 'none',
  },
];

export interface DemoSeed {
  orgId: string;
  locations: Array<{ id: string; name: string }>;
  admin: { id: string; email: string; password: string; token: string };
  complianceOfficer: { id: string; email: string; password: string; token: string };
  people: Array<{
    id: string;
    email: string;
    extension: string | null;
    locationId: string;
    token: string;
    password: string;
  }>;
  workspaces: Array<{ id: string; name: string; extension: string | null }>;
  virtualLines: Array<{ id: string; extension: string | null }>;
  trunk: { id: string; name: string; allowedSources: string[] };
}

async function ensurePerson(
  trx: Trx,
  deps: OrgDeps,
  orgId: string,
  input: PersonCreate,
  password: string,
): Promise<PersonRecord> {
  const existing = await findPersonByEmail(trx, input.emails[0] ?? '');
  const person = existing ?? (await insertNewPerson(trx, deps, null, orgId, input));
  const stored = await findPasswordHash(trx, person.id);
  if (!stored?.hash)
    await setPasswordHash(trx, person.id, await hashPassword(password), false, deps.clock.now());
  return person;
}

export async function runDemoSeed(deps: OrgDeps): Promise<DemoSeed> {
  const { orgId, trunk, locations, admin, co, people, workspaces, virtualLines } = await deps.db
    .transaction()
    .execute(async (trx) => {
      const now = deps.clock.now();
      let org = await findOrganizationByName(trx, DEMO_ORG_NAME);
      if (!org) {
        const id = newId('ORGANIZATION');
        await insertOrganization(trx, { id, name: DEMO_ORG_NAME, partnerId: null, at: now });
        await audit(
          trx,
          deps.clock,
          null,
          'organization.created',
          { type: 'organization', id },
          { name: DEMO_ORG_NAME, reason: 'demo-seed' },
          id,
        );
        org = { id, displayName: DEMO_ORG_NAME, created: now.toISOString(), partnerId: null };
      }
      const orgId = org.id;
      const locations: Array<{ id: string; name: string }> = [];
      for (const [name, timeZone] of [
        ['Stockholm', 'Europe/Stockholm'],
        ['Göteborg', 'Europe/Stockholm'],
      ] as const) {
        let loc = await findLocationByName(trx, orgId, name);
        if (!loc) {
          loc = {
            id: newId('LOCATION'),
            name,
            orgId,
            timeZone,
            // Swedish locations: their people, workspaces and lines announce in Swedish unless
            // they say otherwise.
            announcementLanguage: 'sv_se',
            address: { city: name, country: 'SE' },
          };
          await insertLocation(trx, loc, now);
          await audit(
            trx,
            deps.clock,
            null,
            'location.created',
            { type: 'location', id: loc.id },
            { after: loc },
            orgId,
          );
        }
        locations.push({ id: loc.id, name: loc.name });
      }
      const locationId = (name: string): string => locations.find((l) => l.name === name)?.id ?? '';
      const stockholm = locationId('Stockholm');

      const admin = await ensurePerson(
        trx,
        deps,
        orgId,
        {
          emails: ['admin@example.com'],
          firstName: 'Ada',
          lastName: 'Admin',
          displayName: 'Ada Admin',
          locationId: stockholm,
          roles: ['fullAdmin'],
        },
        DEMO_PASSWORDS.admin,
      );
      const co = await ensurePerson(
        trx,
        deps,
        orgId,
        {
          emails: ['co@example.com'],
          firstName: 'Cora',
          lastName: 'Compliance',
          displayName: 'Cora Compliance',
          locationId: stockholm,
          roles: ['complianceOfficer'],
        },
        DEMO_PASSWORDS.complianceOfficer,
      );
      const people: PersonRecord[] = [];
      for (const p of PEOPLE) {
        people.push(
          await ensurePerson(
            trx,
            deps,
            orgId,
            {
              emails: [p.email],
              firstName: p.first,
              lastName: p.last,
              displayName: `${p.first} ${p.last}`,
              extension: p.extension,
              phoneNumbers: p.number ? [{ type: 'work', value: p.number }] : [],
              sipAddress: p.email,
              locationId: locationId(p.location),
              callingLicense: p.license,
              ...(p.language === undefined ? {} : { announcementLanguage: p.language }),
              roles: ['user'],
            },
            DEMO_PASSWORDS.user,
          ),
        );
      }

      const existingWs = (
        await listWorkspaces(trx, { orgId, displayName: 'Reception', limit: 10 })
      ).items.find((w) => w.displayName === 'Reception');
      const reception =
        existingWs ??
        (await insertNewWorkspace(trx, deps, null, orgId, {
          displayName: 'Reception',
          locationId: stockholm,
          extension: '1900',
          callingLicense: 'professional',
          announcementLanguage: 'en_us',
        }));
      const existingVl = (await listVirtualLines(trx, { orgId, limit: 1000 })).items.find(
        (v) => v.extension === '1950',
      );
      const vl = existingVl
        ? { id: existingVl.id, number: { extension: existingVl.extension } }
        : await insertNewVirtualLine(trx, deps, null, orgId, {
            firstName: 'Support',
            lastName: 'Line',
            locationId: stockholm,
            extension: '1950',
            announcementLanguage: 'en_us',
          });
      // Recording: a trunk for SIPREC from this machine, and the demo people's modes.
      const trunk =
        (await findTrunkByName(trx, orgId, DEMO_TRUNK_NAME)) ??
        (await insertNewTrunk(trx, deps, null, orgId, {
          name: DEMO_TRUNK_NAME,
          allowedSources: ['127.0.0.1/32'],
          // The demo's own SIP domain and this machine: extensions (1001, 2001…) match there and
          // nowhere else; national numbers are read with the locations' country (SE).
          ownDomains: ['example.com', '*.example.com', '127.0.0.1', 'localhost'],
        }));
      const idOf = (email: string): string => people.find((p) => p.emails[0] === email)?.id ?? '';
      const demoModes: Array<[RecordableKind, string, EntityCallRecordingUpdate]> = [
        [
          'person',
          idOf('alice@example.com'),
          { enabled: true, record: 'Always', transcriptEnabled: true },
        ],
        [
          'person',
          idOf('bob@example.com'),
          { enabled: true, record: 'On Demand with User Initiated Start' },
        ],
        [
          'person',
          idOf('carol@example.com'),
          {
            enabled: true,
            record: 'Always with Pause/Resume',
            notification: { enabled: true, type: 'Beep' },
            repeat: { enabled: true, interval: 30 },
          },
        ],
        ['workspace', reception.id, { enabled: true, record: 'Always' }],
      ];
      for (const [kind, id, update] of demoModes) {
        const before = await findEntitySettings(trx, id);
        // Only the first run sets them: an admin's later changes are not undone by another seed.
        if (before.enabled) continue;
        await saveEntitySettings(trx, orgId, kind, id, applyEntityUpdate(before, update), now);
        await audit(
          trx,
          deps.clock,
          null,
          'callRecording.entityUpdated',
          { type: kind, id },
          { after: update, reason: 'demo-seed' },
          orgId,
        );
      }
      return {
        orgId,
        trunk: { id: trunk.id, name: trunk.name, allowedSources: trunk.allowedSources },
        locations,
        admin,
        co,
        people,
        workspaces: [
          { id: reception.id, name: reception.displayName, extension: reception.extension },
        ],
        virtualLines: [{ id: vl.id, extension: vl.number.extension }],
      };
    });

  const freshToken = async (person: PersonRecord): Promise<string> => {
    for (const t of await listTokensOfPerson(deps.db, person.id)) {
      if (t.name === DEMO_TOKEN_NAME)
        await revokeToken(deps.db, t.id, person.id, deps.clock.now().toISOString());
    }
    return (
      await createToken(
        deps,
        person,
        { name: DEMO_TOKEN_NAME, expiresInMs: TOKEN_LIFETIME_MS },
        null,
      )
    ).token;
  };

  return {
    orgId,
    locations,
    admin: {
      id: admin.id,
      email: admin.emails[0] ?? '',
      password: DEMO_PASSWORDS.admin,
      token: await freshToken(admin),
    },
    complianceOfficer: {
      id: co.id,
      email: co.emails[0] ?? '',
      password: DEMO_PASSWORDS.complianceOfficer,
      token: await freshToken(co),
    },
    people: await Promise.all(
      people.map(async (p) => ({
        id: p.id,
        email: p.emails[0] ?? '',
        extension: p.extension,
        locationId: p.locationId ?? '',
        token: await freshToken(p),
        password: DEMO_PASSWORDS.user,
      })),
    ),
    workspaces,
    virtualLines,
    trunk,
  };
}
