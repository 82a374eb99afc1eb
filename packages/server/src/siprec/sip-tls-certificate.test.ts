// The SIP TLS certificate: created self-signed on the first start (key 0600), kept on the next,
// reloaded when its files change or on reload(), a broken pair keeps the one in use; expiry on
// the health check and the metric.
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { createLogger } from '../observability/logger.js';
import { makeTestCertificate } from '../testing/test-certificates.js';
import {
  openSipCertificate,
  registerSipCertificateMetric,
  selfSignedPaths,
  sipCertificateHealthCheck,
  type SipCertificateStore,
} from './sip-tls-certificate.js';

const DAY = 86_400_000;
const stores: SipCertificateStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.stop();
});

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-tls-'));
}

function captureLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

async function open(
  options: Partial<Parameters<typeof openSipCertificate>[0]> & { dataDir: string },
) {
  const store = await openSipCertificate({
    certFile: null,
    keyFile: null,
    logger: createLogger({ level: 'silent' }),
    clock: fixedClock(new Date()),
    watchIntervalMs: 50,
    ...options,
  });
  stores.push(store);
  return store;
}

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('SIP TLS certificate', () => {
  it('the first start creates a self-signed certificate with a 0600 key and logs its fingerprint; the next start keeps it', async () => {
    const dataDir = tempDir();
    const { logger, lines } = captureLogger();
    const first = await open({ dataDir, logger });
    const { certFile, keyFile } = selfSignedPaths(dataDir);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    const info = first.info();
    expect(info.selfSigned).toBe(true);
    expect(info.fingerprint).toBe(new X509Certificate(fs.readFileSync(certFile)).fingerprint256);
    expect(lines.some((l) => String(l.msg).includes(info.fingerprint))).toBe(true);
    first.stop();
    const second = await open({ dataDir });
    expect(second.info().fingerprint).toBe(info.fingerprint);
  });

  it('configured files are used, reloaded when they change, and a broken pair keeps the one in use', async () => {
    const dir = tempDir();
    const certFile = path.join(dir, 'chain.pem');
    const keyFile = path.join(dir, 'key.pem');
    const a = await makeTestCertificate({ commonName: 'recorder-a' });
    const b = await makeTestCertificate({ commonName: 'recorder-b' });
    fs.writeFileSync(certFile, a.cert);
    fs.writeFileSync(keyFile, a.key);
    const store = await open({ dataDir: dir, certFile, keyFile });
    expect(store.info()).toMatchObject({ fingerprint: a.fingerprint, selfSigned: false });
    const contextA = store.context();

    // A key that does not belong to the certificate: refused, the old pair stays.
    fs.writeFileSync(certFile, b.cert);
    expect(await store.reload()).toBe(false);
    expect(store.info().fingerprint).toBe(a.fingerprint);
    expect(store.context()).toBe(contextA);

    // The watcher sees the key arrive; rotation without a restart.
    fs.writeFileSync(keyFile, b.key);
    await waitFor(() => store.info().fingerprint === b.fingerprint);
    expect(store.context()).not.toBe(contextA);
    expect(await store.reload()).toBe(false);
  });

  it('health: ok, degraded from 30 days before expiry and once expired; the metric shows the expiry', async () => {
    const dir = tempDir();
    const certFile = path.join(dir, 'chain.pem');
    const keyFile = path.join(dir, 'key.pem');
    const notAfter = new Date(Date.now() + 40 * DAY);
    const c = await makeTestCertificate({ commonName: 'recorder', notAfter });
    fs.writeFileSync(certFile, c.cert);
    fs.writeFileSync(keyFile, c.key);
    const { logger, lines } = captureLogger();
    const store = await open({ dataDir: dir, certFile, keyFile, logger });
    expect(lines.some((l) => String(l.msg).includes('expires in'))).toBe(false);
    const at = (ms: number) => sipCertificateHealthCheck(store, fixedClock(new Date(ms))).check();
    expect((await at(Date.now())).status).toBe('ok');
    expect((await at(Date.now() + 15 * DAY)).status).toBe('degraded');
    expect((await at(Date.now() + 15 * DAY)).detail).toContain('in 24 days');
    expect((await at(Date.now() + 41 * DAY)).detail).toContain('expired');

    const registry = new Registry();
    registerSipCertificateMetric(registry, store);
    const expiry = Math.floor(new Date(new X509Certificate(c.cert).validTo).getTime() / 1000);
    expect(await registry.metrics()).toContain(
      `callvault_sip_tls_certificate_expiry_timestamp_seconds ${expiry}`,
    );
  });

  it('a certificate within 30 days of expiry is logged as a warning when loaded', async () => {
    const dir = tempDir();
    const certFile = path.join(dir, 'chain.pem');
    const keyFile = path.join(dir, 'key.pem');
    const c = await makeTestCertificate({
      commonName: 'recorder',
      notAfter: new Date(Date.now() + 10 * DAY),
    });
    fs.writeFileSync(certFile, c.cert);
    fs.writeFileSync(keyFile, c.key);
    const { logger, lines } = captureLogger();
    await open({ dataDir: dir, certFile, keyFile, logger });
    const warning = lines.find((l) => String(l.msg).includes('expires in'));
    expect(warning?.level).toBe(40);
  });
});
