// The one contract every Transcriber passes (STYLE.md habit 3). Each engine's test file calls
// describeTranscriberContract once; engines that really recognise speech are also given a speech
// clip, on which the word rules are checked at the clip's own rate and at telephone 8 kHz.
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { resamplePcm } from './pcm-resampler.js';
import {
  TranscriptLanguageError,
  type ChannelTranscription,
  type Transcriber,
} from './transcriber.js';

export interface SpeechSample {
  readonly pcm: Int16Array;
  readonly sampleRate: number;
}

export interface TranscriberContractOptions {
  /** A clip of English speech; required for engines that recognise (`recognises`). */
  readonly speech?: () => Promise<SpeechSample>;
  /** The engine produces words for speech (false only for `none`). */
  readonly recognises: boolean;
  /** Per-test time limit (real engines are slow to load). */
  readonly timeoutMs?: number;
}

function expectWellFormed(result: ChannelTranscription, durationSeconds: number): void {
  let previousStart = -Infinity;
  for (const w of result.words) {
    expect(w.word).toMatch(/\S/);
    expect(w.word).not.toMatch(/^[<[]|\(\d+\)$/);
    expect(w.start).toBeGreaterThanOrEqual(0);
    expect(w.start).toBeLessThan(w.end);
    expect(w.end).toBeLessThanOrEqual(durationSeconds + 1e-9);
    expect(w.start).toBeGreaterThanOrEqual(previousStart);
    expect(w.confidence).toBeGreaterThanOrEqual(0);
    expect(w.confidence).toBeLessThanOrEqual(1);
    previousStart = w.start;
  }
}

export function describeTranscriberContract(
  name: string,
  factory: () => Transcriber | Promise<Transcriber>,
  options: TranscriberContractOptions,
): void {
  const timeout = options.timeoutMs ?? 60_000;
  const english = { language: 'en_us' };

  describe(`Transcriber contract: ${name}`, () => {
    it('describes itself and passes its start-up check', { timeout }, async () => {
      const t = await factory();
      expect(t.describe()).toContain(t.engine);
      await expect(t.check()).resolves.toBeUndefined();
    });

    it('finds no words in empty audio', { timeout }, async () => {
      const t = await factory();
      const result = await t.transcribe(new Int16Array(0), 16_000, english);
      expect(result.engine).toBe(t.engine);
      expect(result.words).toEqual([]);
    });

    it.each([8000, 16_000, 48_000])(
      'finds no words in two seconds of silence at %i Hz',
      { timeout },
      async (rate) => {
        const t = await factory();
        const result = await t.transcribe(new Int16Array(rate * 2), rate, english);
        expect(result.words).toEqual([]);
      },
    );

    it.each(['sv_se', 'de_de', 'fr', 'es-ES', ''])(
      'refuses language "%s" with TranscriptLanguageError before any work',
      async (language) => {
        const t = await factory();
        const attempt = t.transcribe(new Int16Array(16_000), 16_000, { language });
        await expect(attempt).rejects.toBeInstanceOf(TranscriptLanguageError);
        await expect(attempt).rejects.toMatchObject({ code: 'TRANSCRIPT_LANGUAGE_UNSUPPORTED' });
      },
    );

    it.each(['en_us', 'en_gb', 'en-AU', 'EN', 'english'])(
      'accepts English as "%s"',
      { timeout },
      async (language) => {
        const t = await factory();
        await expect(t.transcribe(new Int16Array(0), 8000, { language })).resolves.toMatchObject({
          words: [],
        });
      },
    );

    it('refuses an impossible sample rate', async () => {
      const t = await factory();
      await expect(t.transcribe(new Int16Array(10), 0, english)).rejects.toBeInstanceOf(AppError);
    });

    it('rejects with the reason of an already aborted signal', async () => {
      const t = await factory();
      const controller = new AbortController();
      const reason = new Error('stop before starting');
      controller.abort(reason);
      await expect(
        t.transcribe(new Int16Array(16_000), 16_000, { ...english, signal: controller.signal }),
      ).rejects.toBe(reason);
    });

    if (options.recognises) {
      const speech = options.speech;
      if (!speech) throw new Error(`${name}: a recognising engine's contract needs speech`);

      it('finds ordered words, start < end, inside the audio', { timeout }, async () => {
        const t = await factory();
        const clip = await speech();
        const result = await t.transcribe(clip.pcm, clip.sampleRate, english);
        expect(result.words.length).toBeGreaterThan(2);
        expectWellFormed(result, clip.pcm.length / clip.sampleRate);
      });

      it('transcribes telephone-rate (8 kHz) audio', { timeout }, async () => {
        const t = await factory();
        const clip = await speech();
        const narrow = resamplePcm(clip.pcm, clip.sampleRate, 8000);
        const result = await t.transcribe(narrow, 8000, english);
        expect(result.words.length).toBeGreaterThan(2);
        expectWellFormed(result, narrow.length / 8000);
      });

      it('stops a running transcription when its signal aborts', { timeout }, async () => {
        const t = await factory();
        const clip = await speech();
        // Long enough that the engine is surely still working when the abort arrives.
        const long = new Int16Array(clip.pcm.length * 8);
        for (let i = 0; i < 8; i++) long.set(clip.pcm, i * clip.pcm.length);
        const controller = new AbortController();
        const reason = new Error('stopped by the test');
        const started = Date.now();
        const run = t.transcribe(long, clip.sampleRate, { ...english, signal: controller.signal });
        setTimeout(() => controller.abort(reason), 200);
        await expect(run).rejects.toBe(reason);
        expect(Date.now() - started).toBeLessThan(5_000);
        // The engine is usable afterwards.
        const again = await t.transcribe(clip.pcm, clip.sampleRate, english);
        expect(again.words.length).toBeGreaterThan(2);
      });
    } else {
      it('finds no words in a tone either (it does not recognise)', async () => {
        const t = await factory();
        const tone = Int16Array.from({ length: 16_000 }, (_, i) =>
          Math.round(8000 * Math.sin(i / 5)),
        );
        await expect(t.transcribe(tone, 16_000, english)).resolves.toMatchObject({ words: [] });
      });
    }
  });
}
