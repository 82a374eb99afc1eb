// Which open connection carries a message out of a stream transport (RFC 3261 §18.2.2; RFC 5923):
// the one the request came on when it is still usable, else any usable connection to the
// destination's address and port, or to a port the connection serves as an alias.
import type { SipDestination } from './sip-transport.js';
import type { StreamConnection } from './stream-connection-table.js';

/** Most alias ports one connection serves. */
export const MAX_CONNECTION_ALIASES = 4;

/** Ready, not destroyed and not being closed. */
export function isUsableConnection(c: StreamConnection): boolean {
  return c.ready && !c.socket.destroyed && !c.closing;
}

export function findStreamConnection(
  connections: ReadonlyMap<string, StreamConnection>,
  destination: SipDestination,
): StreamConnection | undefined {
  if (destination.connectionId !== undefined) {
    const byId = connections.get(destination.connectionId);
    if (byId && isUsableConnection(byId)) return byId;
  }
  for (const c of connections.values()) {
    if (!isUsableConnection(c) || c.address !== destination.address) continue;
    if (c.port === destination.port || c.aliases.has(destination.port)) return c;
  }
  return undefined;
}

/**
 * The connection also serves `port` of its remote address (RFC 5923 alias, from a Via's `alias`);
 * another address, the connection's own port, or more than MAX_CONNECTION_ALIASES are ignored.
 */
export function addConnectionAlias(
  connections: ReadonlyMap<string, StreamConnection>,
  connectionId: string,
  address: string,
  port: number,
): void {
  const connection = connections.get(connectionId);
  if (!connection || connection.address !== address) return;
  if (port === connection.port || connection.aliases.size >= MAX_CONNECTION_ALIASES) return;
  connection.aliases.add(port);
}
