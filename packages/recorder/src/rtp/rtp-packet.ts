// RTP fixed header, CSRC list, padding and header extensions.
// RFC 3550 §5.1 (fixed header), §5.3.1 (header extension); RFC 8285 §4.2 (one-byte) and §4.3
// (two-byte) extension elements. Pure: bytes in, values out. The payload and extension data are
// views into the input buffer (no copies) so the hot path allocates only the result object.

/** RTP version this parser accepts (RFC 3550 §5.1: "This field identifies the version of RTP"). */
export const RTP_VERSION = 2;
/** Size of the fixed RTP header in bytes. */
export const RTP_FIXED_HEADER_LENGTH = 12;
/** RFC 8285 §4.2: "defined by profile" value that announces one-byte extension elements. */
export const RTP_ONE_BYTE_EXTENSION_PROFILE = 0xbede;
/** RFC 8285 §4.3: the 12 high bits 0x100 announce two-byte elements; the low 4 bits are app bits. */
export const RTP_TWO_BYTE_EXTENSION_PROFILE_MASK = 0xfff0;
export const RTP_TWO_BYTE_EXTENSION_PROFILE = 0x1000;

export interface RtpHeaderExtensionElement {
  /** Local identifier negotiated with a=extmap (1-14 one-byte, 1-255 two-byte). */
  id: number;
  /** View into the packet bytes. */
  data: Uint8Array;
}

export interface RtpHeaderExtension {
  /** The 16-bit "defined by profile" field. */
  profile: number;
  /** Raw extension data (length field × 4 bytes), a view into the packet. */
  data: Uint8Array;
  /** RFC 8285 elements when `profile` announces one- or two-byte elements, otherwise null. */
  elements: RtpHeaderExtensionElement[] | null;
}

export interface RtpPacket {
  version: number;
  padding: boolean;
  extension: boolean;
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrcs: number[];
  headerExtension: RtpHeaderExtension | null;
  /** Header length including CSRCs and extension; the payload starts here. */
  headerLength: number;
  /** Number of padding octets stripped from the end (0 when the P bit is clear). */
  paddingLength: number;
  /** Payload without padding, a view into the input buffer. */
  payload: Uint8Array;
}

export type RtpParseErrorReason =
  | 'too-short'
  | 'bad-version'
  | 'truncated-csrc'
  | 'truncated-extension'
  | 'bad-extension-element'
  | 'bad-padding';

export type RtpParseResult =
  { ok: true; packet: RtpPacket } | { ok: false; reason: RtpParseErrorReason; detail: string };

function fail(reason: RtpParseErrorReason, detail: string): RtpParseResult {
  return { ok: false, reason, detail };
}

/*
 * RFC 3550 §5.1 fixed header:
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * RFC 3550 §5.3.1 header extension (present when X = 1):
 *
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      defined by profile       |           length              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        header extension                       |
 * |                             ....                              |
 */
/** Parse one RTP packet (RFC 3550 §5.1). Never throws; malformed input gives `ok: false`. */
export function parseRtpPacket(bytes: Uint8Array): RtpParseResult {
  if (bytes.length < RTP_FIXED_HEADER_LENGTH) {
    return fail('too-short', `${bytes.length} bytes, the fixed header needs 12`);
  }
  const b0 = bytes[0]!;
  const b1 = bytes[1]!;
  const version = b0 >> 6;
  if (version !== RTP_VERSION) return fail('bad-version', `version ${version}`);
  const padding = (b0 & 0x20) !== 0;
  const extension = (b0 & 0x10) !== 0;
  const csrcCount = b0 & 0x0f;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  let offset = RTP_FIXED_HEADER_LENGTH;
  if (bytes.length < offset + csrcCount * 4) {
    return fail('truncated-csrc', `CC=${csrcCount} needs ${offset + csrcCount * 4} bytes`);
  }
  const csrcs: number[] = [];
  for (let i = 0; i < csrcCount; i++) {
    csrcs.push(view.getUint32(offset));
    offset += 4;
  }

  let headerExtension: RtpHeaderExtension | null = null;
  if (extension) {
    if (bytes.length < offset + 4) return fail('truncated-extension', 'no extension header');
    const profile = view.getUint16(offset);
    const words = view.getUint16(offset + 2);
    const start = offset + 4;
    const end = start + words * 4;
    if (bytes.length < end) {
      return fail('truncated-extension', `extension of ${words} words overruns the packet`);
    }
    const data = bytes.subarray(start, end);
    const elements = parseRtpExtensionElements(profile, data);
    if (elements === 'bad') return fail('bad-extension-element', 'element overruns extension');
    headerExtension = { profile, data, elements };
    offset = end;
  }

  let end = bytes.length;
  let paddingLength = 0;
  if (padding) {
    // RFC 3550 §5.1: "The last octet of the padding contains a count of how many padding
    // octets should be ignored, including itself." Zero or more than the payload is invalid.
    paddingLength = bytes[bytes.length - 1]!;
    if (paddingLength === 0 || paddingLength > bytes.length - offset) {
      return fail('bad-padding', `padding count ${paddingLength}`);
    }
    end -= paddingLength;
  }

  return {
    ok: true,
    packet: {
      version,
      padding,
      extension,
      marker: (b1 & 0x80) !== 0,
      payloadType: b1 & 0x7f,
      sequenceNumber: view.getUint16(2),
      timestamp: view.getUint32(4),
      ssrc: view.getUint32(8),
      csrcs,
      headerExtension,
      headerLength: offset,
      paddingLength,
      payload: bytes.subarray(offset, end),
    },
  };
}

