// Trunk changes through the API reach this process's recorder at once: onTrunksChanged runs
// after each committed create, update and delete, and not for a refused request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';
import { makeTestCertificate, type TestCertificate } from '../testing/test-certificates.js';

let t: TestApp;
let changes = 0;
let ca: TestCertificate;
let sbc: TestCertificate;
const uris = [
  { transport: 'udp' as const, uri: 'sip:callvault@192.0.2.10:5060' },
  { transport: 'tls' as const, uri: 'sips:callvault@192.0.2.10:5061' },
];

beforeAll(async () => {
  t = await createTestApp({ onTrunksChanged: () => changes++, siprecUris: uris });
  ca = await makeTestCertificate({ commonName: 'SBC CA', ca: true });
  sbc = await makeTestCertificate({ commonName: 'sbc', dnsNames: ['sbc.example.com'], issuer: ca });
});
afterAll(async () => {
  await t.close();
});

async function call(method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: object) {
  const res = await t.app.inject({
    method,
    url,
    headers: bearer(t.seed.admin.token),
    ...(payload ? { payload } : {}),
  });
  return {
    status: res.statusCode,
    body: res.body
      ? res.json<{
          id: string;
          mediaLatching?: string;
          message?: string;
          clientCertificate?: {
            caBundle: string | null;
            caCertificates: Array<{ subject: string; fingerprint: string }>;
            fingerprints: string[];
            subjects: string[];
          } | null;
          items?: Array<{ id: string }>;
          siprecUris?: unknown;
        }>()
      : null,
  };
}

describe(`recording trunk changes tell the recorder on ${testDialect}`, () => {
  it('runs onTrunksChanged after a committed create, update and delete only', async () => {
    expect(
      (await call('POST', '/api/recording-trunks', { name: 'x', allowedSources: ['nope'] })).status,
    ).toBe(400);
    expect(changes).toBe(0);
    const created = await call('POST', '/api/recording-trunks', {
      name: 'SBC pool',
      allowedSources: ['198.51.100.0/24'],
    });
    expect(created.status).toBe(200);
    expect(changes).toBe(1);
    await call('PUT', `/api/recording-trunks/${created.body!.id}`, { enabled: false });
    expect(changes).toBe(2);
    expect((await call('DELETE', `/api/recording-trunks/${created.body!.id}`)).status).toBe(204);
    expect(changes).toBe(3);
  });

  it('media latching: first-source by default, signalled on request, audited, nothing else accepted', async () => {
    const created = await call('POST', '/api/recording-trunks', {
      name: 'NAT SBC',
      allowedSources: ['203.0.113.0/24'],
    });
    expect(created.body!.mediaLatching).toBe('first-source');
    const id = created.body!.id;
    const changed = await call('PUT', `/api/recording-trunks/${id}`, {
      mediaLatching: 'signalled',
    });
    expect(changed.body!.mediaLatching).toBe('signalled');
    expect((await call('GET', `/api/recording-trunks/${id}`)).body!.mediaLatching).toBe(
      'signalled',
    );
    const refused = await call('PUT', `/api/recording-trunks/${id}`, { mediaLatching: 'any' });
    expect(refused.status).toBe(400);
    const audit = await t.db.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'recordingTrunk.updated')
      .where('target_id', '=', id)
      .execute();
    expect(audit.map((a) => a.details).join()).toContain('signalled');
    await call('DELETE', `/api/recording-trunks/${id}`);
  });

  it('mutual TLS: a CA bundle, pins and subjects are stored, shown, audited, changed and removed', async () => {
    const lowerHex = sbc.fingerprint.replace(/:/g, '').toLowerCase();
    const created = await call('POST', '/api/recording-trunks', {
      name: 'TLS SBC',
      allowedSources: ['192.0.2.0/24'],
      clientCertificate: {
        caBundle: ca.cert,
        fingerprints: [lowerHex],
        subjects: ['sbc.example.com'],
      },
    });
    expect(created.status).toBe(200);
    const id = created.body!.id;
    expect(created.body!.clientCertificate).toMatchObject({
      caBundle: ca.cert.trim() + '\n',
      caCertificates: [{ subject: 'CN=SBC CA', fingerprint: ca.fingerprint }],
      fingerprints: [sbc.fingerprint],
      subjects: ['sbc.example.com'],
    });
    const read = await call('GET', `/api/recording-trunks/${id}`);
    expect(read.body!.clientCertificate?.fingerprints).toEqual([sbc.fingerprint]);

    const pinOnly = await call('PUT', `/api/recording-trunks/${id}`, {
      clientCertificate: { fingerprints: [sbc.fingerprint] },
    });
    expect(pinOnly.body!.clientCertificate).toMatchObject({
      caBundle: null,
      caCertificates: [],
      subjects: [],
    });
    const audit = await t.db.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'recordingTrunk.updated')
      .where('target_id', '=', id)
      .execute();
    expect(audit.map((a) => a.details).join()).toContain('clientCertificate');

    const cleared = await call('PUT', `/api/recording-trunks/${id}`, { clientCertificate: null });
    expect(cleared.body!.clientCertificate).toBeNull();
    await call('DELETE', `/api/recording-trunks/${id}`);
  });

  it('mutual TLS: an end certificate as CA, a bad pin and an empty requirement are refused', async () => {
    const before = changes;
    const asCa = await call('POST', '/api/recording-trunks', {
      name: 'bad',
      allowedSources: ['192.0.2.0/24'],
      clientCertificate: { caBundle: sbc.cert },
    });
    expect(asCa.status).toBe(400);
    expect(asCa.body!.message).toContain('not a CA certificate');
    const badPin = await call('POST', '/api/recording-trunks', {
      name: 'bad',
      allowedSources: ['192.0.2.0/24'],
      clientCertificate: { fingerprints: ['AB:CD'] },
    });
    expect(badPin.status).toBe(400);
    const empty = await call('POST', '/api/recording-trunks', {
      name: 'bad',
      allowedSources: ['192.0.2.0/24'],
      clientCertificate: {},
    });
    expect(empty.status).toBe(400);
    expect(changes).toBe(before);
  });

  it('the trunk list carries the SIPREC URIs an SBC is configured with', async () => {
    const list = await call('GET', '/api/recording-trunks');
    expect(list.status).toBe(200);
    expect(list.body!.siprecUris).toEqual(uris);
    expect(list.body!.items!.length).toBeGreaterThan(0);
  });
});
