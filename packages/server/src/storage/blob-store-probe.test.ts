import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore } from './blob-store.js';
import { createBlobStoreHealthCheck, HEALTH_PROBE_PREFIX } from './blob-store-probe.js';
import { FsBlobStore } from './fs-blob-store.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-probe-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The real store with its writes refused or left hanging, and a count of writes. */
function faultyStore(mode: { fault: 'none' | 'refuse' | 'hang' }): BlobStore & { puts: number } {
  const inner = new FsBlobStore(dir);
  const store = Object.assign(Object.create(inner) as FsBlobStore, { puts: 0 });
  store.put = (key, data, options) => {
    store.puts += 1;
    if (mode.fault === 'refuse') return Promise.reject(new Error('connect ECONNREFUSED'));
    if (mode.fault === 'hang') return new Promise(() => undefined);
    return inner.put(key, data, options);
  };
  return store;
}

describe('blob store health check', () => {
  it('is ok when a probe object can be written, read back and deleted, and leaves nothing', async () => {
    const store = faultyStore({ fault: 'none' });
    const check = createBlobStoreHealthCheck(store, { label: 'file', capturing: true });
    const result = await check.check();
    expect(check.name).toBe('blobStore');
    expect(result.status).toBe('ok');
    expect(result.detail).toMatch(/^file: write, read and delete in \d+ ms$/);
    const left: string[] = [];
    for await (const key of store.list(HEALTH_PROBE_PREFIX)) left.push(key);
    expect(left).toEqual([]);
  });

  it('is degraded with the reason when the store refuses, saying capture goes on', async () => {
    const check = createBlobStoreHealthCheck(faultyStore({ fault: 'refuse' }), {
      label: 's3 bucket rec',
      capturing: true,
    });
    const result = await check.check();
    expect(result.status).toBe('degraded');
    expect(result.detail).toMatch(/s3 bucket rec failed .*ECONNREFUSED.*still captured/);
  });

  it('is degraded after the timeout when the store does not answer', async () => {
    const check = createBlobStoreHealthCheck(faultyStore({ fault: 'hang' }), {
      label: 'file',
      capturing: false,
      timeoutMs: 100,
    });
    const started = Date.now();
    const result = await check.check();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({ status: 'degraded' });
    expect(result.detail).toMatch(/no answer within 100 ms; playback and storing wait/);
  });

  it('probes at most once per cache period, and again after it', async () => {
    const mode: { fault: 'none' | 'refuse' | 'hang' } = { fault: 'none' };
    const store = faultyStore(mode);
    let now = 1_000_000;
    const check = createBlobStoreHealthCheck(store, {
      label: 'file',
      capturing: true,
      cacheMs: 5000,
      now: () => now,
    });
    await Promise.all([check.check(), check.check()]);
    expect((await check.check()).status).toBe('ok');
    expect(store.puts).toBe(1);
    mode.fault = 'refuse';
    now += 4999;
    expect((await check.check()).status).toBe('ok');
    now += 1;
    expect((await check.check()).status).toBe('degraded');
    expect(store.puts).toBe(2);
  });
});
