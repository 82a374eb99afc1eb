import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  extendRtpSequence,
  JitterBuffer,
  type JitterBufferOptions,
  type JitterOutput,
  type JitterPacket,
} from './jitter-buffer.js';

class FakeClock {
  constructor(public time = 0) {}
  now(): number {
    return this.time;
  }
}

function packet(seq: number, ts: number, extra: Partial<JitterPacket> = {}): JitterPacket {
  return {
    ssrc: 0x1234,
    sequenceNumber: seq & 0xffff,
    timestamp: ts >>> 0,
    payloadType: 0,
    marker: false,
    payload: Uint8Array.of(seq & 0xff),
    ...extra,
  };
}

function setup(options: Partial<JitterBufferOptions> = {}) {
  const clock = new FakeClock();
  const buffer = new JitterBuffer({ clock, depthMs: 60, ...options });
  const out: JitterOutput[] = [];
  const feed = (p: JitterPacket, at: number) => {
    clock.time = at;
    const result = buffer.push(p);
    out.push(...buffer.pop());
    return result;
  };
  const advance = (at: number) => {
    clock.time = at;
    out.push(...buffer.pop());
  };
  const finish = () => {
    out.push(...buffer.flush());
    return out;
  };
  return { clock, buffer, out, feed, advance, finish };
}

const frames = (out: JitterOutput[]) => out.filter((o) => o.kind === 'frame');

describe('extendRtpSequence (RFC 3550 Appendix A.1)', () => {
  it('RFC 3550 A.1: counts sequence number cycles across the 65535 → 0 wrap', () => {
    expect(extendRtpSequence(65535, 0)).toBe(65536);
    expect(extendRtpSequence(65536, 65535)).toBe(65535);
    expect(extendRtpSequence(3 * 65536 + 10, 5)).toBe(3 * 65536 + 5);
    expect(extendRtpSequence(3 * 65536 + 65530, 2)).toBe(4 * 65536 + 2);
  });
});

