// One shipped piece of a capture journal (docs/adr/0009-journal-shipping.md): what a recorder
// hands to shared storage every ship interval, so a worker anywhere can rebuild the journal.
// Pure: bytes in, values out.
//
// A segment is the 8-byte magic `CVJSEG01`, a 4-byte big-endian header length, the header
// (UTF-8 JSON), then the bytes of every piece back to back:
//
//   +----------+---------------+------------------+------------------------------+
//   | CVJSEG01 | header length | header (JSON)    | piece 0 bytes | piece 1 ...  |
//   +----------+---------------+------------------+------------------------------+
//
// The header names the segment's sequence number, the journal's session.json text when it
// changed since the last segment, and per piece the journal file, the byte offset the piece
// starts at in that file and its length. A journal file is append-only, so writing every piece
// at its offset, in sequence order, rebuilds the file; a piece that overlaps one shipped before
// (a restarted recorder ships its whole journal again) rewrites the same bytes.

export const JOURNAL_SEGMENT_MAGIC = Buffer.from('CVJSEG01', 'latin1');

export interface JournalSegmentPiece {
  /** The journal file's name in the session directory (`stream-0.rtpj`). */
  readonly file: string;
  readonly offset: number;
  readonly bytes: Uint8Array;
}

export interface JournalSegment {
  readonly seq: number;
  /** session.json as written, when it changed since the segment before. */
  readonly session?: string;
  /** The recorder shipped everything it had: the session closed, or its journal was handed over. */
  readonly final: boolean;
  readonly pieces: readonly JournalSegmentPiece[];
}

interface SegmentHeader {
  readonly seq: number;
  readonly session?: string;
  readonly final: boolean;
  readonly pieces: ReadonlyArray<{ file: string; offset: number; length: number }>;
}

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function encodeJournalSegment(segment: JournalSegment): Buffer {
  const header: SegmentHeader = {
    seq: segment.seq,
    ...(segment.session === undefined ? {} : { session: segment.session }),
    final: segment.final,
    pieces: segment.pieces.map((p) => ({
      file: p.file,
      offset: p.offset,
      length: p.bytes.byteLength,
    })),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32BE(json.length, 0);
  return Buffer.concat([
    JOURNAL_SEGMENT_MAGIC,
    length,
    json,
    ...segment.pieces.map((p) => p.bytes),
  ]);
}

export type JournalSegmentParseResult =
  | { readonly ok: true; readonly segment: JournalSegment }
  | { readonly ok: false; readonly reason: string };

/** Reads a segment; refuses one whose header or pieces do not add up (never a partial read). */
export function parseJournalSegment(bytes: Uint8Array): JournalSegmentParseResult {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = JOURNAL_SEGMENT_MAGIC.length;
  if (buf.length < magic + 4 || !buf.subarray(0, magic).equals(JOURNAL_SEGMENT_MAGIC)) {
    return { ok: false, reason: 'bad-magic' };
  }
  const headerLength = buf.readUInt32BE(magic);
  const start = magic + 4 + headerLength;
  if (start > buf.length) return { ok: false, reason: 'header cut short' };
  let header: SegmentHeader;
  try {
    header = JSON.parse(buf.subarray(magic + 4, start).toString('utf8')) as SegmentHeader;
  } catch {
    return { ok: false, reason: 'header unreadable' };
  }
  if (
    typeof header !== 'object' ||
    header === null ||
    !Number.isSafeInteger(header.seq) ||
    typeof header.final !== 'boolean' ||
    (header.session !== undefined && typeof header.session !== 'string') ||
    !Array.isArray(header.pieces)
  ) {
    return { ok: false, reason: 'header malformed' };
  }
  const pieces: JournalSegmentPiece[] = [];
  let at = start;
  for (const raw of header.pieces as readonly unknown[]) {
    const p = raw as Partial<SegmentHeader['pieces'][number]> | null;
    if (
      typeof p !== 'object' ||
      p === null ||
      typeof p.file !== 'string' ||
      !FILE_NAME.test(p.file) ||
      typeof p.offset !== 'number' ||
      !Number.isSafeInteger(p.offset) ||
      p.offset < 0 ||
      typeof p.length !== 'number' ||
      !Number.isSafeInteger(p.length) ||
      p.length < 0 ||
      at + p.length > buf.length
    ) {
      return { ok: false, reason: 'piece malformed' };
    }
    pieces.push({ file: p.file, offset: p.offset, bytes: buf.subarray(at, at + p.length) });
    at += p.length;
  }
  if (at !== buf.length) return { ok: false, reason: 'bytes after the last piece' };
  return {
    ok: true,
    segment: {
      seq: header.seq,
      ...(header.session === undefined ? {} : { session: header.session }),
      final: header.final,
      pieces,
    },
  };
}
