// The provenance presenters without a database: the flags and failures as the API shows them,
// the SRC's SIPREC metadata within its size budget, and the trunk and segment read defensively
// from the stored metadata document.
import { describe, expect, it } from 'vitest';
import {
  presentProvenance,
  presentSegment,
  presentSrcMetadata,
  presentTrunk,
  presentMediaSecurity,
} from './recording-provenance.js';
import { IMPORTED_PROVENANCE } from './recordings.model.js';

const NS = 'urn:ietf:params:xml:ns:recording:1';
const revision = (seq: number, body: string) => ({
  seq,
  raw: `<recording xmlns="${NS}" xmlns:x="urn:example:vendor"><datamode>partial</datamode>${body}</recording>`,
});

describe('presentProvenance', () => {
  it('failed is whether anything failed; recovery only when recovered', () => {
    expect(presentProvenance(IMPORTED_PROVENANCE)).toEqual({
      recovered: false,
      failed: false,
      failures: [],
      endReason: null,
    });
    const failure = {
      code: 'no-media',
      detail: 'stream 1',
      at: null,
      resolvedAt: null,
      stream: '1',
    };
    const recovery = { recoveredAt: 'a', audioEndedAt: 'b', journalLastWrittenAt: null };
    expect(
      presentProvenance({ recovered: true, recovery, failures: [failure], endReason: 'recovered' }),
    ).toEqual({
      recovered: true,
      recovery,
      failed: true,
      failures: [failure],
      endReason: 'recovered',
    });
  });

  it('a failure that was over (media came late) is listed without failing the recording', () => {
    const late = {
      code: 'no-media',
      detail: 'stream bob received no media in 10 s',
      at: '2026-03-01T12:00:10.000Z',
      resolvedAt: '2026-03-01T12:00:14.000Z',
      stream: null,
    };
    expect(
      presentProvenance({ ...IMPORTED_PROVENANCE, failures: [late], endReason: 'bye' }),
    ).toMatchObject({ failed: false, failures: [late] });
  });
});

describe('presentSrcMetadata', () => {
  it('every revision as received, and the merged metadata’s vendor extensions verbatim', () => {
    const first = revision(1, '<x:tag>one</x:tag>');
    const second = revision(
      2,
      '<participant participant_id="p1"><x:seat>12</x:seat></participant>',
    );
    const src = presentSrcMetadata({ srcMetadataRevisions: [first, second] });
    expect(src?.revisions).toEqual([
      { seq: 1, bytes: Buffer.byteLength(first.raw), xml: first.raw },
      { seq: 2, bytes: Buffer.byteLength(second.raw), xml: second.raw },
    ]);
    expect(src?.truncated).toBe(false);
    expect(src?.extensions.map((e) => [e.parent, e.localName, e.xml])).toEqual([
      ['recording', 'tag', '<x:tag>one</x:tag>'],
      ['participant', 'seat', '<x:seat>12</x:seat>'],
    ]);
    expect(src?.vendor).toEqual({});
  });

  it('a revision past the size budget is listed without its XML, and the response says so', () => {
    const small = revision(1, '');
    const big = revision(2, `<x:blob>${'a'.repeat(500)}</x:blob>`);
    const src = presentSrcMetadata({ srcMetadataRevisions: [small, big] }, small.raw.length + 100);
    expect(src?.revisions.map((r) => [r.seq, r.xml === null])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(src?.revisions[1]?.bytes).toBe(Buffer.byteLength(big.raw));
    expect(src?.truncated).toBe(true);
    expect(src?.extensions).toEqual([]);
  });

  it('a revision that does not parse is still shown as received; no revisions at all is null', () => {
    const src = presentSrcMetadata({ srcMetadataRevisions: [{ seq: 1, raw: '<not xml' }] });
    expect(src).toEqual({
      revisions: [{ seq: 1, bytes: 8, xml: '<not xml' }],
      truncated: false,
      extensions: [],
      vendor: {},
    });
    expect(presentSrcMetadata({})).toBeNull();
  });
});

describe('presentTrunk and presentSegment', () => {
  it('read what finalize stored, and null what is missing or malformed', () => {
    expect(presentTrunk({ trunk: { id: 't1', name: 'Main SBC' } })).toEqual({
      id: 't1',
      name: 'Main SBC',
    });
    expect(presentTrunk({ trunk: 'nope' })).toBeNull();
    expect(presentTrunk({})).toBeNull();
    const segment = {
      index: 1,
      count: 2,
      startOffsetMs: 0,
      endOffsetMs: 7000,
      pauses: [{ startOffsetMs: 1000, endOffsetMs: 2000 }, { startOffsetMs: 'x' }],
      pauseBehaviour: 'silence',
    };
    expect(presentSegment({ segment })).toEqual({
      ...segment,
      pauses: [{ startOffsetMs: 1000, endOffsetMs: 2000 }],
    });
    expect(presentSegment({ segment: { index: 1 } })).toBeNull();
    expect(presentSegment({})).toBeNull();
  });
});

describe('presentMediaSecurity', () => {
  it('reads the SRTP suites and whether their keys were signalled in clear; null before finalize noted it', () => {
    expect(
      presentMediaSecurity({
        mediaSecurity: {
          signalling: 'udp',
          srtpSuites: ['AEAD_AES_128_GCM', 7],
          keysSentInClear: true,
        },
      }),
    ).toEqual({ signalling: 'udp', srtpSuites: ['AEAD_AES_128_GCM'], keysSentInClear: true });
    expect(presentMediaSecurity({ mediaSecurity: { signalling: 'tls' } })).toEqual({
      signalling: 'tls',
      srtpSuites: [],
      keysSentInClear: false,
    });
    expect(presentMediaSecurity({})).toBeNull();
  });
});
