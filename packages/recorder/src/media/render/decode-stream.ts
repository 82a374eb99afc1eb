// Render stage 2, decode: one stream's journal records through the jitter buffer (RFC 3550 A.1
// reordering, duplicates, loss) and its codec's decoder, picked per packet by payload type from
// every codec the session answered (a codec change mid-call decodes). RFC 4733 telephone events
// are not audio: they are collected as DTMF digits for the metadata. Each decoded frame is handed
// to `onFrame` with where it belongs in the stream's RTP time; the align stage places it.
//
// Decoders: the recorder's PCMU/PCMA/G.722 and its Opus wrapper.
import {
  createAudioDecoder,
  getRtpClockRate,
  normalizeAudioCodecName,
  type AudioDecoder,
} from '../codecs/audio-decoder.js';
import { createOpusDecoder, type OpusAudioDecoder } from '../codecs/opus-decoder.js';
import { JitterBuffer, type JitterOutput } from '../jitter-buffer.js';
import { DtmfDetector, parseTelephoneEvent } from '../../rtp/telephone-event.js';
import type { JournalStream } from './read-journal.js';

/** What the decode stage found in one stream. */
export interface DecodedStream {
  readonly index: number;
  readonly label?: string;
  readonly packets: number;
  readonly lost: number;
  readonly codecs: readonly string[];
  /** RFC 4733 digits, at ms from the render's origin. */
  readonly dtmf: ReadonlyArray<{ readonly digit: string; readonly atMs: number }>;
  /** Why the stream gave no audio, when it did not. */
  readonly failure?: string;
  readonly firstArrivalMs: number | null;
}

/** One decoded frame and where it lies in its stream's RTP time. */
export interface DecodedFrame {
  /** Segment id from the jitter buffer; a new id re-anchors the stream. */
  readonly segment: number;
  /** RTP timestamp relative to the segment start, in units of `rtpClockRate`. */
  readonly segmentTimestamp: number;
  readonly rtpClockRate: number;
  readonly arrivalMs: number;
  /** Valid during the `onFrame` call only (the decoder's scratch array is used again). */
  readonly samples: Int16Array;
  /** Rate of `samples` (Hz); for G.722 16000 while the RTP clock is 8000. */
  readonly sampleRate: number;
}

/** The rate a codec decodes at (Hz). */
export function decodedSampleRate(codecName: string): number {
  const codec = normalizeAudioCodecName(codecName);
  if (codec === 'G722') return 16000;
  if (codec === 'opus') return 48000;
  return 8000;
}

/**
 * Decodes one stream's journal, frame by frame into `onFrame`; `originMs` is the render's
 * origin, from which DTMF times are counted.
 */
export function decodeStream(
  stream: JournalStream,
  originMs: number,
  onFrame: (frame: DecodedFrame) => void,
): DecodedStream {
  const { info, journal, summary } = stream;
  const base = {
    index: info.index,
    ...(info.label === undefined ? {} : { label: info.label }),
    codecs: info.codecs.map((c) => c.name),
  };
  if (stream.failure || !journal || summary.firstArrivalMs === null) {
    return {
      ...base,
      packets: 0,
      lost: 0,
      dtmf: [],
      failure: stream.failure ?? 'no media received',
      firstArrivalMs: null,
    };
  }
  const firstArrivalMs = summary.firstArrivalMs;
  const clock = { time: firstArrivalMs, now: () => clock.time };
  const buffer = new JitterBuffer({ clock, depthMs: 60 });
  const decoders = new Map<number, AudioDecoder | null>();
  const unsupported = new Set<string>();
  const opusDecoders: OpusAudioDecoder[] = [];
  const decoderFor = (pt: number): AudioDecoder | null => {
    if (decoders.has(pt)) return decoders.get(pt) ?? null;
    const codec = info.codecs.find((c) => c.payloadType === pt);
    let decoder: AudioDecoder | null = null;
    if (codec) {
      try {
        if (normalizeAudioCodecName(codec.name) === 'opus') {
          const opus = createOpusDecoder();
          opusDecoders.push(opus);
          decoder = opus;
        } else {
          decoder = createAudioDecoder(codec.name);
        }
      } catch {
        unsupported.add(codec.name);
      }
    }
    decoders.set(pt, decoder);
    return decoder;
  };
  let decodedFrames = 0;
  // The frame's consumer copies what it is given, so a decoder that can write into an array
  // (G.711) decodes every packet into this one.
  let scratch = new Int16Array(960);
  const decodeFrame = (decoder: AudioDecoder, payload: Uint8Array): Int16Array => {
    if (!decoder.decodeInto || !decoder.maxSamplesOf) return decoder.decode(payload);
    const most = decoder.maxSamplesOf(payload);
    if (most > scratch.length) scratch = new Int16Array(most);
    return scratch.subarray(0, decoder.decodeInto(payload, scratch));
  };
  const consume = (outputs: JitterOutput[]): void => {
    for (const output of outputs) {
      if (output.kind !== 'frame') continue;
      const decoder = decoderFor(output.payloadType);
      if (!decoder) continue;
      onFrame({
        segment: output.segment,
        segmentTimestamp: output.segmentTimestamp,
        rtpClockRate: getRtpClockRate(decoder.codec),
        arrivalMs: output.arrivalMs,
        samples: decodeFrame(decoder, output.payload),
        sampleRate: decoder.sampleRate,
      });
      decodedFrames++;
    }
  };
  const dtmf: Array<{ digit: string; atMs: number }> = [];
  const detector = new DtmfDetector();
  for (let record = journal.next(); record !== null; record = journal.next()) {
    clock.time = record.arrivalMs;
    if (info.telephoneEventPayloadTypes.includes(record.payloadType)) {
      // RFC 4733 §2.5: telephone events are not audio; they go to the metadata.
      const event = parseTelephoneEvent(record.payload);
      if (event) {
        for (const digit of detector.push({ timestamp: record.timestamp, event })) {
          dtmf.push({ digit: digit.digit, atMs: Math.round(record.arrivalMs - originMs) });
        }
      }
      continue;
    }
    buffer.push(record);
    consume(buffer.pop());
  }
  consume(buffer.flush());
  for (const opus of opusDecoders) opus.close();
  const failure =
    decodedFrames > 0
      ? undefined
      : unsupported.size > 0
        ? `no decoder for ${[...unsupported].join(', ')}`
        : 'no audio packets of a negotiated codec';
  return {
    ...base,
    packets: summary.records,
    lost: buffer.stats.lost,
    dtmf,
    ...(failure ? { failure } : {}),
    firstArrivalMs,
  };
}
