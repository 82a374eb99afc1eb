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
//   peer ──"INVITE ...CRLFCRLF<body>"──► framer ──message──► listeners
//   peer ──CRLF CRLF (ping)───────────► framer ──ping────► write CRLF (pong)
import { connect, createServer, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, TLSSocket, type SecureContext } from 'node:tls';
import {
  createStreamFramer,
  SipParseError,
  type SipParseLimits,
  type StreamFramer,
} from '../message/index.js';
import {
  createRefusalCounters,
  type SipDestination,
  type SipPeerIdentity,
  type SipRefusalReason,
  type SipSource,
  type SipSourceAdmission,
  type SipTlsPeerVerifier,
  type SipTransport,
  type SipTransportStats,
} from './sip-transport.js';
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

interface Connection {
  readonly id: string;
  readonly socket: Socket;
  readonly framer: StreamFramer;
  readonly address: string;
  readonly port: number;
  readonly inbound: boolean;
  /** Verified TLS peer, stamped on every message of the connection. */
  peer: SipPeerIdentity | null;
  /** Ports of the remote address this connection also serves (RFC 5923 alias). */
  readonly aliases: Set<number>;
  /** Armed while a message is incomplete (and from accept until the first one). */
  deadline: NodeJS.Timeout | null;
  /** False until a TLS connection's handshake and peer check are done. */
  ready: boolean;
  /** Set once the connection is being closed: further octets are ignored. */
  closing: boolean;
}

const PONG = new Uint8Array([0x0d, 0x0a]);
/** Octets of a failed message handed up so the server can salvage an answer from its headers. */
const FAILED_HEAD_BYTES = 65_536;
/** How long a connection closed after an answer may take to flush it before it is reset. */
const CLOSE_GRACE_MS = 2_000;
/** Longest certificate chain handed to the verifier. */
const MAX_CHAIN = 10;

export function listenTcpTransport(options: TcpTransportOptions): Promise<SipTransport> {
  return listenStreamTransport(options, { name: 'tcp', tls: null });
}

/** SIP over TLS (RFC 3261 §26.2): TLS 1.2 or 1.3 on every accepted TCP connection. */
export function listenTlsTransport(options: TlsTransportOptions): Promise<SipTransport> {
  return listenStreamTransport(options, { name: 'tls', tls: options });
}

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

