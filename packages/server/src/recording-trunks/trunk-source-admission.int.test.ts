// The synchronous SIP source check on the database under test: the demo trunk's network is
// admitted, others are not; a trunk added, disabled or removed is seen after a refresh; a failed
// reload keeps the last list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { fixedClock, systemClock } from '../clock.js';
import { makeTestCertificate } from '../testing/test-certificates.js';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import { createLogger } from '../observability/logger.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { findTrunk, updateTrunk } from './recording-trunks.repository.js';
import { insertNewTrunk } from './recording-trunks.service.js';
import { startTrunkSourceAdmission } from './trunk-source-admission.js';

let db: TestDatabase;
let seed: DemoSeed;
const clock = fixedClock(new Date('2026-03-02T10:00:00.000Z'));
const logger = createLogger({ level: 'silent' });

beforeAll(async () => {
  db = await createTestDatabase();
  seed = await runDemoSeed({ db: db.db, clock });
});
afterAll(async () => {
  await db.drop();
});

describe(`SIP source admission from the recording trunks on ${testDialect}`, () => {
  it('admits the enabled trunks networks and nothing else; follows changes on refresh', async () => {
    const admission = await startTrunkSourceAdmission({ db: db.db, logger, refreshMs: 60_000 });
    try {
      expect(admission.networks()).toEqual(['127.0.0.1/32']);
      expect(admission.isAdmissible('127.0.0.1')).toBe(true);
      expect(admission.isAdmissible('::ffff:127.0.0.1')).toBe(true);
      expect(admission.isAdmissible('127.0.0.2')).toBe(false);
      expect(admission.isAdmissible('2001:db8::1')).toBe(false);

      const added = await db.db.transaction().execute((trx) =>
        insertNewTrunk(trx, { db: db.db, clock }, null, seed.orgId, {
          name: 'sbc pool',
          allowedSources: ['198.51.100.0/24', '2001:db8::/32'],
        }),
      );
      expect(admission.isAdmissible('198.51.100.9')).toBe(false);
      await admission.refresh();
      expect(admission.isAdmissible('198.51.100.9')).toBe(true);
      expect(admission.isAdmissible('2001:db8::1')).toBe(true);

      const trunk = await findTrunk(db.db, seed.orgId, added.id);
      await updateTrunk(db.db, { ...trunk!, enabled: false }, clock.now());
      await admission.refresh();
      expect(admission.isAdmissible('198.51.100.9')).toBe(false);
      expect(admission.networks()).toEqual(['127.0.0.1/32']);
    } finally {
      admission.stop();
    }
  });

  it('a reload that fails keeps the last list (and start-up fails when there is none)', async () => {
    const other = await createTestDatabase();
    await runDemoSeed({ db: other.db, clock });
    const admission = await startTrunkSourceAdmission({ db: other.db, logger, refreshMs: 60_000 });
    try {
      await other.db.schema.dropTable('recording_trunks').execute();
      await expect(admission.refresh()).rejects.toThrow();
      expect(admission.isAdmissible('127.0.0.1')).toBe(true);
      await expect(
        startTrunkSourceAdmission({ db: other.db, logger, refreshMs: 60_000 }),
      ).rejects.toThrow();
    } finally {
      admission.stop();
      await other.drop();
    }
  });

  it('TLS: a trunk requiring a client certificate is reachable only over TLS, chosen by the certificate; each refusal has its reason', async () => {
    const ca = await makeTestCertificate({ commonName: 'SBC CA', ca: true });
    const otherCa = await makeTestCertificate({ commonName: 'Other CA', ca: true });
    const DAY = 86_400_000;
    const [good, stranger, expired, wrongName] = await Promise.all([
      makeTestCertificate({ commonName: 'sbc', dnsNames: ['sbc.example.com'], issuer: ca }),
      makeTestCertificate({ commonName: 'sbc', dnsNames: ['sbc.example.com'], issuer: otherCa }),
      makeTestCertificate({
        commonName: 'sbc',
        dnsNames: ['sbc.example.com'],
        issuer: ca,
        notBefore: new Date(Date.now() - 30 * DAY),
        notAfter: new Date(Date.now() - DAY),
      }),
      makeTestCertificate({ commonName: 'sbc', dnsNames: ['other.example.com'], issuer: ca }),
    ]);
    const trunk = await db.db.transaction().execute((trx) =>
      insertNewTrunk(trx, { db: db.db, clock }, null, seed.orgId, {
        name: 'mtls sbc',
        allowedSources: ['192.0.2.0/24'],
        clientCertificate: { caBundle: ca.cert, subjects: ['sbc.example.com'] },
      }),
    );
    const admission = await startTrunkSourceAdmission({
      db: db.db,
      logger,
      clock: systemClock,
      refreshMs: 60_000,
    });
    const der = (pem: string) => new Uint8Array(new X509Certificate(pem).raw);
    const peer = (address: string, certificates: Uint8Array[]) => ({
      address,
      port: 40000,
      protocol: 'TLSv1.3',
      certificates,
    });
    try {
      expect(admission.isAdmissible('192.0.2.7', 'udp')).toBe(false);
      expect(admission.isAdmissible('192.0.2.7', 'tcp')).toBe(false);
      expect(admission.isAdmissible('192.0.2.7', 'tls')).toBe(true);
      expect(admission.isAdmissible('127.0.0.1', 'udp')).toBe(true);

      expect(admission.verifyTlsPeer(peer('192.0.2.7', [der(good.cert)]))).toEqual({
        ok: true,
        identity: {
          fingerprint: good.fingerprint,
          subject: 'CN=sbc',
          authorizedFor: [trunk.id],
        },
      });
      const reason = (certificates: Uint8Array[]) => {
        const verdict = admission.verifyTlsPeer(peer('192.0.2.7', certificates));
        return verdict.ok ? 'accepted' : verdict.reason;
      };
      expect(reason([])).toBe('no-certificate');
      expect(reason([der(stranger.cert)])).toBe('unknown-ca');
      expect(reason([der(expired.cert)])).toBe('expired');
      expect(reason([der(wrongName.cert)])).toBe('subject-mismatch');
      // The demo trunk's network needs no certificate over TLS either.
      expect(admission.verifyTlsPeer(peer('127.0.0.1', []))).toEqual({ ok: true, identity: null });
    } finally {
      admission.stop();
      const stored = await findTrunk(db.db, seed.orgId, trunk.id);
      await updateTrunk(db.db, { ...stored!, enabled: false }, clock.now());
    }
  });
});
