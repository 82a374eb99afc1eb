// PCM to Ogg Opus in-process: libopus (RFC 6716) through the native addon
// packages/recorder/native/opus-encode.c, pages by ogg-opus-writer.ts (RFC 7845).
//
// Finalize encodes each recording once; doing it here rather than in an ffmpeg child saves the
// child's start-up and its pipe (finalize's target: ≥ 400× real time per core). The addon is
// built by `make deps` (with Debian's libopus-dev); without it `loadOpusEncodeAddon` is null and
// the caller keeps its ffmpeg path.
import { loadNativeAddon } from '../../native-addon.js';
import { createOggOpusWriter, OGG_OPUS_GRANULE_RATE } from '../ogg-opus-writer.js';

/** The addon's handle; opaque to JavaScript. */
type NativeOpusEncoder = object;

/** encoder, one plane per channel, first sample, frames, packet bytes out, packet lengths out. */
type EncodeArgs = [
  encoder: NativeOpusEncoder,
  planes: readonly Int16Array[],
  start: number,
  frames: number,
  out: Uint8Array,
  lengths: Int32Array,
];

export interface OpusEncodeAddon {
  create(
    sampleRate: number,
    channels: number,
    bitrate: number,
    frameSize: number,
  ): NativeOpusEncoder;
  lookahead(encoder: NativeOpusEncoder): number;
  /** Encodes up to `frames` frames from sample `start` into `out`; returns the packets made. */
  encode(...args: EncodeArgs): number;
  /** `encode` on the libuv thread pool; the arrays must stay untouched until it settles. */
  encodeAsync(...args: EncodeArgs): Promise<number>;
  close(encoder: NativeOpusEncoder): void;
}

/** The rates libopus encodes from (RFC 6716 §2: Opus's audio bandwidths). */
export const OPUS_ENCODER_SAMPLE_RATES: readonly number[] = [8000, 12000, 16000, 24000, 48000];

/**
 * The addon, or null when it is not built (`make deps` builds it) or cannot be loaded (libopus
 * missing at run time: `opusEncodeAddonLoadError` says why); callers then keep their ffmpeg path.
 */
export function loadOpusEncodeAddon(): OpusEncodeAddon | null {
  return loadNativeAddon<OpusEncodeAddon>('opus-encode.node').addon;
}

/** Why a built addon could not be loaded, or null. */
export function opusEncodeAddonLoadError(): Error | null {
  return loadNativeAddon<OpusEncodeAddon>('opus-encode.node').error;
}

export interface OggOpusEncodeOptions {
  /** Bit/s for all channels together. */
  readonly bitrate: number;
  /** Opus frame duration in ms (2.5, 5, 10, 20, 40, 60, 80, 100 or 120). Default 120. */
  readonly frameMs?: number;
  /** The OpusTags vendor string. */
  readonly vendor?: string;
}

/** Packets encoded per call into the addon (120 ms each: 6 s of audio per call at most). */
const PACKETS_PER_CALL = 64;
/** The addon writes a packet only with this much room left (its MAX_PACKET). */
const MAX_PACKET_BYTES = 8000;

/**
 * Encodes one Int16Array per channel (1 or 2; a shorter channel is padded with silence) at
 * `sampleRate` to a whole Ogg Opus file, or returns null when the addon is not built. Settings:
 * CELT only (restricted low delay), complexity 0, VBR, phase inversion off so the channels stay
 * apart. The file decodes to exactly the input's length (pre-skip and end trimming). libopus runs
 * on the libuv thread pool, a few seconds of audio at a time, so the event loop (which receives
 * the capture's RTP) is never held up for long; the channels must not change meanwhile.
 */
export async function encodeOggOpusInProcess(
  channels: readonly Int16Array[],
  sampleRate: number,
  options: OggOpusEncodeOptions,
): Promise<Uint8Array | null> {
  const addon = loadOpusEncodeAddon();
  if (!addon) return null;
  if (!OPUS_ENCODER_SAMPLE_RATES.includes(sampleRate)) {
    throw new RangeError(`libopus encodes from 8, 12, 16, 24 or 48 kHz, not ${sampleRate} Hz`);
  }
  const frameSize = Math.round((sampleRate * (options.frameMs ?? 120)) / 1000);
  const toGranule = OGG_OPUS_GRANULE_RATE / sampleRate; // an integer for every Opus rate
  const length = Math.max(0, ...channels.map((c) => c.length));
  const encoder = addon.create(sampleRate, channels.length, options.bitrate, frameSize);
  try {
    const lookahead = addon.lookahead(encoder);
    const writer = createOggOpusWriter({
      channels: channels.length,
      preSkip: lookahead * toGranule,
      inputSampleRate: sampleRate,
      vendor: options.vendor ?? 'Callvault (libopus)',
    });
    const pages = writer.headers();
    // The encoder holds `lookahead` samples back: encode until the input's last sample is out.
    const frames = Math.max(1, Math.ceil((length + lookahead) / frameSize));
    const out = new Uint8Array(MAX_PACKET_BYTES * PACKETS_PER_CALL);
    const lengths = new Int32Array(PACKETS_PER_CALL);
    const frameSamples = frameSize * toGranule;
    for (let done = 0; done < frames;) {
      const count = await addon.encodeAsync(
        encoder,
        channels,
        done * frameSize,
        Math.min(PACKETS_PER_CALL, frames - done),
        out,
        lengths,
      );
      let at = 0;
      for (let i = 0; i < count; i++) {
        const bytes = lengths[i]!;
        // The page keeps the packet: a copy, since `out` is used again.
        pages.push(...writer.packet(out.slice(at, at + bytes), frameSamples));
        at += bytes;
      }
      done += count;
    }
    pages.push(writer.end(length * toGranule));
    return Buffer.concat(pages);
  } finally {
    addon.close(encoder);
  }
}
