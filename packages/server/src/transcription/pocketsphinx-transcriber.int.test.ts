// PocketSphinx on real speech: pocketsphinx-testdata's LibriVox clips. Needs the Debian packages
// pocketsphinx, pocketsphinx-en-us and pocketsphinx-testdata (make test installs them); without
// them the suite skips with a message, except in CI where it fails.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import {
  isLibrivoxDataInstalled,
  loadLibrivoxClips,
  type ReferenceClip,
} from './librivox-test-data.js';
import { PocketsphinxTranscriber } from './pocketsphinx-transcriber.js';
import { describeTranscriberContract } from './transcriber.contract.js';
import {
  countWordErrors,
  normaliseWords,
  sumWordErrors,
  wordErrorRate,
} from './word-error-rate.js';

const installed =
  (await isLibrivoxDataInstalled()) &&
  fs.existsSync('/usr/share/pocketsphinx/model/en-us/en-us.lm.bin') &&
  (() => {
    try {
      execFileSync('sh', ['-c', 'command -v pocketsphinx_continuous'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

if (!installed && process.env.CI === 'true') {
  throw new Error(
    'CI: pocketsphinx, pocketsphinx-en-us and pocketsphinx-testdata must be installed (make deps-test)',
  );
}
if (!installed) {
  console.warn(
    'pocketsphinx tests SKIPPED: install the Debian packages pocketsphinx pocketsphinx-en-us pocketsphinx-testdata',
  );
}

const MAX_WER = 0.4;
let clipsPromise: Promise<ReferenceClip[]> | null = null;
const clips = (): Promise<ReferenceClip[]> => (clipsPromise ??= loadLibrivoxClips());

describe.skipIf(!installed)('pocketsphinx', () => {
  describeTranscriberContract('pocketsphinx', () => new PocketsphinxTranscriber(), {
    recognises: true,
    speech: async () => {
      const clip = (await clips())[0];
      if (!clip) throw new Error('no LibriVox clip');
      return clip;
    },
    timeoutMs: 120_000,
  });

  describe('on the LibriVox reference clips', () => {
    it(
      `transcribes them with a word error rate of at most ${MAX_WER * 100} %`,
      { timeout: 300_000 },
      async () => {
        const t = new PocketsphinxTranscriber();
        const counts = [];
        for (const clip of await clips()) {
          const result = await t.transcribe(clip.pcm, clip.sampleRate, { language: 'en_us' });
          const hypothesis = result.words.map((w) => w.word).join(' ');
          const c = countWordErrors(normaliseWords(clip.reference), normaliseWords(hypothesis));
          counts.push(c);
          console.info(
            `${clip.id}: WER ${(wordErrorRate(c) * 100).toFixed(1)} % — "${hypothesis}"`,
          );
        }
        const total = sumWordErrors(counts);
        const wer = wordErrorRate(total);
        console.info(
          `pocketsphinx WER on ${counts.length} LibriVox clips: ${(wer * 100).toFixed(1)} % ` +
            `(${total.substitutions} sub, ${total.deletions} del, ${total.insertions} ins / ${total.referenceWords} words)`,
        );
        expect(total.referenceWords).toBeGreaterThan(50);
        expect(wer).toBeLessThanOrEqual(MAX_WER);
      },
    );

    it(
      'times words within each clip and joins utterances into segments',
      { timeout: 120_000 },
      async () => {
        const clip = (await clips())[1];
        if (!clip) throw new Error('no clip');
        const result = await new PocketsphinxTranscriber().transcribe(clip.pcm, clip.sampleRate, {
          language: 'en_us',
        });
        // "he was not an ill disposed young man": the first three words are reliably recognised.
        expect(result.words.slice(0, 3).map((w) => w.word)).toEqual(['he', 'was', 'not']);
        expect(result.segments?.length).toBeGreaterThan(0);
        const first = result.words[0];
        expect(first?.start).toBeLessThan(0.5);
      },
    );
  });

  describe('the process', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-asr-test-'));
    afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
    let clip: ReferenceClip;
    beforeAll(async () => {
      const first = (await clips())[0];
      if (!first) throw new Error('no clip');
      clip = first;
    });

    it('leaves no temporary files after a run or an abort', { timeout: 120_000 }, async () => {
      const t = new PocketsphinxTranscriber({ tmpDir: tmp });
      await t.transcribe(clip.pcm, clip.sampleRate, { language: 'en_us' });
      const controller = new AbortController();
      const run = t.transcribe(clip.pcm, clip.sampleRate, {
        language: 'en_us',
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(new Error('abort')), 100);
      await expect(run).rejects.toThrow('abort');
      expect(fs.readdirSync(tmp)).toEqual([]);
    });

    it('is stopped when it runs past its time limit', { timeout: 60_000 }, async () => {
      const t = new PocketsphinxTranscriber({ timeoutBaseMs: 50, timeoutPerAudioSecondMs: 0 });
      await expect(t.transcribe(clip.pcm, clip.sampleRate, { language: 'en_us' })).rejects.toThrow(
        /took longer than/,
      );
    });

    it('fails its start-up check without the program or the model', async () => {
      await expect(
        new PocketsphinxTranscriber({ command: 'pocketsphinx_not_here' }).check(),
      ).rejects.toMatchObject({ code: 'TRANSCRIBER_UNAVAILABLE', message: /not installed/ });
      const noModel = new PocketsphinxTranscriber({ modelDir: path.join(tmp, 'none') });
      await expect(noModel.check()).rejects.toBeInstanceOf(AppError);
      await expect(noModel.check()).rejects.toThrow(/pocketsphinx-en-us/);
    });
  });
});
