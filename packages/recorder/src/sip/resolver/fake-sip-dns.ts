// An in-memory SipDnsPort for tests: a zone of records by name, and names whose lookups fail
// as a broken or unreachable server would. Passes the same contract suite as the node:dns one.
import {
  normalizeDnsName,
  SipDnsError,
  type NaptrRecord,
  type SipDnsPort,
  type SrvRecord,
} from './sip-dns.js';

export interface SipDnsZone {
  readonly naptr?: Readonly<Record<string, readonly NaptrRecord[]>>;
  readonly srv?: Readonly<Record<string, readonly SrvRecord[]>>;
  readonly a?: Readonly<Record<string, readonly string[]>>;
  readonly aaaa?: Readonly<Record<string, readonly string[]>>;
  /** Names whose every lookup fails (SERVFAIL). */
  readonly failing?: readonly string[];
}

export interface FakeSipDns extends SipDnsPort {
  /** Every query asked, as "TYPE name", in order. */
  readonly queries: readonly string[];
}

function pick<T>(table: Readonly<Record<string, readonly T[]>> | undefined, name: string): T[] {
  if (!table) return [];
  for (const [key, records] of Object.entries(table)) {
    if (normalizeDnsName(key) === name) return [...records];
  }
  return [];
}

export function createFakeSipDns(zone: SipDnsZone): FakeSipDns {
  const queries: string[] = [];
  const failing = new Set((zone.failing ?? []).map(normalizeDnsName));
  function ask(type: string, raw: string): string {
    const name = normalizeDnsName(raw);
    queries.push(`${type} ${name}`);
    if (failing.has(name)) throw new SipDnsError('dns-failure', `${type} ${name}: server failure`);
    return name;
  }
  return {
    queries,
    naptr: (raw) => Promise.resolve().then(() => pick(zone.naptr, ask('NAPTR', raw))),
    srv: (raw) => Promise.resolve().then(() => pick(zone.srv, ask('SRV', raw))),
    addresses: (raw) =>
      Promise.resolve().then(() => {
        const name = ask('A/AAAA', raw);
        return [...pick(zone.a, name), ...pick(zone.aaaa, name)];
      }),
  };
}
