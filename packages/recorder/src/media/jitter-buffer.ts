// Per-stream reorder/jitter buffer for recording. Pure: packets in with arrival times from an
// injected clock, ordered frames and timeline events out.
// RFC 3550 Appendix A.1 (extended sequence numbers, MAX_DROPOUT / MAX_MISORDER and the
// two-packet resynchronisation after a large jump), RFC 3550 §8.2 (SSRC change starts a new
// source), RFC 3389 §4 (comfort noise PT 13 marks silence), RFC 3551 §4.1 (silence suppression:
// a timestamp jump with consecutive sequence numbers is a pause, not a loss).
//
// Release policy, chosen for recording rather than playout: the next expected packet is released
// as soon as it is present; a hole is waited for at most `depthMs` (measured from the oldest
// packet waiting behind it) and then reported as a gap in RTP timestamp units so the caller can
// fill silence or concealment and keep the timeline true.

export interface JitterClock {
  /** Monotonic milliseconds. */
  now(): number;
}

/** The fields of an RTP packet the buffer needs (an `RtpPacket` satisfies it). */
export interface JitterPacket {
  ssrc: number;
  sequenceNumber: number;
  timestamp: number;
  payloadType: number;
  marker: boolean;
  payload: Uint8Array;
}

export interface JitterBufferOptions {
  clock: JitterClock;
  /** How long a hole may hold back later packets (default 60 ms). */
  depthMs?: number;
  /** Hard cap on buffered packets; beyond it the oldest is released regardless (default 256). */
  maxPackets?: number;
  /** RTP timestamp units per packet if known (ptime × clock rate); learned otherwise. */
  frameDurationTs?: number;
  /** Comfort noise payload type (RFC 3551 static 13; pass the dynamic one if negotiated). */
  comfortNoisePayloadType?: number;
  /** Packets of an SSRC that was replaced are dropped for this long (default 1000 ms). */
  ssrcSwitchGuardMs?: number;
}

export type JitterSegmentReason = 'first' | 'ssrc-change' | 'sequence-reset';

export type JitterOutput =
  | {
      kind: 'segment';
      segment: number;
      ssrc: number;
      reason: JitterSegmentReason;
      /** Arrival time of the segment's first released packet (ms, from the clock). */
      arrivalMs: number;
      /** RTP timestamp of the segment's first released packet. */
      firstTimestamp: number;
    }
  | {
      kind: 'frame';
      segment: number;
      ssrc: number;
      sequenceNumber: number;
      /** RFC 3550 A.1 extended sequence number (cycles × 65536 + seq). */
      extendedSequence: number;
      timestamp: number;
      /** Unwrapped RTP timestamp relative to the segment's first packet. */
      segmentTimestamp: number;
      payloadType: number;
      marker: boolean;
      payload: Uint8Array;
      arrivalMs: number;
    }
  | {
      /** Lost packets: `durationTs` timestamp units starting at `segmentTimestamp`. */
      kind: 'gap';
      segment: number;
      ssrc: number;
      segmentTimestamp: number;
      durationTs: number;
      missingPackets: number;
    }
  | {
      /** Comfort noise (RFC 3389) or silence suppression: nothing was sent, nothing was lost. */
      kind: 'silence';
      segment: number;
      ssrc: number;
      segmentTimestamp: number;
      durationTs: number;
      /** RFC 3389 §3 noise level in -dBov when a CN packet announced it, else null. */
      noiseLevel: number | null;
    };

export interface JitterStats {
  received: number;
  released: number;
  duplicates: number;
  late: number;
  lost: number;
  comfortNoise: number;
  ssrcChanges: number;
  staleSsrc: number;
  /** Packets dropped by the RFC 3550 A.1 probation after a large sequence jump. */
  invalidSequence: number;
  /** Packets released early because `maxPackets` was reached. */
  overflow: number;
}

export type JitterPushResult =
  'buffered' | 'duplicate' | 'late' | 'stale-ssrc' | 'invalid-sequence';

