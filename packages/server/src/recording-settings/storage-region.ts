// Callvault keeps every recording in one store; Webex's storage regions describe it as one region.
import type { StorageConfig } from '../config/config.js';

/** The one place Callvault keeps recordings, as a Webex storage region. */
export interface StorageRegion {
  readonly code: string;
  readonly name: string;
}

/** The file store, the default region when the server does not say which store it uses. */
export const LOCAL_STORE_REGION: StorageRegion = {
  code: 'local',
  name: 'This server’s file store',
};

/** The configured store as a region: `local` for files, the bucket's region for S3. */
export function storageRegionOf(storage: StorageConfig): StorageRegion {
  return storage.kind === 's3'
    ? { code: storage.region, name: `S3 bucket ${storage.bucket} (${storage.region})` }
    : LOCAL_STORE_REGION;
}
