// Transports by name, so the server starts whatever its configuration lists (UDP and TCP on
// CALLVAULT_SIP_ADDR, TLS on its own address: RFC 3261 §26.2, sips on 5061) without touching
// callers.
import type { SipParseLimits } from '../message/index.js';
import type { SipSourceAdmission, SipTransport, SipTransportName } from './sip-transport.js';
import {
  listenTcpTransport,
  listenTlsTransport,
  type StreamTransportOptions,
  type TlsTransportOptions,
} from './stream-transport.js';
import { listenUdpTransport } from './udp-transport.js';

export interface SipTransportListenOptions {
  readonly host: string;
  readonly port: number;
  readonly parseLimits?: Partial<SipParseLimits>;
  /** Sources allowed to talk SIP; others are refused before any parsing (default: everyone). */
  readonly isAdmissibleSource?: SipSourceAdmission;
  /** Stream transports only. */
  readonly stream?: Omit<
    StreamTransportOptions,
    'host' | 'port' | 'parseLimits' | 'isAdmissibleSource'
  >;
  /** TLS only, and required by it: the certificate in use and the peer check. */
  readonly tls?: Pick<TlsTransportOptions, 'secureContext' | 'verifyPeer' | 'handshakeTimeoutMs'>;
}

export type SipTransportFactory = (options: SipTransportListenOptions) => Promise<SipTransport>;

function streamOptions(o: SipTransportListenOptions): StreamTransportOptions {
  return {
    ...o.stream,
    host: o.host,
    port: o.port,
    ...(o.parseLimits ? { parseLimits: o.parseLimits } : {}),
    ...(o.isAdmissibleSource ? { isAdmissibleSource: o.isAdmissibleSource } : {}),
  };
}

export const SIP_TRANSPORT_FACTORIES: Readonly<
  Partial<Record<SipTransportName, SipTransportFactory>>
> = Object.freeze({
  udp: (o: SipTransportListenOptions) =>
    listenUdpTransport({
      host: o.host,
      port: o.port,
      ...(o.isAdmissibleSource ? { isAdmissibleSource: o.isAdmissibleSource } : {}),
    }),
  tcp: (o: SipTransportListenOptions) => listenTcpTransport(streamOptions(o)),
  tls: (o: SipTransportListenOptions) => {
    if (!o.tls) return Promise.reject(new Error('the TLS transport needs a certificate'));
    return listenTlsTransport({ ...streamOptions(o), ...o.tls });
  },
});

/** Starts a transport by name; throws for a transport the factories do not offer. */
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
