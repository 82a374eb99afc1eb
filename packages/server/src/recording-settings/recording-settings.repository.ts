// Stored recording settings (JSON per scope, merged over the defaults on read so new fields get
// their defaults) and the org's external recording vendors.
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
