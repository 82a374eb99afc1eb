// Allowed source networks of a recording trunk: IPv4/IPv6 CIDRs (a bare address means /32 or /128).
import net from 'node:net';

export interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

export function parseCidr(text: string): Cidr | null {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0) return null;
  const version = net.isIP(address);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  const prefix =
    prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

export function formatCidr(c: Cidr): string {
  return `${c.address}/${c.prefix}`;
}

/**
 * A matcher for `cidrs`, built once: whether an address (as a socket reports it, IPv4-mapped IPv6
 * included) is inside any of them. Checking costs one BlockList lookup.
 */
export function createCidrMatcher(cidrs: readonly Cidr[]): (address: string) => boolean {
  const list = new net.BlockList();
  for (const c of cidrs) list.addSubnet(c.address, c.prefix, c.family);
  return (address) => {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    const plain = mapped?.[1] ?? address;
    const version = net.isIP(plain);
    return version !== 0 && list.check(plain, version === 6 ? 'ipv6' : 'ipv4');
  };
}

/** Whether `address` (as a socket reports it, IPv4-mapped IPv6 included) is inside any of `cidrs`. */
export function matchesAnyCidr(address: string, cidrs: readonly Cidr[]): boolean {
  return createCidrMatcher(cidrs)(address);
}
