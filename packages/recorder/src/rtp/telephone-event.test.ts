import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DtmfDetector,
  getDtmfDigit,
  parseTelephoneEvent,
  serializeTelephoneEvent,
  type DtmfDigitEvent,
  type TelephoneEvent,
} from './telephone-event.js';

/** Packets a sender emits for one key press (RFC 4733 §2.5.1): updates, then the end 3 times. */
function packetsForPress(event: number, timestamp: number, durationTs: number, step = 160) {
  const packets: { timestamp: number; event: TelephoneEvent }[] = [];
  for (let d = step; d < durationTs; d += step) {
    packets.push({ timestamp, event: { event, end: false, volume: 10, duration: d } });
  }
  for (let i = 0; i < 3; i++) {
    packets.push({ timestamp, event: { event, end: true, volume: 10, duration: durationTs } });
  }
  return packets;
}

function feed(detector: DtmfDetector, packets: { timestamp: number; event: TelephoneEvent }[]) {
  const digits: DtmfDigitEvent[] = [];
  for (const packet of packets) digits.push(...detector.push(packet));
  return digits;
}

describe('parseTelephoneEvent (RFC 4733 §2.3)', () => {
  it('RFC 4733 §2.3: reads event, E bit, volume and duration', () => {
    // Event 9, E set, R clear, volume 10, duration 1200.
    expect(parseTelephoneEvent(Uint8Array.of(0x09, 0x8a, 0x04, 0xb0))).toEqual({
      event: 9,
      end: true,
      volume: 10,
      duration: 1200,
    });
  });

  it('RFC 4733 §2.3: the R bit is reserved and ignored by receivers', () => {
    expect(parseTelephoneEvent(Uint8Array.of(0x0b, 0x40 | 0x07, 0x00, 0xa0))).toEqual({
      event: 11,
      end: false,
      volume: 7,
      duration: 160,
    });
  });

  it('returns null for payloads shorter than 4 bytes', () => {
    expect(parseTelephoneEvent(Uint8Array.of(1, 2, 3))).toBeNull();
  });

  it('round-trips through serializeTelephoneEvent', () => {
    fc.assert(
      fc.property(
        fc.record({
          event: fc.integer({ min: 0, max: 255 }),
          end: fc.boolean(),
          volume: fc.integer({ min: 0, max: 63 }),
          duration: fc.integer({ min: 0, max: 0xffff }),
        }),
        (ev) => {
          expect(parseTelephoneEvent(serializeTelephoneEvent(ev))).toEqual(ev);
        },
      ),
    );
  });

  it('RFC 4733 §3.2: events 0-9, 10 (*), 11 (#), 12-15 (A-D) are DTMF; 16 (flash) is not a key', () => {
    expect([...Array(16).keys()].map(getDtmfDigit).join('')).toBe('0123456789*#ABCD');
    expect(getDtmfDigit(16)).toBeNull();
  });
});

describe('DtmfDetector (RFC 4733 §2.5.2)', () => {
  it('RFC 4733 §2.5.1.4: the end packet is sent three times, yet the digit is reported once', () => {
    const detector = new DtmfDetector();
    const digits = feed(detector, packetsForPress(5, 1000, 800));
    expect(digits).toEqual([{ digit: '5', event: 5, timestamp: 1000 }]);
  });

  it('reports a feature code *44 typed as four presses, in order, with their start timestamps', () => {
    const detector = new DtmfDetector();
    const packets = [
      ...packetsForPress(10, 8000, 640),
      ...packetsForPress(4, 12000, 640),
      ...packetsForPress(4, 16000, 640),
      ...packetsForPress(11, 20000, 640),
    ];
    expect(feed(detector, packets)).toEqual([
      { digit: '*', event: 10, timestamp: 8000 },
      { digit: '4', event: 4, timestamp: 12000 },
      { digit: '4', event: 4, timestamp: 16000 },
      { digit: '#', event: 11, timestamp: 20000 },
    ]);
  });

  it('RFC 4733 §2.5.2.2: a press whose first packets are lost is still one digit', () => {
    const detector = new DtmfDetector();
    const digits = feed(detector, packetsForPress(7, 500, 960).slice(3));
    expect(digits).toEqual([{ digit: '7', event: 7, timestamp: 500 }]);
  });

  it('an end packet retransmitted after the next press has started does not repeat the digit', () => {
    const detector = new DtmfDetector();
    const first = packetsForPress(1, 100, 480);
    const second = packetsForPress(2, 4000, 480);
    const straggler = first[first.length - 1]!;
    const digits = feed(detector, [
      ...first.slice(0, -1),
      second[0]!,
      straggler,
      ...second.slice(1),
    ]);
    expect(digits.map((d) => d.digit)).toEqual(['1', '2']);
  });

  it('RFC 4733 §2.5.1.3: a long event continued in a new segment is not a new key press', () => {
    const detector = new DtmfDetector();
    const digits = feed(detector, [
      { timestamp: 0, event: { event: 3, end: false, volume: 10, duration: 0xff00 } },
      { timestamp: 0, event: { event: 3, end: false, volume: 10, duration: 0xffff } },
      { timestamp: 0xffff, event: { event: 3, end: false, volume: 10, duration: 160 } },
      { timestamp: 0xffff, event: { event: 3, end: true, volume: 10, duration: 800 } },
    ]);
    expect(digits).toEqual([{ digit: '3', event: 3, timestamp: 0 }]);
  });

  it('the same key pressed twice is two digits (different start timestamps)', () => {
    const detector = new DtmfDetector();
    const digits = feed(detector, [
      ...packetsForPress(0, 160, 480),
      ...packetsForPress(0, 2000, 480),
    ]);
    expect(digits.map((d) => [d.digit, d.timestamp])).toEqual([
      ['0', 160],
      ['0', 2000],
    ]);
  });

  it('non-DTMF events (flash, 16) start an event but report no digit', () => {
    const detector = new DtmfDetector();
    expect(feed(detector, packetsForPress(16, 0, 480))).toEqual([]);
  });

  it('property: any interleaving of duplicates of a press sequence yields each digit once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (events, duplicateAt) => {
          const packets = events.flatMap((ev, i) => packetsForPress(ev, 1000 + i * 4000, 480));
          for (const at of duplicateAt)
            packets.splice(at % packets.length, 0, packets[at % packets.length]!);
          const digits = feed(new DtmfDetector(), packets);
          expect(digits.map((d) => d.event)).toEqual(events);
          expect(digits.map((d) => d.timestamp)).toEqual(events.map((_, i) => 1000 + i * 4000));
        },
      ),
    );
  });
});
