import { connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listenTcpTransport } from './stream-transport.js';
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

  it('RFC 3261 §21.5.14: a message over the buffered-bytes cap is reported for a 513 and its body skipped; the next message arrives', async () => {
    const { transport } = await listen({ maxBufferedBytes: 1024 });
    const all: Array<{ bytes: string; failure: string | undefined }> = [];
    transport.on('message', (bytes, _source, failure) =>
      all.push({ bytes: Buffer.from(bytes).toString(), failure: failure?.code }),
    );
    const socket = await dial(transport);
    const big = OPTIONS.toString().replace('Content-Length: 4', 'Content-Length: 100000');
    socket.write(big.slice(0, big.indexOf('v=0')));
    await waitFor(() => all.length === 1);
    expect(all[0]).toEqual({ bytes: big.slice(0, big.indexOf('v=0')), failure: 'TOO_LARGE' });
    socket.write(Buffer.alloc(100_000, 0x78));
    socket.write(OPTIONS);
    await waitFor(() => all.length === 2);
    expect(all[1]).toEqual({ bytes: OPTIONS.toString(), failure: undefined });
    expect(transport.stats()).toMatchObject({ framingErrors: 1, connectionsOpen: 1 });
  });

  it('a header section that never ends within the cap is reported and the connection closed', async () => {
    const { transport } = await listen({ maxBufferedBytes: 1024 });
    const failures: string[] = [];
    transport.on('message', (_bytes, _source, failure) => failures.push(failure?.code ?? 'ok'));
    const socket = await dial(transport);
    socket.write(`OPTIONS sip:srs@127.0.0.1 SIP/2.0\r\n${'X-Pad: 0123456789\r\n'.repeat(100)}`);
    await socket.ended;
    expect(failures).toEqual(['TOO_LARGE']);
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

/** A client bound to a loopback address of its own (127.0.0.0/8 is all ours on Linux). */
async function dialFrom(transport: SipTransport, localAddress: string) {
  const socket = connect({ host: '127.0.0.1', port: transport.local.port, localAddress });
  const data: Buffer[] = [];
  socket.on('data', (d: Buffer) => data.push(d));
  socket.on('error', () => {});
  const state = { closed: false };
  const ended = new Promise<number>((resolve) => {
    const start = Date.now();
    socket.on('close', () => {
      state.closed = true;
      resolve(Date.now() - start);
    });
  });
  await Promise.race([new Promise((resolve) => socket.once('connect', resolve)), ended]);
  open.push({ close: () => void socket.destroy() });
  return { socket, data, ended, state };
}

/** A trunk source still gets its OPTIONS through while the abusers are at it. */
async function expectServed(
  transport: SipTransport,
  received: Array<{ source: SipSource }>,
  localAddress = '127.0.0.1',
): Promise<void> {
  const before = received.length;
  const client = await dialFrom(transport, localAddress);
  client.socket.write(OPTIONS);
  await waitFor(() => received.length === before + 1);
  expect(received.at(-1)!.source.address).toBe(localAddress);
}

describe('TCP transport under abuse', () => {
  it('a source outside every trunk is reset at accept, before any octet is read', async () => {
    const { transport, received } = await listen({
      isAdmissibleSource: (address) => address === '127.0.0.1',
    });
    const refusals: string[] = [];
    transport.on('refused', (r) => refusals.push(`${r.reason} ${r.address}`));
    const stranger = await dialFrom(transport, '127.0.0.3');
    stranger.socket.write(OPTIONS);
    await stranger.ended;
    expect(refusals).toEqual(['unknown-source 127.0.0.3']);
    expect(transport.stats()).toMatchObject({
      connectionsAccepted: 0,
      bytesIn: 0,
      refused: { 'unknown-source': 1 },
    });
    await expectServed(transport, received);
    expect(received).toHaveLength(1);
  });

  it('connections that open and never send are closed after the message timeout; a trunk is still served', async () => {
    const { transport, received } = await listen({ messageTimeoutMs: 400 });
    const silent = await Promise.all(
      Array.from({ length: 20 }, () => dialFrom(transport, '127.0.0.4')),
    );
    await expectServed(transport, received);
    const lifetimes = await Promise.all(silent.map((c) => c.ended));
    for (const ms of lifetimes) expect(ms).toBeLessThan(2000);
    expect(transport.stats().refused['message-timeout']).toBe(20);
    await waitFor(() => transport.stats().connectionsOpen === 1);
  });

  it('a client sending one octet a second is closed when its message is not complete within the timeout', async () => {
    const { transport, received } = await listen({ messageTimeoutMs: 2500 });
    const slow = await dialFrom(transport, '127.0.0.5');
    let sent = 0;
    const drip = setInterval(() => {
      if (!slow.socket.destroyed) slow.socket.write(OPTIONS.subarray(sent, ++sent));
    }, 1000);
    try {
      const lifetime = await slow.ended;
      expect(lifetime).toBeGreaterThanOrEqual(2400);
      expect(lifetime).toBeLessThan(4000);
    } finally {
      clearInterval(drip);
    }
    expect(sent).toBeLessThan(5);
    expect(transport.stats().refused['message-timeout']).toBe(1);
    await expectServed(transport, received);
  });

  it('a completed message clears the deadline: a trunk connection may idle between messages', async () => {
    const { transport, received } = await listen({ messageTimeoutMs: 300 });
    const trunk = await dialFrom(transport, '127.0.0.1');
    trunk.socket.write(OPTIONS);
    await waitFor(() => received.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(trunk.socket.destroyed).toBe(false);
    trunk.socket.write(OPTIONS);
    await waitFor(() => received.length === 2);
  });

  it('many connections from one address hit the per-source cap; other sources are still accepted', async () => {
    const { transport, received } = await listen({ maxConnectionsPerSource: 5 });
    const flood = await Promise.all(
      Array.from({ length: 12 }, () => dialFrom(transport, '127.0.0.6')),
    );
    await waitFor(() => transport.stats().refused['source-limit'] === 7);
    await waitFor(() => flood.filter((c) => c.state.closed).length === 7);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(flood.filter((c) => !c.state.closed)).toHaveLength(5);
    await expectServed(transport, received, '127.0.0.1');
    // A refused address gets a slot back when one of its connections closes.
    flood.find((c) => !c.state.closed)!.socket.destroy();
    await waitFor(() => transport.stats().connectionsOpen === 5);
    await expectServed(transport, received, '127.0.0.6');
  });

  it('a peer that does not read is cut off once its queued octets pass the write cap', async () => {
    const { transport, received } = await listen({ maxWriteBufferBytes: 64 * 1024 });
    const peer = await dialFrom(transport, '127.0.0.7');
    peer.socket.pause();
    peer.socket.write(OPTIONS);
    await waitFor(() => received.length === 1);
    const chunk = Buffer.alloc(256 * 1024, 0x41);
    let rejected = false;
    for (let i = 0; i < 64 && !rejected; i++) {
      await transport.send(chunk, received[0]!.source).catch(() => (rejected = true));
    }
    expect(rejected).toBe(true);
    expect(transport.stats().refused['write-overflow']).toBe(1);
  });
});
