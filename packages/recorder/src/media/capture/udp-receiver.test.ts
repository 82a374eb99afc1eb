// The UdpReceiver contract, run against both implementations: the native batch receiver
// (udp-batch.c, built by `make deps`) and Node's dgram.
import dgram from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  batchUdpReceiver,
  createDgramUdpReceiver,
  defaultUdpReceiver,
  formatUdpAddress,
  selectUdpReceiver,
  type UdpReceiver,
  type UdpReceiverSocket,
  type UdpSource,
} from './udp-receiver.js';
import { sendQueued } from './queued-datagrams.test-helper.js';

const waitFor = async (check: () => boolean, ms = 3000): Promise<void> => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

const senders: dgram.Socket[] = [];
async function sender(type: 'udp4' | 'udp6' = 'udp4'): Promise<dgram.Socket> {
  const s = dgram.createSocket(type);
  await new Promise<void>((resolve) => s.bind(0, type === 'udp4' ? '127.0.0.1' : '::1', resolve));
  senders.push(s);
  return s;
}
const send = (s: dgram.Socket, port: number, bytes: Uint8Array, host = '127.0.0.1') =>
  new Promise<void>((resolve, reject) =>
    s.send(bytes, port, host, (err) => (err ? reject(err) : resolve())),
  );

const batch = batchUdpReceiver();
const implementations: Array<[string, () => UdpReceiver]> = [
  [
    'batch (native addon)',
    () => {
      // Not skipped when missing: `make deps` builds it, and without it the capture is slower.
      if (!batch) throw new Error('the batch UDP receiver is not built: run `make deps`');
      return batch;
    },
  ],
  ['dgram', createDgramUdpReceiver],
];

describe.each(implementations)('UdpReceiver contract: %s', (_name, make) => {
  const open: UdpReceiverSocket[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await Promise.all(
      senders.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
    );
  });

  async function bind(
    onPacket: (data: Uint8Array, source: UdpSource) => void,
    port = 0,
    host = '127.0.0.1',
  ) {
    const socket = await make().bind({ host, port, receiveBufferSize: 1 << 20, onPacket });
    open.push(socket);
    return socket;
  }

  it('delivers each datagram with its bytes and sender', async () => {
    const got: Array<{ bytes: number[]; source: UdpSource }> = [];
    const receiver = make();
    const before = receiver.receivedDatagrams;
    const socket = await receiver.bind({
      host: '127.0.0.1',
      port: 0,
      onPacket: (data, { address, port }) =>
        got.push({ bytes: [...data], source: { address, port } }),
    });
    open.push(socket);
    expect(socket.port).toBeGreaterThan(0);
    const a = await sender();
    await send(a, socket.port, Uint8Array.from([1, 2, 3]));
    await send(a, socket.port, Uint8Array.from([]));
    await send(a, socket.port, new Uint8Array(1500).fill(7));
    await waitFor(() => got.length === 3);
    expect(got[0]).toEqual({
      bytes: [1, 2, 3],
      source: { address: '127.0.0.1', port: a.address().port },
    });
    expect(got[1]!.bytes).toEqual([]);
    expect(got[2]!.bytes).toHaveLength(1500);
    expect(got[2]!.bytes.every((b) => b === 7)).toBe(true);
    expect(receiver.receivedDatagrams - before).toBe(3);
  });

  it('keeps every socket apart and every datagram of a burst, in order', async () => {
    const got = new Map<number, number[]>();
    const sockets = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        bind((data) => {
          const list = got.get(i) ?? [];
          list.push(data[0]! | (data[1]! << 8));
          got.set(i, list);
        }),
      ),
    );
    const a = await sender();
    for (let n = 0; n < 50; n++) {
      await Promise.all(sockets.map((s) => send(a, s.port, Uint8Array.from([n, 0]))));
    }
    await waitFor(() => [...got.values()].reduce((sum, l) => sum + l.length, 0) === 1000);
    for (let i = 0; i < 20; i++) {
      expect(got.get(i)).toEqual(Array.from({ length: 50 }, (_, n) => n));
    }
  });

  it('tells senders apart: a new sender gives a new source', async () => {
    const got: UdpSource[] = [];
    const socket = await bind((_data, source) => got.push(source));
    const [a, b] = [await sender(), await sender()];
    await send(a, socket.port, Uint8Array.from([1]));
    await send(b, socket.port, Uint8Array.from([2]));
    await send(a, socket.port, Uint8Array.from([3]));
    await waitFor(() => got.length === 3);
    expect(got.map((s) => s.port)).toEqual([a.address().port, b.address().port, a.address().port]);
  });

  it('refuses a port in use with EADDRINUSE, and frees the port on close', async () => {
    const first = await bind(() => undefined);
    await expect(bind(() => undefined, first.port)).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
    await first.close();
    await first.close(); // twice is harmless
    const got: number[] = [];
    const again = await bind((data) => got.push(data[0]!), first.port);
    expect(again.port).toBe(first.port);
    const a = await sender();
    await send(a, again.port, Uint8Array.from([9]));
    await waitFor(() => got.length === 1);
  });

  it('delivers nothing after close', async () => {
    const got: number[] = [];
    const socket = await bind((data) => got.push(data[0]!));
    const a = await sender();
    await send(a, socket.port, Uint8Array.from([1]));
    await waitFor(() => got.length === 1);
    await socket.close();
    await send(a, socket.port, Uint8Array.from([2])).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(got).toEqual([1]);
  });

  it('receives on IPv6 (dual stack on ::) with the sender as dgram writes it', async () => {
    const got: UdpSource[] = [];
    const socket = await bind((_data, { address, port }) => got.push({ address, port }), 0, '::');
    const v6 = await sender('udp6');
    const v4 = await sender('udp4');
    await send(v6, socket.port, Uint8Array.from([1]), '::1');
    await waitFor(() => got.length === 1);
    await send(v4, socket.port, Uint8Array.from([2]), '127.0.0.1');
    await waitFor(() => got.length === 2);
    expect(got).toEqual([
      { address: '::1', port: v6.address().port },
      { address: '::ffff:127.0.0.1', port: v4.address().port },
    ]);
  });
});

