// Which sender a stream's RTP port takes media from: the latching rules of symmetric RTP
// (RFC 4961) as an SBC's media relay or a NAT makes them necessary. Pure: the clock is injected and
// nothing here touches a socket, so the rules are tested packet by packet.
//
//   signalled     media is taken from the address of the SDP `c=` line (any port: the SRC's send
//                 port need not be the one it offered); nothing else is ever latched.
//   first-source  as above, and besides, the first sender of any address latches while the
//                 stream's window (windowMs after it was bound or re-offered) is open: an SRC
//                 behind NAT sends from an address it cannot signal.
//
// One source at a time: once latched, other senders are dropped (and counted by the caller). The
// latch moves to another sender only
//   - after a re-offer (`reoffer`): the first eligible sender other than the latched one, within
//     the window, takes over (a transfer or 3-way call moved the SRC's media), once per re-offer;
//   - on an SSRC change (RFC 3550 §8.2): a sender with another SSRC than the latched one's, from
//     an eligible address or the latched address, that sends `probationPackets` packets in a row
//     while the latched sender sends none (an SRC that moved its media without a re-offer). Its
//     packets before that are dropped; two senders taking turns never pass the probation.

export type MediaLatchingMode = 'signalled' | 'first-source';

export const MEDIA_LATCHING_MODES: readonly MediaLatchingMode[] = ['signalled', 'first-source'];

/** Default: accept the first sender within 5 s (NAT), as symmetric-RTP relays do. */
export const DEFAULT_MEDIA_LATCHING: MediaLatchingMode = 'first-source';
export const DEFAULT_LATCH_WINDOW_MS = 5_000;
/** Consecutive packets a new SSRC needs to take over without a re-offer (60 ms of 20 ms audio). */
export const DEFAULT_LATCH_PROBATION_PACKETS = 3;

export interface RtpSourceLatchOptions {
  readonly mode: MediaLatchingMode;
  /** The SDP `c=` address; undefined, empty, 0.0.0.0 or :: accept any address. */
  readonly signalledAddress?: string;
  /** How long after binding (and after each re-offer) a new sender may latch. */
  readonly windowMs?: number;
  readonly probationPackets?: number;
  /** Milliseconds (any monotonic origin). */
  readonly now: () => number;
}

/**
 * `accept`: from the latched sender; `latched`: the first sender, accepted; `relatched`: a new
 * sender took over, accepted; `foreign`: dropped.
 */
export type RtpSourceVerdict = 'accept' | 'latched' | 'relatched' | 'foreign';

interface Source {
  readonly address: string;
  readonly port: number;
  ssrc: number;
}

function normalise(address: string | undefined): string | null {
  if (address === undefined || address === '' || address === '0.0.0.0' || address === '::') {
    return null;
  }
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export class RtpSourceLatch {
  private readonly mode: MediaLatchingMode;
  private readonly windowMs: number;
  private readonly probation: number;
  private readonly now: () => number;
  private signalled: string | null;
  private windowEndsAt: number;
  private latched: Source | null = null;
  /** A re-offer waits for its new sender. */
  private moving = false;
  private candidate: (Source & { count: number }) | null = null;

  constructor(options: RtpSourceLatchOptions) {
    this.mode = options.mode;
    this.windowMs = options.windowMs ?? DEFAULT_LATCH_WINDOW_MS;
    this.probation = Math.max(1, options.probationPackets ?? DEFAULT_LATCH_PROBATION_PACKETS);
    this.now = options.now;
    this.signalled = normalise(options.signalledAddress);
    this.windowEndsAt = this.now() + this.windowMs;
  }

  /** The latched sender as `address:port`, or null. */
  get source(): string | null {
    return this.latched === null ? null : `${this.latched.address}:${this.latched.port}`;
  }

  /** A re-offer (re-INVITE or UPDATE with SDP): the SRC's media may come from elsewhere now. */
  reoffer(signalledAddress?: string): void {
    this.signalled = normalise(signalledAddress);
    this.windowEndsAt = this.now() + this.windowMs;
    this.moving = this.latched !== null;
    this.candidate = null;
  }

  private eligible(address: string): boolean {
    if (this.signalled === null || address === this.signalled) return true;
    return this.mode === 'first-source' && this.now() < this.windowEndsAt;
  }

  /** The verdict on one RTP packet from `address:port` with `ssrc`. */
  check(rawAddress: string, port: number, ssrc: number): RtpSourceVerdict {
    const address = normalise(rawAddress) ?? rawAddress;
    const latched = this.latched;
    if (latched === null) {
      if (!this.eligible(address)) return 'foreign';
      this.latched = { address, port, ssrc };
      return 'latched';
    }
    if (latched.address === address && latched.port === port) {
      latched.ssrc = ssrc;
      this.candidate = null;
      return 'accept';
    }
    if (this.moving && this.now() < this.windowEndsAt && this.eligible(address)) {
      this.moving = false;
      this.latched = { address, port, ssrc };
      this.candidate = null;
      return 'relatched';
    }
    if (ssrc === latched.ssrc || !(address === latched.address || this.eligible(address))) {
      return 'foreign';
    }
    const c = this.candidate;
    if (c !== null && c.address === address && c.port === port && c.ssrc === ssrc) c.count++;
    else this.candidate = { address, port, ssrc, count: 1 };
    if (this.candidate!.count < this.probation) return 'foreign';
    this.latched = { address, port, ssrc };
    this.candidate = null;
    this.moving = false;
    return 'relatched';
  }
}
