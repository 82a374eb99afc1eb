import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import {
  encodeOggOpusInProcess,
  loadOpusEncodeAddon,
  type OpusEncodeAddon,
} from './opus-encoder.js';

// Not skipped when missing: `make deps` builds it, and without it finalize spawns ffmpeg.
function addon(): OpusEncodeAddon {
  const loaded = loadOpusEncodeAddon();
  if (!loaded) throw new Error('the Opus encoder addon is not built: run `make deps`');
  return loaded;
}

const AUDIO = new URL('../../../../../e2e/sip/fixtures/audio/', import.meta.url);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opus-encoder-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function readWav(name: string): Int16Array {
  const bytes = fs.readFileSync(fileURLToPath(new URL(name, AUDIO)));
  for (let at = 12; at + 8 <= bytes.length;) {
    const size = bytes.readUInt32LE(at + 4);
    if (bytes.toString('latin1', at, at + 4) === 'data') {
      const pcm = new Int16Array(size >> 1);
      for (let i = 0; i < pcm.length; i++) pcm[i] = bytes.readInt16LE(at + 8 + i * 2);
      return pcm;
    }
    at += 8 + size + (size & 1);
  }
  throw new Error(`no data chunk in ${name}`);
}

/** Decodes with ffmpeg at `rate`, one Int16Array per channel. */
function decode(ogg: Uint8Array, rate: number, channels: number): Int16Array[] {
  const file = path.join(dir, `decode-${rate}-${channels}.opus`);
  fs.writeFileSync(file, ogg);
  const raw = execFileSync(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-f', 's16le', '-ar', `${rate}`, '-'],
    {
      maxBuffer: 256 << 20,
    },
  );
  const all = new Int16Array(raw.buffer, raw.byteOffset, raw.length >> 1);
  const n = all.length / channels;
  return Array.from({ length: channels }, (_, c) => {
    const out = new Int16Array(n);
    for (let i = 0; i < n; i++) out[i] = all[i * channels + c]!;
    return out;
  });
}

function probe(ogg: Uint8Array): { codec_name: string; channels: number; duration_ts: number } {
  const file = path.join(dir, 'probe.opus');
  fs.writeFileSync(file, ogg);
  const out = execFileSync('ffprobe', [
    ...['-v', 'error', '-show_entries', 'stream=codec_name,channels,duration_ts'],
    ...['-of', 'json', file],
  ]).toString();
  return (JSON.parse(out) as { streams: Array<ReturnType<typeof probe>> }).streams[0]!;
}

function correlation(a: Int16Array, b: Int16Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

const energy = (x: Int16Array): number => x.reduce((sum, v) => sum + v * v, 0) / x.length;

describe('encodeOggOpusInProcess', () => {
  const alice = readWav('conv_alice_8k.wav');
  const bob = readWav('conv_bob_8k.wav').subarray(0, 8000 * 20);

  it('two parties of real speech: opus, 2 channels, the input length exactly, each channel ≥ 0.9 correlated', async () => {
    addon();
    const ogg = (await encodeOggOpusInProcess([alice, bob], 8000, { bitrate: 48000 }))!;
    const info = probe(ogg);
    expect(info).toMatchObject({ codec_name: 'opus', channels: 2 });
    const [left, right] = decode(ogg, 8000, 2);
    // The shorter party is padded with silence to the longer's length.
    expect(left!.length).toBe(alice.length);
    expect(correlation(left!, alice)).toBeGreaterThanOrEqual(0.9);
    expect(correlation(right!.subarray(0, bob.length), bob)).toBeGreaterThanOrEqual(0.9);
    expect(energy(right!.subarray(bob.length + 8000))).toBeLessThan(1);
  });

  it('keeps the parties apart: a silent party stays more than 60 dB below the other', async () => {
    addon();
    const ogg = (await encodeOggOpusInProcess([alice, new Int16Array(0)], 8000, {
      bitrate: 48000,
    }))!;
    const [left, right] = decode(ogg, 8000, 2);
    const db = 10 * Math.log10(energy(left!) / Math.max(energy(right!), 1e-9));
    expect(db).toBeGreaterThan(60);
  });

  it.each([
    [12000, 1],
    [16000, 2],
    [24000, 1],
    [48000, 2],
  ])('%i Hz, %i channel(s): decodes to the input length', async (rate, channels) => {
    addon();
    const length = rate * 3 + 17;
    const tone = new Int16Array(length).map((_, i) =>
      Math.round(8000 * Math.sin((i * 2 * Math.PI * 440) / rate)),
    );
    const ogg = (await encodeOggOpusInProcess(Array(channels).fill(tone) as Int16Array[], rate, {
      bitrate: 24000 * channels,
    }))!;
    expect(probe(ogg)).toMatchObject({ codec_name: 'opus', channels });
    const decoded = decode(ogg, rate, channels);
    expect(decoded[0]!.length).toBe(length);
    expect(correlation(decoded[0]!, tone)).toBeGreaterThanOrEqual(0.9);
  });

  it('runs libopus off the event loop: timers keep firing while 10 minutes encode', async () => {
    addon();
    const long = new Int16Array(8000 * 600);
    for (let i = 0; i < long.length; i++) long[i] = alice[i % alice.length]!;
    let last = performance.now();
    let longestGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 5);
    try {
      const ogg = await encodeOggOpusInProcess([long, long], 8000, { bitrate: 48000 });
      expect(ogg!.length).toBeGreaterThan(0);
    } finally {
      clearInterval(timer);
    }
    expect(longestGap).toBeLessThan(250);
  });

  it('refuses a rate libopus cannot encode from', async () => {
    addon();
    await expect(encodeOggOpusInProcess([alice], 44100, { bitrate: 24000 })).rejects.toThrow(
      RangeError,
    );
  });
});

