import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildWav, checkAnnouncementWav } from './wav-format.js';

const prompt = (lang: string, name: string): Uint8Array =>
  fs.readFileSync(new URL(`../../assets/announcements/${lang}/${name}.wav`, import.meta.url));

describe('announcement WAV check', () => {
  it('accepts every shipped default prompt (8 kHz mono PCM16)', () => {
    for (const lang of ['en_us', 'sv_se']) {
      for (const name of [
        'compliance',
        'recording-started',
        'recording-stopped',
        'recording-paused',
        'recording-resumed',
        'tone',
      ]) {
        const check = checkAnnouncementWav(prompt(lang, name));
        expect(check.ok, `${lang}/${name}`).toBe(true);
      }
    }
    const tone = checkAnnouncementWav(prompt('en_us', 'tone'));
    expect(tone).toEqual({
      ok: true,
      info: { encoding: 'pcm16', sampleRate: 8000, channels: 1, durationMs: 200 },
    });
  });

  it('accepts µ-law at 8 kHz and PCM at 16 kHz', () => {
    expect(
      checkAnnouncementWav(buildWav(new Uint8Array(8000), { sampleRate: 8000, encoding: 'mulaw' })),
    ).toEqual({
      ok: true,
      info: { encoding: 'mulaw', sampleRate: 8000, channels: 1, durationMs: 1000 },
    });
    expect(
      checkAnnouncementWav(
        buildWav(new Uint8Array(64000), { sampleRate: 16000, encoding: 'pcm16' }),
      ),
    ).toMatchObject({ ok: true, info: { durationMs: 2000 } });
  });

  it.each([
    ['not a WAV', new TextEncoder().encode('hello world, not audio at all'), /not a WAV/],
    [
      'stereo',
      buildWav(new Uint8Array(32000), { sampleRate: 8000, encoding: 'pcm16', channels: 2 }),
      /mono/,
    ],
    [
      '44.1 kHz',
      buildWav(new Uint8Array(44100), { sampleRate: 44100, encoding: 'pcm16' }),
      /8000 or 16000/,
    ],
    [
      'longer than 60 s',
      buildWav(new Uint8Array(8000 * 61), { sampleRate: 8000, encoding: 'mulaw' }),
      /60 s/,
    ],
    ['larger than 5 MB', new Uint8Array(5 * 1024 * 1024 + 1), /5 MB/],
    [
      'empty data',
      buildWav(new Uint8Array(0), { sampleRate: 8000, encoding: 'pcm16' }),
      /no audio/,
    ],
  ])('refuses %s naming the problem', (_name, bytes, problem) => {
    const check = checkAnnouncementWav(bytes);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.problem).toMatch(problem);
  });

  it('refuses 8-bit PCM', () => {
    const wav = buildWav(new Uint8Array(8000), { sampleRate: 8000, encoding: 'mulaw' });
    new DataView(wav.buffer).setUint16(20, 1, true);
    expect(checkAnnouncementWav(wav)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/unsupported encoding/),
    });
  });
});
