// The host's SessionForwarding built from the recorder's own parts: the UAS core's client side,
// RFC 3263 resolution over a SipDnsPort, the SIP server's opened peers, relay sockets on port
// pairs of CALLVAULT_RTP_PORTS and the capture's port taps. The server only hands them in.
import type { SipUserAgentCore } from '../../sip/dialog/uas-types.js';
import { parseUri } from '../../sip/message/sip-uri.js';
import { resolveSipTargets, SipResolveError, type SipDnsPort } from '../../sip/resolver/index.js';
import type { TimerService } from '../../sip/transaction/index.js';
import {
  generateBranch,
  generateRandomToken,
  generateTag,
} from '../../sip/transaction/sip-random.js';
import type { OpenedPeers } from '../../sip/transport/opened-peers.js';
import type { SipTransportName } from '../../sip/transport/sip-transport.js';
import { bindUdpRelaySocket } from '../../media/relay/udp-relay-socket.js';
import type { PortPairAllocator } from '../port-pair-allocator.js';
import type { SessionForwarding } from './forward-session.js';

export interface SessionForwardingOptions {
  readonly core: Pick<SipUserAgentCore, 'sendRequest' | 'sendAck' | 'localAddress'>;
  readonly timers: TimerService;
  readonly dns: SipDnsPort;
  readonly openedPeers: OpenedPeers;
  /** The RTP port pairs: each relay socket takes a pair's RTP port. */
  readonly ports: PortPairAllocator;
  /** The address relay sockets are bound on (the SIP host). */
  readonly relayHost: string;
  readonly tap: SessionForwarding['tap'];
  readonly answerTimeoutMs?: number;
}

export function createSessionForwarding(options: SessionForwardingOptions): SessionForwarding {
  const { core, ports } = options;
  const listening = (): SipTransportName[] =>
    (['udp', 'tcp', 'tls'] as const).filter((t) => core.localAddress(t) !== undefined);
  return {
    timers: options.timers,
    sendRequest: (request, destination, handlers) =>
      core.sendRequest(request, destination, handlers),
    sendAck: (ack, destination) => core.sendAck(ack, destination),
    localAddress: (transport) => core.localAddress(transport),
    async resolve(sipUri) {
      const uri = parseUri(sipUri);
      if (uri.kind !== 'sip') throw new SipResolveError(`${sipUri} is not a SIP or SIPS URI`);
      return resolveSipTargets(uri, options.dns, { transports: listening() });
    },
    openPeer: (peer) => options.openedPeers.open(peer),
    async openRelaySocket() {
      const port = ports.allocate();
      if (port === undefined) return undefined;
      try {
        const socket = await bindUdpRelaySocket(options.relayHost, port);
        return {
          port: socket.port,
          send: (packet, target) => socket.send(packet, target),
          async close() {
            await socket.close();
            ports.release(port);
          },
        };
      } catch {
        ports.release(port);
        return undefined;
      }
    },
    tap: options.tap,
    ...(options.answerTimeoutMs === undefined ? {} : { answerTimeoutMs: options.answerTimeoutMs }),
    generateBranch,
    generateTag,
    generateCallId: () => `${generateRandomToken(12)}@callvault`,
  };
}
