// The transcription port (SPEC §8). One engine turns ONE channel of PCM into timed
// words; the pipeline transcribes every channel separately (each channel is one party) and merges
// them (transcript-formats.ts). Every engine passes transcriber.contract.ts.
import { AppError } from '../errors.js';

export type TranscriberEngine = 'pocketsphinx' | 'sherpa-onnx' | 'none';

/** Times are seconds from the start of the channel's audio. */
export interface TranscribedWord {
  readonly start: number;
  readonly end: number;
  readonly word: string;
  /** 0–1; engines without a confidence give 1. */
  readonly confidence: number;
}

/** A stretch of speech as the engine itself delimited it (an utterance), when it does. */
export interface EngineSegment {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface ChannelTranscription {
  readonly engine: TranscriberEngine;
  /** In time order; start < end; within the audio. */
  readonly words: readonly TranscribedWord[];
  readonly segments?: readonly EngineSegment[];
}

export interface TranscribeOptions {
  /** The call's language as configured for announcements (`en_us`, `sv_se`, …). */
  readonly language: string;
  readonly signal?: AbortSignal | undefined;
}

export interface Transcriber {
  readonly engine: TranscriberEngine;
  /** One line for logs and health output: engine and model. */
  describe(): string;
  /**
   * Start-up check: the engine can run (binary present, model readable). Throws
   * AppError('TRANSCRIBER_UNAVAILABLE') saying what is missing.
   */
  check(): Promise<void>;
  /**
   * Transcribes one channel of 16-bit PCM at `sampleRate`. Refuses a language other than English
   * (TranscriptLanguageError) before doing any work; rejects with the signal's reason on abort.
   */
  transcribe(
    pcm: Int16Array,
    sampleRate: number,
    options: TranscribeOptions,
  ): Promise<ChannelTranscription>;
}

/** Thrown for a call whose language no engine here transcribes. */
export class TranscriptLanguageError extends AppError {
  constructor(readonly language: string) {
    super(
      'TRANSCRIPT_LANGUAGE_UNSUPPORTED',
      `transcripts are made for English calls only; this call's language is "${language}"`,
    );
  }
}

/** English in the forms settings and engines use: `en`, `en_us`, `en-GB`, `english`. */
export function isEnglishLanguage(language: string): boolean {
  const l = language.trim().toLowerCase();
  return l === 'english' || /^en(?:[-_][a-z0-9]+)*$/.test(l);
}

export function assertEnglishLanguage(language: string): void {
  if (!isEnglishLanguage(language)) throw new TranscriptLanguageError(language);
}

/** Throws the signal's reason (an AbortError unless the caller gave another) if it is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  signal?.throwIfAborted();
}

export function assertPcmInput(pcm: Int16Array, sampleRate: number): void {
  if (!(pcm instanceof Int16Array)) throw new TypeError('pcm must be an Int16Array');
  if (!Number.isInteger(sampleRate) || sampleRate < 4000 || sampleRate > 192_000) {
    throw new AppError('VALIDATION_FAILED', `sample rate ${sampleRate} is not 4000–192000 Hz`);
  }
}
