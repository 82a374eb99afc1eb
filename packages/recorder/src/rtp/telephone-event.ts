// RFC 4733 telephone-event payload (§2.3) and a receiver-side DTMF detector (§2.5.2).
// The detector is an explicit state machine fed with parsed packets; it reports each digit
// exactly once, keyed by the event's RTP timestamp (§2.5.1.1: all packets of one event carry the
// timestamp of its start; the end packet is sent three times, §2.5.1.4).

/*
 * RFC 4733 §2.3 payload format:
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     event     |E|R| volume    |          duration             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
export interface TelephoneEvent {
  /** Event code (§3.2: 0-9, 10 = *, 11 = #, 12-15 = A-D, 16 = flash). */
  event: number;
  /** E bit: this packet reports the end of the event. */
  end: boolean;
  /** Power level in -dBm0 (0-63). */
  volume: number;
  /** Duration so far in RTP timestamp units. */
  duration: number;
}

export const TELEPHONE_EVENT_PAYLOAD_LENGTH = 4;

/** Parse an RFC 4733 §2.3 payload. Returns null when the payload is shorter than 4 bytes. */
export function parseTelephoneEvent(payload: Uint8Array): TelephoneEvent | null {
  if (payload.length < TELEPHONE_EVENT_PAYLOAD_LENGTH) return null;
  const flags = payload[1]!;
  return {
    event: payload[0]!,
    end: (flags & 0x80) !== 0,
    volume: flags & 0x3f,
    duration: (payload[2]! << 8) | payload[3]!,
  };
}

/** Serialise an RFC 4733 payload (tests and the load generator). The R bit is sent as zero. */
export function serializeTelephoneEvent(ev: TelephoneEvent): Uint8Array {
  return Uint8Array.of(
    ev.event & 0xff,
    (ev.end ? 0x80 : 0) | (ev.volume & 0x3f),
    (ev.duration >> 8) & 0xff,
    ev.duration & 0xff,
  );
}

const DTMF_DIGITS = '0123456789*#ABCD';

/** RFC 4733 §3.2 DTMF event code to the key it names, or null for non-DTMF events. */
export function getDtmfDigit(event: number): string | null {
  return event >= 0 && event < DTMF_DIGITS.length ? DTMF_DIGITS[event]! : null;
}

export interface DtmfDigitEvent {
  digit: string;
  event: number;
  /** RTP timestamp of the event start (the timestamp every packet of the event carries). */
  timestamp: number;
}

export interface DtmfPacketInput {
  /** RTP timestamp from the header. */
  timestamp: number;
  event: TelephoneEvent;
}

type DtmfDetectorState =
  | { kind: 'idle' }
  | { kind: 'in-event'; event: number; timestamp: number; duration: number; ended: boolean };

/** How many recent event start timestamps to remember for late retransmissions. */
const REMEMBERED_EVENTS = 16;

/**
 * Receiver state machine of RFC 4733 §2.5.2. States: `idle` → `in-event` (on a packet with a
 * new timestamp) → `in-event, ended` (on an E packet; retransmitted E packets change nothing) →
 * next event. A digit is reported when its first packet is seen so a lost end packet still
 * yields the digit; a lost first packet is covered because any packet of the event starts it.
 */
export class DtmfDetector {
  private state: DtmfDetectorState = { kind: 'idle' };
  /** Start timestamps already reported, so reordered or late packets never repeat a digit. */
  private readonly seen: number[] = [];

  /** Feed one telephone-event packet; returns the digits it starts (zero or one). */
  push(input: DtmfPacketInput): DtmfDigitEvent[] {
    const { timestamp, event } = input;
    const current = this.state;
    if (current.kind === 'in-event' && current.timestamp === timestamp) {
      // Same event: an update, a retransmitted end packet, or a reordered one (§2.5.1.4).
      current.duration = Math.max(current.duration, event.duration);
      current.ended ||= event.end;
      return [];
    }
    if (this.seen.includes(timestamp)) return []; // a straggler of an event already reported
    if (
      current.kind === 'in-event' &&
      !current.ended &&
      current.event === event.event &&
      isLongEventContinuation(current, timestamp)
    ) {
      // §2.5.1.3: an event longer than the 16-bit duration continues in a new "segment" whose
      // timestamp is the old one plus the duration so far; it is not a new key press.
      this.state = { ...current, timestamp, duration: event.duration, ended: event.end };
      this.remember(timestamp);
      return [];
    }
    this.state = {
      kind: 'in-event',
      event: event.event,
      timestamp,
      duration: event.duration,
      ended: event.end,
    };
    this.remember(timestamp);
    const digit = getDtmfDigit(event.event);
    return digit === null ? [] : [{ digit, event: event.event, timestamp }];
  }

  private remember(timestamp: number): void {
    this.seen.push(timestamp);
    if (this.seen.length > REMEMBERED_EVENTS) this.seen.shift();
  }
}

function isLongEventContinuation(
  current: { timestamp: number; duration: number },
  timestamp: number,
): boolean {
  const delta = (timestamp - current.timestamp) >>> 0;
  // The segment boundary is at the 0xFFFF limit; allow the sender to have split a little early.
  return current.duration >= 0xff00 && delta > 0 && delta <= 0x10000;
}
