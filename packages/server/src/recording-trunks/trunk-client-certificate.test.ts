// The mutual-TLS check of a presented chain against a trunk's requirement, each refusal with its
// reason; and which trunks a SIP source may use (chosen by certificate over TLS).
import { X509Certificate } from 'node:crypto';
import type { SipSource } from '@callvault/recorder';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { makeTestCertificate, type TestCertificate } from '../testing/test-certificates.js';
import {
  certificateNames,
  checkClientCertificate,
  chooseTrunksForSource,
  normalizeClientCertificate,
  normalizeFingerprint,
  type ClientCertificateRequirement,
} from './trunk-client-certificate.js';

const DAY = 86_400_000;
let rootCa: TestCertificate;
let intermediate: TestCertificate;
let otherCa: TestCertificate;
let sbc: TestCertificate;
let viaIntermediate: TestCertificate;
let stranger: TestCertificate;
let expired: TestCertificate;
let cnOnly: TestCertificate;

beforeAll(async () => {
  [rootCa, otherCa] = await Promise.all([
    makeTestCertificate({ commonName: 'Callvault Test Root', ca: true }),
    makeTestCertificate({ commonName: 'Other Root', ca: true }),
  ]);
  intermediate = await makeTestCertificate({
    commonName: 'Callvault Test Intermediate',
    ca: true,
    issuer: rootCa,
  });
  [sbc, viaIntermediate, stranger, expired, cnOnly] = await Promise.all([
    makeTestCertificate({ commonName: 'sbc1', dnsNames: ['sbc1.example.com'], issuer: rootCa }),
    makeTestCertificate({
      commonName: 'sbc2',
      dnsNames: ['*.pool.example.com'],
      issuer: intermediate,
    }),
    makeTestCertificate({ commonName: 'sbc1', dnsNames: ['sbc1.example.com'], issuer: otherCa }),
    makeTestCertificate({
      commonName: 'old',
      dnsNames: ['sbc1.example.com'],
      issuer: rootCa,
      notBefore: new Date(Date.now() - 400 * DAY),
      notAfter: new Date(Date.now() - DAY),
    }),
    makeTestCertificate({ commonName: 'cn-only.example.com' }),
  ]);
});

const x509 = (c: TestCertificate): X509Certificate => new X509Certificate(c.cert);
const now = (): Date => new Date();

function requirement(partial: Partial<ClientCertificateRequirement>): ClientCertificateRequirement {
  return { caBundle: null, fingerprints: [], subjects: [], ...partial };
}

describe('mutual TLS client certificate check', () => {
  it('accepts a certificate issued by a CA of the bundle', () => {
    const req = requirement({ caBundle: rootCa.cert });
    expect(checkClientCertificate(req, [x509(sbc)], now())).toEqual({ ok: true });
  });

  it('accepts a chain through an intermediate the client sends', () => {
    const req = requirement({ caBundle: rootCa.cert });
    expect(checkClientCertificate(req, [x509(viaIntermediate), x509(intermediate)], now())).toEqual(
      { ok: true },
    );
    // Without the intermediate the chain does not reach the root.
    expect(checkClientCertificate(req, [x509(viaIntermediate)], now())).toEqual({
      ok: false,
      reason: 'unknown-ca',
    });
  });

  it('refuses: no certificate', () => {
    expect(checkClientCertificate(requirement({ caBundle: rootCa.cert }), [], now())).toEqual({
      ok: false,
      reason: 'no-certificate',
    });
  });

  it('refuses: unknown CA (same names, another issuer)', () => {
    expect(
      checkClientCertificate(requirement({ caBundle: rootCa.cert }), [x509(stranger)], now()),
    ).toEqual({ ok: false, reason: 'unknown-ca' });
  });

  it('refuses: expired, even from the right CA', () => {
    expect(
      checkClientCertificate(requirement({ caBundle: rootCa.cert }), [x509(expired)], now()),
    ).toEqual({ ok: false, reason: 'expired' });
  });

  it('pins: the pinned certificate is accepted without a CA, another is refused', () => {
    const req = requirement({ fingerprints: [cnOnly.fingerprint] });
    expect(checkClientCertificate(req, [x509(cnOnly)], now())).toEqual({ ok: true });
    expect(checkClientCertificate(req, [x509(sbc)], now())).toEqual({
      ok: false,
      reason: 'pin-mismatch',
    });
  });

  it('CA and pin together: both must hold', () => {
    const req = requirement({ caBundle: rootCa.cert, fingerprints: [sbc.fingerprint] });
    expect(checkClientCertificate(req, [x509(sbc)], now())).toEqual({ ok: true });
    expect(checkClientCertificate(req, [x509(stranger)], now())).toEqual({
      ok: false,
      reason: 'unknown-ca',
    });
  });

  it('subjects: a subjectAltName (wildcards included) or, without one, the CN', () => {
    const bySan = requirement({ caBundle: rootCa.cert, subjects: ['SBC1.example.com'] });
    expect(checkClientCertificate(bySan, [x509(sbc)], now())).toEqual({ ok: true });
    const byWildcard = requirement({ caBundle: rootCa.cert, subjects: ['a.pool.example.com'] });
    expect(
      checkClientCertificate(byWildcard, [x509(viaIntermediate), x509(intermediate)], now()),
    ).toEqual({ ok: true });
    const wrong = requirement({ caBundle: rootCa.cert, subjects: ['sbc2.example.com'] });
    expect(checkClientCertificate(wrong, [x509(sbc)], now())).toEqual({
      ok: false,
      reason: 'subject-mismatch',
    });
    expect(certificateNames(x509(cnOnly))).toEqual(['cn-only.example.com']);
    const byCn = requirement({
      fingerprints: [cnOnly.fingerprint],
      subjects: ['cn-only.example.com'],
    });
    expect(checkClientCertificate(byCn, [x509(cnOnly)], now())).toEqual({ ok: true });
  });
});

