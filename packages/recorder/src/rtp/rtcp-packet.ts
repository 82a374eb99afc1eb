// RTCP recognition and compound-packet walking.
// RFC 5761 §4 (demultiplexing RTP and RTCP on one port), RFC 3550 §6.1 (compound packets),
// §6.4.1 SR, §6.4.2 RR, §6.5 SDES, §6.6 BYE, §6.7 APP, Appendix A.2 (header validity checks).
// The recorder only needs to recognise RTCP and count what it carries; media comes from RTP.

export const RTCP_PACKET_TYPE = {
  SR: 200,
  RR: 201,
  SDES: 202,
  BYE: 203,
  APP: 204,
} as const;

/**
 * RFC 5761 §4: RTCP packet types 200-204 collide with RTP payload types 72-76 when the marker bit
 * is set, so on a shared port "if the value of the second octet is in the range 192-223 the packet
 * is RTCP" (the range also covers feedback 205/206 and XR 207). Version must be 2 either way.
 */
export function isRtcpPacket(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  if (bytes[0]! >> 6 !== 2) return false;
  const second = bytes[1]!;
  return second >= 192 && second <= 223;
}

/*
 * RFC 3550 §6.4.1 common header of every RTCP packet in a compound:
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    RC   |   PT=SR=200   |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         SSRC of sender                        |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * length = number of 32-bit words minus one, including header and padding.
 */
export interface RtcpPacketSummary {
  packetType: number;
  /** RC / SC / subtype field (5 bits). */
  count: number;
  /** Whole packet length in bytes (header included). */
  byteLength: number;
  /** First SSRC/CSRC after the header (sender SSRC for SR/RR/APP, first chunk for SDES/BYE). */
  ssrc: number | null;
}

export interface RtcpCompoundSummary {
  packets: RtcpPacketSummary[];
  senderReports: number;
  receiverReports: number;
  sourceDescriptions: number;
  byes: number;
  /** SSRCs/CSRCs that said goodbye (RFC 3550 §6.6). */
  byeSsrcs: number[];
  other: number;
}

export type RtcpParseErrorReason =
  'too-short' | 'bad-version' | 'bad-first-packet' | 'bad-length' | 'bad-padding';

export type RtcpParseResult =
  | { ok: true; compound: RtcpCompoundSummary }
  | { ok: false; reason: RtcpParseErrorReason; detail: string };

/**
 * Walk an RTCP compound packet applying the RFC 3550 Appendix A.2 validity checks: version 2 on
 * every packet, the first packet is SR or RR without padding, only the last packet may be
 * padded, and the lengths add up to the datagram exactly.
 */
export function parseRtcpCompound(bytes: Uint8Array): RtcpParseResult {
  if (bytes.length < 4) return { ok: false, reason: 'too-short', detail: `${bytes.length} bytes` };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const compound: RtcpCompoundSummary = {
    packets: [],
    senderReports: 0,
    receiverReports: 0,
    sourceDescriptions: 0,
    byes: 0,
    byeSsrcs: [],
    other: 0,
  };
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 4 > bytes.length) {
      return { ok: false, reason: 'bad-length', detail: `trailing ${bytes.length - offset} bytes` };
    }
    const b0 = bytes[offset]!;
    if (b0 >> 6 !== 2) return { ok: false, reason: 'bad-version', detail: `at byte ${offset}` };
    const padded = (b0 & 0x20) !== 0;
    const count = b0 & 0x1f;
    const packetType = bytes[offset + 1]!;
    const byteLength = (view.getUint16(offset + 2) + 1) * 4;
    if (offset === 0 && (padded || (packetType !== 200 && packetType !== 201))) {
      return {
        ok: false,
        reason: 'bad-first-packet',
        detail: `first packet type ${packetType}${padded ? ' with padding' : ''}`,
      };
    }
    const end = offset + byteLength;
    if (end > bytes.length) {
      return { ok: false, reason: 'bad-length', detail: `packet at ${offset} overruns datagram` };
    }
    if (padded && end !== bytes.length) {
      return { ok: false, reason: 'bad-padding', detail: 'only the last packet may be padded' };
    }
    let bodyEnd = end;
    if (padded) {
      const pad = bytes[end - 1]!;
      if (pad === 0 || pad > byteLength - 4) {
        return { ok: false, reason: 'bad-padding', detail: `padding count ${pad}` };
      }
      bodyEnd -= pad;
    }
    const ssrc = byteLength >= 8 && bodyEnd - offset >= 8 ? view.getUint32(offset + 4) : null;
    compound.packets.push({ packetType, count, byteLength, ssrc });
    switch (packetType) {
      case RTCP_PACKET_TYPE.SR:
        compound.senderReports++;
        break;
      case RTCP_PACKET_TYPE.RR:
        compound.receiverReports++;
        break;
      case RTCP_PACKET_TYPE.SDES:
        compound.sourceDescriptions++;
        break;
      case RTCP_PACKET_TYPE.BYE:
        compound.byes++;
        // RFC 3550 §6.6: SC counts the SSRC/CSRC identifiers that follow the header.
        for (let i = 0; i < count && offset + 4 + (i + 1) * 4 <= bodyEnd; i++) {
          compound.byeSsrcs.push(view.getUint32(offset + 4 + i * 4));
        }
        break;
      default:
        compound.other++;
    }
    offset = end;
  }
  return { ok: true, compound };
}
