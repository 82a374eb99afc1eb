// Auto attendants, call queues and hunt groups: call features with a language that answer calls.
import type { CallFeature, CallFeatureKind } from '@callvault/shared';
import type { DbOrTrx } from '../db/database.js';
import { parseJsonColumn, toJsonColumn } from '../db/json.js';
import type { CallFeaturesTable } from '../db/schema.js';

export interface CallFeatureRecord extends CallFeature {
  readonly orgId: string;
  readonly kind: CallFeatureKind;
}

function toRecord(row: CallFeaturesTable): CallFeatureRecord {
  const numbers = parseJsonColumn<string[]>(row.phone_numbers);
  return {
    id: row.id,
    orgId: row.org_id,
    kind: row.kind as CallFeatureKind,
    name: row.name,
    locationId: row.location_id,
    extension: row.extension,
    phoneNumber: numbers[0] ?? null,
    announcementLanguage: row.announcement_language,
  };
}

function toRow(f: CallFeatureRecord, created: string, at: Date): CallFeaturesTable {
  return {
    id: f.id,
    org_id: f.orgId,
    location_id: f.locationId,
    kind: f.kind,
    name: f.name,
    extension: f.extension,
    phone_numbers: toJsonColumn(f.phoneNumber ? [f.phoneNumber] : []),
    announcement_language: f.announcementLanguage,
    created_at: created,
    updated_at: at.toISOString(),
  };
}

export async function insertCallFeature(
  db: DbOrTrx,
  f: CallFeatureRecord,
  at: Date,
): Promise<void> {
  await db
    .insertInto('call_features')
    .values(toRow(f, at.toISOString(), at))
    .execute();
}

export async function updateCallFeature(
  db: DbOrTrx,
  f: CallFeatureRecord,
  at: Date,
): Promise<void> {
  const { id: _id, created_at: _c, ...changes } = toRow(f, '', at);
  await db.updateTable('call_features').set(changes).where('id', '=', f.id).execute();
}

export async function deleteCallFeature(db: DbOrTrx, id: string): Promise<void> {
  await db.deleteFrom('call_features').where('id', '=', id).execute();
}

export async function findCallFeature(
  db: DbOrTrx,
  orgId: string,
  locationId: string,
  kind: CallFeatureKind,
  id: string,
): Promise<CallFeatureRecord | null> {
  const row = await db
    .selectFrom('call_features')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('location_id', '=', locationId)
    .where('kind', '=', kind)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

export async function listCallFeatures(
  db: DbOrTrx,
  orgId: string,
  locationId: string,
  kind: CallFeatureKind,
): Promise<CallFeatureRecord[]> {
  const rows = await db
    .selectFrom('call_features')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('location_id', '=', locationId)
    .where('kind', '=', kind)
    .orderBy('name')
    .orderBy('id')
    .execute();
  return rows.map(toRecord);
}
