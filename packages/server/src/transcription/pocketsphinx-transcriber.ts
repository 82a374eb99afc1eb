// The embedded default engine (SPEC §8): CMU PocketSphinx from Debian (`pocketsphinx`,
// `pocketsphinx-en-us`) run as a child process, one run per channel:
//   pocketsphinx_continuous -infile X.wav -time yes -hmm … -lm … -dict … -logfn /dev/null
// The en-us model is trained on 16 kHz audio, so every channel is resampled to 16 kHz mono 16-bit
// WAV first (8 kHz narrowband input would otherwise be refused by the front end).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../errors.js';
import { runCommand } from './child-process-runner.js';
import { fillMissingHighBand, resamplePcm } from './pcm-resampler.js';
import { encodeWavPcm16 } from './pcm-wav.js';
import { parsePocketsphinxOutput } from './pocketsphinx-output.js';
import {
  assertEnglishLanguage,
  assertPcmInput,
  type ChannelTranscription,
  type TranscribedWord,
  type Transcriber,
  type TranscribeOptions,
} from './transcriber.js';

export const POCKETSPHINX_SAMPLE_RATE = 16_000;
export const DEBIAN_EN_US_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';

export interface PocketsphinxOptions {
  /** The decoder program (default `pocketsphinx_continuous` on PATH). */
  readonly command?: string;
  /** Holds `en-us/` (acoustic model), `en-us.lm.bin` and `cmudict-en-us.dict`. */
  readonly modelDir?: string;
  /** Where the per-run WAV files go (default the OS temporary directory). */
  readonly tmpDir?: string;
  /** Time limit of one run: this plus `timeoutPerAudioSecondMs` for each second of audio. */
  readonly timeoutBaseMs?: number;
  readonly timeoutPerAudioSecondMs?: number;
}

export interface PocketsphinxModelPaths {
  readonly hmm: string;
  readonly lm: string;
  readonly dict: string;
}

export function resolvePocketsphinxModel(
  modelDir = DEBIAN_EN_US_MODEL_DIR,
): PocketsphinxModelPaths {
  return {
    hmm: path.join(modelDir, 'en-us'),
    lm: path.join(modelDir, 'en-us.lm.bin'),
    dict: path.join(modelDir, 'cmudict-en-us.dict'),
  };
}

/** The decoder's arguments for one WAV file (shared with the benchmark's bare baseline). */
export function buildPocketsphinxArgs(wavFile: string, model: PocketsphinxModelPaths): string[] {
  return [
    '-infile',
    wavFile,
    '-time',
    'yes',
    '-hmm',
    model.hmm,
    '-lm',
    model.lm,
    '-dict',
    model.dict,
    '-samprate',
    String(POCKETSPHINX_SAMPLE_RATE),
    '-logfn',
    '/dev/null',
  ];
}

/** Keeps words inside the audio (frame rounding can pass its end) with start < end. */
export function clampWordsToDuration(
  words: readonly TranscribedWord[],
  durationSeconds: number,
): TranscribedWord[] {
  const out: TranscribedWord[] = [];
  for (const w of words) {
    const end = Math.min(w.end, durationSeconds);
    if (w.start >= end) continue;
    out.push(end === w.end ? w : { ...w, end });
  }
  return out;
}

/** The model's upper mel filter edge (feat.params -upperf 6800): narrower sources get a fill. */
const MODEL_UPPER_HZ = 6800;

/** One channel at any rate → 16 kHz, with narrowband audio's empty top band filled. */
export function prepareForPocketsphinx(pcm: Int16Array, sampleRate: number): Int16Array {
  const wide =
    sampleRate === POCKETSPHINX_SAMPLE_RATE
      ? pcm
      : resamplePcm(pcm, sampleRate, POCKETSPHINX_SAMPLE_RATE);
  return sampleRate / 2 < MODEL_UPPER_HZ
    ? fillMissingHighBand(wide, POCKETSPHINX_SAMPLE_RATE, sampleRate)
    : wide;
}

export class PocketsphinxTranscriber implements Transcriber {
  readonly engine = 'pocketsphinx' as const;
  private readonly command: string;
  private readonly model: PocketsphinxModelPaths;
  private readonly modelDir: string;

  constructor(private readonly options: PocketsphinxOptions = {}) {
    this.command = options.command ?? 'pocketsphinx_continuous';
    this.modelDir = options.modelDir ?? DEBIAN_EN_US_MODEL_DIR;
    this.model = resolvePocketsphinxModel(this.modelDir);
  }

  describe(): string {
    return `pocketsphinx (${this.command}, model ${this.modelDir})`;
  }

  async check(): Promise<void> {
    const missing: string[] = [];
    for (const file of [this.model.hmm, this.model.lm, this.model.dict]) {
      try {
        await fs.access(file, fs.constants.R_OK);
      } catch {
        missing.push(file);
      }
    }
    if (missing.length > 0) {
      throw new AppError(
        'TRANSCRIBER_UNAVAILABLE',
        `pocketsphinx: the en-us model is missing or unreadable (install the Debian package pocketsphinx-en-us): ${missing.join(', ')}`,
      );
    }
    // A quarter second of silence through the real decoder proves the program and model load.
    await this.decode(new Int16Array(POCKETSPHINX_SAMPLE_RATE / 4), undefined).catch(
      (error: unknown) => {
        if (error instanceof AppError && error.code === 'TRANSCRIBER_UNAVAILABLE') {
          throw new AppError(
            'TRANSCRIBER_UNAVAILABLE',
            `${error.message} (install the Debian package pocketsphinx)`,
          );
        }
        throw new AppError(
          'TRANSCRIBER_UNAVAILABLE',
          `pocketsphinx could not decode a test sample: ${error instanceof Error ? error.message : String(error)}`,
        );
      },
    );
  }

  async transcribe(
    pcm: Int16Array,
    sampleRate: number,
    options: TranscribeOptions,
  ): Promise<ChannelTranscription> {
    assertEnglishLanguage(options.language);
    assertPcmInput(pcm, sampleRate);
    options.signal?.throwIfAborted();
    if (pcm.length === 0) return { engine: this.engine, words: [], segments: [] };
    const { words, segments } = await this.decode(
      prepareForPocketsphinx(pcm, sampleRate),
      options.signal,
    );
    const duration = pcm.length / sampleRate;
    return {
      engine: this.engine,
      words: clampWordsToDuration(words, duration),
      segments: segments
        .filter((s) => s.start < duration)
        .map((s) => ({ ...s, end: Math.min(s.end, duration) })),
    };
  }

  private async decode(pcm16k: Int16Array, signal: AbortSignal | undefined) {
    const dir = await fs.mkdtemp(path.join(this.options.tmpDir ?? os.tmpdir(), 'callvault-asr-'));
    try {
      const wav = path.join(dir, 'channel.wav');
      await fs.writeFile(wav, encodeWavPcm16(pcm16k, POCKETSPHINX_SAMPLE_RATE), { mode: 0o600 });
      const seconds = pcm16k.length / POCKETSPHINX_SAMPLE_RATE;
      const timeoutMs =
        (this.options.timeoutBaseMs ?? 30_000) +
        seconds * (this.options.timeoutPerAudioSecondMs ?? 3_000);
      const { stdout } = await runCommand(this.command, buildPocketsphinxArgs(wav, this.model), {
        timeoutMs,
        signal,
      });
      return parsePocketsphinxOutput(stdout);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
}
