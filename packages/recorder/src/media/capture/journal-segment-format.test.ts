import { describe, expect, it } from 'vitest';
import {
  JOURNAL_SEGMENT_MAGIC,
  encodeJournalSegment,
  parseJournalSegment,
} from './journal-segment-format.js';

describe('journal segment format', () => {
  it('lays a segment out as magic, header length, JSON header, then the pieces back to back', () => {
    const bytes = encodeJournalSegment({
      seq: 3,
      session: '{"a":1}',
      final: false,
      pieces: [
        { file: 'stream-0.rtpj', offset: 8, bytes: Buffer.from([1, 2, 3]) },
        { file: 'stream-1.rtpj', offset: 0, bytes: Buffer.from([9]) },
      ],
    });
    const header =
      '{"seq":3,"session":"{\\"a\\":1}","final":false,"pieces":[{"file":"stream-0.rtpj","offset":8,"length":3},{"file":"stream-1.rtpj","offset":0,"length":1}]}';
    const length = Buffer.alloc(4);
    length.writeUInt32BE(Buffer.byteLength(header), 0);
    expect(bytes).toEqual(
      Buffer.concat([
        JOURNAL_SEGMENT_MAGIC,
        length,
        Buffer.from(header),
        Buffer.from([1, 2, 3, 9]),
      ]),
    );
  });

  it('reads back what it wrote', () => {
    const segment = {
      seq: 0,
      final: true,
      pieces: [{ file: 'stream-0.rtpj', offset: 100, bytes: Buffer.from('abc') }],
    };
    const parsed = parseJournalSegment(encodeJournalSegment(segment));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.segment.seq).toBe(0);
    expect(parsed.segment.final).toBe(true);
    expect(parsed.segment.session).toBeUndefined();
    expect(
      parsed.segment.pieces.map((p) => [p.file, p.offset, Buffer.from(p.bytes).toString()]),
    ).toEqual([['stream-0.rtpj', 100, 'abc']]);
  });

  it('refuses a segment that does not add up instead of reading part of it', () => {
    const good = encodeJournalSegment({
      seq: 1,
      final: false,
      pieces: [{ file: 'stream-0.rtpj', offset: 0, bytes: Buffer.from('abcd') }],
    });
    expect(parseJournalSegment(Buffer.from('nonsense'))).toEqual({
      ok: false,
      reason: 'bad-magic',
    });
    expect(parseJournalSegment(good.subarray(0, good.length - 1))).toEqual({
      ok: false,
      reason: 'piece malformed',
    });
    expect(parseJournalSegment(Buffer.concat([good, Buffer.from([0])]))).toEqual({
      ok: false,
      reason: 'bytes after the last piece',
    });
    const escaping = encodeJournalSegment({
      seq: 1,
      final: false,
      pieces: [{ file: '../x', offset: 0, bytes: Buffer.from('a') }],
    });
    expect(parseJournalSegment(escaping)).toEqual({ ok: false, reason: 'piece malformed' });
    expect(parseJournalSegment(good.subarray(0, 14))).toEqual({
      ok: false,
      reason: 'header cut short',
    });
  });
});