describe('JitterBuffer', () => {
  it('releases in-order packets at once after the first has waited the depth', () => {
    const { feed, advance, out } = setup();
    feed(packet(10, 1600), 0);
    expect(out).toHaveLength(0);
    advance(60);
    feed(packet(11, 1760), 61);
    expect(frames(out).map((f) => f.kind === 'frame' && f.sequenceNumber)).toEqual([10, 11]);
    expect(out[0]).toMatchObject({
      kind: 'segment',
      segment: 0,
      reason: 'first',
      firstTimestamp: 1600,
    });
  });

  it('each pop hands over its own outputs: a later pop leaves an earlier result as it was', () => {
    const clock = new FakeClock();
    const buffer = new JitterBuffer({ clock, depthMs: 0 });
    buffer.push(packet(1, 160));
    const first = buffer.pop();
    buffer.push(packet(2, 320));
    const second = buffer.pop();
    expect(first.map((o) => o.kind)).toEqual(['segment', 'frame']);
    expect(second.map((o) => o.kind === 'frame' && o.sequenceNumber)).toEqual([2]);
    expect(buffer.pop()).toEqual([]);
    expect(buffer.flush()).toEqual([]);
  });

  it('RFC 3550 §5.1: reorders packets by sequence number within the depth', () => {
    const { feed, finish } = setup();
    feed(packet(2, 320), 0);
    feed(packet(1, 160), 5);
    feed(packet(0, 0), 10);
    feed(packet(4, 640), 20);
    feed(packet(3, 480), 30);
    const out = finish();
    expect(frames(out).map((f) => f.kind === 'frame' && f.segmentTimestamp)).toEqual([
      0, 160, 320, 480, 640,
    ]);
    expect(out.some((o) => o.kind === 'gap')).toBe(false);
  });

  it('reports a loss as a gap in timestamp units once the depth has passed', () => {
    const { feed, advance, buffer, out } = setup();
    feed(packet(0, 0), 0);
    advance(60);
    feed(packet(1, 160), 60);
    feed(packet(4, 640), 80);
    advance(139);
    expect(out.some((o) => o.kind === 'gap')).toBe(false);
    advance(140);
    expect(out.find((o) => o.kind === 'gap')).toMatchObject({
      kind: 'gap',
      segmentTimestamp: 320,
      durationTs: 320,
      missingPackets: 2,
    });
    expect(buffer.stats.lost).toBe(2);
    // The lost packet arriving after its gap was reported is late and dropped.
    expect(buffer.push(packet(2, 320))).toBe('late');
    expect(buffer.stats.late).toBe(1);
  });

  it('drops and counts duplicates, buffered or already released', () => {
    const { feed, finish, buffer } = setup();
    feed(packet(0, 0), 0);
    expect(feed(packet(0, 0), 1)).toBe('duplicate');
    feed(packet(1, 160), 100);
    expect(feed(packet(0, 0), 101)).toBe('duplicate');
    expect(frames(finish())).toHaveLength(2);
    expect(buffer.stats.duplicates).toBe(2);
  });

  it('RFC 3550 A.1: keeps order across the sequence number wrap', () => {
    const { feed, finish } = setup();
    feed(packet(65534, 0), 0);
    feed(packet(0, 320), 10);
    feed(packet(65535, 160), 20);
    feed(packet(1, 480), 30);
    const released = frames(finish());
    expect(released.map((f) => f.kind === 'frame' && f.sequenceNumber)).toEqual([
      65534, 65535, 0, 1,
    ]);
    expect(
      released.map((f) => f.kind === 'frame' && f.extendedSequence - released[0]!.extendedSequence),
    ).toEqual([0, 1, 2, 3]);
  });

  it('unwraps RTP timestamps across 2^32 within a segment', () => {
    const { feed, finish } = setup();
    feed(packet(0, 0xffffff60), 0);
    feed(packet(1, 0), 20);
    feed(packet(2, 160), 40);
    expect(frames(finish()).map((f) => f.kind === 'frame' && f.segmentTimestamp)).toEqual([
      0, 160, 320,
    ]);
  });

  it('RFC 3550 §8.2: a new SSRC starts a new segment after the old one is drained, without overlap', () => {
    const { feed, advance, finish, buffer } = setup();
    feed(packet(0, 0), 0);
    feed(packet(1, 160), 20);
    feed(packet(3, 480), 40); // 2 is lost; the SSRC change drains it immediately
    feed(packet(500, 90000, { ssrc: 0xbeef }), 50);
    // A straggler of the old source is dropped rather than re-opening it.
    expect(feed(packet(2, 320), 55)).toBe('stale-ssrc');
    advance(200);
    feed(packet(501, 90160, { ssrc: 0xbeef }), 210);
    const out = finish();
    const kinds = out.map((o) => `${o.kind}:${o.segment}`);
    expect(kinds).toEqual([
      'segment:0',
      'frame:0',
      'frame:0',
      'gap:0',
      'frame:0',
      'segment:1',
      'frame:1',
      'frame:1',
    ]);
    expect(out[5]).toMatchObject({
      kind: 'segment',
      ssrc: 0xbeef,
      reason: 'ssrc-change',
      arrivalMs: 50,
    });
    expect(buffer.stats).toMatchObject({ ssrcChanges: 1, staleSsrc: 1, lost: 1 });
  });

  it('the old SSRC may come back once the guard time has passed', () => {
    const { feed, finish } = setup({ ssrcSwitchGuardMs: 100 });
    feed(packet(0, 0), 0);
    feed(packet(0, 0, { ssrc: 2 }), 10);
    expect(feed(packet(1, 160), 200)).toBe('buffered');
    expect(
      finish()
        .filter((o) => o.kind === 'segment')
        .map((o) => o.ssrc),
    ).toEqual([0x1234, 2, 0x1234]);
  });

  it('RFC 3389 §4: comfort noise (PT 13) is reported as silence up to the next packet', () => {
    const { feed, finish, buffer } = setup();
    feed(packet(0, 0), 0);
    feed(packet(1, 160), 20);
    feed(packet(2, 320, { payloadType: 13, payload: Uint8Array.of(0x40) }), 40);
    feed(packet(3, 8320, { marker: true }), 1040);
    const out = finish();
    expect(out.filter((o) => o.kind !== 'segment').map((o) => o.kind)).toEqual([
      'frame',
      'frame',
      'silence',
      'frame',
    ]);
    expect(out.find((o) => o.kind === 'silence')).toMatchObject({
      segmentTimestamp: 320,
      durationTs: 8000,
      noiseLevel: 64,
    });
    expect(buffer.stats.comfortNoise).toBe(1);
  });

  it('RFC 3551 §4.1: a timestamp jump with the talkspurt marker and no missing sequence is silence, not loss', () => {
    const { feed, finish, buffer } = setup();
    feed(packet(0, 0), 0);
    feed(packet(1, 160), 20);
    feed(packet(2, 4160, { marker: true }), 520);
    const silence = finish().find((o) => o.kind === 'silence');
    expect(silence).toMatchObject({ segmentTimestamp: 320, durationTs: 3840, noiseLevel: null });
    expect(buffer.stats.lost).toBe(0);
  });

  it('follows a change of packetisation interval (20 → 30 ms) without reporting silence', () => {
    const { feed, finish } = setup();
    feed(packet(0, 0), 0);
    feed(packet(1, 160), 20);
    feed(packet(2, 320), 40);
    feed(packet(3, 560), 70);
    feed(packet(5, 1040), 130); // 4 lost: the gap is one 30 ms packet
    const out = finish();
    expect(out.some((o) => o.kind === 'silence')).toBe(false);
    expect(out.find((o) => o.kind === 'gap')).toMatchObject({
      segmentTimestamp: 800,
      durationTs: 240,
    });
  });

  it('RFC 4733 §2.6: event packets repeating an older start timestamp do not look like a pause', () => {
    const { feed, finish, buffer } = setup();
    const event = { payloadType: 101, payload: Uint8Array.of(5, 10, 0, 160) };
    feed(packet(0, 0), 0);
    feed(packet(1, 160), 20);
    feed(packet(2, 160, event), 25);
    feed(packet(3, 320), 40);
    feed(packet(4, 160, event), 45);
    feed(packet(5, 480), 60);
    const out = finish();
    expect(out.filter((o) => o.kind === 'silence' || o.kind === 'gap')).toEqual([]);
    expect(
      out.flatMap((o) => (o.kind === 'frame' ? [[o.payloadType, o.segmentTimestamp]] : [])),
    ).toEqual([
      [0, 0],
      [0, 160],
      [101, 160],
      [0, 320],
      [101, 160],
      [0, 480],
    ]);
    expect(buffer.stats.lost).toBe(0);
  });

  it('RFC 3550 A.1: a single packet with a very large sequence jump is dropped', () => {
    const { feed, finish, buffer } = setup();
    feed(packet(100, 0), 0);
    expect(feed(packet(9000, 160), 20)).toBe('invalid-sequence');
    feed(packet(101, 160), 40);
    expect(frames(finish())).toHaveLength(2);
    expect(buffer.stats.invalidSequence).toBe(1);
  });

  it('RFC 3550 A.1: two sequential packets after a large jump restart the sequence (new segment)', () => {
    const { feed, finish } = setup();
    feed(packet(100, 0), 0);
    feed(packet(101, 160), 20);
    expect(feed(packet(20000, 999), 40)).toBe('invalid-sequence');
    expect(feed(packet(20001, 1159), 60)).toBe('buffered');
    feed(packet(20002, 1319), 80);
    const segments = finish().filter((o) => o.kind === 'segment');
    expect(segments.map((s) => s.reason)).toEqual(['first', 'sequence-reset']);
    expect(segments[1]).toMatchObject({ firstTimestamp: 1159 });
  });

  it('releases early when more than maxPackets wait behind a hole', () => {
    const { feed, out, buffer } = setup({ maxPackets: 3, depthMs: 10_000 });
    feed(packet(0, 0), 0);
    for (let i = 2; i < 7; i++) feed(packet(i, i * 160), i);
    expect(frames(out).length).toBeGreaterThan(0);
    expect(buffer.stats.overflow).toBeGreaterThan(0);
  });

  it('property: jitter within the depth, duplicates, losses and wrap give ordered, unique frames and exact gaps', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 150 }),
        fc.oneof(fc.integer({ min: 65400, max: 65535 }), fc.integer({ min: 0, max: 65535 })),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.array(fc.nat({ max: 39 }), { minLength: 150, maxLength: 150 }),
        fc.array(fc.nat({ max: 149 }), { maxLength: 30 }),
        fc.array(fc.record({ index: fc.nat({ max: 149 }), delay: fc.nat({ max: 300 }) }), {
          maxLength: 20,
        }),
        (count, startSeq, startTs, jitter, droppedIndexes, duplicates) => {
          const dropped = new Set(droppedIndexes.filter((i) => i < count && i > 0));
          const arrivals: { at: number; index: number }[] = [];
          for (let i = 0; i < count; i++) {
            if (!dropped.has(i)) arrivals.push({ at: i * 20 + jitter[i]!, index: i });
          }
          const duplicated = duplicates.filter((d) => d.index < count && !dropped.has(d.index));
          for (const d of duplicated) arrivals.push({ at: d.index * 20 + d.delay, index: d.index });
          arrivals.sort((a, b) => a.at - b.at);

          const { feed, finish, buffer } = setup();
          for (const { at, index } of arrivals) {
            feed(packet(startSeq + index, startTs + index * 160), at);
          }
          const out = finish();

          const received = [...Array(count).keys()].filter((i) => !dropped.has(i));
          const released = out.flatMap((o) => (o.kind === 'frame' ? [o] : []));
          expect(released.map((f) => f.sequenceNumber)).toEqual(
            received.map((i) => (startSeq + i) & 0xffff),
          );
          expect(released.map((f) => f.segmentTimestamp)).toEqual(received.map((i) => i * 160));
          const exts = released.map((f) => f.extendedSequence);
          expect(
            exts.every(
              (e, k) => k === 0 || e === exts[k - 1]! + 1 + (received[k]! - received[k - 1]! - 1),
            ),
          ).toBe(true);

          const expectedGaps = received.slice(1).flatMap((i, k) => {
            const previous = received[k]!;
            const missing = i - previous - 1;
            return missing > 0
              ? [
                  {
                    segmentTimestamp: (previous + 1) * 160,
                    durationTs: missing * 160,
                    missingPackets: missing,
                  },
                ]
              : [];
          });
          const gaps = out.flatMap((o) =>
            o.kind === 'gap'
              ? [
                  {
                    segmentTimestamp: o.segmentTimestamp,
                    durationTs: o.durationTs,
                    missingPackets: o.missingPackets,
                  },
                ]
              : [],
          );
          expect(gaps).toEqual(expectedGaps);
          expect(out.filter((o) => o.kind === 'segment')).toHaveLength(1);
          expect(buffer.stats.late).toBe(0);
          expect(buffer.stats.duplicates).toBe(duplicated.length);
          expect(buffer.stats.lost).toBe(expectedGaps.reduce((n, g) => n + g.missingPackets, 0));
        },
      ),
      { numRuns: 300 },
    );
  });
});