describe('client certificate settings', () => {
  it('normalises fingerprints and keeps the bundle as PEM', () => {
    const hex = sbc.fingerprint.replace(/:/g, '').toLowerCase();
    expect(normalizeFingerprint(hex)).toBe(sbc.fingerprint);
    const req = normalizeClientCertificate({
      caBundle: `comment line\n${rootCa.cert}`,
      fingerprints: [hex, sbc.fingerprint],
      subjects: [' sbc1.example.com '],
    });
    expect(req).toEqual({
      caBundle: `${rootCa.cert.trim()}\n`,
      fingerprints: [sbc.fingerprint],
      subjects: ['sbc1.example.com'],
    });
    expect(normalizeClientCertificate(null)).toBeNull();
  });

  it('refuses a bundle that is not PEM, an end certificate as CA, and a requirement with neither', () => {
    const fails = (input: Parameters<typeof normalizeClientCertificate>[0]): string => {
      try {
        normalizeClientCertificate(input);
      } catch (err) {
        expect(err).toBeInstanceOf(AppError);
        return (err as AppError).message;
      }
      throw new Error('accepted');
    };
    expect(fails({ caBundle: 'not a certificate' })).toContain('no PEM certificate');
    expect(fails({ caBundle: sbc.cert })).toContain('is not a CA certificate');
    expect(fails({ subjects: ['x'] })).toContain('needs a CA bundle or at least one pinned');
    expect(fails({ fingerprints: ['AB:CD'] })).toContain('is not a SHA-256 fingerprint');
  });
});

describe('trunks for a SIP source', () => {
  const open = { id: 'open', clientCertificate: null };
  const mtls = { id: 'mtls', clientCertificate: requirement({ caBundle: 'x' }) };
  const source = (s: Partial<SipSource>): SipSource => ({
    transport: 'udp',
    address: '192.0.2.1',
    port: 5060,
    ...s,
  });

  it('over UDP and TCP only trunks without a client certificate requirement', () => {
    expect(chooseTrunksForSource([open, mtls], source({}))).toEqual([open]);
    expect(chooseTrunksForSource([mtls], source({ transport: 'tcp' }))).toEqual([]);
  });

  it('over TLS the verified certificate chooses its trunks', () => {
    const peer = { fingerprint: 'F', subject: 'CN=sbc', authorizedFor: ['mtls'] };
    expect(chooseTrunksForSource([open, mtls], source({ transport: 'tls', peer }))).toEqual([mtls]);
    expect(chooseTrunksForSource([open, mtls], source({ transport: 'tls' }))).toEqual([open]);
    // An identity claimed over another transport counts for nothing.
    expect(chooseTrunksForSource([open, mtls], source({ transport: 'tcp', peer }))).toEqual([open]);
  });
});
