// SIP over TCP (RFC 3261 §18; framing §18.3 by Content-Length; keep-alive RFC 5626 §3.5.1) on
// node:net. Every connection, accepted or opened for an outgoing request, has its own stream
// framer. Protection against misbehaving peers: a cap on open connections (further ones are
// closed at once), an idle timeout, and a cap on octets buffered for an incomplete message.
// A framing error means the stream lost sync: the connection is closed (RFC 4475 §3.1.2.2).
//
//   peer ──"INVITE ...CRLFCRLF<body>"──► framer ──message──► listeners
//   peer ──CRLF CRLF (ping)───────────► framer ──ping────► write CRLF (pong)
import { connect, createServer, type Server, type Socket } from 'node:net';
import {
  createStreamFramer,
  SipParseError,
  type SipParseLimits,
  type StreamFramer,
} from '../message/index.js';
import type { SipDestination, SipTransport, SipTransportStats } from './sip-transport.js';
import { createTransportListeners, normalizeAddress } from './transport-listeners.js';

export interface TcpTransportOptions {
  readonly host: string;
  readonly port: number;
  /** Close a connection after this long without traffic (default 5 minutes). */
  readonly idleTimeoutMs?: number;
  /** Most connections open at once, accepted and outgoing together (default 1024). */
  readonly maxConnections?: number;
  /** Most octets held for one incomplete message (default: the parser's 256 KiB). */
  readonly maxBufferedBytes?: number;
  readonly parseLimits?: Partial<SipParseLimits>;
  /** Give up connecting out after this long (default 10 s). */
  readonly connectTimeoutMs?: number;
}

interface Connection {
  readonly id: string;
  readonly socket: Socket;
  readonly framer: StreamFramer;
  readonly address: string;
  readonly port: number;
}

const PONG = new Uint8Array([0x0d, 0x0a]);

export async function listenTcpTransport(options: TcpTransportOptions): Promise<SipTransport> {
  const idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
  const maxConnections = options.maxConnections ?? 1024;
  const maxMessageBytes = options.parseLimits?.maxMessageBytes ?? 262_144;
  const maxBufferedBytes = options.maxBufferedBytes ?? maxMessageBytes;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const listeners = createTransportListeners();
  const connections = new Map<string, Connection>();
  const connecting = new Map<string, Promise<Connection>>();
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

  function adopt(socket: Socket): Connection {
    const connection: Connection = {
      id: `tcp-${nextId++}`,
      socket,
      framer: createStreamFramer({
        limits: {
          ...options.parseLimits,
          maxMessageBytes: Math.min(maxMessageBytes, maxBufferedBytes),
        },
      }),
      address: normalizeAddress(socket.remoteAddress ?? ''),
      port: socket.remotePort ?? 0,
    };
    connections.set(connection.id, connection);
    socket.setNoDelay(true);
    socket.setTimeout(idleTimeoutMs);
    socket.on('timeout', () => {
      counters.connectionsIdleClosed++;
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => onData(connection, chunk));
    socket.on('error', () => {
      // 'close' follows; a peer resetting its connection is no error of ours.
    });
    socket.on('close', () => {
      if (connections.get(connection.id) === connection) connections.delete(connection.id);
    });
    return connection;
  }

  function onData(connection: Connection, chunk: Buffer): void {
    counters.bytesIn += chunk.length;
    let events;
    try {
      events = connection.framer.push(chunk);
    } catch (err) {
      if (!(err instanceof SipParseError)) throw err;
      counters.framingErrors++;
      connection.socket.destroy();
      return;
    }
    for (const event of events) {
      if (event.kind === 'ping') {
        counters.pings++;
        connection.socket.write(PONG);
        continue;
      }
      counters.messagesIn++;
      listeners.emitMessage(event.bytes, {
        transport: 'tcp',
        address: connection.address,
        port: connection.port,
        connectionId: connection.id,
      });
    }
    if (connection.framer.bufferedBytes > maxBufferedBytes) {
      counters.framingErrors++;
      connection.socket.destroy();
    }
  }

  const server: Server = createServer({ allowHalfOpen: false }, (socket) => {
    if (closed || connections.size >= maxConnections) {
      counters.connectionsRefused++;
      socket.destroy();
      return;
    }
    counters.connectionsAccepted++;
    adopt(socket);
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
  if (bound === null || typeof bound === 'string') throw new Error('TCP server has no address');

  function findConnection(destination: SipDestination): Connection | undefined {
    if (destination.connectionId !== undefined) {
      const byId = connections.get(destination.connectionId);
      if (byId && !byId.socket.destroyed) return byId;
    }
    for (const c of connections.values()) {
      if (c.address === destination.address && c.port === destination.port && !c.socket.destroyed) {
        return c;
      }
    }
    return undefined;
  }

  function openConnection(destination: SipDestination): Promise<Connection> {
    const key = `${destination.address}|${destination.port}`;
    const pending = connecting.get(key);
    if (pending) return pending;
    if (connections.size >= maxConnections) {
      return Promise.reject(new Error('TCP connection limit reached'));
    }
    const promise = new Promise<Connection>((resolve, reject) => {
      const socket = connect({ host: destination.address, port: destination.port });
      const timer = setTimeout(() => {
        socket.destroy(new Error(`connect to ${key} timed out`));
      }, connectTimeoutMs);
      timer.unref();
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', reject);
        resolve(adopt(socket));
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
    return new Promise<void>((resolve, reject) => {
      connection.socket.write(bytes, (err) => {
        if (err) reject(err);
        else resolve();
      });
    });
  }

  return {
    name: 'tcp',
    reliable: true,
    local: { address: bound.address, port: bound.port },
    on: listeners.on,
    async send(bytes, destination) {
      if (closed) throw new Error('TCP transport is closed');
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
      return { transport: 'tcp', ...counters, connectionsOpen: connections.size };
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      for (const c of connections.values()) c.socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
