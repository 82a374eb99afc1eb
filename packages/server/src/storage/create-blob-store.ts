// Picks the BlobStore the configuration names (CALLVAULT_STORAGE_URL, parsed in config.ts).
import type { StorageConfig } from '../config/config.js';
import type { BlobStore } from './blob-store.js';
import { FsBlobStore } from './fs-blob-store.js';
import { S3BlobStore } from './s3-blob-store.js';

export function createBlobStore(config: StorageConfig): BlobStore {
  switch (config.kind) {
    case 'file':
      return new FsBlobStore(config.dir);
    case 's3':
      return new S3BlobStore({
        bucket: config.bucket,
        endpoint: config.endpoint,
        region: config.region,
      });
  }
}
