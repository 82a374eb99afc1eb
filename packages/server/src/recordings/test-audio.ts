// Test audio made at test time with ffmpeg (Debian's ffmpeg package; in DEBIAN_TEST_PACKAGES).
import { execFileSync } from 'node:child_process';

/** A sine tone of `seconds` as `format`, `channels` channels; the bytes of the file. */
export function makeTestAudio(
  format: 'ogg' | 'wav' | 'mp3',
  seconds = 1,
  frequency = 440,
  channels = 2,
): Buffer {
  const codec = {
    ogg: ['-c:a', 'libopus'],
    wav: ['-c:a', 'pcm_s16le'],
    mp3: ['-c:a', 'libmp3lame'],
  };
  return execFileSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=${frequency}:duration=${seconds}:sample_rate=48000`,
      '-ac',
      String(channels),
      ...codec[format],
      '-f',
      format,
      'pipe:1',
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
}
