// G.729 (Annex A decoding, Annex B comfort noise) through the native addon
// packages/recorder/native/g729.c, which links Debian's libbcg729. The addon is built by
// `make deps`; without it `loadG729Addon` is null, `isG729Decodable` is false and G.729 is not
// answered in SDP, so an SRC never sends what the recorder could not render.
//
// RFC 3551 §4.5.6: a G729 payload is zero or more 10-byte frames (10 ms, 80 samples each) then
// at most one 2-byte Annex B SID frame; the RTP clock is 8000 Hz.
import { loadNativeAddon } from '../../native-addon.js';

/** Output sample rate (and RTP clock rate) of G.729. */
export const G729_SAMPLE_RATE = 8000;
/** Samples per G.729 frame (10 ms). */
export const G729_FRAME_SAMPLES = 80;

/** The addon's decoder or encoder handle; opaque to JavaScript. */
type NativeG729State = object;

export interface G729Addon {
  createDecoder(): NativeG729State;
  /** Decode an RTP payload (speech frames, then an optional SID frame) to 8 kHz PCM. */
  decode(decoder: NativeG729State, payload: Uint8Array): Int16Array;
  /** An encoder, Annex B VAD/DTX on when `vad` (the tests' reference encoder). */
  createEncoder(vad: boolean): NativeG729State;
  /** One frame per 80 samples: 10 bytes speech, 2 bytes SID, 0 bytes untransmitted (DTX). */
  encode(encoder: NativeG729State, pcm: Int16Array): Uint8Array[];
}

/** The addon, or null when it is not built (or cannot load; see `g729AddonLoadError`). */
export function loadG729Addon(): G729Addon | null {
  return loadNativeAddon<G729Addon>('g729.node').addon;
}

/** Why a built addon could not be loaded, or null. */
export function g729AddonLoadError(): Error | null {
  return loadNativeAddon<G729Addon>('g729.node').error;
}

/** Whether this process can decode G.729 (the addon is built and loads). */
export function isG729Decodable(): boolean {
  return loadG729Addon() !== null;
}

/** Samples a G.729 payload of `bytes` bytes decodes to. */
export function g729SamplesOf(bytes: number): number {
  const frames = Math.floor(bytes / 10) + (bytes % 10 === 2 ? 1 : 0);
  return frames * G729_FRAME_SAMPLES;
}

/** Thrown by `G729Decoder` when the addon is not available. Code is stable. */
export class G729UnavailableError extends Error {
  readonly code = 'G729_DECODER_UNAVAILABLE';
  constructor(readonly loadError: Error | null) {
    super(
      loadError === null
        ? 'G.729 decoder not built (make deps builds packages/recorder/native/build/g729.node)'
        : `G.729 decoder cannot load: ${loadError.message}`,
    );
    this.name = 'G729UnavailableError';
  }
}

/** One G.729 decoder channel: keeps bcg729's state across packets. */
export class G729Decoder {
  private readonly addon: G729Addon;
  private readonly state: NativeG729State;

  constructor(addon: G729Addon | null = loadG729Addon()) {
    if (addon === null) throw new G729UnavailableError(g729AddonLoadError());
    this.addon = addon;
    this.state = addon.createDecoder();
  }

  /** Decode one RTP payload: 80 samples per 10-byte frame and per 2-byte SID frame. */
  decode(payload: Uint8Array): Int16Array {
    return this.addon.decode(this.state, payload);
  }
}
