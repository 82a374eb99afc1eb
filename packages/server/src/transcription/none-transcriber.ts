// `CALLVAULT_TRANSCRIBER=none`: transcription switched off for the installation. It still applies
// the same rules as the real engines (English only, abort) so that the pipeline behaves alike.
import {
  assertEnglishLanguage,
  assertPcmInput,
  type ChannelTranscription,
  type Transcriber,
  type TranscribeOptions,
} from './transcriber.js';

export class NoneTranscriber implements Transcriber {
  readonly engine = 'none' as const;

  describe(): string {
    return 'none (transcription off)';
  }

  check(): Promise<void> {
    return Promise.resolve();
  }

  transcribe(
    pcm: Int16Array,
    sampleRate: number,
    options: TranscribeOptions,
  ): Promise<ChannelTranscription> {
    try {
      assertEnglishLanguage(options.language);
      assertPcmInput(pcm, sampleRate);
      options.signal?.throwIfAborted();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return Promise.resolve({ engine: this.engine, words: [], segments: [] });
  }
}
