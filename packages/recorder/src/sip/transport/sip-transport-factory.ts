// Transports by name, so the server starts whatever its configuration lists and TLS can be
// added later as one more entry (RFC 3261 §26.2: sips and TLS on 5061) without touching callers.
import type { SipParseLimits } from '../message/index.js';
import type { SipSourceAdmission, SipTransport, SipTransportName } from './sip-transport.js';
import { listenTcpTransport, type TcpTransportOptions } from './tcp-transport.js';
import { listenUdpTransport } from './udp-transport.js';

export interface SipTransportListenOptions {
  readonly host: string;
  readonly port: number;
  readonly parseLimits?: Partial<SipParseLimits>;
  /** Sources allowed to talk SIP; others are refused before any parsing (default: everyone). */
  readonly isAdmissibleSource?: SipSourceAdmission;
  /** Stream transports only. */
  readonly stream?: Omit<
    TcpTransportOptions,
    'host' | 'port' | 'parseLimits' | 'isAdmissibleSource'
  >;
}

export type SipTransportFactory = (options: SipTransportListenOptions) => Promise<SipTransport>;

export const SIP_TRANSPORT_FACTORIES: Readonly<
  Partial<Record<SipTransportName, SipTransportFactory>>
> = Object.freeze({
  udp: (o: SipTransportListenOptions) =>
    listenUdpTransport({
      host: o.host,
      port: o.port,
      ...(o.isAdmissibleSource ? { isAdmissibleSource: o.isAdmissibleSource } : {}),
    }),
  tcp: (o: SipTransportListenOptions) =>
    listenTcpTransport({
      ...o.stream,
      host: o.host,
      port: o.port,
      ...(o.parseLimits ? { parseLimits: o.parseLimits } : {}),
      ...(o.isAdmissibleSource ? { isAdmissibleSource: o.isAdmissibleSource } : {}),
    }),
});

/** Starts a transport by name; throws for a transport this build does not offer (yet: tls). */
export function listenSipTransport(
  name: SipTransportName,
  options: SipTransportListenOptions,
  factories: Readonly<
    Partial<Record<SipTransportName, SipTransportFactory>>
  > = SIP_TRANSPORT_FACTORIES,
): Promise<SipTransport> {
  const factory = factories[name];
  if (!factory) return Promise.reject(new Error(`no SIP transport "${name}" is available`));
  return factory(options);
}
