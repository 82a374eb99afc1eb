// The accuracy engine (SPEC §8): sherpa-onnx (Next-gen Kaldi) through sherpa-onnx-node, with a model
// the operator downloads and names by `CALLVAULT_TRANSCRIBER=sherpa-onnx:/path/to/model`.
// Supported layout: an offline (non-streaming) English transducer directory as published in
// sherpa-onnx's model releases — `tokens.txt` with `encoder*.onnx`, `decoder*.onnx` and
// `joiner*.onnx` (for example sherpa-onnx-zipformer-en-2023-06-26 or
// sherpa-onnx-nemo-parakeet-tdt-0.6b-v2-int8); int8 files are preferred when both are present.
// The native module is loaded only when this engine is chosen.
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../errors.js';
import { resamplePcm } from './pcm-resampler.js';
import { groupSherpaTokens, planChunks, type SherpaResult } from './sherpa-onnx-words.js';
import {
  assertEnglishLanguage,
  assertPcmInput,
  type ChannelTranscription,
  type TranscribedWord,
  type Transcriber,
  type TranscribeOptions,
} from './transcriber.js';

export const SHERPA_SAMPLE_RATE = 16_000;
/** Longer audio is decoded in chunks: bounded memory, and an abort is seen between chunks. */
const CHUNK_SECONDS = 20;

export interface SherpaTransducerModel {
  readonly dir: string;
  readonly encoder: string;
  readonly decoder: string;
  readonly joiner: string;
  readonly tokens: string;
}

function unavailable(modelDir: string, why: string): AppError {
  return new AppError(
    'TRANSCRIBER_UNAVAILABLE',
    `sherpa-onnx model directory ${modelDir}: ${why}. Download an offline English transducer model ` +
      '(tokens.txt, encoder/decoder/joiner .onnx) from the sherpa-onnx pre-trained models page and ' +
      'set CALLVAULT_TRANSCRIBER=sherpa-onnx:/path/to/that/directory',
  );
}

