import { describe, expect, it } from 'vitest';
import { createAudioDecoder, getRtpClockRate, normalizeAudioCodecName } from './audio-decoder.js';
import {
  G729_FRAME_SAMPLES,
  G729Decoder,
  G729UnavailableError,
  g729SamplesOf,
  loadG729Addon,
  type G729Addon,
} from './g729-decoder.js';

// Not skipped when missing: `make deps` builds it, and without it G.729 is not answered.
function addon(): G729Addon {
  const loaded = loadG729Addon();
  if (!loaded) throw new Error('the G.729 addon is not built: run `make deps`');
  return loaded;
}

/** Two tones in the telephone band, as a test signal G.729's speech model can follow. */
function tone(samples: number, amplitude = 8000): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) {
    const t = i / 8000;
    out[i] = Math.round(
      amplitude * (0.6 * Math.sin(2 * Math.PI * 440 * t) + 0.4 * Math.sin(2 * Math.PI * 1020 * t)),
    );
  }
  return out;
}

/** bcg729's encoder as the reference: RTP payloads of `framesPerPacket` frames (2 = 20 ms). */
function encodePackets(pcm: Int16Array, vad: boolean, framesPerPacket = 2): Uint8Array[] {
  const g729 = addon();
  const frames = g729.encode(g729.createEncoder(vad), pcm);
  const packets: Uint8Array[] = [];
  for (let i = 0; i < frames.length; i += framesPerPacket) {
    const group = frames.slice(i, i + framesPerPacket);
    const bytes = new Uint8Array(group.reduce((n, f) => n + f.length, 0));
    let at = 0;
    for (const frame of group) {
      bytes.set(frame, at);
      at += frame.length;
    }
    packets.push(bytes);
  }
  return packets;
}

function concat(pieces: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/** Best normalised correlation of `decoded` against `reference` over lags 0..maxLag. */
function bestCorrelation(
  reference: Int16Array,
  decoded: Int16Array,
  from: number,
  maxLag = 80,
): { lag: number; correlation: number; snrDb: number } {
  let best = { lag: 0, correlation: -1, snrDb: -Infinity };
  for (let lag = 0; lag <= maxLag; lag++) {
    let xy = 0;
    let xx = 0;
    let yy = 0;
    let noise = 0;
    for (let i = from; i + lag < decoded.length && i < reference.length; i++) {
      const x = reference[i]!;
      const y = decoded[i + lag]!;
      xy += x * y;
      xx += x * x;
      yy += y * y;
      noise += (x - y) ** 2;
    }
    const correlation = xy / Math.sqrt(xx * yy);
    if (correlation > best.correlation) {
      best = { lag, correlation, snrDb: 10 * Math.log10(xx / noise) };
    }
  }
  return best;
}

function rms(pcm: Int16Array): number {
  let sum = 0;
  for (const s of pcm) sum += s * s;
  return Math.sqrt(sum / pcm.length);
}

describe('G729Decoder (ITU-T G.729 Annex A/B through libbcg729)', () => {
  it('decodes a two-tone signal encoded by the reference encoder: correlation ≥ 0.9', () => {
    const source = tone(16000);
    const decoder = new G729Decoder(addon());
    const decoded = concat(encodePackets(source, false).map((p) => decoder.decode(p)));
    expect(decoded.length).toBe(source.length);
    // Skip the first 100 ms while the decoder's filters settle.
    const { correlation, snrDb } = bestCorrelation(source, decoded, 800);
    expect(correlation).toBeGreaterThanOrEqual(0.9);
    expect(snrDb).toBeGreaterThan(5);
  });

  it('RFC 3551 §4.5.6: each 10-byte frame is 80 samples; a payload of several frames decodes them all', () => {
    const decoder = new G729Decoder(addon());
    expect(decoder.decode(new Uint8Array(10))).toHaveLength(G729_FRAME_SAMPLES);
    expect(decoder.decode(new Uint8Array(60))).toHaveLength(6 * G729_FRAME_SAMPLES);
    expect(g729SamplesOf(20)).toBe(160);
    // Trailing bytes that are neither a frame nor a SID frame are ignored.
    expect(decoder.decode(new Uint8Array(13))).toHaveLength(G729_FRAME_SAMPLES);
  });

  it('Annex B: 2-byte SID frames (alone or after speech frames) decode to quiet comfort noise', () => {
    // Tone then near-silence with VAD on: the encoder sends SID frames (2 bytes) and then
    // nothing (DTX) for the quiet part.
    const quiet = new Int16Array(8000);
    for (let i = 0; i < quiet.length; i++) quiet[i] = ((i * 7919) % 61) - 30;
    const source = concat([tone(8000), quiet]);
    const frames = addon().encode(addon().createEncoder(true), source);
    expect(frames.some((f) => f.length === 2)).toBe(true);
    expect(frames.some((f) => f.length === 0)).toBe(true);

    const decoder = new G729Decoder(addon());
    const sidAt = frames.findIndex((f) => f.length === 2);
    for (const frame of frames.slice(0, sidAt)) decoder.decode(frame);
    const noise = decoder.decode(frames[sidAt]!);
    expect(noise).toHaveLength(G729_FRAME_SAMPLES);
    // Comfort noise at the level of the quiet input: well under the tone, yet not digital zero.
    expect(rms(noise)).toBeLessThan(rms(tone(800)) / 100);
    expect(rms(noise)).toBeGreaterThan(0);
    // One speech frame then a SID frame in one payload: 160 samples.
    const speech = frames[0]!;
    expect(decoder.decode(Uint8Array.from([...speech, ...frames[sidAt]!]))).toHaveLength(160);
  });

  it('createAudioDecoder builds G729 (and the G729A name) at 8 kHz with an 8 kHz RTP clock', () => {
    addon();
    expect(normalizeAudioCodecName('g729')).toBe('G729');
    expect(normalizeAudioCodecName('G729a')).toBe('G729');
    const decoder = createAudioDecoder('G729');
    expect(decoder.sampleRate).toBe(8000);
    expect(getRtpClockRate(decoder.codec)).toBe(8000);
    expect(decoder.decode(new Uint8Array(20))).toHaveLength(160);
  });

  it('without the addon the decoder cannot be built and says why, with a stable code', () => {
    const error = (() => {
      try {
        new G729Decoder(null);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(G729UnavailableError);
    expect((error as G729UnavailableError).code).toBe('G729_DECODER_UNAVAILABLE');
  });
});
