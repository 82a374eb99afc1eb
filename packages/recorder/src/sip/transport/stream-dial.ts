// Outgoing connections of a stream transport (RFC 3261 §18.1.1): a request or response with no
// usable connection to its destination opens one, one at a time per address and port, within the
// total connection cap and a connect deadline; over TLS our certificate is offered as the client's
// and the peer's is checked by the same verifier as an accepted peer's.
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect, type SecureContext, type TLSSocket } from 'node:tls';
import type { SipDestination } from './sip-transport.js';
import type { StreamConnection, StreamConnectionTable } from './stream-connection-table.js';
import type { StreamConnections } from './stream-connection.js';
import type { StreamTls } from './stream-tls.js';

export type StreamDialer = (destination: SipDestination) => Promise<StreamConnection>;

export function createStreamDialer(options: {
  readonly transport: 'tcp' | 'tls';
  readonly table: StreamConnectionTable;
  readonly connections: StreamConnections;
  /** TLS: the certificate offered and the peer check; null for TCP. */
  readonly tls: { readonly secureContext: () => SecureContext; readonly peer: StreamTls } | null;
  readonly connectTimeoutMs: number;
}): StreamDialer {
  const { table, connections, tls } = options;
  const connecting = new Map<string, Promise<StreamConnection>>();

  function dial(destination: SipDestination): Socket {
    if (!tls) return connect({ host: destination.address, port: destination.port });
    // Our certificate is offered as the client's; the peer's is checked by the same verifier.
    return tlsConnect({
      host: destination.address,
      port: destination.port,
      secureContext: tls.secureContext(),
      rejectUnauthorized: false,
    });
  }

  return (destination) => {
    const key = `${destination.address}|${destination.port}`;
    const pending = connecting.get(key);
    if (pending) return pending;
    if (!table.canOpen()) {
      return Promise.reject(
        new Error(`${options.transport.toUpperCase()} connection limit reached`),
      );
    }
    const promise = new Promise<StreamConnection>((resolve, reject) => {
      const socket = dial(destination);
      const timer = setTimeout(() => {
        socket.destroy(new Error(`connect to ${key} timed out`));
      }, options.connectTimeoutMs);
      timer.unref();
      socket.once(tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.off('error', reject);
        socket.setNoDelay(true);
        const connection = connections.track(socket, destination.address, destination.port, false);
        if (tls && !tls.peer.checkPeer(connection, socket as TLSSocket)) {
          socket.destroy();
          reject(new Error(`TLS peer ${key} refused by its certificate`));
          return;
        }
        connections.activate(connection);
        resolve(connection);
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    }).finally(() => connecting.delete(key));
    connecting.set(key, promise);
    return promise;
  };
}
