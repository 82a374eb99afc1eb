// Sample-accurate PCM timeline: puts the decoded frames of several parties (channels) on one clock
// at one sample rate, filling everything that was not received with digital silence.
//
// Placement rule. Within a jitter-buffer segment (one SSRC, one sequence run) a frame's position
// comes from its RTP timestamp alone (RFC 3550 §5.1: the timestamp "reflects the sampling instant"),
// so network jitter never stretches or squeezes the audio. A segment is anchored once, by the
// arrival time of its first frame relative to the timeline origin, and never before the end of the
// channel's previous segment ("joined without overlap"). Channels share the origin, so the parties
// line up as they were heard.
//
// Rate conversion is deliberately simple and only for integer ratios (8/16/48 kHz): upsampling by
// linear interpolation from the previous sample (a delay under one source sample), downsampling by
// averaging k samples.

export interface PcmTimelineOptions {
  /** Output sample rate (Hz). */
  sampleRate: number;
  channelCount: number;
  /** Clock time (ms) of timeline sample 0, e.g. when the recording session started. */
  originMs: number;
  /**
   * How long the timeline is expected to run (ms from the origin), when the caller knows, e.g.
   * from a journal's last arrival time. Channels are then allocated once at that length instead of
   * growing (each growth is a copy, and fresh memory is costly to touch). Only a hint: a channel
   * still grows past it, and a hint beyond `MAX_HINT_SECONDS` (a corrupt arrival time) is capped.
   */
  expectedDurationMs?: number;
}

export interface PcmTimelineFrame {
  channel: number;
  /** Segment id from the jitter buffer; a new id re-anchors the channel. */
  segment: number;
  /** RTP timestamp relative to the segment start, in units of `rtpClockRate`. */
  segmentTimestamp: number;
  rtpClockRate: number;
  /** Arrival time (ms, same clock as `originMs`) of this frame. */
  arrivalMs: number;
  /** Copied by `place`: the caller may reuse the array afterwards. */
  samples: Int16Array;
  /** Rate of `samples` (Hz); for G.722 16000 while the RTP clock is 8000. */
  sampleRate: number;
}

export interface PcmTimelineStats {
  /** Samples dropped because they fell on samples already written. */
  overlapSamples: number;
  /** Samples dropped because the timeline had already been read past them. */
  lateSamples: number;
}

/** Thrown when a frame's sample rate is not an integer multiple or divisor of the timeline's. */
export class PcmTimelineRateError extends Error {
  readonly code = 'PCM_TIMELINE_RATE';
  constructor(from: number, to: number) {
    super(`cannot convert ${from} Hz to ${to} Hz: only integer ratios are supported`);
    this.name = 'PcmTimelineRateError';
  }
}

interface ChannelState {
  segment: number | null;
  /** Timeline position of segment timestamp 0. */
  anchor: number;
  /**
   * The channel's unread PCM: index 0 is the timeline's read position. Placed frames are copied
   * in (a channel only ever grows at its end, see `place`), silence is the zero fill, so reading
   * is one copy rather than one per frame. Grows by half again when full.
   */
  pcm: Int16Array;
  writtenEnd: number;
  /** Last source sample written and where its frame ended, for interpolation continuity. */
  lastSample: number;
  lastEnd: number;
}

/** First allocation of a channel's buffer without a hint: 10 s at the timeline's rate. */
const INITIAL_SECONDS = 10;
/** The most a duration hint allocates at once: an hour (a longer call grows from there). */
const MAX_HINT_SECONDS = 3600;

export class PcmTimeline {
  readonly sampleRate: number;
  readonly channelCount: number;
  readonly originMs: number;
  readonly stats: PcmTimelineStats = { overlapSamples: 0, lateSamples: 0 };
  private readonly channels: ChannelState[];
  private readPosition = 0;
  private readonly initialCapacity: number;

  constructor(options: PcmTimelineOptions) {
    if (!Number.isInteger(options.channelCount) || options.channelCount < 1) {
      throw new RangeError('channelCount must be a positive integer');
    }
    this.sampleRate = options.sampleRate;
    this.channelCount = options.channelCount;
    this.originMs = options.originMs;
    const expectedMs = options.expectedDurationMs ?? 0;
    const hinted = Number.isFinite(expectedMs)
      ? Math.min(expectedMs / 1000, MAX_HINT_SECONDS) * this.sampleRate
      : 0;
    this.initialCapacity = Math.ceil(Math.max(hinted, this.sampleRate * INITIAL_SECONDS));
    this.channels = Array.from({ length: options.channelCount }, () => ({
      segment: null,
      anchor: 0,
      pcm: new Int16Array(0),
      writtenEnd: 0,
      lastSample: 0,
      lastEnd: -1,
    }));
  }

  /** Timeline position (samples) of a clock time. */
  positionAt(ms: number): number {
    return Math.round(((ms - this.originMs) * this.sampleRate) / 1000);
  }

