// SIP over a stream — TCP, and TLS on top of it (RFC 3261 §18, §26; framing §18.3 by
// Content-Length; keep-alive RFC 5626 §3.5.1; connection reuse RFC 5923) — on node:net, with
// node:tls wrapping each accepted socket. Every connection, accepted or opened for an outgoing
// request, has its own stream framer. Protection against misbehaving peers, cheapest first:
//   - admission: an accepted connection from a source the admission check refuses is reset
//     before a single octet is read (before the TLS handshake); so are connections over the
//     per-source or the total cap, which count connections still in their handshake;
//   - TLS: a handshake deadline from accept; TLS 1.2 and 1.3 only; the host's verifier sees the
//     peer's certificate chain after the handshake and before any SIP octet is read, and a
//     refused peer is reset then;
//   - a message deadline: an accepted connection must complete its first message (or ping)
//     within messageTimeoutMs of connecting (of its handshake, over TLS), and every later
//     message within messageTimeoutMs of its first octet, so half-open and trickling
//     connections are closed in seconds;
//   - an idle timeout, a cap on octets buffered for an incomplete message and a cap on octets
//     queued for a peer that does not read.
// A message over the size limit whose headers framed is reported (the server answers 513) and its
// body skipped; a framing error means the stream lost sync: the head of the failed message is
// reported (the server answers 400 or 513 when it can), then the connection is closed
// (RFC 4475 §3.1.2.2).
//
// The parts, one module each: stream-connection-table.ts (admission and connection caps),
// stream-connection.ts (per-connection framing, keep-alive, deadlines, write cap), stream-tls.ts
// (handshake and peer check), stream-dial.ts (outgoing connections), stream-routing.ts (which
// connection carries a response; aliases).
//
//   peer ──"INVITE ...CRLFCRLF<body>"──► framer ──message──► listeners
//   peer ──CRLF CRLF (ping)───────────► framer ──ping────► write CRLF (pong)
import { createServer, type Server } from 'node:net';
import type { SecureContext } from 'node:tls';
import type { SipParseLimits } from '../message/index.js';
import {
  createRefusalCounters,
  type SipRefusalReason,
  type SipSourceAdmission,
  type SipTlsPeerVerifier,
  type SipTransport,
  type SipTransportStats,
} from './sip-transport.js';
import { createStreamConnectionTable } from './stream-connection-table.js';
import { createStreamDialer } from './stream-dial.js';
import { createStreamConnections, createStreamTransportCounters } from './stream-connection.js';
import { addConnectionAlias, findStreamConnection } from './stream-routing.js';
import { createStreamTls } from './stream-tls.js';
import { createTransportListeners, normalizeAddress } from './transport-listeners.js';

export interface StreamTransportOptions {
  readonly host: string;
  readonly port: number;
  /** Close a connection after this long without traffic (default 5 minutes). */
  readonly idleTimeoutMs?: number;
  /**
   * Close an accepted connection that has not completed a message (or ping) this long after
   * connecting, or a message this long after its first octet (default 10 s).
   */
  readonly messageTimeoutMs?: number;
  /** Most connections open at once, accepted and outgoing together (default 1024). */
  readonly maxConnections?: number;
  /** Most accepted connections open at once from one address (default 128). */
  readonly maxConnectionsPerSource?: number;
  /** Sources allowed to connect; others are reset at accept (default: everyone). */
  readonly isAdmissibleSource?: SipSourceAdmission;
  /** Most octets held for one incomplete message (default: the parser's 256 KiB). */
  readonly maxBufferedBytes?: number;
  /** Most octets queued for a peer that does not read them before it is cut off (default 1 MiB). */
  readonly maxWriteBufferBytes?: number;
  readonly parseLimits?: Partial<SipParseLimits>;
  /** Give up connecting out after this long (default 10 s). */
  readonly connectTimeoutMs?: number;
}

export type TcpTransportOptions = StreamTransportOptions;

export interface TlsTransportOptions extends StreamTransportOptions {
  /**
   * The certificate and key in use, read for every new connection: a context replaced by the
   * host (certificate rotation) serves new handshakes while live connections keep theirs.
   */
  readonly secureContext: () => SecureContext;
  /**
   * Decides on the peer's certificate (mutual TLS) after the handshake; a client certificate is
   * requested from every peer, and one that sends none is verified with an empty chain.
   * Default: every peer accepted, without an identity.
   */
  readonly verifyPeer?: SipTlsPeerVerifier;
  /** Reset an accepted connection whose TLS handshake has not finished this long after accept (default 5 s). */
  readonly handshakeTimeoutMs?: number;
}

interface StreamKind {
  readonly name: 'tcp' | 'tls';
  readonly tls: TlsTransportOptions | null;
}

