// SIP addresses as the directory stores and compares them (RFC 3261 §19.1.4): the host is
// case-insensitive, the user part case-sensitive. Both the stored value and the looked-up one go
// through canonicalSipAddress, so the comparison is the same on both sides.
import { parseUri } from '@callvault/recorder';

/** Host comparison form: lower-case, no trailing dot, IPv6 brackets kept. */
export function canonicalHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * A SIP address as it is stored and compared: scheme, parameters and headers dropped, host
 * lower-cased, user part as given (RFC 3261 §19.1.4). `Alice.Smith@Example.COM` and
 * `sip:Alice.Smith@example.com;transport=tls` are the same address; `alice.smith@…` is not.
 */
export function canonicalSipAddress(value: string): string {
  const text = value.trim();
  try {
    const uri = parseUri(/^sips?:/i.test(text) ? text : `sip:${text}`);
    if (uri.kind === 'sip') {
      return uri.user === undefined
        ? canonicalHost(uri.host)
        : `${uri.user}@${canonicalHost(uri.host)}`;
    }
  } catch {
    // Not a URI the parser takes: fall back to splitting at the last "@".
  }
  const bare = text.replace(/^sips?:/i, '');
  const at = bare.lastIndexOf('@');
  return at < 0 ? bare : `${bare.slice(0, at)}@${canonicalHost(bare.slice(at + 1))}`;
}
