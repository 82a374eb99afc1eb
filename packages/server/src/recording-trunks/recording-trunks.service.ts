// Recording trunks (SPEC §5): where SIPREC sessions may come from, per org. Digest credentials
// are kept as HA1 = MD5(username:realm:password) (RFC 2617 §3.2.2.2); the password is never stored.
// A trunk also says how to read the identifiers its SBC sends: its own SIP domains (where user
// parts are extensions) and, optionally, the dial-plan country of its national numbers. Its
// optional default owner (a person, workspace or virtual line of the trunk's org) owns the calls
// in which no party matches anyone.
import crypto from 'node:crypto';
import type {
  MediaLatching,
  RecordingTrunk,
  SiprecUri,
  TrunkClientCertificateInput,
  TrunkDefaultOwner,
} from '@callvault/shared';
import { audit, diffFields } from '../audit/audit.service.js';
import { AppError, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { OrgDeps } from '../org/org-deps.js';
import type { Actor } from '../policy/actor.js';
import { assertCan } from '../policy/policy.js';
import type { DbOrTrx, Trx } from '../db/database.js';
import { findPersonById } from '../org/people.repository.js';
import { findVirtualLineById } from '../org/virtual-lines.repository.js';
import { findWorkspaceById } from '../org/workspaces.repository.js';
import { dialPlanCountry } from '../org/dial-plan.js';
import { canonicalOwnDomain } from '../siprec/party-lookups.js';
import { formatCidr, parseCidr } from './cidr.js';
import { describeCaBundle, normalizeClientCertificate } from './trunk-client-certificate.js';
import {
  deleteTrunk,
  findTrunk,
  findTrunkByName,
  insertTrunk,
  listTrunks,
  updateTrunk,
  type TrunkRecord,
} from './recording-trunks.repository.js';

/** What the trunk services need; onTrunksChanged runs after a change is committed. */
export interface TrunkDeps extends OrgDeps {
  /**
   * Tells this process's recorder to reload the admitted SIP sources now (not only on its timer);
   * awaited, so a trunk is admitted when its API call returns. Must not reject.
   */
  readonly onTrunksChanged?: () => Promise<void> | void;
  /** Where SBCs send SIPREC (shown with the trunk list). */
  readonly siprecUris?: readonly SiprecUri[];
}

export interface TrunkInput {
  name?: string | undefined;
  allowedSources?: string[] | undefined;
  digest?: { username: string; realm: string; password: string } | null | undefined;
  enabled?: boolean | undefined;
  country?: string | null | undefined;
  ownDomains?: string[] | undefined;
  mediaLatching?: MediaLatching | undefined;
  clientCertificate?: TrunkClientCertificateInput | null | undefined;
  defaultOwner?: TrunkDefaultOwner | null | undefined;
}

export function digestHa1(username: string, realm: string, password: string): string {
  return crypto.createHash('md5').update(`${username}:${realm}:${password}`).digest('hex');
}

function normalizeSources(sources: string[]): string[] {
  const bad = sources.filter((s) => parseCidr(s) === null);
  if (bad.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      `allowedSources: not an IP address or CIDR: ${bad.join(', ')}`,
      bad.map((b) => `allowedSources: "${b}" is not an IP address or CIDR`),
    );
  }
  return [...new Set(sources.map((s) => formatCidr(parseCidr(s)!)))];
}

function normalizeCountry(country: string | null): string | null {
  if (country === null) return null;
  const code = dialPlanCountry(country);
  if (!code) {
    throw new AppError(
      'VALIDATION_FAILED',
      `country: "${country}" is not an ISO 3166-1 alpha-2 country with a known dial plan`,
      [`country: "${country}" is not an ISO 3166-1 alpha-2 country with a known dial plan`],
    );
  }
  return code;
}

