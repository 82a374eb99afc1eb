// Locating a SIP server (RFC 3263 §4): from a SIP or SIPS URI to the ordered list of transport,
// address and port to try. Pure procedure over the SipDnsPort; the caller tries the targets in
// order and moves to the next one on a transport failure or a 503 (§4.3).
//
//   transport=  port  numeric IP │ transport            address, port
//   ──────────────────────────────┼──────────────────────────────────────────────────────────
//   any         any   yes        │ param, else UDP (SIP) / TLS (SIPS)  the IP, port or default
//   any         yes   no         │ param, else UDP / TLS               A/AAAA of host, port
//   yes         no    no         │ param                               SRV _sip(s)._proto.host,
//                                 │                                     else A/AAAA, default port
//   no          no    no         │ NAPTR host (SIP+D2U, SIP+D2T, SIPS+D2T) → SRV of replacement;
//                                 │ no NAPTR: SRV for each supported transport; none: A/AAAA
//
// SRV records are ordered by priority and, within one, by the weighted random choice of
// RFC 2782; a target of "." means the service is not offered there. TLS targets carry the URI's
// host as the name the certificate must show (RFC 5922 §4: the domain, not the SRV target).
import { getParam, type SipUri } from '../message/index.js';
import type { SipTransportName } from '../transport/sip-transport.js';
import { normalizeDnsName, type SipDnsPort, type SrvRecord } from './sip-dns.js';

export interface SipTarget {
  readonly transport: SipTransportName;
  /** IP address (IPv6 without brackets). */
  readonly address: string;
  readonly port: number;
  /** The host of the URI: the name a TLS server certificate must carry. */
  readonly serverName: string;
}

export interface ResolveSipTargetsOptions {
  /** Transports this client supports, most preferred first (default udp, tcp, tls). */
  readonly transports?: readonly SipTransportName[];
  /** Uniform in [0, 1) for the RFC 2782 weighted choice (default Math.random). */
  readonly random?: () => number;
}

const NAPTR_SERVICES: Readonly<Record<string, SipTransportName>> = {
  'SIP+D2U': 'udp',
  'SIP+D2T': 'tcp',
  'SIPS+D2T': 'tls',
};

const IPV4_RE = /^\d{1,3}(?:\.\d{1,3}){3}$/;

function defaultPort(transport: SipTransportName): number {
  return transport === 'tls' ? 5061 : 5060;
}

function srvName(transport: SipTransportName, host: string): string {
  return transport === 'tls' ? `_sips._tcp.${host}` : `_sip._${transport}.${host}`;
}

/** RFC 2782: by priority; within a priority, repeated weighted random picks (zero weights first). */
export function orderSrvRecords(records: readonly SrvRecord[], random: () => number): SrvRecord[] {
  const usable = records.filter((r) => r.target !== '.' && r.target !== '');
  const priorities = [...new Set(usable.map((r) => r.priority))].sort((a, b) => a - b);
  const ordered: SrvRecord[] = [];
  for (const priority of priorities) {
    const left = usable
      .filter((r) => r.priority === priority)
      .sort((a, b) => (a.weight === 0 ? 0 : 1) - (b.weight === 0 ? 0 : 1));
    while (left.length > 0) {
      const total = left.reduce((sum, r) => sum + r.weight, 0);
      const pick = Math.min(Math.floor(random() * (total + 1)), total);
      let running = 0;
      let index = left.findIndex((r) => (running += r.weight) >= pick);
      if (index < 0) index = 0;
      ordered.push(...left.splice(index, 1));
    }
  }
  return ordered;
}

export class SipResolveError extends Error {
  readonly code = 'unsupported-transport';
  override readonly name = 'SipResolveError';
}

/**
 * RFC 3263 §4: the targets for a SIP(S) URI, most preferred first; [] when DNS knows no way to
 * reach it. DNS failures (SipDnsError) propagate: they are not "no such server".
 */
