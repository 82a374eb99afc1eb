// SIP over UDP (RFC 3261 §18.1.1, §18.2.1, §18.3: one message per datagram) on one node:dgram
// socket. An IPv6 host ("::") gives a dual-stack socket that also serves IPv4 peers; their
// addresses are reported as plain IPv4 and mapped back when sending. A datagram from a source
// the admission check refuses is dropped before parsing, unanswered: UDP sources can be forged,
// and answering them would let anyone aim our responses at a third party.
import { createSocket, type Socket } from 'node:dgram';
import { isIPv4, isIPv6 } from 'node:net';
import {
  createRefusalCounters,
  type SipSourceAdmission,
  type SipTransport,
  type SipTransportStats,
} from './sip-transport.js';
import { createTransportListeners, normalizeAddress } from './transport-listeners.js';

export interface UdpTransportOptions {
  readonly host: string;
  readonly port: number;
  /** Sources allowed to send; others are dropped unanswered (default: everyone). */
  readonly isAdmissibleSource?: SipSourceAdmission;
}

const UDP_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

export async function listenUdpTransport(options: UdpTransportOptions): Promise<SipTransport> {
  const ipv6 = isIPv6(options.host);
  // A burst of ACKs and BYEs from a busy SBC outruns the default receive buffer; the kernel caps
  // the request at net.core.rmem_max, so asking for more is harmless.
  const socket: Socket = createSocket({
    type: ipv6 ? 'udp6' : 'udp4',
    ipv6Only: false,
    recvBufferSize: UDP_RECEIVE_BUFFER_BYTES,
  });
  const listeners = createTransportListeners();
  const admissible = options.isAdmissibleSource ?? (() => true);
  const refused = createRefusalCounters();
  const stats = {
    messagesIn: 0,
    messagesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    framingErrors: 0,
    sendErrors: 0,
  };
  let closed = false;

  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port, options.host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const bound = socket.address();

  socket.on('error', (err) => listeners.emitError(err));
  socket.on('message', (msg, rinfo) => {
    const address = normalizeAddress(rinfo.address);
    if (!admissible(address, 'udp')) {
      refused['unknown-source']++;
      listeners.emitRefused({
        transport: 'udp',
        address,
        port: rinfo.port,
        reason: 'unknown-source',
      });
      return;
    }
    stats.messagesIn++;
    stats.bytesIn += msg.length;
    listeners.emitMessage(new Uint8Array(msg.buffer, msg.byteOffset, msg.length), {
      transport: 'udp',
      address,
      port: rinfo.port,
    });
  });

  return {
    name: 'udp',
    reliable: false,
    local: { address: bound.address, port: bound.port },
    on: listeners.on,
    send(bytes, destination) {
      if (closed) return Promise.reject(new Error('UDP transport is closed'));
      const address =
        ipv6 && isIPv4(destination.address) ? `::ffff:${destination.address}` : destination.address;
      return new Promise<void>((resolve, reject) => {
        socket.send(bytes, destination.port, address, (err) => {
          if (err) {
            stats.sendErrors++;
            reject(err);
            return;
          }
          stats.messagesOut++;
          stats.bytesOut += bytes.length;
          resolve();
        });
      });
    },
    stats(): SipTransportStats {
      return {
        transport: 'udp',
        ...stats,
        pings: 0,
        connectionsOpen: 0,
        connectionsAccepted: 0,
        connectionsRefused: 0,
        connectionsIdleClosed: 0,
        refused: { ...refused },
      };
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}
