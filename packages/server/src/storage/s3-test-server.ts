// Test support: a real S3 server for integration tests. CALLVAULT_TEST_S3_URL (an endpoint such as
// http://127.0.0.1:9000, with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or Swift's test:tester /
// testing) names one that is already running; otherwise scripts/swift-s3.sh starts OpenStack
// Swift with s3api in a temporary directory and stops it afterwards.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateBucketCommand, DeleteBucketCommand } from '@aws-sdk/client-s3';
import { S3BlobStore } from './s3-blob-store.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../../../scripts/swift-s3.sh', import.meta.url));
const SWIFT_BINARIES = [
  'swift-proxy-server',
  'swift-account-server',
  'swift-container-server',
  'swift-object-server',
];

export interface S3TestServer {
  readonly endpoint: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly region: string;
  /**
   * Takes the S3 front down and brings it back on the same endpoint (fault tests); null for a
   * server this process did not start (CALLVAULT_TEST_S3_URL).
   */
  readonly outage: { begin(): Promise<void>; end(): Promise<void> } | null;
  stop(): Promise<void>;
}

function isOnPath(binary: string): boolean {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).concat(['/usr/bin', '/usr/sbin']);
  return dirs.some((dir) => dir !== '' && fs.existsSync(path.join(dir, binary)));
}

/** Null when an S3 server can be had, else why not (so a test can skip or fail saying so). */
export function findS3TestServerProblem(): string | null {
  if (process.env.CALLVAULT_TEST_S3_URL) return null;
  if (!fs.existsSync(script)) return `${script} is missing`;
  const missing = SWIFT_BINARIES.filter((binary) => !isOnPath(binary));
  if (missing.length > 0) {
    return `OpenStack Swift is not installed (${missing.join(', ')}): apt-get install swift-proxy swift-account swift-container swift-object`;
  }
  return null;
}

export async function startS3TestServer(): Promise<S3TestServer> {
  const credentials = {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'test:tester',
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'testing',
  };
  const external = process.env.CALLVAULT_TEST_S3_URL;
  if (external) {
    return {
      endpoint: external,
      credentials,
      region: 'us-east-1',
      outage: null,
      stop: () => Promise.resolve(),
    };
  }
  // A free port found by the script can be taken by another process before Swift binds it; a
  // second attempt gets new ports.
  try {
    return await startSwift();
  } catch {
    return await startSwift();
  }
}

async function startSwift(): Promise<S3TestServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-swift-'));
  try {
    const { stdout } = await run('bash', [script, 'start', dir], { timeout: 90_000 });
    const endpoint = stdout.trim().split('\n').pop() ?? '';
    if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(endpoint)) {
      throw new Error(`swift-s3.sh printed no endpoint: ${stdout}`);
    }
    return {
      endpoint,
      credentials: { accessKeyId: 'test:tester', secretAccessKey: 'testing' },
      region: 'us-east-1',
      outage: {
        begin: async () => {
          await run('bash', [script, 'stop-proxy', dir], { timeout: 30_000 });
        },
        end: async () => {
          await run('bash', [script, 'start-proxy', dir], { timeout: 90_000 });
        },
      },
      stop: async () => {
        await run('bash', [script, 'stop', dir], { timeout: 30_000 });
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await run('bash', [script, 'stop', dir], { timeout: 30_000 }).catch(() => undefined);
    const stderr = (error as { stderr?: string }).stderr ?? '';
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `could not start Swift for the S3 tests: ${(error as Error).message}\n${stderr}`,
    );
  }
}

export interface S3TestBucket {
  readonly store: S3BlobStore;
  /** Deletes every object and the bucket. */
  remove(): Promise<void>;
}

/** A new, empty bucket with a random name on the server, and a store on it. */
export async function createS3TestBucket(
  server: S3TestServer,
  options: { partSize?: number; listPageSize?: number } = {},
): Promise<S3TestBucket> {
  const bucket = `callvault-test-${crypto.randomBytes(6).toString('hex')}`;
  const store = new S3BlobStore({
    bucket,
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    ...(options.partSize === undefined ? {} : { partSize: options.partSize }),
    ...(options.listPageSize === undefined ? {} : { listPageSize: options.listPageSize }),
  });
  await store.client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    store,
    remove: async () => {
      const keys: string[] = [];
      for await (const key of store.list('')) keys.push(key);
      // A few deletes at a time: one by one, a suite's worth takes Swift a minute.
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let key = keys.shift(); key !== undefined; key = keys.shift()) {
            await store.delete(key);
          }
        }),
      );
      await store.client.send(new DeleteBucketCommand({ Bucket: bucket }));
      store.close();
    },
  };
}