/** Picks the model files in `modelDir`; throws TRANSCRIBER_UNAVAILABLE saying what is wrong. */
export async function resolveSherpaModel(modelDir: string): Promise<SherpaTransducerModel> {
  let names: string[];
  try {
    const stat = await fs.stat(modelDir);
    if (!stat.isDirectory()) throw unavailable(modelDir, 'is not a directory');
    names = await fs.readdir(modelDir);
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw unavailable(
      modelDir,
      code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`,
    );
  }
  const pick = (part: string): string | null => {
    const candidates = names
      .filter((n) => n.endsWith('.onnx') && n.toLowerCase().includes(part))
      .sort(
        (a, b) => Number(b.includes('int8')) - Number(a.includes('int8')) || a.localeCompare(b),
      );
    return candidates[0] ?? null;
  };
  const encoder = pick('encoder');
  const decoder = pick('decoder');
  const joiner = pick('joiner');
  const tokens = names.includes('tokens.txt') ? 'tokens.txt' : null;
  const missing = [
    ...(tokens ? [] : ['tokens.txt']),
    ...(encoder ? [] : ['encoder*.onnx']),
    ...(decoder ? [] : ['decoder*.onnx']),
    ...(joiner ? [] : ['joiner*.onnx']),
  ];
  if (missing.length > 0 || !encoder || !decoder || !joiner || !tokens) {
    throw unavailable(modelDir, `is missing ${missing.join(', ')}`);
  }
  const model = {
    dir: modelDir,
    encoder: path.join(modelDir, encoder),
    decoder: path.join(modelDir, decoder),
    joiner: path.join(modelDir, joiner),
    tokens: path.join(modelDir, tokens),
  };
  for (const file of [model.encoder, model.decoder, model.joiner, model.tokens]) {
    try {
      await fs.access(file, fs.constants.R_OK);
    } catch {
      throw unavailable(modelDir, `${path.basename(file)} is not readable`);
    }
  }
  return model;
}

/** sherpa-onnx-node's recogniser config for a transducer (its OfflineRecognizerConfig). */
export function buildSherpaConfig(model: SherpaTransducerModel, numThreads: number) {
  return {
    featConfig: { sampleRate: SHERPA_SAMPLE_RATE, featureDim: 80 },
    modelConfig: {
      transducer: { encoder: model.encoder, decoder: model.decoder, joiner: model.joiner },
      tokens: model.tokens,
      numThreads,
      provider: 'cpu',
      debug: 0,
    },
    decodingMethod: 'greedy_search',
  };
}

// The part of sherpa-onnx-node's API used here (the package ships JSDoc, not TypeScript types).
interface SherpaStream {
  acceptWaveform(wave: { samples: Float32Array; sampleRate: number }): void;
}
interface SherpaRecognizer {
  createStream(): SherpaStream;
  decodeAsync(stream: SherpaStream): Promise<SherpaResult>;
}
interface SherpaModule {
  OfflineRecognizer: { createAsync(config: unknown): Promise<SherpaRecognizer> };
  version?: string;
}

/** Loads the native module (the platform binary arrives as an npm optional dependency). */
export function loadSherpaModule(): SherpaModule {
  try {
    return createRequire(import.meta.url)('sherpa-onnx-node') as SherpaModule;
  } catch (error) {
    throw new AppError(
      'TRANSCRIBER_UNAVAILABLE',
      `sherpa-onnx-node could not be loaded on ${process.platform}-${process.arch}: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
}

export interface SherpaOnnxOptions {
  readonly modelDir: string;
  /** Threads for one decode (default: half the cores, at least 1). */
  readonly numThreads?: number;
  /** For tests: another loader for the native module. */
  readonly loadModule?: () => SherpaModule;
}

export class SherpaOnnxTranscriber implements Transcriber {
  readonly engine = 'sherpa-onnx' as const;
  private recognizer: Promise<SherpaRecognizer> | null = null;

  constructor(private readonly options: SherpaOnnxOptions) {}

  describe(): string {
    return `sherpa-onnx (model ${this.options.modelDir})`;
  }

  /** Validates the model directory and loads the model once; a bad model is a start-up error. */
  async check(): Promise<void> {
    await this.load();
  }

  private load(): Promise<SherpaRecognizer> {
    this.recognizer ??= (async () => {
      const model = await resolveSherpaModel(this.options.modelDir);
      const sherpa = (this.options.loadModule ?? loadSherpaModule)();
      const threads = this.options.numThreads ?? Math.max(1, Math.floor(os.cpus().length / 2));
      try {
        return await sherpa.OfflineRecognizer.createAsync(buildSherpaConfig(model, threads));
      } catch (error) {
        throw unavailable(
          this.options.modelDir,
          `the model did not load (${error instanceof Error ? error.message : String(error)})`,
        );
      }
    })();
    // A failed load is retried on the next call rather than cached.
    this.recognizer.catch(() => {
      this.recognizer = null;
    });
    return this.recognizer;
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
    const recognizer = await this.load();
    const audio =
      sampleRate === SHERPA_SAMPLE_RATE ? pcm : resamplePcm(pcm, sampleRate, SHERPA_SAMPLE_RATE);
    const cuts = planChunks(audio, SHERPA_SAMPLE_RATE, CHUNK_SECONDS);
    const words: TranscribedWord[] = [];
    const segments: Array<{ start: number; end: number; text: string }> = [];
    for (let i = 0; i + 1 < cuts.length; i++) {
      options.signal?.throwIfAborted();
      const from = cuts[i] ?? 0;
      const to = cuts[i + 1] ?? audio.length;
      const samples = new Float32Array(to - from);
      for (let k = 0; k < samples.length; k++) samples[k] = (audio[from + k] ?? 0) / 32768;
      const stream = recognizer.createStream();
      stream.acceptWaveform({ samples, sampleRate: SHERPA_SAMPLE_RATE });
      const result = await recognizer.decodeAsync(stream);
      const chunkWords = groupSherpaTokens(
        result,
        from / SHERPA_SAMPLE_RATE,
        to / SHERPA_SAMPLE_RATE,
      );
      const first = chunkWords[0];
      const last = chunkWords[chunkWords.length - 1];
      if (first && last) {
        words.push(...chunkWords);
        segments.push({
          start: first.start,
          end: last.end,
          text: chunkWords.map((w) => w.word).join(' '),
        });
      }
    }
    options.signal?.throwIfAborted();
    return { engine: this.engine, words, segments };
  }
}
