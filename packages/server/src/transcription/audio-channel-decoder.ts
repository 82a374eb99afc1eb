// Stored audio (Ogg Opus, WAV, MP3) → one 16-bit PCM array per channel, through ffmpeg as a child
// process (Debian's ffmpeg): decoded to interleaved s16le at the engine's rate, then split, so
// that each party of the call is transcribed on its own.
import { spawn } from 'node:child_process';
import { AppError } from '../errors.js';

export interface DecodeOptions {
  readonly channels: number;
  readonly sampleRate: number;
  readonly signal?: AbortSignal | undefined;
  /** Default: 10 minutes plus what the ffmpeg run itself needs is rarely more than seconds. */
  readonly timeoutMs?: number;
}

/** Splits interleaved 16-bit little-endian samples into one array per channel. */
export function deinterleavePcm16(bytes: Uint8Array, channels: number): Int16Array[] {
  const frames = Math.floor(bytes.byteLength / (2 * channels));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = Array.from({ length: channels }, () => new Int16Array(frames));
  for (let f = 0; f < frames; f++) {
    for (let c = 0; c < channels; c++) {
      (out[c] as Int16Array)[f] = view.getInt16((f * channels + c) * 2, true);
    }
  }
  return out;
}

export function decodeAudioChannels(
  audio: Uint8Array,
  options: DecodeOptions,
): Promise<Int16Array[]> {
  const { channels, sampleRate, signal } = options;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      return;
    }
    const child = spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-i',
        'pipe:0',
        '-ac',
        String(channels),
        '-ar',
        String(sampleRate),
        '-f',
        's16le',
        'pipe:1',
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const parts: Buffer[] = [];
    let stderr = '';
    let failure: Error | null = null;
    const stop = (why: Error): void => {
      failure ??= why;
      child.kill('SIGKILL');
    };
    const onAbort = (): void =>
      stop(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () => stop(new AppError('INTERNAL', 'decoding the audio took too long')),
      options.timeoutMs ?? 10 * 60_000,
    );
    child.stdout.on('data', (d: Buffer) => parts.push(d));
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 4000) stderr += d.toString();
    });
    // ffmpeg may stop reading early when it fails; its exit status reports that.
    child.stdin.on('error', () => undefined);
    child.on('error', (error) =>
      stop(new AppError('UNAVAILABLE', `ffmpeg could not start: ${error.message}`)),
    );
    child.on('close', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (failure) reject(failure);
      else if (code !== 0) {
        reject(
          new AppError('INTERNAL', `audio decoding failed: ${stderr.trim() || `exit ${code}`}`),
        );
      } else resolve(deinterleavePcm16(Buffer.concat(parts), channels));
    });
    child.stdin.end(audio);
  });
}
