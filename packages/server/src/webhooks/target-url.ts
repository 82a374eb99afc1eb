// Where webhooks may post (SSRF care). A webhook makes Callvault send requests to a URL an org
// administrator chose, from inside the operator's network, so:
// - only http: and https: URLs without credentials are accepted;
// - the address is checked after DNS resolution, at connect time (the `lookup` hook below), so a
//   name that resolves to a forbidden address, or re-resolves to one later (DNS rebinding), is
//   refused on every delivery, not only when the webhook is saved;
// - loopback, link-local (169.254.0.0/16 holds cloud metadata services), unspecified, multicast
//   and broadcast addresses are always refused; loopback is allowed only when the caller passes
//   `allowLoopback` (tests with a local receiver; no environment variable turns it on);
// - private ranges (10/8, 172.16/12, 192.168/16, fc00::/7) are allowed: a self-hosted recorder
//   normally posts to receivers on the same private network. Operators who must keep webhooks
//   off internal hosts do that with their egress firewall.
// Redirects are never followed (webhook-delivery.service.ts), so a target cannot bounce the request
// elsewhere.
import dns from 'node:dns';
import net from 'node:net';
import { invalid } from '../errors.js';

export interface TargetPolicy {
  /** Allow 127.0.0.0/8 and ::1 (tests run a receiver on 127.0.0.1). */
  readonly allowLoopback: boolean;
}

function ipv4Octets(ip: string): number[] {
  return ip.split('.').map((p) => Number(p));
}

/** Why an address may not be a webhook target, or null when it may. */
export function forbiddenAddressReason(ip: string, policy: TargetPolicy): string | null {
  let address = ip.toLowerCase();
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) is the IPv4 address.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped?.[1]) address = mapped[1];
  if (net.isIPv4(address)) {
    const [a = 0, b = 0] = ipv4Octets(address);
    if (a === 127) return policy.allowLoopback ? null : 'a loopback address';
    if (a === 0) return 'an unspecified address';
    if (a === 169 && b === 254) return 'a link-local address (cloud metadata lives there)';
    if (a >= 224) return 'a multicast or reserved address';
    return null;
  }
  if (net.isIPv6(address)) {
    if (address === '::1') return policy.allowLoopback ? null : 'a loopback address';
    if (address === '::') return 'an unspecified address';
    if (/^fe[89ab]/.test(address)) return 'a link-local address';
    if (address.startsWith('ff')) return 'a multicast address';
    return null;
  }
  return 'not an IP address';
}

/**
 * Checks a target URL when a webhook is saved: scheme, no credentials, and a literal IP host
 * against the address rules (names are checked on every delivery, after resolution).
 */
export function validateTargetUrl(text: string, policy: TargetPolicy): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid('targetUrl: not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid('targetUrl: only http and https URLs are allowed');
  }
  if (url.username !== '' || url.password !== '') {
    throw invalid('targetUrl: credentials in the URL are not allowed; use the webhook secret');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host) !== 0) {
    const reason = forbiddenAddressReason(host, policy);
    if (reason) throw invalid(`targetUrl: ${host} is ${reason}`);
  } else if (host === 'localhost' || host.endsWith('.localhost')) {
    if (!policy.allowLoopback) throw invalid('targetUrl: localhost is a loopback address');
  }
  return url;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request that resolves like the system does and refuses forbidden
 * addresses, so the address checked is the address connected to.
 */
export function guardedLookup(policy: TargetPolicy) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, []);
        return;
      }
      const list = addresses;
      for (const a of list) {
        const reason = forbiddenAddressReason(a.address, policy);
        if (reason) {
          const refused: NodeJS.ErrnoException = new Error(
            `webhook target ${hostname} resolves to ${a.address}, ${reason}`,
          );
          refused.code = 'EWEBHOOKTARGET';
          callback(refused, []);
          return;
        }
      }
      if (options.all === true) callback(null, list);
      else if (list[0]) callback(null, list[0].address, list[0].family);
      else callback(new Error(`no address for ${hostname}`), []);
    });
  };
}