function normalizeOwnDomains(domains: string[]): string[] {
  const bad = domains.filter((d) => canonicalOwnDomain(d) === null);
  if (bad.length > 0) {
    throw new AppError(
      'VALIDATION_FAILED',
      `ownDomains: not a host name, IP address, "*" or "*.domain": ${bad.join(', ')}`,
      bad.map((b) => `ownDomains: "${b}" is not a host name, IP address, "*" or "*.domain"`),
    );
  }
  return [...new Set(domains.map((d) => canonicalOwnDomain(d)!))];
}

/** The default owner as given, once it is known to be an entity of the org; null stays null. */
async function checkDefaultOwner(
  db: DbOrTrx,
  orgId: string,
  owner: TrunkDefaultOwner | null,
): Promise<TrunkDefaultOwner | null> {
  if (owner === null) return null;
  const found =
    owner.type === 'person'
      ? await findPersonById(db, orgId, owner.id)
      : owner.type === 'workspace'
        ? await findWorkspaceById(db, orgId, owner.id)
        : await findVirtualLineById(db, orgId, owner.id);
  if (!found) {
    const message = `defaultOwner: no ${owner.type} with id ${owner.id} in the organization`;
    throw new AppError('VALIDATION_FAILED', message, [message]);
  }
  return { type: owner.type, id: owner.id };
}

export function presentTrunk(t: TrunkRecord): RecordingTrunk {
  return {
    id: t.id,
    name: t.name,
    allowedSources: t.allowedSources,
    digest: t.digest,
    enabled: t.enabled,
    country: t.country,
    ownDomains: t.ownDomains,
    mediaLatching: t.mediaLatching,
    clientCertificate:
      t.clientCertificate === null
        ? null
        : {
            caBundle: t.clientCertificate.caBundle,
            caCertificates: describeCaBundle(t.clientCertificate.caBundle),
            fingerprints: [...t.clientCertificate.fingerprints],
            subjects: [...t.clientCertificate.subjects],
          },
    defaultOwner: t.defaultOwner === null ? null : { ...t.defaultOwner },
    created: t.created,
  };
}

export async function listOrgTrunks(deps: OrgDeps, actor: Actor): Promise<RecordingTrunk[]> {
  assertCan(actor, 'trunk.read', { orgId: actor.orgId });
  return (await listTrunks(deps.db, actor.orgId)).map(presentTrunk);
}

/** The trunk list with the SIPREC URIs an SBC is configured with. */
export async function listOrgTrunksWithUris(
  deps: TrunkDeps,
  actor: Actor,
): Promise<{ items: RecordingTrunk[]; siprecUris: SiprecUri[] }> {
  return { items: await listOrgTrunks(deps, actor), siprecUris: [...(deps.siprecUris ?? [])] };
}

export async function getTrunk(deps: OrgDeps, actor: Actor, id: string): Promise<RecordingTrunk> {
  assertCan(actor, 'trunk.read', { orgId: actor.orgId });
  const t = await findTrunk(deps.db, actor.orgId, id);
  if (!t) throw notFound('Recording trunk');
  return presentTrunk(t);
}

export async function insertNewTrunk(
  trx: Trx,
  deps: OrgDeps,
  actor: Actor | null,
  orgId: string,
  input: TrunkInput & { name: string; allowedSources: string[] },
): Promise<TrunkRecord> {
  if (await findTrunkByName(trx, orgId, input.name.trim())) {
    throw new AppError('CONFLICT', `A recording trunk named "${input.name.trim()}" already exists`);
  }
  const now = deps.clock.now();
  const trunk: TrunkRecord = {
    id: newId('RECORDING_TRUNK'),
    orgId,
    name: input.name.trim(),
    allowedSources: normalizeSources(input.allowedSources),
    digest: input.digest ? { username: input.digest.username, realm: input.digest.realm } : null,
    digestHa1: input.digest
      ? digestHa1(input.digest.username, input.digest.realm, input.digest.password)
      : null,
    enabled: input.enabled ?? true,
    country: normalizeCountry(input.country ?? null),
    ownDomains: normalizeOwnDomains(input.ownDomains ?? []),
    mediaLatching: input.mediaLatching ?? 'first-source',
    clientCertificate: normalizeClientCertificate(input.clientCertificate ?? null),
    defaultOwner: await checkDefaultOwner(trx, orgId, input.defaultOwner ?? null),
    created: now.toISOString(),
  };
  await insertTrunk(trx, trunk, now);
  await audit(
    trx,
    deps.clock,
    actor,
    'recordingTrunk.created',
    { type: 'recordingTrunk', id: trunk.id },
    { after: presentTrunk(trunk) },
    orgId,
  );
  return trunk;
}

