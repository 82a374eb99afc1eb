// ffprobe and ffmpeg as child processes (Debian's ffmpeg package): reading an imported file's
// duration and channels, and converting stored audio to WAV for `?format=wav` downloads.
import { execFile, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { RecordingFormat } from '@callvault/shared';
import { AppError } from '../errors.js';

export interface AudioProbe {
  readonly format: RecordingFormat;
  readonly durationMs: number;
  readonly channels: number;
  readonly sampleRate: number;
  readonly codec: string;
}

interface FfprobeOutput {
  streams?: Array<{
    codec_type?: string;
    codec_name?: string;
    channels?: number;
    sample_rate?: string;
    duration?: string;
  }>;
  format?: { format_name?: string; duration?: string };
}

/** ffprobe's container names → our formats. */
function formatOf(formatName: string): RecordingFormat | null {
  const names = formatName.split(',');
  if (names.includes('wav')) return 'WAV';
  if (names.includes('ogg')) return 'OGG';
  if (names.includes('mp3')) return 'MP3';
  return null;
}

/** Reads container, codec, duration and channels of an audio file; throws with a reason. */
export function probeAudioFile(file: string): Promise<AudioProbe> {
  return new Promise((resolve, reject) => {
    execFile(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'stream:format', '-of', 'json', file],
      { maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const why = stderr.trim().split('\n').pop() ?? error.message;
          reject(new Error(`not readable audio (${why})`));
          return;
        }
        let parsed: FfprobeOutput;
        try {
          parsed = JSON.parse(stdout) as FfprobeOutput;
        } catch {
          reject(new Error('ffprobe gave no answer'));
          return;
        }
        const stream = parsed.streams?.find((s) => s.codec_type === 'audio');
        const format = formatOf(parsed.format?.format_name ?? '');
        if (!stream) return reject(new Error('no audio stream'));
        if (!format) {
          return reject(new Error(`unsupported container ${parsed.format?.format_name ?? '?'}`));
        }
        const seconds = Number(parsed.format?.duration ?? stream.duration ?? NaN);
        if (!Number.isFinite(seconds) || seconds < 0) {
          return reject(new Error('duration unknown'));
        }
        resolve({
          format,
          durationMs: Math.round(seconds * 1000),
          channels: stream.channels ?? 1,
          sampleRate: Number(stream.sample_rate ?? 0),
          codec: stream.codec_name ?? 'unknown',
        });
      },
    );
  });
}

/**
 * Converts audio arriving on `input` to 16-bit PCM WAV. The result streams as ffmpeg produces it;
 * a conversion failure destroys the stream with an error.
 */
export function convertToWav(input: Readable): Readable {
  const child = spawn(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-i',
      'pipe:0',
      '-c:a',
      'pcm_s16le',
      '-f',
      'wav',
      'pipe:1',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 4000) stderr += d.toString();
  });
  input.on('error', (err) => child.stdin.destroy(err));
  // ffmpeg may stop reading early (it has what it needs, or it failed); that is not our error.
  child.stdin.on('error', () => undefined);
  input.pipe(child.stdin);
  const output = child.stdout;
  child.on('error', (err) =>
    output.destroy(new AppError('UNAVAILABLE', `ffmpeg could not start: ${err.message}`)),
  );
  child.on('close', (code) => {
    if (code !== 0) {
      output.destroy(new AppError('INTERNAL', `WAV conversion failed: ${stderr.trim()}`));
    }
  });
  return output;
}

/**
 * Transcodes audio arriving on `input` to an MP3 file (libmp3lame, with a Xing/LAME header so
 * players and ffprobe read the exact duration). The same input always gives the same bytes, so
 * ranges of one transcode line up with ranges of another. Rejects when ffmpeg fails.
 */
export function transcodeToMp3File(input: Readable, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-i',
        'pipe:0',
        '-map_metadata',
        '-1',
        '-c:a',
        'libmp3lame',
        '-q:a',
        '4',
        '-write_xing',
        '1',
        '-fflags',
        '+bitexact',
        '-f',
        'mp3',
        '-y',
        file,
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 4000) stderr += d.toString();
    });
    let inputError: Error | null = null;
    input.on('error', (err: Error) => {
      inputError = err;
      child.stdin.destroy(err);
    });
    child.stdin.on('error', () => undefined);
    input.pipe(child.stdin);
    child.on('error', (err) =>
      reject(new AppError('UNAVAILABLE', `ffmpeg could not start: ${err.message}`)),
    );
    child.on('close', (code) => {
      if (inputError !== null) reject(inputError);
      else if (code !== 0)
        reject(new AppError('INTERNAL', `MP3 conversion failed: ${stderr.trim()}`));
      else resolve();
    });
  });
}
