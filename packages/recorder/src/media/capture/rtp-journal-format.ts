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

/** A journal's extent, read without making a record object per packet. */
export interface RtpJournalSummary {
  readonly records: number;
  readonly firstArrivalMs: number | null;
  readonly lastArrivalMs: number | null;
  /** Bytes at the end that did not form a whole record (a write cut by a crash). */
  readonly truncatedBytes: number;
}

/**
 * Reads a journal's records one at a time, so that a long call's tens of thousands of records
 * need not all be alive at once (the finalize job decodes each as it is read); `parseRtpJournal`
 * collects them. Payloads are views of the journal's bytes.
 */
export class RtpJournalReader {
  private readonly buf: Buffer;
  private offset = RTP_JOURNAL_MAGIC.length;

  private constructor(bytes: Uint8Array) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** A reader of `bytes`, or null when they do not start with the journal's magic. */
  static open(bytes: Uint8Array): RtpJournalReader | null {
    const magic = RTP_JOURNAL_MAGIC.length;
    if (bytes.byteLength < magic) return null;
    const reader = new RtpJournalReader(bytes);
    return reader.buf.subarray(0, magic).equals(RTP_JOURNAL_MAGIC) ? reader : null;
  }

  /** Length of the whole record at `offset`, or 0 when there is none (the end, or a cut write). */
  private recordLengthAt(offset: number): number {
    const buf = this.buf;
    if (offset + 4 > buf.length) return 0;
    const length = buf.readUInt32BE(offset);
    if (length < RTP_JOURNAL_RECORD_HEADER - 4 || offset + 4 + length > buf.length) return 0;
    return 4 + length;
  }

  /** The next record, or null after the last whole one. */
  next(): RtpJournalRecord | null {
    const offset = this.offset;
    const length = this.recordLengthAt(offset);
    if (length === 0) return null;
    const buf = this.buf;
    const flags = buf.readUInt8(offset + 14);
    this.offset = offset + length;
    return {
      arrivalMs: buf.readDoubleBE(offset + 4),
      sequenceNumber: buf.readUInt16BE(offset + 12),
      marker: (flags & 0x80) !== 0,
      payloadType: flags & 0x7f,
      timestamp: buf.readUInt32BE(offset + 16),
      ssrc: buf.readUInt32BE(offset + 20),
      payload: buf.subarray(offset + RTP_JOURNAL_RECORD_HEADER, offset + length),
    };
  }

  /** Bytes after the last whole record read so far (all of them when `next` is at the end). */
  get truncatedBytes(): number {
    return this.buf.length - this.offset;
  }

  /** Counts the whole journal's records and reads its first and last arrival times. */
  summarize(): RtpJournalSummary {
    let records = 0;
    let firstArrivalMs: number | null = null;
    let lastArrivalMs: number | null = null;
    let offset = RTP_JOURNAL_MAGIC.length;
    for (let length = this.recordLengthAt(offset); length > 0;) {
      lastArrivalMs = this.buf.readDoubleBE(offset + 4);
      firstArrivalMs ??= lastArrivalMs;
      records++;
      offset += length;
      length = this.recordLengthAt(offset);
    }
    return { records, firstArrivalMs, lastArrivalMs, truncatedBytes: this.buf.length - offset };
  }
}

/** Reads a whole journal file's bytes. */
export function parseRtpJournal(bytes: Uint8Array): RtpJournalParseResult {
  const reader = RtpJournalReader.open(bytes);
  if (!reader) return { ok: false, reason: 'bad-magic' };
  const records: RtpJournalRecord[] = [];
  for (let record = reader.next(); record !== null; record = reader.next()) records.push(record);
  return { ok: true, records, truncatedBytes: reader.truncatedBytes };
}
