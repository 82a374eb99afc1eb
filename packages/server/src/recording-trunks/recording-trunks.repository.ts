import type { RecordingTrunk, TrunkDefaultOwner } from '@callvault/shared';
import type { DbOrTrx } from '../db/database.js';
import { parseJsonColumn, toJsonColumn } from '../db/json.js';
import type { RecordingTrunksTable } from '../db/schema.js';
import type { ClientCertificateRequirement } from './trunk-client-certificate.js';

export interface TrunkRecord extends Omit<RecordingTrunk, 'clientCertificate'> {
  readonly orgId: string;
  readonly digestHa1: string | null;
  /** Mutual TLS: what the SBC's client certificate must be; null = none required. */
  readonly clientCertificate: ClientCertificateRequirement | null;
}

const DEFAULT_OWNER_TYPES: ReadonlySet<string> = new Set<TrunkDefaultOwner['type']>([
  'person',
  'workspace',
  'virtualLine',
]);

function defaultOwnerOf(type: string | null, id: string | null): TrunkDefaultOwner | null {
  if (type === null || id === null || !DEFAULT_OWNER_TYPES.has(type)) return null;
  return { type: type as TrunkDefaultOwner['type'], id };
}

function toRecord(r: RecordingTrunksTable): TrunkRecord {
  return {
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    allowedSources: parseJsonColumn<string[]>(r.allowed_sources),
    digest:
      r.digest_username && r.digest_realm
        ? { username: r.digest_username, realm: r.digest_realm }
        : null,
    digestHa1: r.digest_ha1,
    enabled: r.enabled === 1,
    country: r.country,
    ownDomains: parseJsonColumn<string[]>(r.own_domains),
    // Only the service writes the column, with one of the two values the schema allows.
    mediaLatching: r.media_latching === 'signalled' ? 'signalled' : 'first-source',
    clientCertificate:
      r.client_certificate === null
        ? null
        : parseJsonColumn<ClientCertificateRequirement>(r.client_certificate),
    defaultOwner: defaultOwnerOf(r.default_owner_type, r.default_owner_id),
    created: r.created_at,
  };
}

function toRow(t: TrunkRecord, at: Date): RecordingTrunksTable {
  return {
    id: t.id,
    org_id: t.orgId,
    name: t.name,
    allowed_sources: toJsonColumn(t.allowedSources),
    digest_username: t.digest?.username ?? null,
    digest_realm: t.digest?.realm ?? null,
    digest_ha1: t.digestHa1,
    enabled: t.enabled ? 1 : 0,
    country: t.country,
    own_domains: toJsonColumn(t.ownDomains),
    media_latching: t.mediaLatching,
    client_certificate: t.clientCertificate === null ? null : toJsonColumn(t.clientCertificate),
    default_owner_type: t.defaultOwner?.type ?? null,
    default_owner_id: t.defaultOwner?.id ?? null,
    created_at: t.created,
    updated_at: at.toISOString(),
  };
}

export async function insertTrunk(db: DbOrTrx, t: TrunkRecord, at: Date): Promise<void> {
  await db.insertInto('recording_trunks').values(toRow(t, at)).execute();
}

export async function updateTrunk(db: DbOrTrx, t: TrunkRecord, at: Date): Promise<void> {
  const { id: _id, created_at: _c, ...changes } = toRow(t, at);
  await db.updateTable('recording_trunks').set(changes).where('id', '=', t.id).execute();
}

export async function deleteTrunk(db: DbOrTrx, id: string): Promise<void> {
  await db.deleteFrom('recording_trunks').where('id', '=', id).execute();
}

export async function findTrunk(
  db: DbOrTrx,
  orgId: string,
  id: string,
): Promise<TrunkRecord | null> {
  const r = await db
    .selectFrom('recording_trunks')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? toRecord(r) : null;
}

export async function findTrunkByName(
  db: DbOrTrx,
  orgId: string,
  name: string,
): Promise<TrunkRecord | null> {
  const r = await db
    .selectFrom('recording_trunks')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('name', '=', name)
    .executeTakeFirst();
  return r ? toRecord(r) : null;
}

export async function listTrunks(db: DbOrTrx, orgId: string): Promise<TrunkRecord[]> {
  const rows = await db
    .selectFrom('recording_trunks')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('name')
    .execute();
  return rows.map(toRecord);
}

/** Every enabled trunk of every org: what the SIPREC recorder admits sessions from. */
export async function listEnabledTrunks(db: DbOrTrx): Promise<TrunkRecord[]> {
  const rows = await db
    .selectFrom('recording_trunks')
    .selectAll()
    .where('enabled', '=', 1)
    .execute();
  return rows.map(toRecord);
}
