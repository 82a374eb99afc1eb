// The encoder adapter: Ogg Opus through libopus (in-process, or Debian's ffmpeg as in
// production), whose output ffmpeg decodes again.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeOggOpus } from './capture-encoder.js';

const RATE = 8000;

describe('encodeOggOpus', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The file decoded by ffmpeg to s16le at `RATE`, one array per channel. */
  function decodeChannels(file: string): Int16Array[] {
    const pcm = execFileSync('ffmpeg', [
      ...['-v', 'error', '-i', file, '-ar', String(RATE), '-ac', '2', '-f', 's16le', '-'],
    ]);
    const all = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
    return [0, 1].map((c) => all.filter((_, i) => i % 2 === c));
  }

  const energy = (pcm: Int16Array): number => pcm.reduce((sum, s) => sum + s * s, 0) / pcm.length;

  it('each party on its own channel of an Ogg Opus file as long as the call, nothing leaking across', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-encode-'));
    dirs.push(dir);
    // Not a whole number of the encoder's blocks, and the second party's channel shorter.
    const length = RATE * 12 + 123;
    const tone = Int16Array.from(
      { length },
      (_, i) => 8000 * Math.sin((2 * Math.PI * 440 * i) / RATE),
    );
    const file = path.join(dir, 'call.ogg');
    await encodeOggOpus([tone, new Int16Array(RATE * 5)], RATE, file);

    const probe = execFileSync('ffprobe', [
      ...['-v', 'error', '-show_entries', 'stream=codec_name,channels', '-of', 'csv=p=0', file],
    ]).toString();
    expect(probe.trim()).toBe('opus,2');
    const [a, b] = decodeChannels(file);
    expect(Math.abs(a!.length - length)).toBeLessThan(RATE / 10);
    const middle = (pcm: Int16Array) => pcm.subarray(RATE, RATE * 11);
    expect(energy(middle(a!))).toBeGreaterThan(0.5 * energy(middle(tone)));
    // The silent party stays silent: more than 60 dB below the other.
    expect(energy(middle(b!))).toBeLessThan(energy(middle(a!)) * 1e-6);
  });

  it('an encoder failure rejects with the cause (the file cannot be written)', async () => {
    const missing = path.join(os.tmpdir(), 'cv-no-such-dir', 'x', 'call.ogg');
    // In-process (the addon built): the write's ENOENT; through ffmpeg: what ffmpeg said.
    await expect(encodeOggOpus([new Int16Array(RATE)], RATE, missing)).rejects.toThrow(
      /ENOENT|ffmpeg failed/,
    );
  });
});