/** RFC 3550 A.1 constants. */
export const JITTER_MAX_DROPOUT = 3000;
export const JITTER_MAX_MISORDER = 100;
const RTP_SEQ_MOD = 65536;
const HISTORY = 1024;

interface BufferedPacket {
  ext: number;
  packet: JitterPacket;
  arrivalMs: number;
}

interface StreamState {
  ssrc: number;
  segment: number;
  reason: JitterSegmentReason;
  started: boolean;
  /** Highest extended sequence number received. */
  maxExt: number;
  /** Next extended sequence number to release, null before the first release. */
  nextExt: number | null;
  /** Sorted by ext. */
  buffer: BufferedPacket[];
  /** RFC 3550 A.1 bad_seq: the sequence number that would confirm a large jump. */
  badSeq: number | null;
  /** Extended timestamp (relative to the segment) of the last released packet. */
  lastTs: number;
  lastRawTs: number;
  /** Whether the last released packet was comfort noise (its silence ends at the next packet). */
  lastWasCn: boolean;
  lastCnLevel: number | null;
  released: Float64Array;
}

/** Extend a 16-bit sequence number to the cycle that puts it closest to `reference`. */
export function extendRtpSequence(reference: number, seq: number): number {
  let ext = reference - (reference & 0xffff) + seq;
  if (ext - reference > RTP_SEQ_MOD / 2) ext -= RTP_SEQ_MOD;
  else if (reference - ext > RTP_SEQ_MOD / 2) ext += RTP_SEQ_MOD;
  return ext;
}

export class JitterBuffer {
  private readonly clock: JitterClock;
  private readonly depthMs: number;
  private readonly maxPackets: number;
  private readonly cnPayloadType: number;
  private readonly guardMs: number;
  private frameDurationTs: number | null;
  private readonly fixedFrameDuration: boolean;
  private stream: StreamState | null = null;
  private segmentCount = 0;
  private readonly retired = new Map<number, number>();
  private out: JitterOutput[] = [];
  readonly stats: JitterStats = {
    received: 0,
    released: 0,
    duplicates: 0,
    late: 0,
    lost: 0,
    comfortNoise: 0,
    ssrcChanges: 0,
    staleSsrc: 0,
    invalidSequence: 0,
    overflow: 0,
  };

  constructor(options: JitterBufferOptions) {
    this.clock = options.clock;
    this.depthMs = options.depthMs ?? 60;
    this.maxPackets = options.maxPackets ?? 256;
    this.cnPayloadType = options.comfortNoisePayloadType ?? 13;
    this.guardMs = options.ssrcSwitchGuardMs ?? 1000;
    this.frameDurationTs = options.frameDurationTs ?? null;
    this.fixedFrameDuration = options.frameDurationTs !== undefined;
  }

