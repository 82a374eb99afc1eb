// Minimal reader for classic libpcap files carrying UDP datagrams (test captures and the load
// generator). Pure: takes the file bytes, returns datagrams. Formats: libpcap 2.4 with
// microsecond (0xA1B2C3D4) or nanosecond (0xA1B23C4D) timestamps, either byte order; link types
// Ethernet (1, with 802.1Q tags), raw IP (101), Linux cooked (113) and BSD loopback (0).
// IPv4 (no fragments) and IPv6 (no extension headers) with UDP.

export interface PcapUdpDatagram {
  /** Capture time in milliseconds since the epoch (fractional). */
  timeMs: number;
  sourceAddress: string;
  sourcePort: number;
  destinationAddress: string;
  destinationPort: number;
  /** UDP payload, a view into the file bytes. */
  payload: Uint8Array;
}

export interface PcapReadResult {
  linkType: number;
  datagrams: PcapUdpDatagram[];
  /** Records that were not IPv4/IPv6 UDP (ARP, TCP, fragments, ...). */
  skipped: number;
}

/*
 * Global header (24 bytes):
 * | magic(4) | major(2) | minor(2) | thiszone(4) | sigfigs(4) | snaplen(4) | linktype(4) |
 * Record header (16 bytes):
 * | ts_sec(4) | ts_usec or ts_nsec(4) | incl_len(4) | orig_len(4) | incl_len bytes of packet |
 */
/** Read every UDP datagram from a classic pcap file. Throws RangeError on a malformed file. */
export function readPcapUdpDatagrams(file: Uint8Array): PcapReadResult {
  if (file.length < 24) throw new RangeError('pcap file shorter than its global header');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magicBig = view.getUint32(0, false);
  let littleEndian: boolean;
  let nanoseconds: boolean;
  switch (magicBig) {
    case 0xa1b2c3d4:
      littleEndian = false;
      nanoseconds = false;
      break;
    case 0xd4c3b2a1:
      littleEndian = true;
      nanoseconds = false;
      break;
    case 0xa1b23c4d:
      littleEndian = false;
      nanoseconds = true;
      break;
    case 0x4d3cb2a1:
      littleEndian = true;
      nanoseconds = true;
      break;
    default:
      throw new RangeError(`not a classic pcap file (magic 0x${magicBig.toString(16)})`);
  }
  const linkType = view.getUint32(20, littleEndian) & 0x0fffffff;
  const datagrams: PcapUdpDatagram[] = [];
  let skipped = 0;
  let offset = 24;
  while (offset + 16 <= file.length) {
    const seconds = view.getUint32(offset, littleEndian);
    const fraction = view.getUint32(offset + 4, littleEndian);
    const included = view.getUint32(offset + 8, littleEndian);
    const start = offset + 16;
    if (start + included > file.length) throw new RangeError(`record at ${offset} is truncated`);
    const frame = file.subarray(start, start + included);
    offset = start + included;
    const timeMs = seconds * 1000 + (nanoseconds ? fraction / 1e6 : fraction / 1e3);
    const ip = extractIpPacket(frame, linkType, littleEndian);
    const udp = ip ? parseIpUdp(ip) : null;
    if (udp) datagrams.push({ timeMs, ...udp });
    else skipped++;
  }
  return { linkType, datagrams, skipped };
}

function extractIpPacket(frame: Uint8Array, linkType: number, le: boolean): Uint8Array | null {
  switch (linkType) {
    case 1: {
      // Ethernet II: dst(6) src(6) ethertype(2), with optional 802.1Q tags (0x8100 / 0x88A8).
      let offset = 12;
      while (offset + 2 <= frame.length) {
        const type = (frame[offset]! << 8) | frame[offset + 1]!;
        if (type === 0x8100 || type === 0x88a8) {
          offset += 4;
          continue;
        }
        return type === 0x0800 || type === 0x86dd ? frame.subarray(offset + 2) : null;
      }
      return null;
    }
    case 101:
      return frame;
    case 113: {
      // Linux cooked capture: 16-byte header, protocol in the last two bytes.
      if (frame.length < 16) return null;
      const type = (frame[14]! << 8) | frame[15]!;
      return type === 0x0800 || type === 0x86dd ? frame.subarray(16) : null;
    }
    case 0: {
      // BSD loopback: 4-byte address family in the capturing host's byte order.
      if (frame.length < 4) return null;
      const view = new DataView(frame.buffer, frame.byteOffset, 4);
      const family = view.getUint32(0, le);
      return family === 2 || family === 24 || family === 28 || family === 30
        ? frame.subarray(4)
        : null;
    }
    default:
      return null;
  }
}

type UdpFields = Omit<PcapUdpDatagram, 'timeMs'>;

function parseIpUdp(ip: Uint8Array): UdpFields | null {
  if (ip.length < 1) return null;
  const version = ip[0]! >> 4;
  let udpOffset: number;
  let udpEnd: number;
  let source: string;
  let destination: string;
  if (version === 4) {
    const ihl = (ip[0]! & 0x0f) * 4;
    if (ip.length < ihl + 8 || ihl < 20 || ip[9] !== 17) return null;
    const flagsFragment = (ip[6]! << 8) | ip[7]!;
    if ((flagsFragment & 0x3fff) !== 0) return null; // fragmented: not reassembled here
    const totalLength = (ip[2]! << 8) | ip[3]!;
    udpOffset = ihl;
    udpEnd = Math.min(ip.length, totalLength);
    source = Array.from(ip.subarray(12, 16)).join('.');
    destination = Array.from(ip.subarray(16, 20)).join('.');
  } else if (version === 6) {
    if (ip.length < 48 || ip[6] !== 17) return null;
    const payloadLength = (ip[4]! << 8) | ip[5]!;
    udpOffset = 40;
    udpEnd = Math.min(ip.length, 40 + payloadLength);
    source = formatIpv6(ip.subarray(8, 24));
    destination = formatIpv6(ip.subarray(24, 40));
  } else {
    return null;
  }
  const udpLength = (ip[udpOffset + 4]! << 8) | ip[udpOffset + 5]!;
  if (udpLength < 8 || udpOffset + udpLength > udpEnd) return null;
  return {
    sourceAddress: source,
    sourcePort: (ip[udpOffset]! << 8) | ip[udpOffset + 1]!,
    destinationAddress: destination,
    destinationPort: (ip[udpOffset + 2]! << 8) | ip[udpOffset + 3]!,
    payload: ip.subarray(udpOffset + 8, udpOffset + udpLength),
  };
}

function formatIpv6(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return groups.join(':');
}