export function listenTcpTransport(options: TcpTransportOptions): Promise<SipTransport> {
  return listenStreamTransport(options, { name: 'tcp', tls: null });
}

/** SIP over TLS (RFC 3261 §26.2): TLS 1.2 or 1.3 on every accepted TCP connection. */
export function listenTlsTransport(options: TlsTransportOptions): Promise<SipTransport> {
  return listenStreamTransport(options, { name: 'tls', tls: options });
}

async function listenStreamTransport(
  options: StreamTransportOptions,
  kind: StreamKind,
): Promise<SipTransport> {
  const transportName = kind.name;
  const tlsOptions = kind.tls;
  const maxMessageBytes = options.parseLimits?.maxMessageBytes ?? 262_144;
  const maxWriteBufferBytes = options.maxWriteBufferBytes ?? 1_048_576;
  const listeners = createTransportListeners();
  const table = createStreamConnectionTable({
    transport: transportName,
    maxConnections: options.maxConnections ?? 1024,
    maxPerSource: options.maxConnectionsPerSource ?? 128,
    isAdmissibleSource: options.isAdmissibleSource ?? (() => true),
  });
  const refused = createRefusalCounters();
  const counters = createStreamTransportCounters();
  let closed = false;

  function refuse(reason: SipRefusalReason, address: string, port: number, detail?: string): void {
    refused[reason]++;
    listeners.emitRefused({
      transport: transportName,
      address,
      port,
      reason,
      ...(detail === undefined ? {} : { detail }),
    });
  }

  const connections = createStreamConnections({
    transport: transportName,
    table,
    listeners,
    counters,
    refuse,
    ...(options.parseLimits ? { parseLimits: options.parseLimits } : {}),
    maxMessageBytes,
    maxBufferedBytes: options.maxBufferedBytes ?? maxMessageBytes,
    maxWriteBufferBytes,
    idleTimeoutMs: options.idleTimeoutMs ?? 300_000,
    messageTimeoutMs: options.messageTimeoutMs ?? 10_000,
  });
  const tls = tlsOptions
    ? createStreamTls({
        secureContext: tlsOptions.secureContext,
        verifyPeer: tlsOptions.verifyPeer ?? (() => ({ ok: true as const, identity: null })),
        handshakeTimeoutMs: tlsOptions.handshakeTimeoutMs ?? 5_000,
        connections,
        refuse,
        isClosed: () => closed,
      })
    : null;

  // Runs before any 'data' listener exists: a refused peer never has an octet read. A reset
  // (not a FIN) leaves no TIME_WAIT state behind on our side.
  const server: Server = createServer({ allowHalfOpen: false }, (socket) => {
    const address = normalizeAddress(socket.remoteAddress ?? '');
    const port = socket.remotePort ?? 0;
    socket.on('error', () => {});
    if (closed) {
      socket.resetAndDestroy();
      return;
    }
    const reason = table.admit(address);
    if (reason !== null) {
      if (reason === 'connection-limit') counters.connectionsRefused++;
      refuse(reason, address, port);
      socket.resetAndDestroy();
      return;
    }
    counters.connectionsAccepted++;
    socket.setNoDelay(true);
    if (tls) {
      tls.accept(socket, address, port);
      return;
    }
    connections.activate(connections.track(socket, address, port, true));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host: options.host }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => listeners.emitError(err));
  const bound = server.address();
  if (bound === null || typeof bound === 'string') {
    throw new Error(`${transportName.toUpperCase()} server has no address`);
  }

  const openConnection = createStreamDialer({
    transport: transportName,
    table,
    connections,
    tls: tls && tlsOptions ? { secureContext: tlsOptions.secureContext, peer: tls } : null,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
  });

  return {
    name: transportName,
    reliable: true,
    local: { address: bound.address, port: bound.port },
    on: listeners.on,
    addAlias(connectionId, address, port) {
      addConnectionAlias(table.connections, connectionId, address, port);
    },
    async send(bytes, destination) {
      if (closed) throw new Error(`${transportName.toUpperCase()} transport is closed`);
      try {
        const connection =
          findStreamConnection(table.connections, destination) ??
          (await openConnection(destination));
        await connections.write(connection, bytes);
        counters.messagesOut++;
        counters.bytesOut += bytes.length;
      } catch (err) {
        counters.sendErrors++;
        throw err;
      }
    },
    stats(): SipTransportStats {
      return {
        transport: transportName,
        ...counters,
        connectionsOpen: table.connections.size,
        refused: { ...refused },
      };
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      for (const c of table.connections.values()) {
        connections.clearDeadline(c);
        c.socket.destroy();
      }
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
