// Opus (RFC 6716) RTP payloads (RFC 7587) to PCM for the recorder. RFC 7587 §4.1: the RTP clock
// of Opus is always 48000 whatever the encoder's internal bandwidth, and a stream may carry mono
// or stereo packets; libopus decodes either into the channel count asked for, so one mono
// decoder at 48 kHz serves every packet of a party.
//
// Library: opusscript (libopus compiled to WebAssembly, no install script). @discordjs/opus
// needs a prebuilt binary downloaded by its install script, which this project's npm blocks.
import OpusScript from 'opusscript';
import type { AudioDecoder } from './audio-decoder.js';

export const OPUS_SAMPLE_RATE = 48000;
/** RFC 6716 §2: the longest Opus packet holds 120 ms. */
const OPUS_MAX_FRAME_SAMPLES = (OPUS_SAMPLE_RATE * 120) / 1000;

/** A mono 48 kHz decoder; `close` frees the WebAssembly state. */
export interface OpusAudioDecoder extends AudioDecoder {
  close(): void;
}

export function createOpusDecoder(): OpusAudioDecoder {
  const opus = new OpusScript(OPUS_SAMPLE_RATE, 1, OpusScript.Application.VOIP);
  return {
    codec: 'opus',
    sampleRate: OPUS_SAMPLE_RATE,
    decode(payload) {
      if (payload.byteLength === 0) return new Int16Array(0);
      let pcm: Buffer;
      try {
        pcm = opus.decode(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength));
      } catch {
        // A corrupt packet is a loss for the timeline, not the end of the recording.
        return new Int16Array(0);
      }
      const samples = Math.min(pcm.length >> 1, OPUS_MAX_FRAME_SAMPLES);
      const out = new Int16Array(samples);
      for (let i = 0; i < samples; i++) out[i] = pcm.readInt16LE(i * 2);
      return out;
    },
    decodeLoss(samples) {
      return new Int16Array(Math.max(0, Math.floor(samples)));
    },
    close() {
      opus.delete();
    },
  };
}
