// The SipDnsPort on node:dns (c-ares): NAPTR, SRV, A and AAAA through a Resolver of its own,
// so a host can point SIP lookups at particular servers without changing the process's DNS.
import { Resolver } from 'node:dns/promises';
import { SipDnsError, type NaptrRecord, type SipDnsPort, type SrvRecord } from './sip-dns.js';

export interface NodeSipDnsOptions {
  /** DNS servers ("127.0.0.1", "[::1]:53", "10.0.0.2:5353"); default: the system's. */
  readonly servers?: readonly string[];
  /** Per-try timeout in ms (default 2000). */
  readonly timeoutMs?: number;
  /** Tries per server (default 2). */
  readonly tries?: number;
}

// c-ares codes that mean "no such records" (RFC 3263 goes on to the next step).
const EMPTY_CODES = new Set(['ENODATA', 'ENOTFOUND']);

function errorCode(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
}

async function orEmpty<T>(type: string, name: string, query: Promise<T[]>): Promise<T[]> {
  try {
    return await query;
  } catch (error) {
    const code = errorCode(error);
    if (EMPTY_CODES.has(code)) return [];
    throw new SipDnsError(
      code === 'ETIMEOUT' ? 'dns-timeout' : 'dns-failure',
      `${type} ${name}: ${code || String(error)}`,
    );
  }
}

export function createNodeSipDns(options: NodeSipDnsOptions = {}): SipDnsPort {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 2000, tries: options.tries ?? 2 });
  if (options.servers) resolver.setServers([...options.servers]);
  return {
    async naptr(name) {
      const records = await orEmpty('NAPTR', name, resolver.resolveNaptr(name));
      return records.map((r): NaptrRecord => ({
        order: r.order,
        preference: r.preference,
        flags: r.flags,
        service: r.service,
        regexp: r.regexp,
        replacement: r.replacement,
      }));
    },
    async srv(name) {
      const records = await orEmpty('SRV', name, resolver.resolveSrv(name));
      return records.map((r): SrvRecord => ({
        priority: r.priority,
        weight: r.weight,
        port: r.port,
        target: r.name,
      }));
    },
    async addresses(name) {
      const [v4, v6] = await Promise.all([
        orEmpty('A', name, resolver.resolve4(name)),
        orEmpty('AAAA', name, resolver.resolve6(name)),
      ]);
      return [...v4, ...v6];
    },
  };
}
