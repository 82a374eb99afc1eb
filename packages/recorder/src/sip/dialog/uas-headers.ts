// Pure pieces of the UAS core's responses and target handling: Contact (§8.1.1.8, §12.1.1),
// the capability headers of OPTIONS and 2xx (§11.2), the Warning text of a 400 (§20.43), the
// remote target a request names, and the check of a TU answer.
import { getContacts, parseUri, type SipHeader, type SipRequest } from '../message/index.js';
import type { SipLocalAddress, SipSource } from '../transport/sip-transport.js';
import type { SipUasAnswer } from './uas-types.js';

export function tagOf(value: string | null | undefined): string {
  return typeof value === 'string' ? value : '';
}

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Our Contact for a dialog of `source`: the listening address (or the advertised host). */
export function contactHeader(
  local: SipLocalAddress,
  advertisedHost: string | undefined,
  source: SipSource,
  secure: boolean,
): SipHeader {
  const host = formatHost(advertisedHost ?? local.address);
  const scheme = secure ? 'sips' : 'sip';
  const transport = source.transport === 'udp' ? '' : `;transport=${source.transport}`;
  return { name: 'Contact', value: `<${scheme}:${host}:${local.port}${transport}>` };
}

export interface CapabilitySet {
  readonly allowedMethods: readonly string[];
  readonly acceptedContentTypes: readonly string[];
  readonly supportedOptionTags: readonly string[];
  readonly userAgent?: string;
}

/** Allow, Accept, Supported (and Server) of OPTIONS answers and 2xx responses (§11.2). */
export function capabilityHeaders(capabilities: CapabilitySet): SipHeader[] {
  const headers: SipHeader[] = [
    { name: 'Allow', value: capabilities.allowedMethods.join(', ') },
    { name: 'Accept', value: capabilities.acceptedContentTypes.join(', ') },
    { name: 'Supported', value: capabilities.supportedOptionTags.join(', ') },
  ];
  if (capabilities.userAgent !== undefined) {
    headers.push({ name: 'Server', value: capabilities.userAgent });
  }
  return headers;
}

/** Printable ASCII with quotes and backslashes escaped: quoted-string content (§25.1). */
export function quoteWarnText(text: string): string {
  return text
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 200)
    .replace(/(["\\])/g, '\\$1');
}

/** §12.1.1: the dialog is secure when the Request-URI is sips and the request came over TLS. */
export function isSecureRequest(request: SipRequest, source: SipSource): boolean {
  try {
    return parseUri(request.uri).scheme === 'sips' && source.transport === 'tls';
  } catch {
    return false;
  }
}

/** A SIP URI naming a transport source, which resolveNextHop maps back to that source. */
export function targetOf(source: SipSource): string {
  const host = source.address.includes(':') ? `[${source.address}]` : source.address;
  const scheme = source.transport === 'tls' ? 'sips' : 'sip';
  const transport = source.transport === 'udp' ? '' : `;transport=${source.transport}`;
  return `${scheme}:${host}:${source.port}${transport}`;
}

export function hasContact(request: SipRequest): boolean {
  return request.headers.some((h) => h.name === 'Contact');
}

/** The single SIP or SIPS Contact URI a target-refresh request must carry (§8.1.1.8). */
export function readContactUri(request: SipRequest): string | undefined {
  try {
    const contacts = getContacts(request);
    if (contacts === '*' || contacts.length !== 1) return undefined;
    const [contact] = contacts;
    return contact?.uri.kind === 'sip' ? contact.uriText : undefined;
  } catch {
    return undefined;
  }
}

/** The TU's answer, or 500 when it failed or named no final status (200-699). */
export function answerOf(settled: PromiseSettledResult<SipUasAnswer>): SipUasAnswer {
  if (settled.status === 'rejected') return { status: 500 };
  const answer = settled.value;
  if (!Number.isInteger(answer.status) || answer.status < 200 || answer.status > 699) {
    return { status: 500 };
  }
  return answer;
}