export async function resolveSipTargets(
  uri: SipUri,
  dns: SipDnsPort,
  options: ResolveSipTargetsOptions = {},
): Promise<SipTarget[]> {
  const random = options.random ?? Math.random;
  const secure = uri.scheme === 'sips';
  const supported = (options.transports ?? ['udp', 'tcp', 'tls']).filter(
    (t) => !secure || t === 'tls',
  );
  if (supported.length === 0) {
    throw new SipResolveError(`no supported transport for a ${uri.scheme} URI`);
  }
  const host = uri.host.startsWith('[') ? uri.host.slice(1, -1) : uri.host;
  const numeric = uri.host.startsWith('[') || IPV4_RE.test(host);
  const param = getParam(uri.params, 'transport')?.toLowerCase();
  let explicit: SipTransportName | undefined;
  if (param !== undefined) {
    // RFC 3261 §26.2.2: a SIPS URI over TCP means TLS.
    const named = param === 'tcp' && secure ? 'tls' : param;
    if (named !== 'udp' && named !== 'tcp' && named !== 'tls') {
      throw new SipResolveError(`transport "${param}" is not supported`);
    }
    if (!supported.includes(named)) {
      throw new SipResolveError(`transport "${param}" is not supported`);
    }
    explicit = named;
  }
  const fallbackTransport: SipTransportName =
    explicit ?? (secure ? 'tls' : supported.includes('udp') ? 'udp' : (supported[0] ?? 'tls'));
  const serverName = host;
  const targetsAt = (
    transport: SipTransportName,
    addresses: readonly string[],
    port: number,
  ): SipTarget[] => addresses.map((address) => ({ transport, address, port, serverName }));

  if (numeric) {
    return targetsAt(fallbackTransport, [host], uri.port ?? defaultPort(fallbackTransport));
  }
  if (uri.port !== undefined) {
    return targetsAt(fallbackTransport, await dns.addresses(host), uri.port);
  }

  async function fromSrv(transport: SipTransportName, name: string): Promise<SipTarget[] | null> {
    const records = await dns.srv(name);
    if (records.length === 0) return null;
    const out: SipTarget[] = [];
    for (const record of orderSrvRecords(records, random)) {
      out.push(...targetsAt(transport, await dns.addresses(record.target), record.port));
    }
    return out;
  }

  async function fromAddresses(transport: SipTransportName): Promise<SipTarget[]> {
    return targetsAt(transport, await dns.addresses(host), defaultPort(transport));
  }

  if (explicit) {
    return (await fromSrv(explicit, srvName(explicit, host))) ?? fromAddresses(explicit);
  }

  // §4.1: NAPTR first, keeping the services this client supports.
  const naptr = (await dns.naptr(host))
    .filter((r) => r.flags.toLowerCase() === 's')
    .map((r) => ({ record: r, transport: NAPTR_SERVICES[r.service.toUpperCase()] }))
    .filter(
      (x): x is { record: (typeof x)['record']; transport: SipTransportName } =>
        x.transport !== undefined && supported.includes(x.transport),
    )
    .sort((a, b) => a.record.order - b.record.order || a.record.preference - b.record.preference);
  if (naptr.length > 0) {
    const out: SipTarget[] = [];
    for (const { record, transport } of naptr) {
      out.push(...((await fromSrv(transport, record.replacement)) ?? []));
    }
    return dedupe(out);
  }

  // No NAPTR: SRV for each supported transport, in this client's preference order.
  const viaSrv: SipTarget[] = [];
  let anySrv = false;
  for (const transport of supported) {
    const found = await fromSrv(transport, srvName(transport, host));
    if (found === null) continue;
    anySrv = true;
    viaSrv.push(...found);
  }
  if (anySrv) return dedupe(viaSrv);
  return fromAddresses(fallbackTransport);
}

function dedupe(targets: readonly SipTarget[]): SipTarget[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const key = `${t.transport}|${normalizeDnsName(t.address)}|${t.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
