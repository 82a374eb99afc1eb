// RTP/RTCP port pairs that are bound as they are handed out: the session handler allocates a pair
// for each answered stream and has its two sockets bound (`bind`) before the SDP answer names
// them, so a port the system refuses is a SIP error rather than a call answered and never
// recorded. The capture then takes each stream's sockets through `receiver`: a port bound here is
// handed over (its datagrams go to the capture's handler from then on; before, none was wanted
// and they are dropped), any other port is bound afresh by the underlying receiver.
//
// A pair's sockets close when the handler has released the pair and the capture (if it took
// them) has let them go; only then is the pair free to be handed out again, so a new call never
// finds its port still held by the last one.
import type { PortPairAllocator } from '../../session/port-pair-allocator.js';
import type {
  UdpBindOptions,
  UdpPacketHandler,
  UdpReceiver,
  UdpReceiverSocket,
} from './udp-receiver.js';

/** What each socket asks the kernel for (the capture's own binds ask the same). */
const RECEIVE_BUFFER_BYTES = 1 << 20;

export interface BoundPortPairs extends PortPairAllocator {
  bind(rtpPorts: readonly number[]): Promise<void>;
  /** Where the capture takes its sockets: the bound ones by port, others bound afresh. */
  readonly receiver: UdpReceiver;
  /** Pairs whose sockets are open. */
  readonly bound: number;
  /**
   * Hands a copy of every datagram arriving on a bound port to `onPacket` as well (a forwarded
   * session's relay), until the returned function is called; a port not bound here: nothing.
   */
  tap(port: number, onPacket: (packet: Uint8Array) => void): () => void;
}

export interface BoundPortPairsOptions {
  readonly allocator: PortPairAllocator;
  readonly receiver: UdpReceiver;
  /** The address the sockets are bound on (the SIP host). */
  readonly host: string;
}

interface BoundSocket {
  socket: UdpReceiverSocket;
  handler: UdpPacketHandler | null;
  tap: ((packet: Uint8Array) => void) | null;
}

interface BoundPair {
  readonly rtpPort: number;
  readonly sockets: BoundSocket[];
  released: boolean;
  closing: Promise<void> | null;
}

export function createBoundPortPairs(options: BoundPortPairsOptions): BoundPortPairs {
  const { allocator, receiver } = options;
  /** By RTP port. */
  const pairs = new Map<number, BoundPair>();
  /** By the port of either socket. */
  const byPort = new Map<number, { pair: BoundPair; socket: BoundSocket }>();

  const bindOne = async (port: number): Promise<BoundSocket> => {
    const target: {
      handler: UdpPacketHandler | null;
      tap: ((packet: Uint8Array) => void) | null;
    } = { handler: null, tap: null };
    const socket = await receiver.bind({
      host: options.host,
      port,
      receiveBufferSize: RECEIVE_BUFFER_BYTES,
      onPacket: (data, source) => {
        // The tap gets its own copy first: the receiver may reuse `data` once the handler returns.
        if (target.tap) target.tap(new Uint8Array(data));
        target.handler?.(data, source);
      },
    });
    return Object.assign(target, { socket });
  };

  /** Closes the pair once it is released and nobody holds its sockets; then frees the ports. */
  const closeIfDone = (pair: BoundPair): Promise<void> => {
    if (pair.closing) return pair.closing;
    if (!pair.released || pair.sockets.some((s) => s.handler !== null)) return Promise.resolve();
    pair.closing = Promise.all(pair.sockets.map((s) => s.socket.close())).then(
      () => undefined,
      () => undefined,
    );
    return pair.closing.then(() => {
      for (const s of pair.sockets) byPort.delete(s.socket.port);
      pairs.delete(pair.rtpPort);
      allocator.release(pair.rtpPort);
    });
  };

  const bindPair = async (rtpPort: number): Promise<void> => {
    if (pairs.has(rtpPort)) return;
    const rtp = await bindOne(rtpPort);
    let rtcp: BoundSocket;
    try {
      rtcp = await bindOne(rtpPort + 1);
    } catch (err) {
      await rtp.socket.close();
      throw err;
    }
    const pair: BoundPair = { rtpPort, sockets: [rtp, rtcp], released: false, closing: null };
    pairs.set(rtpPort, pair);
    byPort.set(rtpPort, { pair, socket: rtp });
    byPort.set(rtpPort + 1, { pair, socket: rtcp });
  };

  const handOver: UdpReceiver = {
    get kind() {
      return receiver.kind;
    },
    get truncatedDatagrams() {
      return receiver.truncatedDatagrams;
    },
    get receivedDatagrams() {
      return receiver.receivedDatagrams;
    },
    bind(bindOptions: UdpBindOptions): Promise<UdpReceiverSocket> {
      const found = byPort.get(bindOptions.port);
      if (!found || found.pair.closing || found.socket.handler !== null) {
        return receiver.bind(bindOptions);
      }
      const { pair, socket } = found;
      socket.handler = bindOptions.onPacket;
      let letGo: Promise<void> | null = null;
      return Promise.resolve({
        port: socket.socket.port,
        drain() {
          if (letGo === null) socket.socket.drain();
        },
        close() {
          letGo ??= (() => {
            // What arrived before the capture let go is the capture's: handed over first.
            socket.socket.drain();
            socket.handler = null;
            return closeIfDone(pair);
          })();
          return letGo;
        },
      });
    },
  };

  return {
    allocate: () => allocator.allocate(),
    release(rtpPort) {
      const pair = pairs.get(rtpPort);
      if (!pair) {
        allocator.release(rtpPort);
        return;
      }
      pair.released = true;
      void closeIfDone(pair);
    },
    async bind(rtpPorts) {
      // On a failure the caller releases every pair it holds: the ones bound here close.
      for (const port of rtpPorts) await bindPair(port);
    },
    get inUse() {
      return allocator.inUse;
    },
    get capacity() {
      return allocator.capacity;
    },
    get bound() {
      return pairs.size;
    },
    tap(port, onPacket) {
      const found = byPort.get(port);
      if (!found) return () => {};
      const { socket } = found;
      socket.tap = onPacket;
      return () => {
        if (socket.tap === onPacket) socket.tap = null;
      };
    },
    receiver: handOver,
  };
}
