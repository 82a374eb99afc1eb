import { describe, expect, it } from 'vitest';
import type { StreamConnection } from './stream-connection-table.js';
import { fakeConnection } from './stream-connection.test-helper.js';
import {
  addConnectionAlias,
  findStreamConnection,
  isUsableConnection,
  MAX_CONNECTION_ALIASES,
} from './stream-routing.js';

function tableOf(...connections: StreamConnection[]): Map<string, StreamConnection> {
  return new Map(connections.map((c) => [c.id, c]));
}

describe('stream routing (RFC 3261 §18.2.2, RFC 5923)', () => {
  it('sends a response on the connection its request came on while that one is usable', () => {
    const came = fakeConnection({ id: 'tcp-1', port: 40_000 });
    const other = fakeConnection({ id: 'tcp-2', port: 5060 });
    const table = tableOf(other, came);
    expect(
      findStreamConnection(table, {
        transport: 'tcp',
        address: '192.0.2.1',
        port: 5060,
        connectionId: 'tcp-1',
      }),
    ).toBe(came);
  });

  it('falls back to a connection to the same address and port when that one is gone', () => {
    const gone = fakeConnection({ id: 'tcp-1', destroyed: true });
    const same = fakeConnection({ id: 'tcp-2' });
    expect(
      findStreamConnection(tableOf(gone, same), {
        transport: 'tcp',
        address: '192.0.2.1',
        port: 5060,
        connectionId: 'tcp-1',
      }),
    ).toBe(same);
  });

  it('never picks a connection not ready, being closed or destroyed', () => {
    const notReady = fakeConnection({ id: 'tls-1', ready: false });
    const closing = fakeConnection({ id: 'tls-2', closing: true });
    const destroyed = fakeConnection({ id: 'tls-3', destroyed: true });
    for (const c of [notReady, closing, destroyed]) expect(isUsableConnection(c)).toBe(false);
    expect(
      findStreamConnection(tableOf(notReady, closing, destroyed), {
        transport: 'tls',
        address: '192.0.2.1',
        port: 5060,
      }),
    ).toBeUndefined();
  });

  it('reaches a peer at a port its connection serves as an alias, on that address only', () => {
    const c = fakeConnection({ id: 'tcp-1', port: 40_000 });
    const table = tableOf(c);
    expect(
      findStreamConnection(table, { transport: 'tcp', address: '192.0.2.1', port: 5060 }),
    ).toBeUndefined();
    addConnectionAlias(table, 'tcp-1', '192.0.2.1', 5060);
    expect(
      findStreamConnection(table, { transport: 'tcp', address: '192.0.2.1', port: 5060 }),
    ).toBe(c);
    expect(
      findStreamConnection(table, { transport: 'tcp', address: '192.0.2.2', port: 5060 }),
    ).toBeUndefined();
  });

  it('ignores an alias for another address, the own port, an unknown connection or too many', () => {
    const c = fakeConnection({ id: 'tcp-1', port: 40_000 });
    const table = tableOf(c);
    addConnectionAlias(table, 'tcp-1', '192.0.2.2', 5060);
    addConnectionAlias(table, 'tcp-1', '192.0.2.1', 40_000);
    addConnectionAlias(table, 'tcp-9', '192.0.2.1', 5060);
    expect(c.aliases.size).toBe(0);
    for (let i = 0; i < MAX_CONNECTION_ALIASES + 2; i++) {
      addConnectionAlias(table, 'tcp-1', '192.0.2.1', 5060 + i);
    }
    expect([...c.aliases]).toEqual([5060, 5061, 5062, 5063]);
  });
});
