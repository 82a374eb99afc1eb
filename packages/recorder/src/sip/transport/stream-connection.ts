// One connection of a stream transport, from registration to close (RFC 3261 §18.3 framing by
// Content-Length; RFC 5626 §3.5.1 keep-alive): its own framer, the idle timeout, the message
// deadline (an accepted connection completes its first message or ping within messageTimeoutMs of
// being ready, and every later message within messageTimeoutMs of its first octet), the cap on
// octets buffered for an incomplete message and on octets queued for a peer that does not read.
// A message over the size limit whose headers framed is reported and its body skipped; a framing
// error means the stream lost sync: the head of the failed message is reported, then the
// connection is closed once the answer is flushed (RFC 4475 §3.1.2.2).
import type { Socket } from 'node:net';
import { createStreamFramer, SipParseError, type SipParseLimits } from '../message/index.js';
import type { SipRefusalReason, SipSource } from './sip-transport.js';
import type { StreamConnection, StreamConnectionTable } from './stream-connection-table.js';
import type { TransportListeners } from './transport-listeners.js';

const PONG = new Uint8Array([0x0d, 0x0a]);
/** Octets of a failed message handed up so the server can salvage an answer from its headers. */
const FAILED_HEAD_BYTES = 65_536;
/** How long a connection closed after an answer may take to flush it before it is reset. */
const CLOSE_GRACE_MS = 2_000;

/** The traffic counters of a stream transport (its stats). */
export interface StreamTransportCounters {
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
  framingErrors: number;
  pings: number;
  connectionsAccepted: number;
  connectionsRefused: number;
  connectionsIdleClosed: number;
  sendErrors: number;
}

export function createStreamTransportCounters(): StreamTransportCounters {
  return {
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
}

export interface StreamConnectionOptions {
  readonly transport: 'tcp' | 'tls';
  readonly table: StreamConnectionTable;
  readonly listeners: TransportListeners;
  readonly counters: StreamTransportCounters;
  readonly refuse: (reason: SipRefusalReason, address: string, port: number) => void;
  readonly parseLimits?: Partial<SipParseLimits>;
  readonly maxMessageBytes: number;
  readonly maxBufferedBytes: number;
  readonly maxWriteBufferBytes: number;
  readonly idleTimeoutMs: number;
  readonly messageTimeoutMs: number;
}

export interface StreamConnections {
  /**
   * Registers a connection (counted against the caps from now on). Octets are read only once it
   * is activated: at once for TCP, after the handshake and the peer check for TLS.
   */
  track(socket: Socket, address: string, port: number, inbound: boolean): StreamConnection;
  /** The connection starts reading SIP: framer, idle timer, first-message deadline. */
  activate(connection: StreamConnection): void;
  /** Resets the connection if the deadline passes first (a handshake's until it is ready). */
  armDeadline(connection: StreamConnection, ms?: number): void;
  clearDeadline(connection: StreamConnection): void;
  /** Writes to the peer; a peer that does not read past the write cap is cut off. */
  write(connection: StreamConnection, bytes: Uint8Array): Promise<void>;
  /** Where the connection's messages come from. */
  sourceOf(connection: StreamConnection): SipSource;
}

export function createStreamConnections(options: StreamConnectionOptions): StreamConnections {
  const { transport, table, listeners, counters, refuse } = options;
  let nextId = 1;

  function armDeadline(connection: StreamConnection, ms = options.messageTimeoutMs): void {
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

  function clearDeadline(connection: StreamConnection): void {
    if (connection.deadline === null) return;
    clearTimeout(connection.deadline);
    connection.deadline = null;
  }

  function sourceOf(connection: StreamConnection): SipSource {
    return {
      transport,
      address: connection.address,
      port: connection.port,
      connectionId: connection.id,
      ...(connection.peer ? { peer: connection.peer } : {}),
    };
  }

  /** Ends the connection once what was written (an error answer) is flushed; resets it later. */
  function closeAfterFlush(connection: StreamConnection): void {
    connection.closing = true;
    clearDeadline(connection);
    connection.socket.end();
    setTimeout(() => connection.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  function onData(connection: StreamConnection, chunk: Buffer): void {
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
    if (connection.framer.bufferedBytes > options.maxBufferedBytes) {
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

  return {
    track(socket, address, port, inbound) {
      const connection: StreamConnection = {
        id: `${transport}-${nextId++}`,
        socket,
        framer: createStreamFramer({
          limits: {
            ...options.parseLimits,
            maxMessageBytes: Math.min(options.maxMessageBytes, options.maxBufferedBytes),
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
      table.add(connection);
      socket.on('error', () => {
        // 'close' follows; a peer resetting its connection is no error of ours.
      });
      socket.on('close', () => {
        clearDeadline(connection);
        table.remove(connection);
      });
      return connection;
    },
    activate(connection) {
      connection.ready = true;
      const socket = connection.socket;
      socket.setTimeout(options.idleTimeoutMs);
      socket.on('timeout', () => {
        counters.connectionsIdleClosed++;
        socket.destroy();
      });
      socket.on('data', (chunk: Buffer) => onData(connection, chunk));
      if (connection.inbound) armDeadline(connection);
    },
    armDeadline,
    clearDeadline,
    write(connection, bytes) {
      if (connection.socket.writableLength + bytes.length > options.maxWriteBufferBytes) {
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
    },
    sourceOf,
  };
}
