// Admission and connection caps of a stream transport (TCP, TLS): which accepted connection is
// reset before a single octet is read — a source the host's admission check refuses, a connection
// over the total cap or over the per-source cap (both count connections still in their TLS
// handshake) — and the table of open connections those caps count.
import type { Socket } from 'node:net';
import type { StreamFramer } from '../message/index.js';
import type { SipPeerIdentity, SipRefusalReason, SipSourceAdmission } from './sip-transport.js';

/** One open connection of a stream transport, accepted or opened for an outgoing request. */
export interface StreamConnection {
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

export interface StreamConnectionTable {
  /** Open connections by id. */
  readonly connections: ReadonlyMap<string, StreamConnection>;
  /** Why an accepted connection from `address` is refused, or null when it is admitted. */
  admit(address: string): SipRefusalReason | null;
  /** False when the total cap leaves no room for an outgoing connection. */
  canOpen(): boolean;
  /** Counts a connection against the caps from now on. */
  add(connection: StreamConnection): void;
  /** The connection closed (a connection no longer in the table is ignored). */
  remove(connection: StreamConnection): void;
}

export function createStreamConnectionTable(options: {
  readonly transport: 'tcp' | 'tls';
  /** Most connections open at once, accepted and outgoing together. */
  readonly maxConnections: number;
  /** Most accepted connections open at once from one address. */
  readonly maxPerSource: number;
  readonly isAdmissibleSource: SipSourceAdmission;
}): StreamConnectionTable {
  const connections = new Map<string, StreamConnection>();
  const inboundBySource = new Map<string, number>();
  return {
    connections,
    admit(address) {
      if (!options.isAdmissibleSource(address, options.transport)) return 'unknown-source';
      if (connections.size >= options.maxConnections) return 'connection-limit';
      if ((inboundBySource.get(address) ?? 0) >= options.maxPerSource) return 'source-limit';
      return null;
    },
    canOpen() {
      return connections.size < options.maxConnections;
    },
    add(connection) {
      connections.set(connection.id, connection);
      if (!connection.inbound) return;
      inboundBySource.set(connection.address, (inboundBySource.get(connection.address) ?? 0) + 1);
    },
    remove(connection) {
      if (connections.get(connection.id) !== connection) return;
      connections.delete(connection.id);
      if (!connection.inbound) return;
      const left = (inboundBySource.get(connection.address) ?? 1) - 1;
      if (left > 0) inboundBySource.set(connection.address, left);
      else inboundBySource.delete(connection.address);
    },
  };
}
