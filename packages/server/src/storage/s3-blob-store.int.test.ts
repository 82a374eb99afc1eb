// The BlobStore contract against a real S3 server: OpenStack Swift with s3api, started by
// scripts/swift-s3.sh (or the server named by CALLVAULT_TEST_S3_URL). In CI a missing Swift fails.
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeBlobStoreContract,
  makeTestBytes,
  readAll,
  sliceBytes,
} from './blob-store.contract.js';
import {
  createS3TestBucket,
  findS3TestServerProblem,
  startS3TestServer,
  type S3TestServer,
} from './s3-test-server.js';
import { S3BlobStore } from './s3-blob-store.js';

const problem = findS3TestServerProblem();

if (problem !== null) {
  if (process.env.CI === 'true') {
    it('has an S3 server to test against (required in CI)', () => {
      throw new Error(problem);
    });
  } else {
    it.skip(`S3 tests NOT run (required in CI): ${problem}`, () => undefined);
  }
} else {
  let server: S3TestServer | undefined;
  const requireServer = (): S3TestServer => {
    if (!server) throw new Error('the S3 test server did not start');
    return server;
  };

  describe('S3BlobStore', () => {
    beforeAll(async () => {
      server = await startS3TestServer();
    }, 120_000);
    afterAll(async () => {
      await server?.stop();
    });

    describeBlobStoreContract(
      'S3 (Swift s3api)',
      () =>
        createS3TestBucket(requireServer(), { listPageSize: 10 }).then((bucket) => ({
          store: bucket.store,
          cleanup: () => bucket.remove(),
        })),
      { listPageSize: 10 },
    );

    it('sends streamed objects above the part size as multipart uploads', async () => {
      const bucket = await createS3TestBucket(requireServer());
      try {
        const data = makeTestBytes(11 * 1024 * 1024, 42);
        await bucket.store.put('org/o/big.ogg', sliceBytes(data, [1024 * 1024]));
        const head = await bucket.store.client.send(
          new HeadObjectCommand({
            Bucket: bucket.store.bucket,
            Key: 'org/o/big.ogg',
          }),
        );
        // A multipart object's ETag is "<md5 of part md5s>-<part count>"; 11 MiB in 5 MiB parts.
        expect(head.ETag).toMatch(/-3"?$/);
        expect((await readAll(await bucket.store.getStream('org/o/big.ogg'))).equals(data)).toBe(
          true,
        );
      } finally {
        await bucket.remove();
      }
    });

    it('fails its health check when the bucket does not exist', async () => {
      const s = requireServer();
      const store = new S3BlobStore({
        bucket: 'callvault-no-such-bucket',
        endpoint: s.endpoint,
        region: s.region,
        credentials: s.credentials,
      });
      try {
        await expect(store.check()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      } finally {
        store.close();
      }
    });

    it('fails with the wrong secret key', async () => {
      const s = requireServer();
      const bucket = await createS3TestBucket(s);
      const store = new S3BlobStore({
        bucket: bucket.store.bucket,
        endpoint: s.endpoint,
        region: s.region,
        credentials: { accessKeyId: s.credentials.accessKeyId, secretAccessKey: 'wrong' },
      });
      try {
        await expect(store.put('org/o/a.bin', new Uint8Array([1]))).rejects.toMatchObject({
          $metadata: { httpStatusCode: 403 },
        });
        await expect(store.check()).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      } finally {
        store.close();
        await bucket.remove();
      }
    });
  });
}
