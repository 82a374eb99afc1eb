import type { SiprecUri } from '@callvault/shared';
// An in-process app over a fresh test database with the demo seed, for API tests with inject().
import path from 'node:path';
import { fixedClock } from '../clock.js';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import { buildApp } from '../app/build-app.js';
import type { AppInstance } from '../http/types.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { EncryptedBlobStore, MasterKeyring, generateMasterKey } from '../crypto/index.js';
import type { SessionRegistry } from '../siprec/session-registry.js';
import { FsBlobStore } from '../storage/fs-blob-store.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface TestApp {
  readonly app: AppInstance;
  readonly db: TestDatabase;
  readonly seed: DemoSeed;
  readonly clock: ReturnType<typeof fixedClock>;
  /** The app's blob store: encrypted, over a directory in the test's temporary data dir. */
  readonly blobStore: EncryptedBlobStore;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Served over HTTPS as configured (CALLVAULT_PUBLIC_URL=https://…). */
  readonly https?: boolean;
  /** Called after a recording trunk was created, changed or deleted (the SIP source list). */
  readonly onTrunksChanged?: () => void;
  readonly siprecUris?: readonly SiprecUri[];
  /** A recorder's live sessions, so tests can open calls the call-control API sees. */
  readonly sessions?: SessionRegistry;
  /** A built console to serve at `/` (default: none). */
  readonly webRoot?: string;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const clock = fixedClock(new Date('2026-03-02T10:00:00.000Z'));
  const seed = await runDemoSeed({ db: db.db, clock });
  const blobStore = new EncryptedBlobStore(new FsBlobStore(path.join(db.dataDir, 'blobs')), {
    keyring: new MasterKeyring(generateMasterKey()),
  });
  const app = await buildApp({
    db: db.db,
    dialect: db.dialect,
    clock,
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics({ defaultMetrics: false }),
    dataDir: db.dataDir,
    blobStore,
    webRoot: options.webRoot ?? null,
    queue: null,
    builtinSiprecUri: 'sip:callvault@127.0.0.1:5060',
    https: options.https === true,
    ...(options.onTrunksChanged ? { onTrunksChanged: options.onTrunksChanged } : {}),
    ...(options.siprecUris ? { siprecUris: options.siprecUris } : {}),
    ...(options.sessions ? { sessions: options.sessions } : {}),
  });
  await app.ready();
  return {
    app,
    db,
    seed,
    clock,
    blobStore,
    close: async () => {
      await app.close();
      await db.drop();
    },
  };
}

export const bearer = (token: string): { authorization: string } => ({
  authorization: `Bearer ${token}`,
});
