// The soak calls' audio: the e2e conversation pcap (two PCMU RTP flows, 28 s) looped to the call
// length, as a new pcap that SIPp's play_pcap_audio replays. Each repetition continues the
// flows: its packets' capture times, RTP sequence numbers and timestamps are shifted by one
// pass of the conversation, so the recorder sees one unbroken stream per party; the UDP checksums
// are computed again. Only classic pcap, Ethernet, IPv4 and UDP are handled (what the fixture is).

interface Packet {
  readonly timeUs: number;
  readonly frame: Buffer;
  readonly udp: number;
  readonly dport: number;
  readonly seq: number;
  readonly timestamp: number;
}

interface Flow {
  readonly seqPerPass: number;
  readonly timestampPerPass: number;
}

export interface LoopedPcap {
  readonly file: Buffer;
  /** Seconds from the first packet to the end of the last one (its time plus the packet time). */
  readonly audioSeconds: number;
  readonly packets: number;
  readonly flows: number;
}

function readPackets(source: Buffer): { header: Buffer; littleEndian: boolean; packets: Packet[] } {
  if (source.length < 24) throw new Error('pcap shorter than its global header');
  const magic = source.readUInt32LE(0);
  const littleEndian = magic === 0xa1b2c3d4;
  if (!littleEndian && source.readUInt32BE(0) !== 0xa1b2c3d4) {
    throw new Error('not a classic microsecond pcap');
  }
  const u32 = (at: number) => (littleEndian ? source.readUInt32LE(at) : source.readUInt32BE(at));
  if ((u32(20) & 0x0fffffff) !== 1) throw new Error('only Ethernet pcaps are handled');
  const packets: Packet[] = [];
  for (let offset = 24; offset + 16 <= source.length;) {
    const timeUs = u32(offset) * 1e6 + u32(offset + 4);
    const length = u32(offset + 8);
    const frame = source.subarray(offset + 16, offset + 16 + length);
    offset += 16 + length;
    if (frame.length !== length) throw new Error('truncated pcap record');
    if (frame.length < 14 + 20 + 8 + 12 || frame.readUInt16BE(12) !== 0x0800) continue;
    const ihl = (frame[14]! & 0x0f) * 4;
    if (frame[14 + 9] !== 17) continue;
    const udp = 14 + ihl;
    const rtp = udp + 8;
    if (frame.length < rtp + 12 || frame[rtp]! >> 6 !== 2) continue;
    packets.push({
      timeUs,
      frame,
      udp,
      dport: frame.readUInt16BE(udp + 2),
      seq: frame.readUInt16BE(rtp + 2),
      timestamp: frame.readUInt32BE(rtp + 4),
    });
  }
  if (packets.length < 2) throw new Error('the pcap holds no RTP');
  packets.sort((a, b) => a.timeUs - b.timeUs);
  return { header: source.subarray(0, 24), littleEndian, packets };
}

/** The UDP checksum over the IPv4 pseudo header, the UDP header (checksum zero) and the data. */
function udpChecksum(frame: Buffer, udp: number): number {
  const udpLength = frame.readUInt16BE(udp + 4);
  let sum = 0;
  const ip = 14;
  for (let i = 0; i < 8; i += 2) sum += frame.readUInt16BE(ip + 12 + i); // source, destination
  sum += 17 + udpLength;
  for (let i = 0; i < udpLength; i += 2) {
    if (i === 6) continue; // the checksum field
    const hi = frame[udp + i]!;
    const lo = i + 1 < udpLength ? frame[udp + i + 1]! : 0;
    sum += (hi << 8) | lo;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const result = ~sum & 0xffff;
  return result === 0 ? 0xffff : result;
}

/** The conversation repeated until `seconds` of audio (cut at a packet boundary). */
export function loopPcap(source: Buffer, seconds: number): LoopedPcap {
  const { header, littleEndian, packets } = readPackets(source);
  const first = packets[0]!.timeUs;
  const byPort = new Map<number, Packet[]>();
  for (const p of packets) {
    const flow = byPort.get(p.dport);
    if (flow) flow.push(p);
    else byPort.set(p.dport, [p]);
  }
  // The packet time: the smallest gap between two packets of one flow (20 ms in the fixture).
  let ptimeUs = Infinity;
  for (const flow of byPort.values()) {
    for (let i = 1; i < flow.length; i++) {
      const gap = flow[i]!.timeUs - flow[i - 1]!.timeUs;
      if (gap > 0) ptimeUs = Math.min(ptimeUs, gap);
    }
  }
  if (!Number.isFinite(ptimeUs)) throw new Error('the pcap has no flow of two packets or more');
  const passUs = packets.at(-1)!.timeUs - first + ptimeUs;
  const flows = new Map<number, Flow>();
  for (const [port, flow] of byPort) {
    const a = flow[0]!;
    const b = flow.at(-1)!;
    const timestampStep = flow.length > 1 ? (flow[1]!.timestamp - a.timestamp) >>> 0 : 160;
    flows.set(port, {
      seqPerPass: ((b.seq - a.seq) & 0xffff) + 1,
      timestampPerPass: (((b.timestamp - a.timestamp) >>> 0) + timestampStep) >>> 0,
    });
  }
  const limitUs = seconds * 1e6;
  const records: Buffer[] = [header];
  let lastUs = 0;
  let count = 0;
  for (let pass = 0; pass * passUs < limitUs; pass++) {
    for (const p of packets) {
      const atUs = p.timeUs - first + pass * passUs;
      if (atUs + ptimeUs > limitUs) break;
      const flow = flows.get(p.dport)!;
      const frame = Buffer.from(p.frame);
      const rtp = p.udp + 8;
      frame.writeUInt16BE((p.seq + pass * flow.seqPerPass) & 0xffff, rtp + 2);
      frame.writeUInt32BE((p.timestamp + pass * flow.timestampPerPass) >>> 0, rtp + 4);
      frame.writeUInt16BE(0, p.udp + 6);
      frame.writeUInt16BE(udpChecksum(frame, p.udp), p.udp + 6);
      const time = first + atUs;
      const record = Buffer.alloc(16);
      const w = (value: number, at: number) =>
        littleEndian ? record.writeUInt32LE(value, at) : record.writeUInt32BE(value, at);
      w(Math.floor(time / 1e6), 0);
      w(Math.round(time % 1e6), 4);
      w(frame.length, 8);
      w(frame.length, 12);
      records.push(record, frame);
      lastUs = Math.max(lastUs, atUs);
      count++;
    }
  }
  return {
    file: Buffer.concat(records),
    audioSeconds: (lastUs + ptimeUs) / 1e6,
    packets: count,
    flows: flows.size,
  };
}
