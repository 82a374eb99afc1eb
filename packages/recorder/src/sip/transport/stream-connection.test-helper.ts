// Connections of a stream transport built by hand (no socket) for the unit tests of its parts.
import type { Socket } from 'node:net';
import { createStreamFramer } from '../message/index.js';
import type { StreamConnection } from './stream-connection-table.js';

export function fakeConnection(
  over: Partial<StreamConnection> & { id: string; destroyed?: boolean },
): StreamConnection {
  const { destroyed = false, ...rest } = over;
  return {
    socket: { destroyed } as Socket,
    framer: createStreamFramer(),
    address: '192.0.2.1',
    port: 5060,
    inbound: true,
    peer: null,
    aliases: new Set(),
    deadline: null,
    ready: true,
    closing: false,
    ...rest,
  };
}
