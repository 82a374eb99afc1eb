// Datagrams queued on a socket and not yet read: sent from another process while this one waits
// (its event loop cannot poll meanwhile), so when `sendQueued` returns they are all in the
// socket's receive queue.
import { execFileSync } from 'node:child_process';

/** Sends `queued 0` … `queued <count - 1>` to 127.0.0.1:`port` and returns once all are sent. */
export function sendQueued(port: number, count: number): void {
  execFileSync(process.execPath, [
    '-e',
    `const s = require('node:dgram').createSocket('udp4');
     let left = ${count};
     for (let i = 0; i < ${count}; i++) {
       s.send(Buffer.from('queued ' + i), ${port}, '127.0.0.1', () => { if (--left === 0) s.close(); });
     }`,
  ]);
}
