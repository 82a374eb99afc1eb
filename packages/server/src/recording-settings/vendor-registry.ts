// The vendors an org can record with: Callvault's built-in recorder and the external SIPREC
// recorders it registered, by id.
import type { RecordingVendor } from '@callvault/shared';
import type { DbOrTrx } from '../db/database.js';
import { notFound } from '../errors.js';
import {
  BUILTIN_VENDOR_ID,
  BUILTIN_VENDOR_NAME,
  type VendorInfo,
} from './recording-settings.model.js';
import { listExternalVendors } from './recording-settings.repository.js';

const BUILTIN_VENDOR: VendorInfo = {
  id: BUILTIN_VENDOR_ID,
  name: BUILTIN_VENDOR_NAME,
  builtIn: true,
  sipUri: null,
};
export const TERMS_URL = 'https://callvault.invalid/terms';

export async function loadVendors(db: DbOrTrx, orgId: string): Promise<Map<string, VendorInfo>> {
  const external = await listExternalVendors(db, orgId);
  return new Map<string, VendorInfo>([
    [BUILTIN_VENDOR.id, BUILTIN_VENDOR],
    ...external.map((v): [string, VendorInfo] => [
      v.id,
      {
        id: v.id,
        name: v.name,
        builtIn: false,
        sipUri: v.sipUri,
        metadataDialect: v.metadataDialect,
        digest: v.digest,
      },
    ]),
  ]);
}

export async function presentVendors(db: DbOrTrx, orgId: string): Promise<RecordingVendor[]> {
  const external = await listExternalVendors(db, orgId);
  return [
    {
      id: BUILTIN_VENDOR.id,
      name: BUILTIN_VENDOR.name,
      description: "Callvault's built-in SIPREC recorder",
      migrateUserCreationEnabled: false,
      loginUrl: '',
      loginDetails: [],
      termsOfServiceUrl: TERMS_URL,
      sipUri: null,
      builtIn: true,
    },
    ...external.map((v) => ({
      id: v.id,
      name: v.name,
      description: v.description,
      migrateUserCreationEnabled: false,
      loginUrl: '',
      loginDetails: [],
      termsOfServiceUrl: '',
      sipUri: v.sipUri,
      builtIn: false,
    })),
  ];
}

export function vendorName(vendors: Map<string, VendorInfo>, id: string): string {
  return vendors.get(id)?.name ?? 'unknown';
}

export async function requireVendor(
  db: DbOrTrx,
  orgId: string,
  vendorId: string,
): Promise<VendorInfo> {
  const vendor = (await loadVendors(db, orgId)).get(vendorId);
  if (!vendor) throw notFound('Recording vendor');
  return vendor;
}
