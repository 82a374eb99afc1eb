import { connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listenTcpTransport } from './tcp-transport.js';
import type { SipSource, SipTransport } from './sip-transport.js';

const OPTIONS = Buffer.from(
  [
    'OPTIONS sip:srs@127.0.0.1 SIP/2.0',
    'Via: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKt1',
    'Max-Forwards: 70',
    'To: <sip:srs@127.0.0.1>',
    'From: <sip:src@127.0.0.1>;tag=1',
    'Call-ID: tcp-1',
    'CSeq: 1 OPTIONS',
    'Content-Type: application/sdp',
    'Content-Length: 4',
    '',
    'v=0\n',
  ].join('\r\n'),
);

const open: Array<{ close(): Promise<void> | void }> = [];
afterEach(async () => {
  for (const item of open.splice(0)) await item.close();
});

async function listen(options: Partial<Parameters<typeof listenTcpTransport>[0]> = {}) {
  const transport = await listenTcpTransport({ host: '127.0.0.1', port: 0, ...options });
  open.push(transport);
  const received: Array<{ bytes: Buffer; source: SipSource }> = [];
  transport.on('message', (bytes, source) => received.push({ bytes: Buffer.from(bytes), source }));
  return { transport, received };
}

async function dial(transport: SipTransport): Promise<{
  socket: Socket;
  data: Buffer[];
  ended: Promise<void>;
  write(d: string | Uint8Array): void;
  localPort: number | undefined;
}> {
  const socket = connect({ host: '127.0.0.1', port: transport.local.port });
  const data: Buffer[] = [];
  socket.on('data', (d: Buffer) => data.push(d));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => {});
  // A refused connection may be reset before 'connect' is ever reported.
  await Promise.race([new Promise((resolve) => socket.once('connect', resolve)), closed]);
  open.push({ close: () => void socket.destroy() });
  return {
    socket,
    data,
    ended: closed,
    write: (d) => void socket.write(d),
    localPort: socket.localPort,
  };
}

async function waitFor(check: () => boolean, ms = 2000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('TCP transport (RFC 3261 §18.3, RFC 5626 §3.5.1)', () => {
  it('RFC 3261 §18.3: a message split into one-octet pieces is framed by Content-Length', async () => {
    const { transport, received } = await listen();
    const socket = await dial(transport);
    for (const octet of OPTIONS) {
      socket.write(Buffer.from([octet]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => received.length === 1);
    expect(received[0]!.bytes.equals(OPTIONS)).toBe(true);
    expect(received[0]!.source).toMatchObject({
      transport: 'tcp',
      address: '127.0.0.1',
      port: socket.localPort,
    });
    expect(received[0]!.source.connectionId).toMatch(/^tcp-/);
  });

  it('RFC 3261 §18.3: two messages in one segment are delivered separately', async () => {
    const { transport, received } = await listen();
    const socket = await dial(transport);
    socket.write(Buffer.concat([OPTIONS, OPTIONS]));
    await waitFor(() => received.length === 2);
    expect(transport.stats().messagesIn).toBe(2);
  });

  it('RFC 5626 §3.5.1: a CRLFCRLF ping is answered with a CRLF pong', async () => {
    const { transport } = await listen();
    const socket = await dial(transport);
    socket.write('\r\n\r\n');
    await waitFor(() => socket.data.length > 0);
    expect(Buffer.concat(socket.data).toString()).toBe('\r\n');
    expect(transport.stats().pings).toBe(1);
  });

  it('a response is sent back on the connection the request came on', async () => {
    const { transport, received } = await listen();
    const socket = await dial(transport);
    socket.write(OPTIONS);
    await waitFor(() => received.length === 1);
    await transport.send(Buffer.from('reply'), received[0]!.source);
    await waitFor(() => socket.data.length > 0);
    expect(Buffer.concat(socket.data).toString()).toBe('reply');
    expect(transport.stats().connectionsOpen).toBe(1);
  });

  it('RFC 3261 §18.3: a stream without Content-Length loses framing and the connection is closed', async () => {
    const { transport } = await listen();
    const socket = await dial(transport);
    socket.write(OPTIONS.toString().replace('Content-Length: 4\r\n', ''));
    await socket.ended;
    expect(transport.stats().framingErrors).toBe(1);
  });

  it('a message larger than the buffered-bytes cap closes the connection', async () => {
    const { transport } = await listen({ maxBufferedBytes: 1024 });
    const socket = await dial(transport);
    socket.write(OPTIONS.toString().replace('Content-Length: 4', 'Content-Length: 100000'));
    await socket.ended;
    expect(transport.stats().framingErrors).toBe(1);
  });

  it('idle connections are closed after the idle timeout', async () => {
    const { transport } = await listen({ idleTimeoutMs: 100 });
    const socket = await dial(transport);
    await socket.ended;
    await waitFor(() => transport.stats().connectionsOpen === 0);
    expect(transport.stats().connectionsIdleClosed).toBe(1);
  });

  it('connections beyond the limit are refused', async () => {
    const { transport } = await listen({ maxConnections: 2 });
    await dial(transport);
    await dial(transport);
    await waitFor(() => transport.stats().connectionsOpen === 2);
    const third = await dial(transport);
    await third.ended;
    expect(transport.stats()).toMatchObject({
      connectionsAccepted: 2,
      connectionsRefused: 1,
      connectionsOpen: 2,
    });
  });

  it('sending to a peer without a connection opens one, and its replies come back as messages', async () => {
    const { transport, received } = await listen();
    const peerData: Buffer[] = [];
    let peerSocket: Socket | undefined;
    const peer = createServer((s) => {
      peerSocket = s;
      s.on('data', (d: Buffer) => peerData.push(d));
    });
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', () => resolve()));
    open.push({
      close: () =>
        new Promise<void>((resolve) => {
          peerSocket?.destroy();
          peer.close(() => resolve());
        }),
    });
    const address = peer.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    await transport.send(Buffer.from('BYE'), {
      transport: 'tcp',
      address: '127.0.0.1',
      port: address.port,
    });
    await waitFor(() => peerData.length > 0);
    expect(Buffer.concat(peerData).toString()).toBe('BYE');
    peerSocket!.write(OPTIONS);
    await waitFor(() => received.length === 1);
    expect(received[0]!.source.port).toBe(address.port);
  });

  it('a send to a peer that refuses the connection rejects and is counted', async () => {
    const { transport } = await listen();
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    const address = probe.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    await expect(
      transport.send(Buffer.from('x'), {
        transport: 'tcp',
        address: '127.0.0.1',
        port: address.port,
      }),
    ).rejects.toThrow();
    expect(transport.stats().sendErrors).toBe(1);
  });
});
