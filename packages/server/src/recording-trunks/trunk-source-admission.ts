// Which peers may talk SIP to this recorder at all: the source networks of every enabled recording
// trunk (the same data the RecordingPolicy admits INVITEs by), and over TLS, whose client
// certificate. The SIP transports ask for every TCP/TLS connection and UDP datagram, and the TLS
// transport again after each handshake, so the answers are synchronous and cheap: built from the
// trunk list, rebuilt when a refresh finds the list changed. A trunk added or edited through the
// API (possibly in another process) is seen within one refresh interval.
//
//   UDP/TCP: address in a trunk without a client-certificate requirement
//   TLS accept: address in any trunk
//   TLS handshake done: a certificate meeting a requirement of a trunk holding the address
//     → identity { authorizedFor: [those trunks] }; else a trunk without a requirement holds the
//     address → no identity needed; else refused with the first (oldest) trunk's reason
import { X509Certificate } from 'node:crypto';
import type { SipTlsPeer, SipTlsPeerVerdict, SipTransportName } from '@callvault/recorder';
import type { Clock } from '../clock.js';
import type { DbOrTrx } from '../db/database.js';
import type { Logger } from '../observability/logger.js';
import { createCidrMatcher, parseCidr, type Cidr } from './cidr.js';
import { listEnabledTrunks, type TrunkRecord } from './recording-trunks.repository.js';
import {
  checkClientCertificate,
  type ClientCertificateFailure,
} from './trunk-client-certificate.js';

export interface TrunkSourceAdmission {
  /**
   * True when `address` is inside a source network of an enabled trunk that may be reached over
   * `transport` (trunks requiring a client certificate only over TLS; no transport: any trunk).
   */
  isAdmissible(address: string, transport?: SipTransportName): boolean;
  /** The TLS transport's peer check: which trunks a client certificate stands for. */
  verifyTlsPeer(peer: SipTlsPeer): SipTlsPeerVerdict;
  /** Reloads the trunk list now (start-up, and after a trunk changed in this process). */
  refresh(): Promise<void>;
  /** The networks admitted now, as "address/prefix" (for logs and tests). */
  networks(): readonly string[];
  stop(): void;
}

export interface TrunkSourceAdmissionDeps {
  readonly db: DbOrTrx;
  readonly logger: Logger;
  /** For certificate validity (default: the system clock). */
  readonly clock?: Clock;
  /** How often the trunk list is reloaded (default 5 s). */
  readonly refreshMs?: number;
}

interface TrunkEntry {
  readonly trunk: TrunkRecord;
  readonly holds: (address: string) => boolean;
}

function cidrsOf(trunk: TrunkRecord): Cidr[] {
  return trunk.allowedSources.flatMap((s) => {
    const cidr = parseCidr(s);
    return cidr ? [cidr] : [];
  });
}

function parseChain(certificates: readonly Uint8Array[]): X509Certificate[] | null {
  try {
    return certificates.map((der) => new X509Certificate(Buffer.from(der)));
  } catch {
    return null;
  }
}

/**
 * Loads the trunk list once (a failure rejects: a recorder that cannot read its trunks must not
 * start) and then every refreshMs; a later failed reload keeps the last list and is logged.
 */
export async function startTrunkSourceAdmission(
  deps: TrunkSourceAdmissionDeps,
): Promise<TrunkSourceAdmission> {
  const now = (): Date => deps.clock?.now() ?? new Date();
  let anyTrunk: (address: string) => boolean = () => false;
  let withoutCertificate: (address: string) => boolean = () => false;
  let entries: TrunkEntry[] = [];
  let current: string[] = [];
  let signature = '';
  let failing = false;

  async function refresh(): Promise<void> {
    const trunks = (await listEnabledTrunks(deps.db)).sort(
      (a, b) => a.created.localeCompare(b.created) || a.id.localeCompare(b.id),
    );
    const next = JSON.stringify(trunks.map((t) => [t.id, t.allowedSources, t.clientCertificate]));
    if (next === signature) return;
    signature = next;
    const all = trunks.flatMap(cidrsOf);
    anyTrunk = createCidrMatcher(all);
    withoutCertificate = createCidrMatcher(
      trunks.filter((t) => t.clientCertificate === null).flatMap(cidrsOf),
    );
    entries = trunks.map((trunk) => ({ trunk, holds: createCidrMatcher(cidrsOf(trunk)) }));
    const networks = [...new Set(all.map((c) => `${c.address}/${c.prefix}`))].sort();
    if (networks.join(',') !== current.join(',')) {
      deps.logger.info({ networks }, 'SIP sources admitted from the recording trunks');
    }
    current = networks;
  }

  function verifyTlsPeer(peer: SipTlsPeer): SipTlsPeerVerdict {
    const holding = entries.filter((e) => e.holds(peer.address)).map((e) => e.trunk);
    const open = holding.some((t) => t.clientCertificate === null);
    const requiring = holding.filter((t) => t.clientCertificate !== null);
    const chain = parseChain(peer.certificates);
    if (chain === null) return { ok: false, reason: 'unparsable-certificate' };
    const at = now();
    let firstFailure: ClientCertificateFailure | null = null;
    const authorizedFor: string[] = [];
    for (const trunk of requiring) {
      const verdict = checkClientCertificate(trunk.clientCertificate!, chain, at);
      if (verdict.ok) authorizedFor.push(trunk.id);
      else firstFailure ??= verdict.reason;
    }
    const [leaf] = chain;
    if (authorizedFor.length > 0 && leaf) {
      return {
        ok: true,
        identity: {
          fingerprint: leaf.fingerprint256,
          subject: leaf.subject.replace(/\n/g, ', '),
          authorizedFor,
        },
      };
    }
    if (open) return { ok: true, identity: null };
    return { ok: false, reason: firstFailure ?? 'unknown-source' };
  }

  await refresh();
  const timer = setInterval(() => {
    refresh().then(
      () => {
        if (failing) deps.logger.info({}, 'recording trunks readable again');
        failing = false;
      },
      (err: unknown) => {
        if (!failing) {
          deps.logger.warn({ err }, 'cannot reload the recording trunks; keeping the last list');
        }
        failing = true;
      },
    );
  }, deps.refreshMs ?? 5_000);
  timer.unref();

  return {
    isAdmissible: (address, transport) =>
      transport === 'udp' || transport === 'tcp' ? withoutCertificate(address) : anyTrunk(address),
    verifyTlsPeer,
    refresh,
    networks: () => current,
    stop: () => clearInterval(timer),
  };
}
