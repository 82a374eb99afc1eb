// The decoder port shared by every codec the recorder accepts (SPEC: PCMU, PCMA, G.722, G.726,
// G.729, Opus). PCMU/PCMA/G.722/G.726/G.729 are built here (G.729 only where its native addon
// is built); the Opus wrapper lives with its native binding and implements
// the same interface.
import {
  decodePcma,
  decodePcmaInto,
  decodePcmu,
  decodePcmuInto,
  G711_SAMPLE_RATE,
} from './g711-decoder.js';
import { G722_RTP_CLOCK_RATE, G722_SAMPLE_RATE, G722Decoder } from './g722-decoder.js';
import { G726_SAMPLE_RATE, G726Decoder, g726BitsPerSampleOf } from './g726-decoder.js';
import { G729_SAMPLE_RATE, G729Decoder } from './g729-decoder.js';

/** RFC 3551 §4.5.4: one encoding name per G.726 bit rate. */
export type G726CodecName = 'G726-16' | 'G726-24' | 'G726-32' | 'G726-40';

export type AudioCodecName = 'PCMU' | 'PCMA' | 'G722' | G726CodecName | 'G729' | 'opus';

export interface AudioDecoder {
  codec: AudioCodecName;
  /** Rate of the PCM that `decode` returns (Hz). */
  sampleRate: number;
  /** Decode one RTP payload to mono 16-bit PCM at `sampleRate`. */
  decode(payload: Uint8Array): Int16Array;
  /**
   * `decode` into the caller's array, for codecs that can (G.711): returns the samples written.
   * `out` must hold `maxSamplesOf(payload)` samples.
   */
  decodeInto?(payload: Uint8Array, out: Int16Array): number;
  /** Most samples `decodeInto` writes for this payload. */
  maxSamplesOf?(payload: Uint8Array): number;
  /** Produce `samples` samples (at `sampleRate`) to conceal lost packets. */
  decodeLoss?(samples: number): Int16Array;
}

/** Thrown by `createAudioDecoder` for a codec this factory does not build. Code is stable. */
export class AudioCodecUnsupportedError extends Error {
  readonly code = 'AUDIO_CODEC_UNSUPPORTED';
  constructor(readonly codecName: string) {
    super(`no built-in decoder for codec "${codecName}"`);
    this.name = 'AudioCodecUnsupportedError';
  }
}

/**
 * RTP clock rate per codec (RFC 3551 §4.5 table 4, RFC 7587 §4.1 for Opus). G.722 is the
 * exception where the clock (8000) is half the audio rate (16000): RFC 3551 §4.5.2.
 */
export function getRtpClockRate(codec: AudioCodecName): number {
  switch (codec) {
    case 'PCMU':
    case 'PCMA':
      return G711_SAMPLE_RATE;
    case 'G722':
      return G722_RTP_CLOCK_RATE;
    case 'G726-16':
    case 'G726-24':
    case 'G726-32':
    case 'G726-40':
      return G726_SAMPLE_RATE;
    case 'G729':
      return G729_SAMPLE_RATE;
    case 'opus':
      return 48000;
  }
}

/** Normalise an SDP rtpmap encoding name (case-insensitive, RFC 4855 §3) to a codec name. */
export function normalizeAudioCodecName(encodingName: string): AudioCodecName | null {
  switch (encodingName.toUpperCase()) {
    case 'PCMU':
      return 'PCMU';
    case 'PCMA':
      return 'PCMA';
    case 'G722':
      return 'G722';
    case 'G726-16':
    case 'G726-24':
    case 'G726-32':
    case 'G726-40':
      return encodingName.toUpperCase() as G726CodecName;
    // G729A: the Annex A name some SBCs put in rtpmap; the bitstream is G.729's (Annex A is a
    // lower-complexity encoder and decoder of the same format).
    case 'G729':
    case 'G729A':
      return 'G729';
    case 'OPUS':
      return 'opus';
    default:
      return null;
  }
}

/** G.711: one sample per payload byte. */
const bytesOf = (payload: Uint8Array): number => payload.length;

/** Silence as loss concealment: the recorder keeps the timeline true and never invents sound. */
function produceSilence(samples: number): Int16Array {
  return new Int16Array(Math.max(0, Math.floor(samples)));
}

/**
 * Build a decoder for PCMU, PCMA, G722, G726-16/24/32/40 or G729 (encoding names as in SDP,
 * case-insensitive). Throws `AudioCodecUnsupportedError` for anything else, Opus included (it
 * has its own wrapper), and `G729UnavailableError` for G729 when its addon is not built.
 */
export function createAudioDecoder(codecName: string): AudioDecoder {
  const codec = normalizeAudioCodecName(codecName);
  switch (codec) {
    case 'PCMU':
      return {
        codec,
        sampleRate: G711_SAMPLE_RATE,
        decode: decodePcmu,
        decodeInto: decodePcmuInto,
        maxSamplesOf: bytesOf,
        decodeLoss: produceSilence,
      };
    case 'PCMA':
      return {
        codec,
        sampleRate: G711_SAMPLE_RATE,
        decode: decodePcma,
        decodeInto: decodePcmaInto,
        maxSamplesOf: bytesOf,
        decodeLoss: produceSilence,
      };
    case 'G722': {
      const decoder = new G722Decoder();
      return {
        codec,
        sampleRate: G722_SAMPLE_RATE,
        decode: (payload) => decoder.decode(payload),
        decodeLoss: produceSilence,
      };
    }
    case 'G726-16':
    case 'G726-24':
    case 'G726-32':
    case 'G726-40': {
      const decoder = new G726Decoder(g726BitsPerSampleOf(codec)!);
      return {
        codec,
        sampleRate: G726_SAMPLE_RATE,
        decode: (payload) => decoder.decode(payload),
        decodeLoss: produceSilence,
      };
    }
    case 'G729': {
      const decoder = new G729Decoder();
      return {
        codec,
        sampleRate: G729_SAMPLE_RATE,
        decode: (payload) => decoder.decode(payload),
        decodeLoss: produceSilence,
      };
    }
    case 'opus':
    case null:
      throw new AudioCodecUnsupportedError(codecName);
  }
}
