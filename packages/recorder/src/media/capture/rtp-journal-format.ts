// The capture journal's record layout: what the capture path appends for every RTP packet it
// accepts, and the reader the finalize job and crash recovery use. Pure: bytes in, values out.
// The journal keeps the RTP header fields the jitter buffer needs (RFC 3550 §5.1) and the
// payload untouched: the capture path never decodes (SPEC §5 "the capture path does no encoding").
//
// File: the 8-byte magic `CVRTPJ01`, then records back to back:
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |     record length (bytes after this field, big endian)        |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |          arrival time (ms since the epoch, float64)           |
//  |                                                               |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |        sequence number        |M|     PT      |   reserved    |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                           timestamp                           |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                             SSRC                              |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |                        payload ...                            |
//
// A crash can cut the last record short: the reader stops at the first incomplete record and
// reports how many bytes it ignored, so recovery keeps everything up to the last flush.

export const RTP_JOURNAL_MAGIC = Buffer.from('CVRTPJ01', 'latin1');
/** Bytes of a record before its payload, length field included. */
export const RTP_JOURNAL_RECORD_HEADER = 4 + 8 + 4 + 4 + 4;

export interface RtpJournalRecord {
  readonly arrivalMs: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly payloadType: number;
  readonly marker: boolean;
  readonly payload: Uint8Array;
}

/** Encodes one record (the bytes appended to the journal). */
export function encodeRtpJournalRecord(record: RtpJournalRecord): Buffer {
  const out = Buffer.allocUnsafe(RTP_JOURNAL_RECORD_HEADER + record.payload.byteLength);
  writeRtpJournalRecord(out, 0, record);
  return out;
}

/**
 * Writes one record into `out` at `offset` (which must have room for it) and returns its length:
 * the journal writer's way, without a buffer per packet.
 */
export function writeRtpJournalRecord(
  out: Buffer,
  offset: number,
  record: RtpJournalRecord,
): number {
  const length = RTP_JOURNAL_RECORD_HEADER + record.payload.byteLength;
  out.writeUInt32BE(length - 4, offset);
  out.writeDoubleBE(record.arrivalMs, offset + 4);
  out.writeUInt16BE(record.sequenceNumber & 0xffff, offset + 12);
  out.writeUInt8(((record.marker ? 1 : 0) << 7) | (record.payloadType & 0x7f), offset + 14);
  out.writeUInt8(0, offset + 15);
  out.writeUInt32BE(record.timestamp >>> 0, offset + 16);
  out.writeUInt32BE(record.ssrc >>> 0, offset + 20);
  out.set(record.payload, offset + RTP_JOURNAL_RECORD_HEADER);
  return length;
}

export type RtpJournalParseResult =
  | {
      readonly ok: true;
      readonly records: RtpJournalRecord[];
      /** Bytes at the end that did not form a whole record (a write cut by a crash). */
      readonly truncatedBytes: number;
    }
  | { readonly ok: false; readonly reason: 'bad-magic' };

/** Reads a whole journal file's bytes. */
export function parseRtpJournal(bytes: Uint8Array): RtpJournalParseResult {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < RTP_JOURNAL_MAGIC.length || !buf.subarray(0, 8).equals(RTP_JOURNAL_MAGIC)) {
    return { ok: false, reason: 'bad-magic' };
  }
  const records: RtpJournalRecord[] = [];
  let offset = RTP_JOURNAL_MAGIC.length;
  while (offset + 4 <= buf.length) {
    const length = buf.readUInt32BE(offset);
    const end = offset + 4 + length;
    if (length < RTP_JOURNAL_RECORD_HEADER - 4 || end > buf.length) break;
    const flags = buf.readUInt8(offset + 14);
    records.push({
      arrivalMs: buf.readDoubleBE(offset + 4),
      sequenceNumber: buf.readUInt16BE(offset + 12),
      marker: (flags & 0x80) !== 0,
      payloadType: flags & 0x7f,
      timestamp: buf.readUInt32BE(offset + 16),
      ssrc: buf.readUInt32BE(offset + 20),
      payload: buf.subarray(offset + RTP_JOURNAL_RECORD_HEADER, end),
    });
    offset = end;
  }
  return { ok: true, records, truncatedBytes: buf.length - offset };
}
