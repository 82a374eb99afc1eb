// TLS on a stream transport (RFC 3261 §26.2): the server side of the handshake on an accepted,
// admitted socket (TLS 1.2 and 1.3 only, a deadline from accept), and the host's verifier on the
// peer's certificate chain after the handshake and before any SIP octet is read; a refused peer is
// reset then.
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { SipRefusalReason, SipTlsPeerVerifier } from './sip-transport.js';
import type { StreamConnection } from './stream-connection-table.js';
import type { StreamConnections } from './stream-connection.js';

/** Longest certificate chain handed to the verifier. */
const MAX_CHAIN = 10;

interface PeerCertificateLink {
  raw?: Buffer;
  issuerCertificate?: PeerCertificateLink;
}

/** The DER chain the peer sent, leaf first (a self-issued certificate ends it). */
function peerChain(socket: TLSSocket): Uint8Array[] {
  const chain: Uint8Array[] = [];
  let link = socket.getPeerCertificate(true) as PeerCertificateLink | null;
  const seen = new Set<PeerCertificateLink>();
  while (link?.raw && !seen.has(link) && chain.length < MAX_CHAIN) {
    seen.add(link);
    chain.push(new Uint8Array(link.raw));
    link = link.issuerCertificate ?? null;
  }
  return chain;
}

export interface StreamTls {
  /** Runs the host's verifier on a finished handshake; false when the peer was refused. */
  checkPeer(connection: StreamConnection, socket: TLSSocket): boolean;
  /** Server side of TLS on an accepted, admitted socket; SIP is read only after the peer check. */
  accept(raw: Socket, address: string, port: number): void;
}

export function createStreamTls(options: {
  readonly secureContext: () => SecureContext;
  readonly verifyPeer: SipTlsPeerVerifier;
  readonly handshakeTimeoutMs: number;
  readonly connections: StreamConnections;
  readonly refuse: (
    reason: SipRefusalReason,
    address: string,
    port: number,
    detail?: string,
  ) => void;
  /** True once the transport is closing: a finished handshake is reset. */
  readonly isClosed: () => boolean;
}): StreamTls {
  const { connections, refuse } = options;

  function checkPeer(connection: StreamConnection, socket: TLSSocket): boolean {
    const verdict = options.verifyPeer({
      address: connection.address,
      port: connection.port,
      certificates: peerChain(socket),
      protocol: socket.getProtocol() ?? 'unknown',
    });
    if (!verdict.ok) {
      refuse('peer-certificate', connection.address, connection.port, verdict.reason);
      return false;
    }
    connection.peer = verdict.identity;
    return true;
  }

  return {
    checkPeer,
    accept(raw, address, port) {
      const socket = new TLSSocket(raw, {
        isServer: true,
        secureContext: options.secureContext(),
        requestCert: true,
        rejectUnauthorized: false,
      });
      const connection = connections.track(socket, address, port, true);
      connections.armDeadline(connection, options.handshakeTimeoutMs);
      let handshakeDone = false;
      socket.once('secure', () => {
        handshakeDone = true;
        connections.clearDeadline(connection);
        const protocol = socket.getProtocol();
        if (protocol !== 'TLSv1.2' && protocol !== 'TLSv1.3') {
          refuse('handshake-failed', address, port, `protocol ${protocol ?? 'unknown'} refused`);
          connection.closing = true;
          raw.resetAndDestroy();
          return;
        }
        if (options.isClosed() || !checkPeer(connection, socket)) {
          connection.closing = true;
          raw.resetAndDestroy();
          return;
        }
        connections.activate(connection);
      });
      socket.once('error', (err: Error) => {
        if (handshakeDone || connection.deadline === null) return;
        connections.clearDeadline(connection);
        refuse('handshake-failed', address, port, err.message);
      });
    },
  };
}