/** A socket of the batch receiver on loopback, each datagram passed to `onPacket`. */
function bindBatch(onPacket: (data: Uint8Array) => void): Promise<UdpReceiverSocket> {
  // Not skipped when missing: `make deps` builds it, and without it the capture is slower.
  if (!batch) throw new Error('the batch UDP receiver is not built: run `make deps`');
  return batch.bind({ host: '127.0.0.1', port: 0, onPacket });
}

const text = (data: Uint8Array): string => Buffer.from(data).toString();

describe('batch receiver limits', () => {
  it('drops and counts a datagram longer than 8 KiB, and goes on with the next', async () => {
    const got: number[] = [];
    const socket = await bindBatch((data) => got.push(data.length));
    try {
      const before = batch!.truncatedDatagrams;
      const a = await sender();
      await send(a, socket.port, new Uint8Array(8192).fill(1));
      await send(a, socket.port, new Uint8Array(8193).fill(2));
      await send(a, socket.port, new Uint8Array(60000).fill(3));
      await send(a, socket.port, Uint8Array.from([4]));
      await waitFor(() => got.length === 2 && batch!.truncatedDatagrams === before + 2);
      expect(got).toEqual([8192, 1]);
    } finally {
      await socket.close();
      senders.splice(0).forEach((s) => s.close());
    }
  });
});

