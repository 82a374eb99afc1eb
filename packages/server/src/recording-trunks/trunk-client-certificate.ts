// Mutual TLS per recording trunk: what an SBC's client certificate must be for the trunk to
// take its SIPREC sessions over TLS, and the pure check of a presented chain against it.
//
//   requirement { caBundle?, fingerprints[], subjects[] }      presented chain (leaf first)
//        │                                                           │
//        └──► no certificate? ─► expired / not yet valid? ─► chains to a CA of the bundle?
//             ─► fingerprint pinned? ─► subject (SAN DNS/URI/IP, else CN) expected? ─► ok
//
// A trunk with a requirement is chosen only over TLS, by a certificate that meets it; a trunk
// without one is chosen by source address on every transport, as before.
import { X509Certificate } from 'node:crypto';
import type { SipSource } from '@callvault/recorder';
import type { TrunkCaCertificate, TrunkClientCertificateInput } from '@callvault/shared';
import { AppError } from '../errors.js';

/** What is stored: the operator's settings, normalised. */
export interface ClientCertificateRequirement {
  readonly caBundle: string | null;
  /** Upper-case hex pairs joined by ":" (the form node:crypto prints). */
  readonly fingerprints: readonly string[];
  readonly subjects: readonly string[];
}

/** Why a presented certificate does not meet a requirement (logged and counted as such). */
export type ClientCertificateFailure =
  'no-certificate' | 'expired' | 'unknown-ca' | 'pin-mismatch' | 'subject-mismatch';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const MAX_CHAIN_DEPTH = 8;

