// RTP/RTCP port pairs from CALLVAULT_RTP_PORTS (RFC 3550 §11: RTP on an even port, RTCP on the
// next odd one). Pure bookkeeping; an allocator that also binds (media/capture/rtp-port-pairs.ts)
// has the sockets of the pairs it hands out bound before the session handler answers with them.
//
// Pairs are handed out round-robin from a cursor, so a session's streams usually get P, P+2,
// P+4 ... (SIPp's pcap replay depends on that, see e2e/sip/fixtures/README.md) and a port just
// released is the last to be reused (late packets of the old call do not land in a new one).

export interface PortPairAllocator {
  /** The even RTP port of a free pair, or undefined when every pair is in use. */
  allocate(): number | undefined;
  /** Frees a pair by its RTP port; unknown ports are ignored. */
  release(rtpPort: number): void;
  readonly inUse: number;
  readonly capacity: number;
  /**
   * Binds the sockets of pairs this handed out, before they are answered; rejects with the
   * system's error (EADDRINUSE, ...). Absent: nothing to bind (the pairs are bookkeeping only).
   */
  bind?(rtpPorts: readonly number[]): Promise<void>;
}

/**
 * Binds the pairs `held` when the allocator binds: resolves to the error when they cannot be, else
 * null; null at once when there is nothing to bind (no await needed). A session is answered only
 * with ports whose sockets are bound, so a port another process holds is a SIP error to the SRC
 * instead of a call answered and never recorded.
 */
export function bindPortPairs(
  ports: PortPairAllocator,
  held: ReadonlySet<number>,
): Promise<Error | null> | null {
  if (!ports.bind || held.size === 0) return null;
  return ports.bind([...held]).then(
    () => null,
    (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
  );
}

export interface PortRange {
  readonly min: number;
  readonly max: number;
}

export function createPortPairAllocator(range: PortRange): PortPairAllocator {
  const first = range.min % 2 === 0 ? range.min : range.min + 1;
  // The last pair needs its RTCP port inside the range too.
  const last = range.max % 2 === 0 ? range.max - 2 : range.max - 1;
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < 2 || range.max > 65535) {
    throw new RangeError(`RTP port range ${range.min}-${range.max} is not within 2-65535`);
  }
  if (last < first) {
    throw new RangeError(`RTP port range ${range.min}-${range.max} holds no even/odd pair`);
  }
  const capacity = (last - first) / 2 + 1;
  const used = new Set<number>();
  let cursor = first;

  return {
    allocate() {
      if (used.size >= capacity) return undefined;
      for (let tried = 0; tried < capacity; tried++) {
        const port = cursor;
        cursor = cursor >= last ? first : cursor + 2;
        if (!used.has(port)) {
          used.add(port);
          return port;
        }
      }
      return undefined;
    },
    release(rtpPort) {
      used.delete(rtpPort);
    },
    get inUse() {
      return used.size;
    },
    capacity,
  };
}
