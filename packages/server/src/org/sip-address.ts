// SIP addresses as the directory stores and compares them (RFC 3261 §19.1.4): the host is
// case-insensitive, the user part case-sensitive. Both the stored value and the looked-up one go
// through canonicalSipAddress, so the comparison is the same on both sides.
import { parseUri } from '@callvault/recorder';

/** Host comparison form: lower-case, no trailing dots, IPv6 brackets kept. */
export function canonicalHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.+$/, '');
}

/**
 * A SIP address as it is stored and compared: scheme, parameters and headers dropped, host
 * lower-cased, user part as given (RFC 3261 §19.1.4). `Alice.Smith@Example.COM` and
 * `sip:Alice.Smith@example.com;transport=tls` are the same address; `alice.smith@…` is not.
 */
export function canonicalSipAddress(value: string): string {
  // One step can leave a form the next step reads differently (a value the URI parser refuses is
  // split by hand, and what that gives may then parse, without its port): the canonical form is
  // the value a step leaves as it is, reached in a few steps.
  let current = canonicalStep(value);
  for (let i = 0; i < 8; i++) {
    const next = canonicalStep(current);
    if (next === current) break;
    current = next;
  }
  return current;
}

function canonicalStep(value: string): string {
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
  // Without "@" the whole is a host, as the parser would read it.
  return at < 0 ? canonicalHost(bare) : `${bare.slice(0, at)}@${canonicalHost(bare.slice(at + 1))}`;
}