  /** Accept one packet; its arrival time is read from the clock now. */
  push(packet: JitterPacket): JitterPushResult {
    const now = this.clock.now();
    this.stats.received++;
    let stream = this.stream;
    if (stream === null || stream.ssrc !== packet.ssrc) {
      const retiredAt = this.retired.get(packet.ssrc);
      if (stream !== null && retiredAt !== undefined && now - retiredAt < this.guardMs) {
        // A straggler of a source that was replaced: joining it again would overlap segments.
        this.stats.staleSsrc++;
        return 'stale-ssrc';
      }
      if (stream !== null) {
        this.releaseAll(stream);
        for (const [ssrc, at] of this.retired) {
          if (now - at >= this.guardMs) this.retired.delete(ssrc);
        }
        this.retired.set(stream.ssrc, now);
        this.stats.ssrcChanges++;
      }
      stream = this.openStream(packet, stream === null ? 'first' : 'ssrc-change');
    }

    let ext = extendRtpSequence(stream.maxExt, packet.sequenceNumber);
    const delta = ext - stream.maxExt;
    if (delta > JITTER_MAX_DROPOUT || -delta > JITTER_MAX_MISORDER) {
      // RFC 3550 A.1: "the sequence number made a very large jump"; accept it only if the next
      // packet follows it (the sender restarted), otherwise drop it.
      if (stream.badSeq !== packet.sequenceNumber) {
        stream.badSeq = (packet.sequenceNumber + 1) & 0xffff;
        this.stats.invalidSequence++;
        return 'invalid-sequence';
      }
      this.releaseAll(stream);
      stream = this.openStream(packet, 'sequence-reset');
      ext = stream.maxExt;
    }
    stream.badSeq = null;

    if (stream.nextExt !== null && ext < stream.nextExt) {
      if (stream.released[ext % HISTORY] === ext) {
        this.stats.duplicates++;
        return 'duplicate';
      }
      this.stats.late++;
      return 'late';
    }
    const at = findInsertIndex(stream.buffer, ext);
    if (stream.buffer[at]?.ext === ext) {
      this.stats.duplicates++;
      return 'duplicate';
    }
    const entry = { ext, packet, arrivalMs: now };
    // In order (the usual case) the packet goes at the end: a push, not a splice.
    if (at === stream.buffer.length) stream.buffer.push(entry);
    else stream.buffer.splice(at, 0, entry);
    if (ext > stream.maxExt) stream.maxExt = ext;
    return 'buffered';
  }

  /** Release everything that is ready at the clock's current time. */
  pop(): JitterOutput[] {
    const stream = this.stream;
    if (stream !== null) {
      const now = this.clock.now();
      while (stream.buffer.length > 0) {
        const head = stream.buffer[0]!;
        if (stream.nextExt !== null && head.ext === stream.nextExt) {
          this.release(stream);
          continue;
        }
        if (now - oldestArrival(stream.buffer) >= this.depthMs) {
          this.release(stream);
          continue;
        }
        if (stream.buffer.length > this.maxPackets) {
          this.stats.overflow++;
          this.release(stream);
          continue;
        }
        break;
      }
    }
    return this.takeOutput();
  }

  /** Release everything buffered (end of the stream). */
  flush(): JitterOutput[] {
    if (this.stream !== null) this.releaseAll(this.stream);
    return this.takeOutput();
  }

  /** The outputs so far, handed over whole (a pop per packet copies nothing). */
  private takeOutput(): JitterOutput[] {
    const out = this.out;
    if (out.length === 0) return [];
    this.out = [];
    return out;
  }

  private openStream(packet: JitterPacket, reason: JitterSegmentReason): StreamState {
    const stream: StreamState = {
      ssrc: packet.ssrc,
      segment: this.segmentCount++,
      reason,
      started: false,
      maxExt: packet.sequenceNumber + RTP_SEQ_MOD, // one cycle of headroom for early stragglers
      nextExt: null,
      buffer: [],
      badSeq: null,
      lastTs: 0,
      lastRawTs: packet.timestamp,
      lastWasCn: false,
      lastCnLevel: null,
      released: new Float64Array(HISTORY).fill(-1),
    };
    if (!this.fixedFrameDuration) this.frameDurationTs = null;
    this.stream = stream;
    return stream;
  }

  private releaseAll(stream: StreamState): void {
    while (stream.buffer.length > 0) this.release(stream);
  }