async function listenStreamTransport(
  options: StreamTransportOptions,
  kind: StreamKind,
): Promise<SipTransport> {
  const transportName = kind.name;
  const tlsOptions = kind.tls;
  const idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
  const messageTimeoutMs = options.messageTimeoutMs ?? 10_000;
  const handshakeTimeoutMs = tlsOptions?.handshakeTimeoutMs ?? 5_000;
  const maxConnections = options.maxConnections ?? 1024;
  const maxPerSource = options.maxConnectionsPerSource ?? 128;
  const admissible = options.isAdmissibleSource ?? (() => true);
  const verifyPeer = tlsOptions?.verifyPeer ?? (() => ({ ok: true as const, identity: null }));
  const maxMessageBytes = options.parseLimits?.maxMessageBytes ?? 262_144;
  const maxBufferedBytes = options.maxBufferedBytes ?? maxMessageBytes;
  const maxWriteBufferBytes = options.maxWriteBufferBytes ?? 1_048_576;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const listeners = createTransportListeners();
  const connections = new Map<string, Connection>();
  const connecting = new Map<string, Promise<Connection>>();
  const inboundBySource = new Map<string, number>();
  const refused = createRefusalCounters();
  const counters = {
    messagesIn: 0,
    messagesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    framingErrors: 0,
    pings: 0,
    connectionsAccepted: 0,
    connectionsRefused: 0,
    connectionsIdleClosed: 0,
    sendErrors: 0,
  };
  let nextId = 1;
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

  function armDeadline(connection: Connection, ms = messageTimeoutMs): void {
    if (connection.deadline !== null) return;
    connection.deadline = setTimeout(() => {
      connection.deadline = null;
      if (connection.socket.destroyed) return;
      refuse(
        connection.ready ? 'message-timeout' : 'handshake-timeout',
        connection.address,
        connection.port,
      );
      connection.socket.destroy();
    }, ms);
    connection.deadline.unref();
  }

  function clearDeadline(connection: Connection): void {
    if (connection.deadline === null) return;
    clearTimeout(connection.deadline);
    connection.deadline = null;
  }

  /**
   * Registers a connection (counted against the caps from now on). Octets are read only once it
   * is ready: at once for TCP, after the handshake and the peer check for TLS.
   */
  function track(socket: Socket, address: string, port: number, inbound: boolean): Connection {
    const connection: Connection = {
      id: `${transportName}-${nextId++}`,
      socket,
      framer: createStreamFramer({
        limits: {
          ...options.parseLimits,
          maxMessageBytes: Math.min(maxMessageBytes, maxBufferedBytes),
        },
      }),
      address,
      port,
      inbound,
      peer: null,
      aliases: new Set(),
      deadline: null,
      ready: false,
      closing: false,
    };
    connections.set(connection.id, connection);
    if (inbound) {
      inboundBySource.set(connection.address, (inboundBySource.get(connection.address) ?? 0) + 1);
    }
    socket.on('error', () => {
      // 'close' follows; a peer resetting its connection is no error of ours.
    });
    socket.on('close', () => {
      clearDeadline(connection);
      if (connections.get(connection.id) !== connection) return;
      connections.delete(connection.id);
      if (!inbound) return;
      const left = (inboundBySource.get(connection.address) ?? 1) - 1;
      if (left > 0) inboundBySource.set(connection.address, left);
      else inboundBySource.delete(connection.address);
    });
    return connection;
  }

  /** The connection starts reading SIP: framer, idle timer, first-message deadline. */
  function activate(connection: Connection): void {
    connection.ready = true;
    const socket = connection.socket;
    socket.setTimeout(idleTimeoutMs);
    socket.on('timeout', () => {
      counters.connectionsIdleClosed++;
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => onData(connection, chunk));
    if (connection.inbound) armDeadline(connection);
  }

  function sourceOf(connection: Connection): SipSource {
    return {
      transport: transportName,
      address: connection.address,
      port: connection.port,
      connectionId: connection.id,
      ...(connection.peer ? { peer: connection.peer } : {}),
    };
  }

  /** Ends the connection once what was written (an error answer) is flushed; resets it later. */
  function closeAfterFlush(connection: Connection): void {
    connection.closing = true;
    clearDeadline(connection);
    connection.socket.end();
    setTimeout(() => connection.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  function onData(connection: Connection, chunk: Buffer): void {
    if (connection.closing) return;
    counters.bytesIn += chunk.length;
    let events;
    try {
      events = connection.framer.push(chunk);
    } catch (err) {
      if (!(err instanceof SipParseError)) throw err;
      counters.framingErrors++;
      listeners.emitMessage(connection.framer.peek(FAILED_HEAD_BYTES), sourceOf(connection), err);
      closeAfterFlush(connection);
      return;
    }
    for (const event of events) {
      if (event.kind === 'ping') {
        counters.pings++;
        connection.socket.write(PONG);
        continue;
      }
      if (event.kind === 'oversize') {
        counters.framingErrors++;
        listeners.emitMessage(event.head, sourceOf(connection), event.error);
        continue;
      }
      counters.messagesIn++;
      listeners.emitMessage(event.bytes, sourceOf(connection));
    }
    if (connection.framer.bufferedBytes > maxBufferedBytes) {
      counters.framingErrors++;
      connection.socket.destroy();
      return;
    }
    if (connection.framer.bufferedBytes > 0 || connection.framer.skippingBytes > 0) {
      armDeadline(connection);
    } else if (events.length > 0) {
      clearDeadline(connection);
    }
  }

  /** Runs the host's verifier on a finished handshake; false when the peer was refused. */
  function checkPeer(connection: Connection, socket: TLSSocket): boolean {
    const verdict = verifyPeer({
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

  /** Server side of TLS on an accepted, admitted socket; SIP is read only after the peer check. */
  function startTlsHandshake(raw: Socket, address: string, port: number): void {
    const tls = tlsOptions!;
    const socket = new TLSSocket(raw, {
      isServer: true,
      secureContext: tls.secureContext(),
      requestCert: true,
      rejectUnauthorized: false,
    });
    const connection = track(socket, address, port, true);
    armDeadline(connection, handshakeTimeoutMs);
    let handshakeDone = false;
    socket.once('secure', () => {
      handshakeDone = true;
      clearDeadline(connection);
      const protocol = socket.getProtocol();
      if (protocol !== 'TLSv1.2' && protocol !== 'TLSv1.3') {
        refuse('handshake-failed', address, port, `protocol ${protocol ?? 'unknown'} refused`);
        connection.closing = true;
        raw.resetAndDestroy();
        return;
      }
      if (closed || !checkPeer(connection, socket)) {
        connection.closing = true;
        raw.resetAndDestroy();
        return;
      }
      activate(connection);
    });
    socket.once('error', (err: Error) => {
      if (handshakeDone || connection.deadline === null) return;
      clearDeadline(connection);
      refuse('handshake-failed', address, port, err.message);
    });
  }

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
    let reason: SipRefusalReason | null = null;
    if (!admissible(address, transportName)) reason = 'unknown-source';
    else if (connections.size >= maxConnections) reason = 'connection-limit';
    else if ((inboundBySource.get(address) ?? 0) >= maxPerSource) reason = 'source-limit';
    if (reason !== null) {
      if (reason === 'connection-limit') counters.connectionsRefused++;
      refuse(reason, address, port);
      socket.resetAndDestroy();
      return;
    }
    counters.connectionsAccepted++;
    socket.setNoDelay(true);
    if (tlsOptions) {
      startTlsHandshake(socket, address, port);
      return;
    }
    activate(track(socket, address, port, true));
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

  function usable(c: Connection): boolean {
    return c.ready && !c.socket.destroyed && !c.closing;
  }

  function findConnection(destination: SipDestination): Connection | undefined {
    if (destination.connectionId !== undefined) {
      const byId = connections.get(destination.connectionId);
      if (byId && usable(byId)) return byId;
    }
    for (const c of connections.values()) {
      if (!usable(c) || c.address !== destination.address) continue;
      if (c.port === destination.port || c.aliases.has(destination.port)) return c;
    }
    return undefined;
  }

  function dial(destination: SipDestination): Socket {
    if (!tlsOptions) return connect({ host: destination.address, port: destination.port });
    // Our certificate is offered as the client's; the peer's is checked by the same verifier.
    return tlsConnect({
      host: destination.address,
      port: destination.port,
      secureContext: tlsOptions.secureContext(),
      rejectUnauthorized: false,
    });
  }

  function openConnection(destination: SipDestination): Promise<Connection> {
    const key = `${destination.address}|${destination.port}`;
    const pending = connecting.get(key);
    if (pending) return pending;
    if (connections.size >= maxConnections) {
      return Promise.reject(new Error(`${transportName.toUpperCase()} connection limit reached`));
    }
    const promise = new Promise<Connection>((resolve, reject) => {
      const socket = dial(destination);
      const timer = setTimeout(() => {
        socket.destroy(new Error(`connect to ${key} timed out`));
      }, connectTimeoutMs);
      timer.unref();
      socket.once(tlsOptions ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.off('error', reject);
        socket.setNoDelay(true);
        const connection = track(socket, destination.address, destination.port, false);
        if (tlsOptions && !checkPeer(connection, socket as TLSSocket)) {
          socket.destroy();
          reject(new Error(`TLS peer ${key} refused by its certificate`));
          return;
        }
        activate(connection);
        resolve(connection);
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    }).finally(() => connecting.delete(key));
    connecting.set(key, promise);
    return promise;
  }

  function write(connection: Connection, bytes: Uint8Array): Promise<void> {
    if (connection.socket.writableLength + bytes.length > maxWriteBufferBytes) {
      refuse('write-overflow', connection.address, connection.port);
      connection.socket.destroy();
      return Promise.reject(
        new Error(`peer ${connection.address} does not read: connection closed`),
      );
    }
    return new Promise<void>((resolve, reject) => {
      connection.socket.write(bytes, (err) => {
        if (err) reject(err);
        else resolve();
      });
    });
  }

  return {
    name: transportName,
    reliable: true,
    local: { address: bound.address, port: bound.port },
    on: listeners.on,
    addAlias(connectionId, address, port) {
      const connection = connections.get(connectionId);
      if (!connection || connection.address !== address) return;
      if (port === connection.port || connection.aliases.size >= 4) return;
      connection.aliases.add(port);
    },
    async send(bytes, destination) {
      if (closed) throw new Error(`${transportName.toUpperCase()} transport is closed`);
      try {
        const connection = findConnection(destination) ?? (await openConnection(destination));
        await write(connection, bytes);
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
        connectionsOpen: connections.size,
        refused: { ...refused },
      };
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      for (const c of connections.values()) {
        clearDeadline(c);
        c.socket.destroy();
      }
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