describe('the addon', () => {
  it('errors carry stable codes', () => {
    const native = addon();
    expect(() => native.create(44100, 2, 48000, 960)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG' }),
    );
    expect(() => native.create(8000, 3, 48000, 960)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG' }),
    );
    expect(() => native.create(8000, 2, 48000, 100)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG' }),
    );
    const encoder = native.create(8000, 2, 48000, 960);
    const out = new Uint8Array(8000 * 4);
    const lengths = new Int32Array(4);
    expect(() => native.encode(encoder, [new Int16Array(10)], 0, 1, out, lengths)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG' }),
    );
    expect(() =>
      native.encode(
        encoder,
        [new Int16Array(10), new Int16Array(10)],
        0,
        1,
        new Uint8Array(10),
        lengths,
      ),
    ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG' }));
    // Stops when `lengths` is full, for the caller to loop.
    const planes = [new Int16Array(96000), new Int16Array(96000)];
    expect(native.encode(encoder, planes, 0, 10, out, lengths)).toBe(4);
    expect(lengths.every((n) => n > 0)).toBe(true);
    expect(native.lookahead(encoder)).toBeGreaterThan(0);
    native.close(encoder);
    native.close(encoder);
    expect(() => native.encode(encoder, planes, 0, 1, out, lengths)).toThrow(
      expect.objectContaining({ code: 'ERR_ENCODER_CLOSED' }),
    );
    expect(() => native.lookahead(encoder)).toThrow(
      expect.objectContaining({ code: 'ERR_ENCODER_CLOSED' }),
    );
  });

  it('one encodeAsync at a time per encoder; close during one frees the state when it completes', async () => {
    const native = addon();
    const encoder = native.create(8000, 1, 24000, 960);
    const planes = [new Int16Array(8000 * 60)];
    const out = new Uint8Array(8000 * 64);
    const lengths = new Int32Array(64);
    const running = native.encodeAsync(encoder, planes, 0, 64, out, lengths);
    expect(() => native.encode(encoder, planes, 0, 1, out, lengths)).toThrow(
      expect.objectContaining({ code: 'ERR_ENCODER_BUSY' }),
    );
    native.close(encoder);
    expect(await running).toBe(64);
    expect(() => native.lookahead(encoder)).toThrow(
      expect.objectContaining({ code: 'ERR_ENCODER_CLOSED' }),
    );
  });

  it('works in worker threads at once, and a worker ending mid-encode is torn down cleanly', async () => {
    addon();
    const file = fileURLToPath(new URL('../../../native/build/opus-encode.node', import.meta.url));
    const code = `
      const { parentPort } = require('node:worker_threads');
      const m = require(${JSON.stringify(file)});
      const e = m.create(16000, 2, 48000, 1920);
      const planes = [new Int16Array(16000 * 30).fill(1000), new Int16Array(16000 * 30)];
      const out = new Uint8Array(8000 * 64);
      const lengths = new Int32Array(64);
      const n = m.encode(e, planes, 0, 64, out, lengths);
      // Left running and unclosed: the worker may end before it completes.
      m.encodeAsync(e, planes, 0, 64, out, lengths);
      parentPort.postMessage(n);`;
    const workers = Array.from({ length: 4 }, () => new Worker(code, { eval: true }));
    const counts = await Promise.all(
      workers.map((w) => new Promise<number>((resolve) => w.once('message', resolve))),
    );
    expect(counts).toEqual([64, 64, 64, 64]);
    await Promise.all(workers.map((w) => w.terminate()));
  });
});