  /** Place one decoded frame; returns its timeline position (after any trimming). */
  place(frame: PcmTimelineFrame): number {
    const channel = this.channels[frame.channel];
    if (!channel) throw new RangeError(`channel ${frame.channel} out of range`);
    const offsetInSegment = Math.round(
      (frame.segmentTimestamp * this.sampleRate) / frame.rtpClockRate,
    );
    if (channel.segment !== frame.segment) {
      const wanted = Math.max(this.positionAt(frame.arrivalMs), channel.writtenEnd);
      channel.segment = frame.segment;
      channel.anchor = wanted - offsetInSegment;
    }
    let position = channel.anchor + offsetInSegment;
    const previous = position === channel.lastEnd ? channel.lastSample : 0;
    let data = convertPcmRate(frame.samples, frame.sampleRate, this.sampleRate, previous);
    if (frame.samples.length > 0) {
      channel.lastSample = frame.samples[frame.samples.length - 1]!;
      channel.lastEnd = position + data.length;
    }

    const floor = Math.max(channel.writtenEnd, this.readPosition);
    if (position < floor) {
      const cut = Math.min(data.length, floor - position);
      const late = Math.max(0, Math.min(cut, this.readPosition - position));
      this.stats.lateSamples += late;
      this.stats.overlapSamples += cut - late;
      data = data.subarray(cut);
      position += cut;
    }
    if (data.length > 0) {
      // After the trim above a frame starts at or after both the channel's written end and the
      // read position: it lands in the unread buffer, after everything already there.
      const end = position + data.length - this.readPosition;
      if (end > channel.pcm.length) channel.pcm = grow(channel.pcm, end, this.initialCapacity);
      channel.pcm.set(data, position - this.readPosition);
      channel.writtenEnd = position + data.length;
    }
    return position;
  }

  /** End of the written audio of a channel (samples). */
  getWrittenEnd(channel: number): number {
    return this.channels[channel]?.writtenEnd ?? 0;
  }

  /** Position up to which the timeline has been read. */
  getReadPosition(): number {
    return this.readPosition;
  }

  /**
   * Take the aligned PCM of every channel from the read position up to `end` (exclusive),
   * silence where nothing was placed. Later frames for this range are counted as late.
   */
  read(end: number): Int16Array[] {
    const start = this.readPosition;
    const length = Math.max(0, end - start);
    const result = this.channels.map((channel) => {
      const unread = Math.max(0, channel.writtenEnd - start);
      const { pcm } = channel;
      if (unread <= length) {
        // Everything placed is read: hand the buffer over (trimmed or padded to the length).
        channel.pcm = new Int16Array(0);
        if (pcm.length === length) return pcm;
        // A buffer sized by the hint is a little longer than what was placed: a view of it
        // spares a copy of the whole channel; one grown well past the end is copied to free it.
        if (pcm.length > length) {
          return pcm.length - length <= length / 8 ? pcm.subarray(0, length) : pcm.slice(0, length);
        }
        const out = new Int16Array(length);
        out.set(pcm.subarray(0, unread));
        return out;
      }
      const out = pcm.slice(0, length);
      pcm.copyWithin(0, length, unread);
      pcm.fill(0, unread - length, unread);
      return out;
    });
    this.readPosition = start + length;
    return result;
  }

  /** Read everything placed so far (to the furthest written sample of any channel). */
  readAll(): Int16Array[] {
    return this.read(Math.max(this.readPosition, ...this.channels.map((c) => c.writtenEnd)));
  }
}

/** A channel buffer with room for `needed` samples, its content kept and the rest silence. */
function grow(pcm: Int16Array, needed: number, initial: number): Int16Array {
  const capacity = Math.max(needed, Math.ceil(pcm.length * 1.5), initial);
  const bigger = new Int16Array(capacity);
  bigger.set(pcm);
  return bigger;
}

/** Convert between integer-ratio sample rates (see the file header for the method). */
export function convertPcmRate(
  samples: Int16Array,
  from: number,
  to: number,
  previous = 0,
): Int16Array {
  if (from === to) return samples;
  if (to > from) {
    const factor = to / from;
    if (!Number.isInteger(factor)) throw new PcmTimelineRateError(from, to);
    const out = new Int16Array(samples.length * factor);
    let last = previous;
    for (let n = 0; n < samples.length; n++) {
      const current = samples[n]!;
      for (let j = 1; j <= factor; j++) {
        out[n * factor + j - 1] = Math.round(last + ((current - last) * j) / factor);
      }
      last = current;
    }
    return out;
  }
  const factor = from / to;
  if (!Number.isInteger(factor)) throw new PcmTimelineRateError(from, to);
  const out = new Int16Array(Math.floor(samples.length / factor));
  for (let m = 0; m < out.length; m++) {
    let sum = 0;
    for (let j = 0; j < factor; j++) sum += samples[m * factor + j]!;
    out[m] = Math.round(sum / factor);
  }
  return out;
}
