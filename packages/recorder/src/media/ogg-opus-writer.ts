// Ogg Opus files: RFC 7845 (Ogg encapsulation for Opus) on RFC 3533 (the Ogg bitstream format).
// Pure: packets in, page bytes out; the encoder (codecs/opus-encoder.ts) and the file are the
// caller's.
//
// RFC 3533 §6, one page:
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | capture_pattern: "OggS"                                       |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | version (0)   | header_type   | granule_position (64 bits LE) |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
//   |                                                               |
//   +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                               | bitstream_serial_number       |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                               | page_sequence_number          |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                               | CRC_checksum                  |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                               | page_segments | segment_table |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   | ... segment_table (one lacing value per segment), then the packet data
//
// header_type: 0x01 continued packet, 0x02 first page (BOS), 0x04 last page (EOS). The CRC is
// over the whole page with its own field zeroed (§6: generator 0x04c11db7, initial 0, not
// reflected, no final XOR). A packet is laced as 255-byte segments and one shorter (possibly
// empty) segment; a page holds at most 255 segments.
//
// RFC 7845 §3-§5: the first page holds only the ID header (OpusHead), the comment header
// (OpusTags) ends its own page, audio starts on a new page. Granule positions count 48 kHz
// samples including the pre-skip (§4); the last page's granule trims the padding of the last
// packet (§4.5), so the decoded length equals the input's.

/** Opus granule positions always count 48 kHz samples (RFC 7845 §4). */
export const OGG_OPUS_GRANULE_RATE = 48000;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let b = 0; b < 8; b++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** RFC 3533 §6 CRC-32 (poly 0x04c11db7, initial 0, not reflected, no final XOR). */
export function oggCrc32(bytes: Uint8Array, crc = 0): number {
  let r = crc >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    r = ((r << 8) ^ CRC_TABLE[((r >>> 24) ^ bytes[i]!) & 0xff]!) >>> 0;
  }
  return r;
}

export const OGG_CONTINUED = 0x01;
export const OGG_BOS = 0x02;
export const OGG_EOS = 0x04;

export interface OggPageFields {
  readonly headerType: number;
  /** -1 (all ones) when no packet ends on the page. */
  readonly granulePosition: bigint;
  readonly serial: number;
  readonly sequence: number;
  /** Whole packets; each must fit in one page (under 255 × 255 bytes with its lacing). */
  readonly packets: readonly Uint8Array[];
}

/** One Ogg page (RFC 3533 §6) with its CRC. */
export function buildOggPage(fields: OggPageFields): Uint8Array {
  let segments = 0;
  let bodyBytes = 0;
  for (const p of fields.packets) {
    segments += Math.floor(p.length / 255) + 1;
    bodyBytes += p.length;
  }
  if (segments > 255) throw new RangeError(`an Ogg page holds 255 segments, not ${segments}`);
  const page = new Uint8Array(27 + segments + bodyBytes);
  const view = new DataView(page.buffer);
  page.set([0x4f, 0x67, 0x67, 0x53], 0); // "OggS"
  page[4] = 0;
  page[5] = fields.headerType;
  view.setBigInt64(6, fields.granulePosition, true);
  view.setUint32(14, fields.serial >>> 0, true);
  view.setUint32(18, fields.sequence >>> 0, true);
  page[26] = segments;
  let lace = 27;
  let body = 27 + segments;
  for (const p of fields.packets) {
    for (let left = p.length; ; left -= 255) {
      page[lace++] = Math.min(left, 255);
      if (left < 255) break;
    }
    page.set(p, body);
    body += p.length;
  }
  view.setUint32(22, oggCrc32(page), true);
  return page;
}

export interface OpusHeadFields {
  readonly channels: number;
  /** Samples at 48 kHz to drop from the start of the decoded stream. */
  readonly preSkip: number;
  /** The original input's rate (informative, RFC 7845 §5.1). */
  readonly inputSampleRate: number;
}

/** RFC 7845 §5.1 ID header, channel mapping family 0 (mono or stereo, no mapping table). */
export function buildOpusHead(fields: OpusHeadFields): Uint8Array {
  if (fields.channels < 1 || fields.channels > 2) {
    throw new RangeError('channel mapping family 0 carries 1 or 2 channels');
  }
  const head = new Uint8Array(19);
  const view = new DataView(head.buffer);
  head.set(new TextEncoder().encode('OpusHead'), 0);
  head[8] = 1; // version
  head[9] = fields.channels;
  view.setUint16(10, fields.preSkip, true);
  view.setUint32(12, fields.inputSampleRate, true);
  view.setInt16(16, 0, true); // output gain
  head[18] = 0; // channel mapping family
  return head;
}