/*
 * RFC 8285 §4.2 one-byte elements (profile 0xBEDE), L = length - 1:
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * |  ID   |  len  |  data (len+1 bytes) ...
 * +-+-+-+-+-+-+-+-+
 * RFC 8285 §4.3 two-byte elements (profile 0x100X):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |       ID      |     length    |  data (length bytes) ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
function parseRtpExtensionElements(
  profile: number,
  data: Uint8Array,
): RtpHeaderExtensionElement[] | null | 'bad' {
  const oneByte = profile === RTP_ONE_BYTE_EXTENSION_PROFILE;
  const twoByte =
    (profile & RTP_TWO_BYTE_EXTENSION_PROFILE_MASK) === RTP_TWO_BYTE_EXTENSION_PROFILE;
  if (!oneByte && !twoByte) return null;
  const elements: RtpHeaderExtensionElement[] = [];
  let i = 0;
  while (i < data.length) {
    const first = data[i]!;
    if (oneByte) {
      // RFC 8285 §4.2: a zero byte is padding; ID 15 is reserved and "the receiver MUST stop
      // parsing the remaining extensions".
      if (first === 0) {
        i += 1;
        continue;
      }
      const id = first >> 4;
      if (id === 15) break;
      const length = (first & 0x0f) + 1;
      if (i + 1 + length > data.length) return 'bad';
      elements.push({ id, data: data.subarray(i + 1, i + 1 + length) });
      i += 1 + length;
    } else {
      if (first === 0) {
        i += 1;
        continue;
      }
      if (i + 2 > data.length) return 'bad';
      const length = data[i + 1]!;
      if (i + 2 + length > data.length) return 'bad';
      elements.push({ id: first, data: data.subarray(i + 2, i + 2 + length) });
      i += 2 + length;
    }
  }
  return elements;
}

export interface RtpPacketFields {
  marker?: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrcs?: readonly number[];
  /** Raw extension: profile and data (padded with zeros to a multiple of 4 bytes). */
  headerExtension?: { profile: number; data: Uint8Array } | null;
  payload: Uint8Array;
  /** Number of padding octets to append (1-255); the last one carries the count. */
  paddingLength?: number;
}

/** Serialise an RTP packet (tests and the load generator). Inverse of `parseRtpPacket`. */
export function serializeRtpPacket(fields: RtpPacketFields): Uint8Array {
  const csrcs = fields.csrcs ?? [];
  if (csrcs.length > 15) throw new RangeError('at most 15 CSRCs fit in the CC field');
  const ext = fields.headerExtension;
  const extWords = ext ? Math.ceil(ext.data.length / 4) : 0;
  const pad = fields.paddingLength ?? 0;
  if (pad < 0 || pad > 255) throw new RangeError('padding length must be 0-255');
  const headerLength = RTP_FIXED_HEADER_LENGTH + csrcs.length * 4 + (ext ? 4 + extWords * 4 : 0);
  const out = new Uint8Array(headerLength + fields.payload.length + pad);
  const view = new DataView(out.buffer);
  out[0] = (RTP_VERSION << 6) | (pad > 0 ? 0x20 : 0) | (ext ? 0x10 : 0) | csrcs.length;
  out[1] = (fields.marker ? 0x80 : 0) | (fields.payloadType & 0x7f);
  view.setUint16(2, fields.sequenceNumber & 0xffff);
  view.setUint32(4, fields.timestamp >>> 0);
  view.setUint32(8, fields.ssrc >>> 0);
  let offset = RTP_FIXED_HEADER_LENGTH;
  for (const csrc of csrcs) {
    view.setUint32(offset, csrc >>> 0);
    offset += 4;
  }
  if (ext) {
    view.setUint16(offset, ext.profile & 0xffff);
    view.setUint16(offset + 2, extWords);
    out.set(ext.data, offset + 4);
    offset += 4 + extWords * 4;
  }
  out.set(fields.payload, offset);
  if (pad > 0) out[out.length - 1] = pad;
  return out;
}

/**
 * Build RFC 8285 extension data from elements; one-byte form when every id is 1-14 and every
 * element is 1-16 bytes, else two-byte form. Returns the profile value and padded data.
 */
export function buildRtpHeaderExtension(elements: readonly RtpHeaderExtensionElement[]): {
  profile: number;
  data: Uint8Array;
} {
  const oneByte = elements.every(
    (e) => e.id >= 1 && e.id <= 14 && e.data.length >= 1 && e.data.length <= 16,
  );
  const parts: number[] = [];
  for (const e of elements) {
    if (oneByte) {
      parts.push((e.id << 4) | (e.data.length - 1), ...e.data);
    } else {
      if (e.id < 1 || e.id > 255 || e.data.length > 255) {
        throw new RangeError(`extension element id ${e.id} / length ${e.data.length}`);
      }
      parts.push(e.id, e.data.length, ...e.data);
    }
  }
  while (parts.length % 4 !== 0) parts.push(0);
  return {
    profile: oneByte ? RTP_ONE_BYTE_EXTENSION_PROFILE : RTP_TWO_BYTE_EXTENSION_PROFILE,
    data: Uint8Array.from(parts),
  };
}