describe('batch receiver: what is queued when the socket closes', () => {
  it('is handed to the handler before close returns, in order, and nothing after', async () => {
    const got: string[] = [];
    const socket = await bindBatch((data) => got.push(text(data)));
    sendQueued(socket.port, 200);
    expect(got).toEqual([]);
    void socket.close();
    expect(got).toEqual(Array.from({ length: 200 }, (_, i) => `queued ${i}`));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(got).toHaveLength(200);
  });

  it('drain() hands it over while the socket stays open', async () => {
    const got: string[] = [];
    const socket = await bindBatch((data) => got.push(text(data)));
    try {
      sendQueued(socket.port, 3);
      socket.drain();
      expect(got).toEqual(['queued 0', 'queued 1', 'queued 2']);
      const a = await sender();
      await send(a, socket.port, Buffer.from('later'));
      await waitFor(() => got.length === 4);
      expect(got[3]).toBe('later');
    } finally {
      await socket.close();
      senders.splice(0).forEach((s) => s.close());
    }
  });

  it('a handler that closes its own socket mid-batch ends that socket’s delivery there', async () => {
    const got: string[] = [];
    let socket: UdpReceiverSocket | null = null;
    socket = await bindBatch((data) => {
      got.push(text(data));
      if (got.length === 2) void socket?.close();
    });
    sendQueued(socket.port, 5);
    await waitFor(() => got.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(got).toEqual(['queued 0', 'queued 1']);
  });
});

describe('batch receiver in a worker thread', () => {
  it('a worker ending with a socket still open is torn down cleanly (its handles closed)', async () => {
    const addon = fileURLToPath(new URL('../../../native/build/udp-batch.node', import.meta.url));
    const code = `
      const { parentPort } = require('node:worker_threads');
      const m = require(${JSON.stringify(addon)});
      m.setup(() => {});
      const id = m.bind('127.0.0.1', 0, 0);
      parentPort.postMessage(m.localPort(id));`;
    for (let i = 0; i < 3; i++) {
      const worker = new Worker(code, { eval: true });
      const port = await new Promise<number>((resolve) => worker.once('message', resolve));
      expect(port).toBeGreaterThan(0);
      // Before the async cleanup hook this crashed the whole process (a segfault).
      await worker.terminate();
      // The port was closed with the worker.
      const again = await createDgramUdpReceiver().bind({
        host: '127.0.0.1',
        port,
        onPacket: () => undefined,
      });
      await again.close();
    }
  });
});

describe('selectUdpReceiver', () => {
  it('is the batch receiver when the addon is built, dgram when asked for', () => {
    expect(defaultUdpReceiver().kind).toBe(batch ? 'batch' : 'dgram');
    expect(selectUdpReceiver('batch').kind).toBe(batch ? 'batch' : 'dgram');
    expect(selectUdpReceiver('dgram').kind).toBe('dgram');
  });
});

describe('formatUdpAddress (RFC 5952 §4)', () => {
  const v6 = (groups: number[]) => Uint8Array.from(groups.flatMap((g) => [g >> 8, g & 0xff]));
  it.each([
    [[0x2001, 0xdb8, 0, 0, 0, 0, 0, 1], '2001:db8::1'],
    [[0, 0, 0, 0, 0, 0, 0, 1], '::1'],
    [[0, 0, 0, 0, 0, 0, 0, 0], '::'],
    [[0x2001, 0xdb8, 0, 1, 1, 1, 1, 1], '2001:db8:0:1:1:1:1:1'], // one zero group stays
    [[0x2001, 0, 0, 1, 0, 0, 0, 1], '2001:0:0:1::1'], // the longer run is shortened
    [[0x2001, 0xdb8, 0, 0, 1, 0, 0, 1], '2001:db8::1:0:0:1'], // the first of equal runs
    [[0xfe80, 0, 0, 0, 0xabcd, 0xef, 0, 0], 'fe80::abcd:ef:0:0'],
    [[0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201], '::ffff:192.0.2.1'],
  ])('%j → %s', (groups, text) => {
    expect(formatUdpAddress(6, v6(groups))).toBe(text);
  });
  it('IPv4', () => {
    expect(formatUdpAddress(4, Uint8Array.from([192, 0, 2, 33]))).toBe('192.0.2.33');
  });
  it('matches the WHATWG URL serializer (RFC 5952 compression) on any address', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), {
          minLength: 8,
          maxLength: 8,
        }),
        (groups) => {
          const bytes = v6(groups);
          const text = formatUdpAddress(6, bytes);
          if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
            expect(text).toMatch(/^::ffff:\d+\.\d+\.\d+\.\d+$/);
          } else {
            expect(`[${text}]`).toBe(new URL(`http://[${text}]/`).hostname);
            expect(new URL(`http://[${text}]/`).hostname).toBe(
              new URL(`http://[${groups.map((g) => g.toString(16)).join(':')}]/`).hostname,
            );
          }
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 2000) },
    );
  });
});
