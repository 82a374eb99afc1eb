// Random identifiers the SIP layers mint: tags (RFC 3261 §19.3, at least 32 bits of randomness),
// branches (§8.1.1.7, magic cookie + unique part) and Call-IDs. Web Crypto is a global in Node 20,
// so no I/O import is needed.
import { BRANCH_MAGIC_COOKIE } from '../message/sip-header-values.js';

/** `bytes` random octets as lower-case hex (a token in SIP grammar). */
export function generateRandomToken(bytes = 8): string {
  const buf = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(buf);
  return Buffer.from(buf).toString('hex');
}

export function generateTag(): string {
  return generateRandomToken(8);
}

export function generateBranch(): string {
  return `${BRANCH_MAGIC_COOKIE}${generateRandomToken(10)}`;
}
