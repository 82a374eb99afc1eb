import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  AudioCodecUnsupportedError,
  createAudioDecoder,
  getRtpClockRate,
  normalizeAudioCodecName,
} from './audio-decoder.js';
import { decodePcmu } from './g711-decoder.js';
import { G722Decoder } from './g722-decoder.js';

describe('createAudioDecoder', () => {
  it('RFC 4855 §3: encoding names are case-insensitive (pcmu, PCMU, Pcmu)', () => {
    for (const name of ['pcmu', 'PCMU', 'Pcmu'])
      expect(createAudioDecoder(name).codec).toBe('PCMU');
    expect(normalizeAudioCodecName('g722')).toBe('G722');
    expect(normalizeAudioCodecName('OPUS')).toBe('opus');
    expect(normalizeAudioCodecName('GSM')).toBeNull();
  });

  it('builds PCMU and PCMA decoders at 8 kHz and G722 at 16 kHz', () => {
    expect(createAudioDecoder('PCMU').sampleRate).toBe(8000);
    expect(createAudioDecoder('PCMA').sampleRate).toBe(8000);
    expect(createAudioDecoder('G722').sampleRate).toBe(16000);
    const payload = Uint8Array.of(0x00, 0x10, 0x80, 0xff);
    expect(Array.from(createAudioDecoder('PCMU').decode(payload))).toEqual(
      Array.from(decodePcmu(payload)),
    );
  });

  it('each G722 decoder keeps its own state (one per stream)', () => {
    const bytes = new Uint8Array(
      readFileSync(new URL('../../../test-fixtures/audio/conv_bob_0s-4s.g722', import.meta.url)),
    );
    const a = createAudioDecoder('G722');
    const b = createAudioDecoder('G722');
    a.decode(bytes.subarray(0, 8000));
    expect(Array.from(b.decode(bytes.subarray(0, 160)))).toEqual(
      Array.from(new G722Decoder().decode(bytes.subarray(0, 160))),
    );
  });

  it('decodeLoss fills the requested number of samples with silence', () => {
    const loss = createAudioDecoder('G722').decodeLoss?.(320);
    expect(loss).toHaveLength(320);
    expect(loss?.every((s) => s === 0)).toBe(true);
  });

  it('throws a typed error for Opus (its own wrapper) and unknown codecs', () => {
    for (const name of ['opus', 'GSM']) {
      let error: unknown;
      try {
        createAudioDecoder(name);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(AudioCodecUnsupportedError);
      expect((error as AudioCodecUnsupportedError).code).toBe('AUDIO_CODEC_UNSUPPORTED');
      expect((error as AudioCodecUnsupportedError).codecName).toBe(name);
    }
  });

  it('RFC 3551 §4.5 / RFC 7587 §4.1: RTP clock rates 8000 (G.711, G.722) and 48000 (Opus)', () => {
    expect(getRtpClockRate('PCMU')).toBe(8000);
    expect(getRtpClockRate('PCMA')).toBe(8000);
    expect(getRtpClockRate('G722')).toBe(8000);
    expect(getRtpClockRate('opus')).toBe(48000);
  });
});
