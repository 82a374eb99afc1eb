// Stored recording settings (JSON per scope, merged over the defaults on read so new fields get
// their defaults) and the org's external recording vendors.
import type { MetadataDialect } from '@callvault/shared';
import type { DbOrTrx } from '../db/database.js';
import { parseJsonColumn, toJsonColumn } from '../db/json.js';
import {
  DEFAULT_ENTITY_SETTINGS,
  DEFAULT_LOCATION_SETTINGS,
  DEFAULT_ORG_SETTINGS,
  type EntityRecordingSettings,
  type LocationRecordingSettings,
  type OrgRecordingSettings,
  type RecordableKind,
} from './recording-settings.model.js';

export async function findOrgSettings(db: DbOrTrx, orgId: string): Promise<OrgRecordingSettings> {
  const row = await db
    .selectFrom('org_recording_settings')
    .select('settings')
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return row
    ? { ...DEFAULT_ORG_SETTINGS, ...parseJsonColumn<Partial<OrgRecordingSettings>>(row.settings) }
    : DEFAULT_ORG_SETTINGS;
}

export async function saveOrgSettings(
  db: DbOrTrx,
  orgId: string,
  settings: OrgRecordingSettings,
  at: Date,
): Promise<void> {
  const values = { org_id: orgId, settings: toJsonColumn(settings), updated_at: at.toISOString() };
  await db
    .insertInto('org_recording_settings')
    .values(values)
    .onConflict((oc) =>
      oc.column('org_id').doUpdateSet({ settings: values.settings, updated_at: values.updated_at }),
    )
    .execute();
}

export async function findLocationSettings(
  db: DbOrTrx,
  locationId: string,
): Promise<LocationRecordingSettings> {
  const row = await db
    .selectFrom('location_recording_settings')
    .select('settings')
    .where('location_id', '=', locationId)
    .executeTakeFirst();
  return row
    ? {
        ...DEFAULT_LOCATION_SETTINGS,
        ...parseJsonColumn<Partial<LocationRecordingSettings>>(row.settings),
      }
    : DEFAULT_LOCATION_SETTINGS;
}

export async function saveLocationSettings(
  db: DbOrTrx,
  orgId: string,
  locationId: string,
  settings: LocationRecordingSettings,
  at: Date,
): Promise<void> {
  const values = {
    location_id: locationId,
    org_id: orgId,
    settings: toJsonColumn(settings),
    updated_at: at.toISOString(),
  };
  await db
    .insertInto('location_recording_settings')
    .values(values)
    .onConflict((oc) =>
      oc
        .column('location_id')
        .doUpdateSet({ settings: values.settings, updated_at: values.updated_at }),
    )
    .execute();
}

export async function findEntitySettings(
  db: DbOrTrx,
  entityId: string,
): Promise<EntityRecordingSettings> {
  const row = await db
    .selectFrom('entity_recording_settings')
    .select('settings')
    .where('entity_id', '=', entityId)
    .executeTakeFirst();
  return row
    ? {
        ...DEFAULT_ENTITY_SETTINGS,
        ...parseJsonColumn<Partial<EntityRecordingSettings>>(row.settings),
      }
    : DEFAULT_ENTITY_SETTINGS;
}

export async function saveEntitySettings(
  db: DbOrTrx,
  orgId: string,
  kind: RecordableKind,
  entityId: string,
  settings: EntityRecordingSettings,
  at: Date,
): Promise<void> {
  const values = {
    entity_id: entityId,
    org_id: orgId,
    entity_type: kind,
    settings: toJsonColumn(settings),
    updated_at: at.toISOString(),
  };
  await db
    .insertInto('entity_recording_settings')
    .values(values)
    .onConflict((oc) =>
      oc
        .column('entity_id')
        .doUpdateSet({ settings: values.settings, updated_at: values.updated_at }),
    )
    .execute();
}

export async function deleteEntitySettings(db: DbOrTrx, entityId: string): Promise<void> {
  await db.deleteFrom('entity_recording_settings').where('entity_id', '=', entityId).execute();
}

export interface ExternalVendorRow {
  readonly id: string;
  readonly orgId: string;
  readonly name: string;
  readonly sipUri: string;
  readonly description: string;
  readonly created: string;
  readonly metadataDialect: MetadataDialect;
  /** The digest credentials towards the recorder, as stored: H(A1) per hash, no password. */
  readonly digest: VendorDigest | null;
}

export interface VendorDigest {
  readonly username: string;
  readonly realm: string;
  readonly ha1: { readonly md5: string; readonly sha256: string };
}

export async function listExternalVendors(
  db: DbOrTrx,
  orgId: string,
): Promise<ExternalVendorRow[]> {
  const rows = await db
    .selectFrom('recording_vendors')
    .selectAll()
    .where('org_id', '=', orgId)
    .orderBy('name')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    sipUri: r.sip_uri,
    description: r.description,
    created: r.created_at,
    metadataDialect: r.metadata_dialect === 'broadworks' ? 'broadworks' : 'rfc7865',
    digest:
      r.digest_username !== null &&
      r.digest_realm !== null &&
      r.digest_ha1_md5 !== null &&
      r.digest_ha1_sha256 !== null
        ? {
            username: r.digest_username,
            realm: r.digest_realm,
            ha1: { md5: r.digest_ha1_md5, sha256: r.digest_ha1_sha256 },
          }
        : null,
  }));
}