/** "ab12…" or "AB:12:…" → "AB:12:…". */
export function normalizeFingerprint(raw: string): string | null {
  const hex = raw.replace(/:/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}

const parsedBundles = new Map<string, readonly X509Certificate[]>();

/** The certificates of a PEM bundle (cached: bundles are read on every admission). */
export function parseCaBundle(pem: string): readonly X509Certificate[] {
  const cached = parsedBundles.get(pem);
  if (cached) return cached;
  const certificates = (pem.match(PEM_BLOCK) ?? []).map((block) => new X509Certificate(block));
  if (parsedBundles.size > 256) parsedBundles.clear();
  parsedBundles.set(pem, certificates);
  return certificates;
}

export function describeCaBundle(pem: string | null): TrunkCaCertificate[] {
  if (pem === null) return [];
  return parseCaBundle(pem).map((c) => ({
    subject: c.subject.replace(/\n/g, ', '),
    fingerprint: c.fingerprint256,
    notAfter: new Date(c.validTo).toISOString(),
  }));
}

function invalid(field: string, problem: string): AppError {
  return new AppError('VALIDATION_FAILED', `clientCertificate.${field}: ${problem}`, [
    `clientCertificate.${field}: ${problem}`,
  ]);
}

/** Validates and normalises the API input; null input (or none) means no requirement. */
export function normalizeClientCertificate(
  input: TrunkClientCertificateInput | null,
): ClientCertificateRequirement | null {
  if (input === null) return null;
  let caBundle: string | null = null;
  if (input.caBundle !== undefined && input.caBundle !== null && input.caBundle.trim() !== '') {
    const blocks = input.caBundle.match(PEM_BLOCK) ?? [];
    if (blocks.length === 0) throw invalid('caBundle', 'no PEM certificate in it');
    if (blocks.length > 50) throw invalid('caBundle', 'more than 50 certificates');
    for (const [i, block] of blocks.entries()) {
      let certificate: X509Certificate;
      try {
        certificate = new X509Certificate(block);
      } catch {
        throw invalid('caBundle', `certificate ${i + 1} does not parse`);
      }
      if (!certificate.ca) {
        throw invalid(
          'caBundle',
          `certificate ${i + 1} (${certificate.subject.replace(/\n/g, ', ')}) is not a CA certificate; pin an end certificate by its fingerprint instead`,
        );
      }
    }
    caBundle = blocks.join('\n') + '\n';
  }
  const fingerprints = (input.fingerprints ?? []).map((raw) => {
    const normalized = normalizeFingerprint(raw);
    if (normalized === null) throw invalid('fingerprints', `"${raw}" is not a SHA-256 fingerprint`);
    return normalized;
  });
  const subjects = (input.subjects ?? []).map((s) => s.trim()).filter((s) => s !== '');
  if (caBundle === null && fingerprints.length === 0) {
    throw invalid(
      'caBundle',
      'a client certificate requirement needs a CA bundle or at least one pinned fingerprint',
    );
  }
  return {
    caBundle,
    fingerprints: [...new Set(fingerprints)],
    subjects: [...new Set(subjects)],
  };
}

function validAt(certificate: X509Certificate, now: Date): boolean {
  const t = now.getTime();
  return (
    new Date(certificate.validFrom).getTime() <= t && t <= new Date(certificate.validTo).getTime()
  );
}

/** True when `leaf` is, or chains through `presented` intermediates to, one of `anchors`. */
function chainsTo(
  leaf: X509Certificate,
  presented: readonly X509Certificate[],
  anchors: readonly X509Certificate[],
  now: Date,
): boolean {
  let current = leaf;
  for (let depth = 0; depth < MAX_CHAIN_DEPTH; depth++) {
    for (const anchor of anchors) {
      if (anchor.fingerprint256 === current.fingerprint256) return true;
      if (current.checkIssued(anchor) && current.verify(anchor.publicKey) && validAt(anchor, now)) {
        return true;
      }
    }
    const issuer = presented.find(
      (c) =>
        c.fingerprint256 !== current.fingerprint256 &&
        c.ca &&
        current.checkIssued(c) &&
        current.verify(c.publicKey) &&
        validAt(c, now),
    );
    if (!issuer) return false;
    current = issuer;
  }
  return false;
}

/** The names a certificate is for: its DNS, URI and IP subjectAltNames, else its CNs. */
export function certificateNames(certificate: X509Certificate): string[] {
  const san = certificate.subjectAltName;
  if (san) {
    return san
      .split(/,\s*/)
      .map((entry) => /^(?:DNS|URI|IP Address):(.+)$/.exec(entry)?.[1])
      .filter((v): v is string => v !== undefined);
  }
  return certificate.subject
    .split('\n')
    .flatMap((line) => (line.startsWith('CN=') ? [line.slice(3)] : []));
}

function subjectMatches(certificate: X509Certificate, expected: readonly string[]): boolean {
  const names = certificateNames(certificate).map((n) => n.toLowerCase());
  return expected.some((want) => {
    const w = want.toLowerCase();
    if (names.includes(w)) return true;
    // Wildcard DNS names in the certificate (RFC 6125 §6.4.3) through OpenSSL's matcher.
    return /^[a-z0-9.-]+$/.test(w) && certificate.checkHost(w) !== undefined;
  });
}

/** Checks a presented chain (leaf first; empty: none sent) against a requirement. */
export function checkClientCertificate(
  requirement: ClientCertificateRequirement,
  chain: readonly X509Certificate[],
  now: Date,
): { ok: true } | { ok: false; reason: ClientCertificateFailure } {
  const [leaf, ...rest] = chain;
  if (!leaf) return { ok: false, reason: 'no-certificate' };
  if (!validAt(leaf, now)) return { ok: false, reason: 'expired' };
  if (requirement.caBundle !== null) {
    if (!chainsTo(leaf, rest, parseCaBundle(requirement.caBundle), now)) {
      return { ok: false, reason: 'unknown-ca' };
    }
  }
  if (
    requirement.fingerprints.length > 0 &&
    !requirement.fingerprints.includes(leaf.fingerprint256)
  ) {
    return { ok: false, reason: 'pin-mismatch' };
  }
  if (requirement.subjects.length > 0 && !subjectMatches(leaf, requirement.subjects)) {
    return { ok: false, reason: 'subject-mismatch' };
  }
  return { ok: true };
}

/**
 * Of the trunks whose networks hold a SIP source, the ones that may take its sessions: over TLS
 * with a verified certificate, the trunks it was verified for (chosen by the certificate); else
 * the trunks that require no client certificate.
 */
export function chooseTrunksForSource<
  T extends { readonly id: string; readonly clientCertificate: unknown },
>(trunks: readonly T[], source: SipSource): T[] {
  const verifiedFor = source.transport === 'tls' ? (source.peer?.authorizedFor ?? []) : [];
  const byCertificate = trunks.filter((t) => verifiedFor.includes(t.id));
  if (byCertificate.length > 0) return byCertificate;
  return trunks.filter((t) => t.clientCertificate === null);
}
