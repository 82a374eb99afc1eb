// Receiving UDP datagrams for the capture path: one interface, two implementations.
//
//   batch  the native addon (packages/recorder/native/udp-batch.c): the sockets are watched by the
//          process's libuv loop, drained with recvmmsg(2), and handed to JavaScript once per loop
//          iteration as one batch. Node's dgram calls JavaScript once per datagram, which is most
//          of the cost of receiving RTP; the batch receiver is what lets one process keep up with
//          1000 two-stream calls (bench/capture.bench.ts).
//   dgram  Node's dgram sockets: the fallback when the addon is not built (`make deps` builds it),
//          or by choice (the server's CALLVAULT_UDP_RECEIVER=dgram).
//
// Both deliver each datagram to the socket's handler with its sender; the bytes are valid during
// the call only (the batch receiver reuses its buffer), so a handler copies what it keeps.
// A shared contract test (udp-receiver.test.ts) runs against both.
import dgram from 'node:dgram';
import { loadNativeAddon } from '../../native-addon.js';

export interface UdpSource {
  readonly address: string;
  readonly port: number;
}

/** One datagram; `data` is valid during the call only. */
export type UdpPacketHandler = (data: Uint8Array, source: UdpSource) => void;

export interface UdpBindOptions {
  /** Local address (IPv4 or IPv6 literal; `::` is dual stack). */
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly receiveBufferSize?: number;
  readonly onPacket: UdpPacketHandler;
}

export interface UdpReceiverSocket {
  /** The bound port. */
  readonly port: number;
  /**
   * Hands the datagrams the socket has queued but not yet read to its handler now (batch: read
   * on the spot; dgram cannot read on demand, so nothing: they come when the loop polls).
   */
  drain(): void;
  /**
   * Stops receiving and frees the port. The batch receiver first hands over what is queued (a
   * call's last packets, unread when its BYE was handled); dgram drops it.
   */
  close(): Promise<void>;
}

export interface UdpReceiver {
  readonly kind: 'batch' | 'dgram';
  /** Rejects with the system's error (`code` EADDRINUSE, EADDRNOTAVAIL, ...). */
  bind(options: UdpBindOptions): Promise<UdpReceiverSocket>;
  /** Datagrams longer than the receiver takes, dropped (batch: over 8 KiB; dgram: none). */
  readonly truncatedDatagrams: number;
  /** Datagrams read from the receiver's sockets so far, dropped ones included. */
  readonly receivedDatagrams: number;
}

export function createDgramUdpReceiver(): UdpReceiver {
  let received = 0;
  return {
    kind: 'dgram',
    truncatedDatagrams: 0,
    get receivedDatagrams() {
      return received;
    },
    bind(options) {
      const type = options.host.includes(':') ? 'udp6' : 'udp4';
      const socket = dgram.createSocket({
        type,
        ...(options.receiveBufferSize ? { recvBufferSize: options.receiveBufferSize } : {}),
      });
      return new Promise((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(options.port, options.host, () => {
          socket.off('error', reject);
          // A socket error (ICMP unreachable on some systems) must not end the process.
          socket.on('error', () => undefined);
          const onPacket = options.onPacket;
          socket.on('message', (data, source) => {
            received++;
            onPacket(data, source);
          });
          let closing: Promise<void> | null = null;
          resolve({
            port: socket.address().port,
            drain() {},
            close() {
              closing ??= new Promise<void>((done) => socket.close(() => done()));
              return closing;
            },
          });
        });
      });
    },
  };
}

/** The addon's exports (udp-batch.c). */
interface UdpBatchAddon {
  setup(onBatch: (count: number) => void): {
    data: ArrayBuffer;
    meta: ArrayBuffer;
    metaStride: number;
    maxDatagram: number;
  };
  bind(host: string, port: number, receiveBufferSize: number): number;
  localPort(id: number): number;
  drain(id: number): void;
  close(id: number): void;
}

const FLAG_TRUNCATED = 1;

interface BatchSocket {
  readonly onPacket: UdpPacketHandler;
  /** The last sender, reused while datagrams keep coming from it. */
  source: UdpSource | null;
  family: number;
  port: number;
  a0: number;
  a1: number;
  a2: number;
  a3: number;
}

const hex = (words: Uint8Array, i: number): number => (words[i]! << 8) | words[i + 1]!;

