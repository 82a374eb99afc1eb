// The engine named by CALLVAULT_TRANSCRIBER (config.ts parses it).
import type { Config } from '../config/config.js';
import { NoneTranscriber } from './none-transcriber.js';
import { PocketsphinxTranscriber, type PocketsphinxOptions } from './pocketsphinx-transcriber.js';
import { SherpaOnnxTranscriber } from './sherpa-onnx-transcriber.js';
import type { Transcriber } from './transcriber.js';

export interface CreateTranscriberOptions {
  readonly pocketsphinx?: PocketsphinxOptions;
}

export function createTranscriber(
  config: Config['transcriber'],
  options: CreateTranscriberOptions = {},
): Transcriber {
  switch (config.kind) {
    case 'pocketsphinx':
      return new PocketsphinxTranscriber(options.pocketsphinx);
    case 'sherpa-onnx':
      return new SherpaOnnxTranscriber({ modelDir: config.modelDir });
    case 'none':
      return new NoneTranscriber();
  }
}
