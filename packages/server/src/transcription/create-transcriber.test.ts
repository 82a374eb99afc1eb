import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/config.js';
import { createTranscriber } from './create-transcriber.js';

describe('createTranscriber', () => {
  it.each([
    [undefined, 'pocketsphinx'],
    ['pocketsphinx', 'pocketsphinx'],
    ['none', 'none'],
    ['sherpa-onnx:/srv/models/zipformer-en', 'sherpa-onnx'],
  ])('CALLVAULT_TRANSCRIBER=%s gives the %s engine', (value, engine) => {
    const config = parseConfig({ CALLVAULT_TRANSCRIBER: value });
    const t = createTranscriber(config.transcriber);
    expect(t.engine).toBe(engine);
  });

  it('passes the operator’s model directory to sherpa-onnx', () => {
    const t = createTranscriber({ kind: 'sherpa-onnx', modelDir: '/srv/models/zipformer-en' });
    expect(t.describe()).toBe('sherpa-onnx (model /srv/models/zipformer-en)');
  });
});