/** RFC 7845 §5.2 comment header: the vendor string and `KEY=value` comments. */
export function buildOpusTags(vendor: string, comments: readonly string[] = []): Uint8Array {
  const enc = new TextEncoder();
  const strings = [enc.encode(vendor), ...comments.map((c) => enc.encode(c))];
  // Magic, the comment count, and each string with its length.
  const size = 8 + 4 + strings.reduce((n, s) => n + 4 + s.length, 0);
  const tags = new Uint8Array(size);
  const view = new DataView(tags.buffer);
  tags.set(enc.encode('OpusTags'), 0);
  let at = 8;
  const put = (s: Uint8Array): void => {
    view.setUint32(at, s.length, true);
    tags.set(s, at + 4);
    at += 4 + s.length;
  };
  put(strings[0]!);
  view.setUint32(at, comments.length, true);
  at += 4;
  for (const s of strings.slice(1)) put(s);
  return tags;
}

export interface OggOpusWriterOptions {
  readonly channels: number;
  /** Encoder lookahead in 48 kHz samples (RFC 7845 §4.2). */
  readonly preSkip: number;
  readonly inputSampleRate: number;
  readonly vendor: string;
  readonly serial?: number;
  /** Audio per page, in 48 kHz samples (ffmpeg's default: one second). */
  readonly pageSamples?: number;
}

export interface OggOpusWriter {
  /** The two header pages (OpusHead, then OpusTags). */
  headers(): Uint8Array[];
  /** Adds a packet of `samples` (48 kHz) audio; returns the pages completed by it (0 or 1). */
  packet(data: Uint8Array, samples: number): Uint8Array[];
  /**
   * The last page (EOS). `totalSamples` (48 kHz, without the pre-skip) is the input's length: the
   * final granule trims what the last packet holds beyond it.
   */
  end(totalSamples: number): Uint8Array;
}

export function createOggOpusWriter(options: OggOpusWriterOptions): OggOpusWriter {
  const serial = options.serial ?? 0x43564c54; // "CVLT"
  const pageSamples = options.pageSamples ?? OGG_OPUS_GRANULE_RATE;
  let sequence = 0;
  // Decoded samples (48 kHz) of the packets already on pages: the pre-skip is among them.
  let granule = 0;
  let pending: Uint8Array[] = [];
  let pendingSegments = 0;
  let pendingSamples = 0;
  let ended = false;

  const flush = (headerType: number, granulePosition: number): Uint8Array => {
    const page = buildOggPage({
      headerType,
      granulePosition: BigInt(granulePosition),
      serial,
      sequence: sequence++,
      packets: pending,
    });
    pending = [];
    pendingSegments = 0;
    pendingSamples = 0;
    return page;
  };

  return {
    headers() {
      const head = buildOpusHead(options);
      const tags = buildOpusTags(options.vendor);
      return [
        buildOggPage({
          headerType: OGG_BOS,
          granulePosition: 0n,
          serial,
          sequence: sequence++,
          packets: [head],
        }),
        buildOggPage({
          headerType: 0,
          granulePosition: 0n,
          serial,
          sequence: sequence++,
          packets: [tags],
        }),
      ];
    },
    packet(data, samples) {
      if (ended) throw new Error('the Ogg Opus stream has ended');
      const segments = Math.floor(data.length / 255) + 1;
      if (segments > 255) throw new RangeError('an Opus packet longer than one Ogg page');
      const pages: Uint8Array[] = [];
      // Pages are closed before a packet that would overflow them, so the last page (EOS) is
      // never empty.
      if (
        pending.length > 0 &&
        (pendingSegments + segments > 255 || pendingSamples >= pageSamples)
      ) {
        granule += pendingSamples;
        pages.push(flush(0, granule));
      }
      pending.push(data);
      pendingSegments += segments;
      pendingSamples += samples;
      return pages;
    },
    end(totalSamples) {
      if (ended) throw new Error('the Ogg Opus stream has ended');
      ended = true;
      const last = Math.min(granule + pendingSamples, options.preSkip + totalSamples);
      return flush(OGG_EOS, Math.max(last, granule));
    },
  };
}
