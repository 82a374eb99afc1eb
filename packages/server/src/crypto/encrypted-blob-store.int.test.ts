// The BlobStore contract on the encrypting decorator: over the file system always, and over a
// real S3 server (Swift s3api) where the storage suite finds one; in CI a missing Swift fails.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { describeBlobStoreContract } from '../storage/blob-store.contract.js';
import { FsBlobStore } from '../storage/fs-blob-store.js';
import {
  createS3TestBucket,
  findS3TestServerProblem,
  startS3TestServer,
  type S3TestServer,
} from '../storage/s3-test-server.js';
import { EncryptedBlobStore } from './encrypted-blob-store.js';
import { MasterKeyring, generateMasterKey } from './master-key.js';

describeBlobStoreContract('encrypted over the file system', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-enc-blobs-'));
  return Promise.resolve({
    store: new EncryptedBlobStore(new FsBlobStore(dir), {
      keyring: new MasterKeyring(generateMasterKey()),
    }),
    cleanup: () => fs.promises.rm(dir, { recursive: true, force: true }),
  });
});

const problem = findS3TestServerProblem();
if (problem !== null) {
  if (process.env.CI === 'true') {
    it('has an S3 server to test against (required in CI)', () => {
      throw new Error(problem);
    });
  } else {
    it.skip(`encrypted S3 tests NOT run (required in CI): ${problem}`, () => undefined);
  }
} else {
  describe('encrypted over S3', () => {
    let server: S3TestServer | undefined;
    beforeAll(async () => {
      server = await startS3TestServer();
    }, 120_000);
    afterAll(async () => {
      await server?.stop();
    });

    describeBlobStoreContract(
      'encrypted over S3 (Swift s3api)',
      async () => {
        if (!server) throw new Error('the S3 test server did not start');
        const bucket = await createS3TestBucket(server, { listPageSize: 10 });
        return {
          store: new EncryptedBlobStore(bucket.store, {
            keyring: new MasterKeyring(generateMasterKey()),
          }),
          cleanup: () => bucket.remove(),
        };
      },
      { listPageSize: 5 },
    );
  });
}
