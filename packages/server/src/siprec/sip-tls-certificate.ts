// The certificate SIP over TLS presents (RFC 3261 §26.2): the operator's PEM chain and key
// (CALLVAULT_TLS_CERT / CALLVAULT_TLS_KEY), or — with none configured — a self-signed one created
// in the data dir on the first start (key mode 0600), so a fresh install answers on 5061 and an
// SBC can pin its SHA-256 fingerprint, which is logged.
//
// The files are reloaded without a restart when they change (polled, so a rename-into-place by
// certbot or a secret mount counts) and on reload() (SIGHUP): the new context serves new
// handshakes while connections already open keep theirs, so live calls are not touched. A file
// pair that does not load (a half-written file, a key that does not match) is logged and the
// certificate in use kept. /api/health and /metrics show when it expires; a warning is logged
// from 30 days before, at every load and once a day.
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import { Gauge, type Registry } from 'prom-client';
import { generate } from 'selfsigned';
import type { Clock } from '../clock.js';
import type { HealthCheck } from '../http/health.js';
import type { Logger } from '../observability/logger.js';

/** From this long before expiry the certificate is reported (log warning, degraded health). */
export const CERTIFICATE_WARNING_MS = 30 * 86_400_000;
const DAY_MS = 86_400_000;
/** How long the self-signed certificate is valid. */
const SELF_SIGNED_DAYS = 825;

export interface SipCertificateInfo {
  /** SHA-256 of the leaf certificate, upper-case hex pairs joined by ":". */
  readonly fingerprint: string;
  readonly subject: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Certificates in the chain file (the leaf and its intermediates). */
  readonly chainLength: number;
  readonly selfSigned: boolean;
  readonly certFile: string;
  readonly keyFile: string;
}

export interface SipCertificateStore {
  /** The context for the next handshake. */
  context(): SecureContext;
  info(): SipCertificateInfo;
  /** Reads the files again; resolves true when a new certificate is in use. Never rejects. */
  reload(): Promise<boolean>;
  stop(): void;
}

export interface SipCertificateOptions {
  readonly dataDir: string;
  readonly certFile: string | null;
  readonly keyFile: string | null;
  readonly logger: Logger;
  readonly clock: Clock;
  /** How often the files are polled for changes (default 5 s). */
  readonly watchIntervalMs?: number;
}

/** Where the self-signed certificate lives in the data dir. */
export function selfSignedPaths(dataDir: string): { certFile: string; keyFile: string } {
  return {
    certFile: path.join(dataDir, 'tls', 'sip-cert.pem'),
    keyFile: path.join(dataDir, 'tls', 'sip-key.pem'),
  };
}

