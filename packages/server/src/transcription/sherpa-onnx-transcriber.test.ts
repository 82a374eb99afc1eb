// The sherpa-onnx engine's start-up and error paths on real directories and the real native
// module. Recognition itself needs an operator's model, which this repository cannot ship or fetch.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildSherpaConfig,
  loadSherpaModule,
  resolveSherpaModel,
  SherpaOnnxTranscriber,
} from './sherpa-onnx-transcriber.js';
import { TranscriptLanguageError } from './transcriber.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-sherpa-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function modelDir(name: string, files: Record<string, string | Buffer>): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir);
  for (const [file, body] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), body);
  return dir;
}

const TRANSDUCER = {
  'tokens.txt': '<blk> 0\n▁THE 1\n',
  'encoder-epoch-99-avg-1.onnx': 'x',
  'encoder-epoch-99-avg-1.int8.onnx': 'x',
  'decoder-epoch-99-avg-1.onnx': 'x',
  'joiner-epoch-99-avg-1.onnx': 'x',
  'joiner-epoch-99-avg-1.int8.onnx': 'x',
  'README.md': 'x',
};

describe('resolveSherpaModel', () => {
  it('finds a transducer layout and prefers int8 files', async () => {
    const dir = modelDir('zipformer', TRANSDUCER);
    await expect(resolveSherpaModel(dir)).resolves.toEqual({
      dir,
      encoder: path.join(dir, 'encoder-epoch-99-avg-1.int8.onnx'),
      decoder: path.join(dir, 'decoder-epoch-99-avg-1.onnx'),
      joiner: path.join(dir, 'joiner-epoch-99-avg-1.int8.onnx'),
      tokens: path.join(dir, 'tokens.txt'),
    });
  });

  it('says when the directory does not exist or is a file', async () => {
    await expect(resolveSherpaModel(path.join(root, 'absent'))).rejects.toMatchObject({
      code: 'TRANSCRIBER_UNAVAILABLE',
      message: expect.stringMatching(/absent: does not exist\. Download an offline English/),
    });
    const file = path.join(root, 'a-file');
    fs.writeFileSync(file, 'x');
    await expect(resolveSherpaModel(file)).rejects.toThrow(/is not a directory/);
  });

  it('names every missing file', async () => {
    const dir = modelDir('half', { 'encoder.onnx': 'x' });
    await expect(resolveSherpaModel(dir)).rejects.toThrow(
      /is missing tokens\.txt, decoder\*\.onnx, joiner\*\.onnx/,
    );
  });
});

describe('SherpaOnnxTranscriber', () => {
  it('fails its start-up check for a missing model directory', async () => {
    const t = new SherpaOnnxTranscriber({ modelDir: path.join(root, 'nowhere') });
    expect(t.describe()).toContain('sherpa-onnx');
    await expect(t.check()).rejects.toMatchObject({ code: 'TRANSCRIBER_UNAVAILABLE' });
  });

  it('fails its start-up check when the real native module cannot parse the model', async () => {
    const dir = modelDir('garbage', {
      ...TRANSDUCER,
      'encoder-epoch-99-avg-1.int8.onnx': Buffer.alloc(512, 7),
    });
    const t = new SherpaOnnxTranscriber({ modelDir: dir, numThreads: 1 });
    await expect(t.check()).rejects.toMatchObject({
      code: 'TRANSCRIBER_UNAVAILABLE',
      message: expect.stringMatching(
        /the model did not load \(.*encoder-epoch-99-avg-1\.int8\.onnx/,
      ),
    });
  });

  it('says when the native module is not available on this platform', async () => {
    const dir = modelDir('fine', TRANSDUCER);
    const t = new SherpaOnnxTranscriber({
      modelDir: dir,
      loadModule: () => {
        throw new Error('Cannot find module sherpa-onnx-linux-x64');
      },
    });
    await expect(t.check()).rejects.toThrow(/Cannot find module/);
  });

  it('refuses non-English calls and empty audio needs no model', async () => {
    const t = new SherpaOnnxTranscriber({ modelDir: path.join(root, 'nowhere') });
    await expect(
      t.transcribe(new Int16Array(10), 16_000, { language: 'sv_se' }),
    ).rejects.toBeInstanceOf(TranscriptLanguageError);
    await expect(
      t.transcribe(new Int16Array(0), 16_000, { language: 'en_us' }),
    ).resolves.toMatchObject({ words: [] });
  });

  it('loads the real sherpa-onnx-node module and builds its transducer config', () => {
    expect(loadSherpaModule().version).toMatch(/^\d+\.\d+\.\d+/);
    expect(
      buildSherpaConfig(
        {
          dir: '/m',
          encoder: '/m/e.onnx',
          decoder: '/m/d.onnx',
          joiner: '/m/j.onnx',
          tokens: '/m/t',
        },
        2,
      ),
    ).toEqual({
      featConfig: { sampleRate: 16_000, featureDim: 80 },
      modelConfig: {
        transducer: { encoder: '/m/e.onnx', decoder: '/m/d.onnx', joiner: '/m/j.onnx' },
        tokens: '/m/t',
        numThreads: 2,
        provider: 'cpu',
        debug: 0,
      },
      decodingMethod: 'greedy_search',
    });
  });
});