  /** Release the head packet, reporting the gap or silence before it. */
  private release(stream: StreamState): void {
    const { ext, packet, arrivalMs } = stream.buffer.shift()!;
    this.stats.released++;
    stream.released[ext % HISTORY] = ext;
    const isCn = packet.payloadType === this.cnPayloadType;

    if (!stream.started) {
      stream.started = true;
      stream.lastTs = 0;
      stream.lastRawTs = packet.timestamp;
      stream.nextExt = ext + 1;
      this.out.push({
        kind: 'segment',
        segment: stream.segment,
        ssrc: stream.ssrc,
        reason: stream.reason,
        arrivalMs,
        firstTimestamp: packet.timestamp,
      });
      this.emitPacket(stream, packet, ext, 0, arrivalMs, isCn);
      return;
    }

    const missing = ext - stream.nextExt!;
    const ts = stream.lastTs + ((packet.timestamp - stream.lastRawTs) | 0);
    const sinceLast = ts - stream.lastTs;
    if (missing > 0) {
      this.stats.lost += missing;
      const duration =
        stream.lastWasCn || this.frameDurationTs === null
          ? Math.floor(sinceLast / (missing + 1))
          : this.frameDurationTs;
      const start = stream.lastTs + (stream.lastWasCn ? 0 : duration);
      this.out.push({
        kind: 'gap',
        segment: stream.segment,
        ssrc: stream.ssrc,
        segmentTimestamp: start,
        durationTs: Math.max(0, ts - start),
        missingPackets: missing,
      });
    } else if (stream.lastWasCn) {
      if (sinceLast > 0) this.pushSilence(stream, stream.lastTs, sinceLast, stream.lastCnLevel);
    } else if (sinceLast > 0) {
      this.followTimestamp(stream, ts, sinceLast, packet.marker);
    }
    stream.nextExt = ext + 1;
    if (ts >= stream.lastTs) {
      // The media clock never runs backwards: an RFC 4733 event packet repeats its start
      // timestamp while audio may continue (§2.6), so an older timestamp does not move it.
      stream.lastTs = ts;
      stream.lastRawTs = packet.timestamp;
    }
    this.emitPacket(stream, packet, ext, ts, arrivalMs, isCn);
  }

  /**
   * Consecutive packets: the timestamp step is the previous packet's duration unless the sender
   * paused. A jump flagged by the talkspurt marker (RFC 3551 §4.1) or of two frames or more is
   * silence suppression; a smaller unflagged change is a new packetisation interval.
   */
  private followTimestamp(stream: StreamState, ts: number, step: number, marker: boolean): void {
    const frame = this.frameDurationTs;
    if (frame === null) {
      this.frameDurationTs = step;
    } else if (step > frame && (marker || step >= 2 * frame || this.fixedFrameDuration)) {
      const start = stream.lastTs + frame;
      this.pushSilence(stream, start, ts - start, null);
    } else if (step !== frame && !this.fixedFrameDuration) {
      this.frameDurationTs = step;
    }
  }

  private emitPacket(
    stream: StreamState,
    packet: JitterPacket,
    ext: number,
    ts: number,
    arrivalMs: number,
    isCn: boolean,
  ): void {
    stream.lastWasCn = isCn;
    if (isCn) {
      this.stats.comfortNoise++;
      // RFC 3389 §3: the first payload byte is the noise level in -dBov (0-127).
      stream.lastCnLevel = packet.payload.length > 0 ? packet.payload[0]! & 0x7f : null;
      return;
    }
    this.out.push({
      kind: 'frame',
      segment: stream.segment,
      ssrc: stream.ssrc,
      sequenceNumber: packet.sequenceNumber,
      extendedSequence: ext,
      timestamp: packet.timestamp,
      segmentTimestamp: ts,
      payloadType: packet.payloadType,
      marker: packet.marker,
      payload: packet.payload,
      arrivalMs,
    });
  }

  private pushSilence(
    stream: StreamState,
    start: number,
    duration: number,
    noiseLevel: number | null,
  ): void {
    this.out.push({
      kind: 'silence',
      segment: stream.segment,
      ssrc: stream.ssrc,
      segmentTimestamp: start,
      durationTs: duration,
      noiseLevel,
    });
  }
}

function findInsertIndex(buffer: readonly BufferedPacket[], ext: number): number {
  let low = 0;
  let high = buffer.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (buffer[mid]!.ext < ext) low = mid + 1;
    else high = mid;
  }
  return low;
}

function oldestArrival(buffer: readonly BufferedPacket[]): number {
  let oldest = Infinity;
  for (const entry of buffer) if (entry.arrivalMs < oldest) oldest = entry.arrivalMs;
  return oldest;
}
