// One relayed media stream of a forwarded session: each RTP packet that reached the recorder
// goes on to the vendor as it is — no jitter buffer, no decoding, SSRC, sequence numbers and
// timestamps untouched — because the vendor records the call, not Callvault. Over SRTP each leg
// has its own keys (RFC 4568: keys are per direction and per session), so the packet is
// authenticated and decrypted with the inbound leg's context and protected again with the
// outbound leg's; the payload itself is never interpreted.
//
// Pure: the host hands in `send` (a UDP socket of the relay) and feeds packets in.
import type { SrtpContext, SrtpFailureReason } from '../../rtp/srtp.js';

export interface RtpRelayTarget {
  readonly address: string;
  readonly port: number;
}

export interface RtpRelayRekey {
  /** The inbound leg's context (the SRC's key from its offer). */
  readonly inbound: SrtpContext;
  /** The outbound leg's context (the key Callvault offered the vendor). */
  readonly outbound: SrtpContext;
}

export interface RtpRelayStreamOptions {
  /** Present when both legs are SRTP: packets are re-keyed from one leg to the other. */
  readonly rekey?: RtpRelayRekey;
  send(packet: Uint8Array, target: RtpRelayTarget): void;
}

export interface RtpRelayStats {
  readonly forwarded: number;
  /** Packets before the vendor answered (no target yet) or after the stream stopped. */
  readonly droppedNoTarget: number;
  /** Not RTP version 2 or shorter than the fixed header (RFC 3550 §5.1). */
  readonly droppedMalformed: number;
  /** SRTP packets the inbound context refused, by reason. */
  readonly droppedSrtp: Readonly<Partial<Record<SrtpFailureReason, number>>>;
}

export interface RtpRelayStream {
  /** Where the vendor's answer says this stream goes; null stops forwarding (stream removed). */
  setTarget(target: RtpRelayTarget | null): void;
  /** One packet as it arrived on the inbound leg. */
  relay(packet: Uint8Array): void;
  stats(): RtpRelayStats;
}

const RTP_FIXED_HEADER = 12;

export function createRtpRelayStream(options: RtpRelayStreamOptions): RtpRelayStream {
  let target: RtpRelayTarget | null = null;
  let forwarded = 0;
  let droppedNoTarget = 0;
  let droppedMalformed = 0;
  const droppedSrtp: Partial<Record<SrtpFailureReason, number>> = {};
  return {
    setTarget(next) {
      target = next;
    },
    relay(packet) {
      if (packet.byteLength < RTP_FIXED_HEADER || (packet[0] ?? 0) >> 6 !== 2) {
        droppedMalformed++;
        return;
      }
      if (target === null) {
        droppedNoTarget++;
        return;
      }
      let out = packet;
      if (options.rekey) {
        const clear = options.rekey.inbound.unprotectRtp(packet);
        if (!clear.ok) {
          droppedSrtp[clear.reason] = (droppedSrtp[clear.reason] ?? 0) + 1;
          return;
        }
        out = options.rekey.outbound.protectRtp(clear.packet);
      }
      forwarded++;
      options.send(out, target);
    },
    stats: () => ({
      forwarded,
      droppedNoTarget,
      droppedMalformed,
      droppedSrtp: { ...droppedSrtp },
    }),
  };
}
