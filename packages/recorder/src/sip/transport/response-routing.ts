// Pure helpers of the transport layer for the server side of RFC 3261 §18.2:
//
// §18.2.1 / RFC 3581 §4 — on receiving a request the transport notes where it really came from
// in the top Via: "received" when the sent-by host differs from the packet's source address (and
// always when the client asked with "rport"), and "rport" filled with the source port.
//
//   Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1;rport        (as sent, behind a NAT)
//   Via: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1;rport=40112;received=198.51.100.7
//
// §18.2.2 / RFC 3581 §4 — responses go back: on a stream, over the connection the request came
// on; over UDP to received (or the sent-by host) at rport (or the sent-by port, default 5060).
// maddr (multicast) is not served: the recorder never answers to a multicast group.
import {
  getHeaders,
  getVias,
  splitHeaderList,
  type SipHeader,
  type SipRequest,
  type SipResponse,
  type Via,
} from '../message/index.js';
import type { SipDestination, SipSource } from './sip-transport.js';

const IPV4_RE = /^\d{1,3}(\.\d{1,3}){3}$/;

function isIpLiteral(host: string): boolean {
  return IPV4_RE.test(host) || host.startsWith('[') || host.includes(':');
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** A Via parameter value as written: tokens plain, IPv6 addresses bare (§20.42), others quoted. */
function formatViaParams(params: Readonly<Record<string, string | null>>): string {
  let out = '';
  for (const [name, value] of Object.entries(params)) {
    if (value === null) out += `;${name}`;
    else if (/^[A-Za-z0-9\-.!%*_+`'~:[\]]+$/.test(value)) out += `;${name}=${value}`;
    else out += `;${name}="${value.replace(/(["\\])/g, '\\$1')}"`;
  }
  return out;
}

function formatTopVia(via: Via, params: Record<string, string | null>): string {
  const port = via.port === undefined ? '' : `:${via.port}`;
  return `${via.protocolName}/${via.protocolVersion}/${via.transport} ${via.host}${port}${formatViaParams(params)}`;
}

/** §18.2.1 and RFC 3581 §4: the request with received / rport set on its top Via. */
export function stampTopVia(request: SipRequest, source: SipSource): SipRequest {
  const [top] = getVias(request);
  if (!top) return request;
  const wantsRport = 'rport' in top.params;
  const hostDiffers = unbracket(top.host).toLowerCase() !== source.address.toLowerCase();
  if (!wantsRport && !hostDiffers) return request;
  const params: Record<string, string | null> = Object.create(null) as Record<
    string,
    string | null
  >;
  for (const [name, value] of Object.entries(top.params)) params[name] = value;
  if (wantsRport) params.rport = String(source.port);
  params.received = source.address;

  const lines = getHeaders(request, 'Via');
  const [firstLine = ''] = lines;
  const [, ...restOfFirst] = splitHeaderList(firstLine);
  const newFirst = [formatTopVia(top, params), ...restOfFirst].join(', ');
  const headers: SipHeader[] = [];
  let replaced = false;
  for (const header of request.headers) {
    if (header.name === 'Via' && !replaced) {
      headers.push({ name: 'Via', value: newFirst });
      replaced = true;
    } else headers.push(header);
  }
  return { ...request, headers };
}

/** §18.2.2: where a response to a request received from `source` goes. */
export function resolveResponseDestination(
  response: SipResponse,
  source: SipSource,
): SipDestination {
  let top: Via | undefined;
  try {
    [top] = getVias(response);
  } catch {
    top = undefined;
  }
  if (!top) return source;
  const defaultPort = source.transport === 'tls' ? 5061 : 5060;
  const host = top.received ?? (isIpLiteral(top.host) ? unbracket(top.host) : source.address);
  if (source.transport !== 'udp') {
    // The connection the request came on; if it is gone, a new one to received : sent-by port.
    return {
      transport: source.transport,
      address: host,
      port: top.port ?? defaultPort,
      ...(source.connectionId !== undefined ? { connectionId: source.connectionId } : {}),
    };
  }
  const port = typeof top.rport === 'number' ? top.rport : (top.port ?? defaultPort);
  return { transport: 'udp', address: host, port };
}
