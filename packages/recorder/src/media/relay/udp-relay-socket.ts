// The relay's UDP socket of one forwarded stream: bound on the recorder's media address so its
// port can go into the forwarded SDP offer (sdp-forward-offer.ts), and the only place relayed
// packets touch the network. A send error (the vendor's port unreachable, ICMP) is counted, not
// thrown: the call and its inbound capture go on, and the forward leg's signalling decides.
import { createSocket, type Socket } from 'node:dgram';

export interface UdpRelaySocket {
  readonly port: number;
  send(packet: Uint8Array, target: { readonly address: string; readonly port: number }): void;
  /** Sends that failed (asynchronous socket errors included). */
  readonly sendErrors: number;
  close(): Promise<void>;
}

/** Binds a UDP socket on `host` (port 0: any free port, else the given one). */
export async function bindUdpRelaySocket(host: string, port = 0): Promise<UdpRelaySocket> {
  const socket: Socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  let sendErrors = 0;
  socket.on('error', () => {
    sendErrors++;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  let closed = false;
  return {
    port: socket.address().port,
    send(packet, target) {
      if (closed) return;
      socket.send(packet, target.port, target.address, (error) => {
        if (error) sendErrors++;
      });
    },
    get sendErrors() {
      return sendErrors;
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}