export async function createTrunk(
  deps: TrunkDeps,
  actor: Actor,
  input: TrunkInput & { name: string; allowedSources: string[] },
): Promise<RecordingTrunk> {
  assertCan(actor, 'trunk.write', { orgId: actor.orgId });
  const created = await deps.db
    .transaction()
    .execute((trx) => insertNewTrunk(trx, deps, actor, actor.orgId, input));
  await deps.onTrunksChanged?.();
  return presentTrunk(created);
}

export async function changeTrunk(
  deps: TrunkDeps,
  actor: Actor,
  id: string,
  input: TrunkInput,
): Promise<RecordingTrunk> {
  assertCan(actor, 'trunk.write', { orgId: actor.orgId });
  const changed = await deps.db.transaction().execute(async (trx) => {
    const before = await findTrunk(trx, actor.orgId, id);
    if (!before) throw notFound('Recording trunk');
    const name = input.name?.trim() ?? before.name;
    if (name !== before.name && (await findTrunkByName(trx, actor.orgId, name))) {
      throw new AppError('CONFLICT', `A recording trunk named "${name}" already exists`);
    }
    const after: TrunkRecord = {
      ...before,
      name,
      allowedSources: input.allowedSources
        ? normalizeSources(input.allowedSources)
        : before.allowedSources,
      digest:
        input.digest === undefined
          ? before.digest
          : input.digest
            ? { username: input.digest.username, realm: input.digest.realm }
            : null,
      digestHa1:
        input.digest === undefined
          ? before.digestHa1
          : input.digest
            ? digestHa1(input.digest.username, input.digest.realm, input.digest.password)
            : null,
      enabled: input.enabled ?? before.enabled,
      country: input.country === undefined ? before.country : normalizeCountry(input.country),
      ownDomains: input.ownDomains ? normalizeOwnDomains(input.ownDomains) : before.ownDomains,
      mediaLatching: input.mediaLatching ?? before.mediaLatching,
      clientCertificate:
        input.clientCertificate === undefined
          ? before.clientCertificate
          : normalizeClientCertificate(input.clientCertificate),
      defaultOwner:
        input.defaultOwner === undefined
          ? before.defaultOwner
          : await checkDefaultOwner(trx, actor.orgId, input.defaultOwner),
    };
    await updateTrunk(trx, after, deps.clock.now());
    // The HA1 is a password equivalent: the audit records that credentials changed, never the hash.
    const diff = diffFields(presentTrunk(before), presentTrunk(after));
    await audit(
      trx,
      deps.clock,
      actor,
      'recordingTrunk.updated',
      { type: 'recordingTrunk', id },
      { ...diff, credentialsChanged: input.digest !== undefined },
    );
    return presentTrunk(after);
  });
  await deps.onTrunksChanged?.();
  return changed;
}

export async function removeTrunk(deps: TrunkDeps, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'trunk.write', { orgId: actor.orgId });
  await deps.db.transaction().execute(async (trx) => {
    const before = await findTrunk(trx, actor.orgId, id);
    if (!before) throw notFound('Recording trunk');
    await deleteTrunk(trx, id);
    await audit(
      trx,
      deps.clock,
      actor,
      'recordingTrunk.deleted',
      { type: 'recordingTrunk', id },
      { before: presentTrunk(before) },
    );
  });
  await deps.onTrunksChanged?.();
}
