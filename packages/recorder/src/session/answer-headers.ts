// The headers that tell an SRC why a request was refused: Reason (RFC 3326), Warning 399
// (RFC 3261 §20.43) and Retry-After (§20.33).
import type { SipHeader } from '../sip/message/index.js';

/** A quoted-string safe text for Reason and Warning headers (no quotes, no CR/LF, bounded). */
export function headerText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/["\\\u0000-\u001f\u007f]/g, ' ').slice(0, 200);
}

/** RFC 3326 Reason header for a refusal the SRC may show its operator. */
export function reasonHeader(status: number, text: string): SipHeader {
  return { name: 'Reason', value: `SIP;cause=${status};text="${headerText(text)}"` };
}

/** RFC 3261 §20.43 Warning 399 (miscellaneous) naming what was wrong with the body. */
export function warningHeader(text: string): SipHeader {
  return { name: 'Warning', value: `399 callvault "${headerText(text)}"` };
}

export function retryAfterHeader(seconds: string | number): SipHeader {
  return { name: 'Retry-After', value: String(seconds) };
}
