import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/config.js';
import { createBlobStore } from './create-blob-store.js';
import { FsBlobStore } from './fs-blob-store.js';
import { S3BlobStore } from './s3-blob-store.js';

describe('createBlobStore', () => {
  it('uses the blobs directory in the data dir by default', () => {
    const config = parseConfig({ CALLVAULT_DATA_DIR: '/var/lib/callvault' });
    const store = createBlobStore(config.storage);
    expect(store).toBeInstanceOf(FsBlobStore);
    expect((store as FsBlobStore).root).toBe(path.resolve('/var/lib/callvault/blobs'));
  });

  it('builds a path-style S3 store from an s3:// URL', async () => {
    const config = parseConfig({
      CALLVAULT_STORAGE_URL: 's3://recordings?endpoint=http://127.0.0.1:9000&region=eu-west-1',
    });
    const store = createBlobStore(config.storage);
    expect(store).toBeInstanceOf(S3BlobStore);
    const s3 = store as S3BlobStore;
    expect(s3.bucket).toBe('recordings');
    expect(s3.client.config.forcePathStyle).toBe(true);
    await expect(s3.client.config.region()).resolves.toBe('eu-west-1');
    const endpoint = await s3.client.config.endpoint?.();
    expect(endpoint).toMatchObject({ hostname: '127.0.0.1', port: 9000, protocol: 'http:' });
    s3.close();
  });
});
