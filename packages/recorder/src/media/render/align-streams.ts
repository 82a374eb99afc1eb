// Render stage 3, align: every stream of the session on one timeline, one channel per stream. The
// recorded owner's stream is channel 0 (RFC 7865 §6.4.2 send association), the others follow in
// SDP order; the timeline runs at the highest rate any answered codec decodes at, and starts at
// the first packet's arrival (the session's start when nothing arrived). Decoded frames are placed
// by their RTP time within a segment and re-anchored by arrival time on a new segment (timeline.ts).
import { PcmTimeline } from '../timeline.js';
import type { CaptureSessionFile } from '../capture/capture-journal.js';
import { decodedSampleRate, type DecodedFrame } from './decode-stream.js';
import type { JournalStream } from './read-journal.js';

export interface StreamAlignment {
  /** The streams in channel order. */
  readonly streams: readonly JournalStream[];
  readonly sampleRate: number;
  /** Clock time (ms) of sample 0. */
  readonly originMs: number;
  /** Where the audio ends, about (ms): the last packet's arrival. */
  readonly lastArrivalMs: number;
}

/** The recorded owner's stream first, then SDP order. */
export function orderStreams(
  session: Pick<CaptureSessionFile, 'owners' | 'senders'>,
  streams: readonly JournalStream[],
): JournalStream[] {
  const ownerParticipant = session.owners[0]?.participantId;
  const isOwners = (s: JournalStream): boolean =>
    ownerParticipant !== undefined &&
    session.senders[s.info.label ?? `#${s.info.index}`] === ownerParticipant;
  return [...streams].sort(
    (a, b) => Number(isOwners(b)) - Number(isOwners(a)) || a.info.index - b.info.index,
  );
}

/** Channel order, rate and origin of a session's streams. */
export function alignStreams(
  session: Pick<CaptureSessionFile, 'owners' | 'senders' | 'startedAt'>,
  streams: readonly JournalStream[],
): StreamAlignment {
  const ordered = orderStreams(session, streams);
  const sampleRate = Math.max(
    8000,
    ...ordered.flatMap((s) => s.info.codecs.map((c) => decodedSampleRate(c.name))),
  );
  const arrivals = ordered.flatMap((s) => s.summary.firstArrivalMs ?? []);
  const originMs = arrivals.length > 0 ? Math.min(...arrivals) : session.startedAt;
  const lastArrivalMs = Math.max(originMs, ...ordered.map((s) => s.summary.lastArrivalMs ?? 0));
  return { streams: ordered, sampleRate, originMs, lastArrivalMs };
}

export interface AlignedChannels {
  /** Places one decoded frame of the stream on `channel`. */
  place(channel: number, frame: DecodedFrame): void;
  /** The channels, each as long as its audio. */
  channels(): Int16Array[];
}

/** The timeline the aligned streams are placed on. */
export function createAlignedChannels(alignment: StreamAlignment): AlignedChannels {
  const { sampleRate, originMs } = alignment;
  // The audio ends about where the last packet arrived: the timeline's channels are sized for
  // that once (with room for a sender clock a little fast against ours) instead of growing.
  const timeline = new PcmTimeline({
    sampleRate,
    channelCount: Math.max(1, alignment.streams.length),
    originMs,
    expectedDurationMs: (alignment.lastArrivalMs - originMs) * 1.01 + 1000,
  });
  return {
    place(channel, frame) {
      timeline.place({
        channel,
        segment: frame.segment,
        segmentTimestamp: frame.segmentTimestamp,
        rtpClockRate: frame.rtpClockRate,
        arrivalMs: frame.arrivalMs,
        samples: frame.samples,
        sampleRate: frame.sampleRate,
      });
    },
    channels: () => timeline.readAll(),
  };
}