export async function insertExternalVendor(db: DbOrTrx, v: ExternalVendorRow): Promise<void> {
  await db
    .insertInto('recording_vendors')
    .values({
      id: v.id,
      org_id: v.orgId,
      name: v.name,
      sip_uri: v.sipUri,
      description: v.description,
      created_at: v.created,
      metadata_dialect: v.metadataDialect,
      digest_username: v.digest?.username ?? null,
      digest_realm: v.digest?.realm ?? null,
      digest_ha1_md5: v.digest?.ha1.md5 ?? null,
      digest_ha1_sha256: v.digest?.ha1.sha256 ?? null,
    })
    .execute();
}

export async function deleteExternalVendor(
  db: DbOrTrx,
  orgId: string,
  id: string,
): Promise<boolean> {
  const res = await db
    .deleteFrom('recording_vendors')
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

/** Locations of the org that chose `vendorId` as their own vendor. */
export async function listLocationsUsingVendor(
  db: DbOrTrx,
  orgId: string,
  vendorId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('location_recording_settings')
    .select(['location_id', 'settings'])
    .where('org_id', '=', orgId)
    .execute();
  return rows
    .filter(
      (r) => parseJsonColumn<Partial<LocationRecordingSettings>>(r.settings).vendorId === vendorId,
    )
    .map((r) => r.location_id);
}

export interface RecordingEntityRow {
  readonly id: string;
  readonly kind: RecordableKind;
  readonly locationId: string | null;
  readonly license: string | null;
  readonly firstName: string;
  readonly lastName: string;
  readonly settings: EntityRecordingSettings;
}

/** Every person, workspace and virtual line of the org that has recording settings stored. */
export async function listEntitiesWithSettings(
  db: DbOrTrx,
  orgId: string,
): Promise<RecordingEntityRow[]> {
  const settingsOf = (text: string): EntityRecordingSettings => ({
    ...DEFAULT_ENTITY_SETTINGS,
    ...parseJsonColumn<Partial<EntityRecordingSettings>>(text),
  });
  const people = await db
    .selectFrom('entity_recording_settings as s')
    .innerJoin('people as p', 'p.id', 's.entity_id')
    .select([
      'p.id',
      'p.location_id',
      'p.calling_license',
      'p.first_name',
      'p.last_name',
      's.settings',
    ])
    .where('s.org_id', '=', orgId)
    .execute();
  const workspaces = await db
    .selectFrom('entity_recording_settings as s')
    .innerJoin('workspaces as w', 'w.id', 's.entity_id')
    .select(['w.id', 'w.location_id', 'w.calling_license', 'w.display_name', 's.settings'])
    .where('s.org_id', '=', orgId)
    .execute();
  const lines = await db
    .selectFrom('entity_recording_settings as s')
    .innerJoin('virtual_lines as v', 'v.id', 's.entity_id')
    .select(['v.id', 'v.location_id', 'v.first_name', 'v.last_name', 's.settings'])
    .where('s.org_id', '=', orgId)
    .execute();
  return [
    ...people.map((r) => ({
      id: r.id,
      kind: 'person' as const,
      locationId: r.location_id,
      license: r.calling_license,
      firstName: r.first_name,
      lastName: r.last_name,
      settings: settingsOf(r.settings),
    })),
    ...workspaces.map((r) => ({
      id: r.id,
      kind: 'workspace' as const,
      locationId: r.location_id,
      license: r.calling_license,
      firstName: r.display_name,
      lastName: '',
      settings: settingsOf(r.settings),
    })),
    ...lines.map((r) => ({
      id: r.id,
      kind: 'virtualLine' as const,
      locationId: r.location_id,
      license: null,
      firstName: r.first_name,
      lastName: r.last_name,
      settings: settingsOf(r.settings),
    })),
  ].sort((a, b) =>
    (a.lastName + a.firstName + a.id).localeCompare(b.lastName + b.firstName + b.id),
  );
}

/** Locations of the org with their stored recording settings. */
export async function listLocationSettings(
  db: DbOrTrx,
  orgId: string,
): Promise<Array<{ locationId: string; settings: LocationRecordingSettings }>> {
  const locations = await db
    .selectFrom('locations')
    .select('id')
    .where('org_id', '=', orgId)
    .execute();
  const stored = new Map(
    (
      await db
        .selectFrom('location_recording_settings')
        .select(['location_id', 'settings'])
        .where('org_id', '=', orgId)
        .execute()
    ).map((r) => [
      r.location_id,
      {
        ...DEFAULT_LOCATION_SETTINGS,
        ...parseJsonColumn<Partial<LocationRecordingSettings>>(r.settings),
      },
    ]),
  );
  return locations.map((l) => ({
    locationId: l.id,
    settings: stored.get(l.id) ?? DEFAULT_LOCATION_SETTINGS,
  }));
}
