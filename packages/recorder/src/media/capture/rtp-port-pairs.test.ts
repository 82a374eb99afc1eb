// Port pairs bound as they are handed out, on real loopback sockets: both sockets of a pair are
// bound by `bind`, the capture takes them over through `receiver` (datagrams reach it from then
// on), and the pair's sockets close, and the pair is free again, once the handler released it
// and the capture let it go.
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { createPortPairAllocator } from '../../session/port-pair-allocator.js';
import { createBoundPortPairs, type BoundPortPairs } from './rtp-port-pairs.js';
import { sendQueued } from './queued-datagrams.test-helper.js';
import { batchUdpReceiver, createDgramUdpReceiver, type UdpReceiver } from './udp-receiver.js';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) await f();
});

/** A range of two pairs somewhere among the high ports (each test its own). */
let nextBase = 40000 + 2 * Math.floor(Math.random() * 5000);
function setUp(receiver: UdpReceiver = createDgramUdpReceiver()): {
  pairs: BoundPortPairs;
  base: number;
} {
  const base = nextBase;
  nextBase += 8;
  const pairs = createBoundPortPairs({
    allocator: createPortPairAllocator({ min: base, max: base + 3 }),
    receiver,
    host: '127.0.0.1',
  });
  return { pairs, base };
}

/** Whether another socket can bind the port now. */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function sendTo(port: number, text: string): Promise<void> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) =>
    s.send(Buffer.from(text), port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
  );
  s.close();
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('createBoundPortPairs', () => {
  it('binds both sockets of each pair it handed out', async () => {
    const { pairs, base } = setUp();
    const port = pairs.allocate()!;
    expect(port).toBe(base);
    await pairs.bind([port]);
    cleanup.push(() => pairs.release(port));
    expect(pairs.bound).toBe(1);
    expect(await canBind(port)).toBe(false);
    expect(await canBind(port + 1)).toBe(false);
  });

  it('a port held elsewhere rejects with the system error, and nothing of the pair stays bound', async () => {
    const { pairs, base } = setUp();
    const holder = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => holder.bind(base + 1, '127.0.0.1', () => resolve()));
    cleanup.push(() => new Promise<void>((resolve) => holder.close(() => resolve())));
    const port = pairs.allocate()!;
    await expect(pairs.bind([port])).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(pairs.bound).toBe(0);
    expect(await canBind(port)).toBe(true);
    pairs.release(port);
    expect(pairs.inUse).toBe(0);
  });

  it('the capture takes the bound sockets over: datagrams reach its handler, none before', async () => {
    const { pairs } = setUp();
    const port = pairs.allocate()!;
    await pairs.bind([port]);
    await sendTo(port, 'before');
    await settle();
    const got: string[] = [];
    const rtp = await pairs.receiver.bind({
      host: '127.0.0.1',
      port,
      onPacket: (data) => got.push(Buffer.from(data).toString()),
    });
    const rtcp = await pairs.receiver.bind({
      host: '127.0.0.1',
      port: port + 1,
      onPacket: (data) => got.push(`rtcp ${Buffer.from(data).toString()}`),
    });
    expect(rtp.port).toBe(port);
    await sendTo(port, 'rtp');
    await sendTo(port + 1, 'report');
    await settle();
    expect(got.sort()).toEqual(['rtcp report', 'rtp']);
    await rtp.close();
    await rtcp.close();
    pairs.release(port);
    await settle();
    expect(pairs.bound).toBe(0);
  });

  it('what the bound socket has queued when the capture lets go is the capture’s (batch receiver)', async () => {
    const receiver = batchUdpReceiver();
    if (!receiver) throw new Error('the batch UDP receiver is not built: run `make deps`');
    const { pairs } = setUp(receiver);
    const port = pairs.allocate()!;
    await pairs.bind([port]);
    const got: string[] = [];
    const rtp = await pairs.receiver.bind({
      host: '127.0.0.1',
      port,
      onPacket: (data) => got.push(Buffer.from(data).toString()),
    });
    // The call's last packets, unread when its BYE is handled and the capture closes.
    sendQueued(port, 20);
    const closing = rtp.close();
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => `queued ${i}`));
    pairs.release(port);
    await closing;
    await settle();
    expect(pairs.bound).toBe(0);
  });

  it('released while the capture holds it: closed and freed only when the capture lets go', async () => {
    const { pairs } = setUp();
    const port = pairs.allocate()!;
    await pairs.bind([port]);
    const rtp = await pairs.receiver.bind({ host: '127.0.0.1', port, onPacket: () => {} });
    pairs.release(port);
    await settle();
    expect(pairs.inUse).toBe(1);
    expect(await canBind(port)).toBe(false);
    await rtp.close();
    await settle();
    expect(pairs.inUse).toBe(0);
    expect(pairs.bound).toBe(0);
    expect(await canBind(port)).toBe(true);
    expect(await canBind(port + 1)).toBe(true);
  });

  it('a port it did not bind is bound afresh by the underlying receiver', async () => {
    const { pairs, base } = setUp();
    const got: string[] = [];
    const socket = await pairs.receiver.bind({
      host: '127.0.0.1',
      port: base + 6,
      onPacket: (data) => got.push(Buffer.from(data).toString()),
    });
    cleanup.push(() => socket.close());
    await sendTo(base + 6, 'fresh');
    await settle();
    expect(got).toEqual(['fresh']);
    expect(pairs.receiver.kind).toBe('dgram');
  });
});
