// The DNS port of the SIP resolver (RFC 3263 §4 needs NAPTR, SRV and A/AAAA records). The
// resolution procedure is pure logic over this port; the host hands in the node:dns
// implementation, tests the fake, and both pass one contract suite.
//
// Contract: a name without records of the asked type (NXDOMAIN or an empty answer) yields [],
// because RFC 3263 falls through to the next step then; a lookup that could not be answered
// (server failure, refusal, timeout, no server reachable) throws SipDnsError, because an
// unreachable resolver must not be mistaken for "the domain has no SIP service".

export interface NaptrRecord {
  readonly order: number;
  readonly preference: number;
  /** "s" (next lookup is SRV), "a", "u", "p" or empty; compared case-insensitively. */
  readonly flags: string;
  /** e.g. "SIP+D2U", "SIP+D2T", "SIPS+D2T" (RFC 3263 §4.1). */
  readonly service: string;
  readonly regexp: string;
  readonly replacement: string;
}

export interface SrvRecord {
  readonly priority: number;
  readonly weight: number;
  readonly port: number;
  /** Target host name; "." (or empty) means the service is decidedly not available there. */
  readonly target: string;
}

export type SipDnsErrorCode = 'dns-failure' | 'dns-timeout';

export class SipDnsError extends Error {
  readonly code: SipDnsErrorCode;
  override readonly name = 'SipDnsError';
  constructor(code: SipDnsErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export interface SipDnsPort {
  naptr(name: string): Promise<NaptrRecord[]>;
  srv(name: string): Promise<SrvRecord[]>;
  /** IPv4 addresses (A) followed by IPv6 addresses (AAAA). */
  addresses(name: string): Promise<string[]>;
}

/** DNS names compare case-insensitively and with or without the root dot. */
export function normalizeDnsName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}