/** The sender's address as Node's dgram writes it (RFC 5952 for IPv6, `::ffff:a.b.c.d` mapped). */
export function formatUdpAddress(family: 4 | 6, bytes: Uint8Array): string {
  if (family === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  const mapped = bytes.subarray(0, 10).every((b) => b === 0) && hex(bytes, 10) === 0xffff;
  if (mapped) return `::ffff:${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  const groups = Array.from({ length: 8 }, (_, g) => hex(bytes, 2 * g));
  // The longest run of two or more zero groups becomes `::` (the first such run on a tie).
  let best = -1;
  let bestLength = 1;
  for (let g = 0; g < 8;) {
    if (groups[g] !== 0) {
      g++;
      continue;
    }
    let end = g;
    while (end < 8 && groups[end] === 0) end++;
    if (end - g > bestLength) {
      best = g;
      bestLength = end - g;
    }
    g = end;
  }
  const text = (from: number, to: number) =>
    groups
      .slice(from, to)
      .map((w) => w.toString(16))
      .join(':');
  return best < 0 ? text(0, 8) : `${text(0, best)}::${text(best + bestLength, 8)}`;
}

/** Why the batch receiver's addon is built but could not be loaded, or null. */
export function batchUdpReceiverLoadError(): Error | null {
  return loadNativeAddon<UdpBatchAddon>('udp-batch.node').error;
}

let batchReceiver: UdpReceiver | null = null;

/**
 * The batch receiver of this process (one per process: it batches across all its sockets), or
 * null when the addon is not built.
 */
export function batchUdpReceiver(): UdpReceiver | null {
  if (batchReceiver) return batchReceiver;
  const { addon } = loadNativeAddon<UdpBatchAddon>('udp-batch.node');
  if (!addon) return null;
  const sockets = new Map<number, BatchSocket>();
  let truncated = 0;
  let received = 0;
  // The addon's buffers are set once: `meta` as int32 per datagram, its address bytes as uint8.
  const shared = addon.setup((count) => onBatch(count));
  const data = shared.data;
  const meta = new Int32Array(shared.meta);
  const metaBytes = new Uint8Array(shared.meta);
  const stride = shared.metaStride;
  const onBatch = (count: number): void => {
    received += count;
    for (let i = 0; i < count; i++) {
      const m = i * stride;
      const socket = sockets.get(meta[m]!);
      if (socket === undefined) continue; // closed while its datagrams waited
      if ((meta[m + 3]! & FLAG_TRUNCATED) !== 0) {
        truncated++;
        continue;
      }
      const port = meta[m + 4]!;
      const family = meta[m + 5]!;
      const a0 = meta[m + 6]!;
      const a1 = meta[m + 7]!;
      const a2 = meta[m + 8]!;
      const a3 = meta[m + 9]!;
      let source = socket.source;
      if (
        source === null ||
        socket.port !== port ||
        socket.a0 !== a0 ||
        socket.a1 !== a1 ||
        socket.a2 !== a2 ||
        socket.a3 !== a3 ||
        socket.family !== family
      ) {
        const bytes = metaBytes.subarray((m + 6) * 4, (m + 10) * 4);
        source = { address: formatUdpAddress(family === 6 ? 6 : 4, bytes), port };
        socket.source = source;
        socket.family = family;
        socket.port = port;
        socket.a0 = a0;
        socket.a1 = a1;
        socket.a2 = a2;
        socket.a3 = a3;
      }
      socket.onPacket(new Uint8Array(data, meta[m + 1], meta[m + 2]), source);
    }
  };

  batchReceiver = {
    kind: 'batch',
    get truncatedDatagrams() {
      return truncated;
    },
    get receivedDatagrams() {
      return received;
    },
    bind(options) {
      // What the addon throws (EADDRINUSE, ...) in the executor becomes the rejection, as with
      // dgram.
      return new Promise((resolve) => {
        const id = addon.bind(options.host, options.port, options.receiveBufferSize ?? 0);
        sockets.set(id, {
          onPacket: options.onPacket,
          source: null,
          family: 0,
          port: 0,
          a0: 0,
          a1: 0,
          a2: 0,
          a3: 0,
        });
        let closed = false;
        resolve({
          port: addon.localPort(id),
          drain() {
            if (!closed) addon.drain(id);
          },
          close() {
            if (!closed) {
              closed = true;
              // The addon hands over what the socket still had queued before it closes it, so
              // the socket's handler stays known until then.
              addon.close(id);
              sockets.delete(id);
            }
            return Promise.resolve();
          },
        });
      });
    },
  };
  return batchReceiver;
}

/** The receiver asked for: `batch` when its addon is built (else dgram), or `dgram`. */
export function selectUdpReceiver(kind: 'batch' | 'dgram' = 'batch'): UdpReceiver {
  return (kind === 'batch' ? batchUdpReceiver() : null) ?? createDgramUdpReceiver();
}

/** The batch receiver when its addon is built, Node's dgram otherwise. */
export function defaultUdpReceiver(): UdpReceiver {
  return selectUdpReceiver('batch');
}
