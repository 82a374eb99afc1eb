// The API over a PostgreSQL server that is not there (a port nobody listens on, so every
// connection is refused at once, as while PostgreSQL restarts): requests get 503
// DATABASE_UNAVAILABLE with Retry-After, and /api/health says `degraded` in a process that still
// captures calls (recorder role) and `error` in one that cannot serve anything.
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { EncryptedBlobStore, MasterKeyring, generateMasterKey } from '../crypto/index.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { registerDatabaseMetrics } from '../db/database.metrics.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { createSessionRegistry } from '../siprec/session-registry.js';
import { FsBlobStore } from '../storage/fs-blob-store.js';
import { buildApp } from './build-app.js';
import type { AppInstance } from '../http/types.js';

/** A TCP port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const opened: Array<{ app: AppInstance; handle: DatabaseHandle }> = [];

afterEach(async () => {
  for (const { app, handle } of opened.splice(0)) {
    await app.close();
    await handle.close();
  }
});

async function appWithoutDatabase(
  recorder: boolean,
): Promise<{ app: AppInstance; handle: DatabaseHandle; metrics: Metrics }> {
  const handle = openDatabase({
    kind: 'postgres',
    url: `postgres://postgres@127.0.0.1:${await closedPort()}/callvault`,
  });
  const metrics = createMetrics({ defaultMetrics: false });
  registerDatabaseMetrics(metrics.registry, handle);
  const dataDir = os.tmpdir();
  const app = await buildApp({
    db: handle.db,
    dialect: handle.dialect,
    clock: fixedClock(new Date('2026-03-02T10:00:00.000Z')),
    logger: createLogger({ level: 'silent' }),
    metrics,
    dataDir,
    blobStore: new EncryptedBlobStore(new FsBlobStore(path.join(dataDir, 'cv-unused-blobs')), {
      keyring: new MasterKeyring(generateMasterKey()),
    }),
    webRoot: null,
    queue: null,
    builtinSiprecUri: 'sip:callvault@127.0.0.1:5060',
    sessions: recorder ? createSessionRegistry() : null,
  });
  await app.ready();
  opened.push({ app, handle });
  return { app, handle, metrics };
}

describe('the API while the database is unreachable', () => {
  it('answers an authenticated request 503 DATABASE_UNAVAILABLE with Retry-After', async () => {
    const { app } = await appWithoutDatabase(false);
    const res = await app.inject({
      method: 'GET',
      url: '/api/recordings',
      headers: { authorization: 'Bearer cvt_some_token' },
    });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toMatchObject({
      message: 'The database is unavailable; try again shortly',
      errors: [{ code: 'DATABASE_UNAVAILABLE' }],
    });
  });

  it('health is degraded (200) in a process that still captures calls, with the reason', async () => {
    const { app } = await appWithoutDatabase(true);
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.status).toBe('degraded');
    expect(body.checks.database.status).toBe('degraded');
    expect(body.checks.database.detail).toMatch(
      /^database unreachable \(.*ECONNREFUSED.*\); live calls are still captured/,
    );
  });

  it('health is error (503) in a process that needs the database for everything it does', async () => {
    const { app } = await appWithoutDatabase(false);
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks.database).toMatchObject({
      status: 'error',
      detail: expect.stringMatching(/^database unreachable/),
    });
  });

  it('counts the refused connections on /metrics, which still answers', async () => {
    const { app } = await appWithoutDatabase(true);
    await app.inject({ method: 'GET', url: '/api/health' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    const count = /^callvault_database_connection_errors_total (\d+)$/m.exec(res.body);
    expect(Number(count?.[1])).toBeGreaterThanOrEqual(1);
  });
});
