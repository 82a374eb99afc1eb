// The external recorders' health as the recorders' OPTIONS probes last saw it (migration 0025):
// one row per vendor, written by whichever recorder probed last, read by every API process.
import type { RecordingVendorHealth } from '@callvault/shared';
import type { DbOrTrx } from '../db/database.js';

export interface VendorHealthRow {
  readonly vendorId: string;
  readonly orgId: string;
  readonly state: 'up' | 'down' | 'unknown';
  readonly downSince: string | null;
  readonly lastError: string | null;
  readonly lastUpAt: string | null;
  readonly checkedAt: string;
}

/** Every registered external recorder of every org (the recorders probe them all). */
export async function listAllExternalVendors(
  db: DbOrTrx,
): Promise<Array<{ id: string; orgId: string; name: string; sipUri: string }>> {
  const rows = await db
    .selectFrom('recording_vendors')
    .select(['id', 'org_id', 'name', 'sip_uri'])
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, orgId: r.org_id, name: r.name, sipUri: r.sip_uri }));
}

/** Writes one vendor's health; a vendor deleted meanwhile is skipped (its row went with it). */
export async function saveVendorHealth(db: DbOrTrx, row: VendorHealthRow): Promise<void> {
  const exists = await db
    .selectFrom('recording_vendors')
    .select('id')
    .where('id', '=', row.vendorId)
    .executeTakeFirst();
  if (!exists) return;
  const values = {
    vendor_id: row.vendorId,
    org_id: row.orgId,
    state: row.state,
    down_since: row.downSince,
    last_error: row.lastError,
    last_up_at: row.lastUpAt,
    checked_at: row.checkedAt,
  };
  await db
    .insertInto('recording_vendor_health')
    .values(values)
    .onConflict((oc) =>
      oc.column('vendor_id').doUpdateSet({
        state: values.state,
        down_since: values.down_since,
        last_error: values.last_error,
        last_up_at: values.last_up_at,
        checked_at: values.checked_at,
      }),
    )
    .execute();
}

/** The org's vendors' health by vendor id; a vendor never probed has no entry. */
export async function findVendorHealthByOrg(
  db: DbOrTrx,
  orgId: string,
): Promise<Map<string, RecordingVendorHealth>> {
  const rows = await db
    .selectFrom('recording_vendor_health')
    .selectAll()
    .where('org_id', '=', orgId)
    .execute();
  return new Map(
    rows.map((r) => [
      r.vendor_id,
      {
        state: r.state === 'up' || r.state === 'down' ? r.state : 'unknown',
        downSince: r.down_since,
        lastError: r.last_error,
        lastUpAt: r.last_up_at,
        checkedAt: r.checked_at,
      },
    ]),
  );
}
