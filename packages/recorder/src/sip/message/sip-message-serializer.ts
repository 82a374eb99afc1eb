// Serializes SIP messages to canonical octets (RFC 3261 §7): start line, one "Name: value" line
// per header with the long header names the parser already normalised to, CRLF line ends, an
// empty line, the body, and exactly one Content-Length equal to the body size (RFC 3261 §20.14;
// it replaces any received Content-Length, in the place of the first one).
import { isToken } from './sip-grammar.js';
import { canonicalizeHeaderName, type SipMessage } from './sip-message.js';

const encoder = new TextEncoder();

/** Throws when a header name or value could corrupt framing (header injection). */
function checkHeader(name: string, value: string): void {
  if (!isToken(name)) throw new RangeError(`header name "${name}" is not a token`);
  if (/[\r\n]/.test(value)) throw new RangeError(`header ${name} value contains CR or LF`);
}

/** The start line and headers, without the empty line (useful for logging). */
export function serializeHead(msg: SipMessage): string {
  let out: string;
  if (msg.kind === 'request') {
    if (!isToken(msg.method)) throw new RangeError(`method "${msg.method}" is not a token`);
    if (/[ \t\r\n]/.test(msg.uri) || msg.uri.length === 0)
      throw new RangeError('Request-URI is empty or has whitespace');
    out = `${msg.method} ${msg.uri} ${msg.version}\r\n`;
  } else {
    if (!Number.isInteger(msg.status) || msg.status < 100 || msg.status > 699) {
      throw new RangeError(`status ${msg.status} is not 100-699`);
    }
    if (/[\r\n]/.test(msg.reason)) throw new RangeError('reason phrase contains CR or LF');
    out = `${msg.version} ${msg.status} ${msg.reason}\r\n`;
  }
  let lengthWritten = false;
  for (const header of msg.headers) {
    // Compact or odd-cased names from hand-built messages are written in their long form.
    const name = canonicalizeHeaderName(header.name);
    const value = header.value;
    if (name === 'Content-Length') {
      if (!lengthWritten) out += `Content-Length: ${msg.body.length}\r\n`;
      lengthWritten = true;
      continue;
    }
    checkHeader(name, value);
    out += `${name}: ${value}\r\n`;
  }
  if (!lengthWritten) out += `Content-Length: ${msg.body.length}\r\n`;
  return out;
}

/** Canonical octets of a message, ready for any transport. */
export function serializeMessage(msg: SipMessage): Uint8Array {
  const head = encoder.encode(`${serializeHead(msg)}\r\n`);
  const out = new Uint8Array(head.length + msg.body.length);
  out.set(head, 0);
  out.set(msg.body, head.length);
  return out;
}