async function createSelfSigned(certFile: string, keyFile: string, now: Date): Promise<void> {
  const hostname = os.hostname();
  const notAfter = new Date(now.getTime() + SELF_SIGNED_DAYS * DAY_MS);
  const made = await generate([{ name: 'commonName', value: hostname }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60_000),
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: hostname },
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  fs.mkdirSync(path.dirname(certFile), { recursive: true, mode: 0o700 });
  // The key first, created with mode 0600 (never readable by others, even for a moment).
  const tmpKey = `${keyFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmpKey, made.private, { mode: 0o600, flag: 'wx' });
  fs.renameSync(tmpKey, keyFile);
  fs.writeFileSync(certFile, made.cert, { mode: 0o644 });
}

interface Loaded {
  readonly context: SecureContext;
  readonly info: SipCertificateInfo;
  /** The files' contents, to tell a real change from a touched file. */
  readonly stamp: string;
}

function load(certFile: string, keyFile: string, selfSigned: boolean): Loaded {
  const cert = fs.readFileSync(certFile, 'utf8');
  const key = fs.readFileSync(keyFile, 'utf8');
  const blocks = cert.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error(`${certFile}: no PEM certificate in it`);
  const leaf = new X509Certificate(blocks[0]!);
  // Throws when the key does not belong to the certificate.
  const context = createSecureContext({ cert, key, minVersion: 'TLSv1.2' });
  return {
    context,
    stamp: `${cert}\n${key}`,
    info: {
      fingerprint: leaf.fingerprint256,
      subject: leaf.subject.replace(/\n/g, ', '),
      notBefore: new Date(leaf.validFrom),
      notAfter: new Date(leaf.validTo),
      chainLength: blocks.length,
      selfSigned,
      certFile,
      keyFile,
    },
  };
}

export async function openSipCertificate(
  options: SipCertificateOptions,
): Promise<SipCertificateStore> {
  const { logger, clock } = options;
  const configured =
    options.certFile !== null && options.keyFile !== null
      ? { certFile: options.certFile, keyFile: options.keyFile }
      : null;
  const { certFile, keyFile } = configured ?? selfSignedPaths(options.dataDir);
  if (!configured && !fs.existsSync(certFile)) {
    await createSelfSigned(certFile, keyFile, clock.now());
    const created = load(certFile, keyFile, true);
    logger.warn(
      { certFile, fingerprint: created.info.fingerprint, notAfter: created.info.notAfter },
      `SIP TLS: created a self-signed certificate; SHA-256 fingerprint ${created.info.fingerprint} (pin it on the SBC, or set CALLVAULT_TLS_CERT and CALLVAULT_TLS_KEY)`,
    );
  }
  let current = load(certFile, keyFile, !configured);

  function warnIfExpiring(): void {
    const left = current.info.notAfter.getTime() - clock.now().getTime();
    if (left >= CERTIFICATE_WARNING_MS) return;
    logger.warn(
      { certFile, notAfter: current.info.notAfter, fingerprint: current.info.fingerprint },
      left <= 0
        ? 'SIP TLS certificate has expired: SBCs that check it refuse to connect'
        : `SIP TLS certificate expires in ${Math.ceil(left / DAY_MS)} days: replace it (the files are reloaded without a restart)`,
    );
  }

  logger.info(
    {
      certFile,
      fingerprint: current.info.fingerprint,
      subject: current.info.subject,
      notAfter: current.info.notAfter,
      selfSigned: current.info.selfSigned,
    },
    'SIP TLS certificate loaded',
  );
  warnIfExpiring();

  let reloading: Promise<boolean> | null = null;
  async function reload(): Promise<boolean> {
    await Promise.resolve();
    try {
      const next = load(certFile, keyFile, !configured);
      if (next.stamp === current.stamp) return false;
      current = next;
      logger.info(
        {
          certFile,
          fingerprint: next.info.fingerprint,
          subject: next.info.subject,
          notAfter: next.info.notAfter,
        },
        'SIP TLS certificate reloaded: new connections use it, open ones keep theirs',
      );
      warnIfExpiring();
      return true;
    } catch (err) {
      logger.error(
        { err, certFile, keyFile },
        'SIP TLS certificate could not be reloaded; the one in use is kept',
      );
      return false;
    }
  }
  const reloadOnce = (): Promise<boolean> => {
    reloading ??= reload().finally(() => (reloading = null));
    return reloading;
  };

  const interval = options.watchIntervalMs ?? 5_000;
  const onChange = (now: fs.Stats, before: fs.Stats): void => {
    if (now.mtimeMs !== before.mtimeMs || now.ino !== before.ino || now.size !== before.size) {
      void reloadOnce();
    }
  };
  fs.watchFile(certFile, { interval, persistent: false }, onChange);
  fs.watchFile(keyFile, { interval, persistent: false }, onChange);
  const daily = setInterval(warnIfExpiring, DAY_MS);
  daily.unref();

  return {
    context: () => current.context,
    info: () => current.info,
    reload: reloadOnce,
    stop() {
      fs.unwatchFile(certFile, onChange);
      fs.unwatchFile(keyFile, onChange);
      clearInterval(daily);
    },
  };
}

/**
 * `sipTlsCertificate`: ok; degraded from 30 days before expiry and once expired (the process
 * still serves everything else, and UDP/TCP SIP: it is no reason to take it out of service).
 */
export function sipCertificateHealthCheck(
  store: Pick<SipCertificateStore, 'info'>,
  clock: Clock,
): HealthCheck {
  return {
    name: 'sipTlsCertificate',
    check() {
      const info = store.info();
      const left = info.notAfter.getTime() - clock.now().getTime();
      const days = Math.floor(left / DAY_MS);
      const what = `${info.subject} (SHA-256 ${info.fingerprint}${info.selfSigned ? ', self-signed' : ''})`;
      if (left <= 0) {
        return Promise.resolve({
          status: 'degraded' as const,
          detail: `expired ${info.notAfter.toISOString()}: ${what}`,
        });
      }
      return Promise.resolve({
        status: left < CERTIFICATE_WARNING_MS ? ('degraded' as const) : ('ok' as const),
        detail: `expires ${info.notAfter.toISOString()} (in ${days} days): ${what}`,
      });
    },
  };
}

/** `callvault_sip_tls_certificate_expiry_timestamp_seconds`, read at scrape time. */
export function registerSipCertificateMetric(
  registry: Registry,
  store: Pick<SipCertificateStore, 'info'>,
): void {
  if (registry.getSingleMetric('callvault_sip_tls_certificate_expiry_timestamp_seconds')) return;
  new Gauge({
    name: 'callvault_sip_tls_certificate_expiry_timestamp_seconds',
    help: 'When the SIP TLS certificate in use expires (Unix time, seconds)',
    registers: [registry],
    collect() {
      this.set(Math.floor(store.info().notAfter.getTime() / 1000));
    },
  });
}
