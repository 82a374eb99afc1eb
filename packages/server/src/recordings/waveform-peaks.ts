// Waveform peaks (SPEC §7): the player draws a recording from these instead of decoding the
// whole call in the browser. The stored audio is decoded by ffmpeg to 8 kHz 16-bit PCM, one
// channel per party, and each channel is reduced to the loudest absolute sample of every slice.
// The slice grows with the call so that a peaks document stays small (at most MAX_PEAKS per
// channel) whatever the length. The reduction is pure and streams: memory does not grow with the
// call.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { AppError } from '../errors.js';

export const PEAKS_JOB = 'recording-peaks';

/** Where an audio object's peaks live: beside it, gone with it. */
export function peaksBlobKey(audioBlobKey: string): string {
  return `${audioBlobKey}.peaks.json`;
}

/** Every blob an audio object owns, to delete when the audio is released. */
export function audioObjectBlobKeys(audioBlobKey: string): string[] {
  return [audioBlobKey, peaksBlobKey(audioBlobKey)];
}

export const PEAKS_SAMPLE_RATE = 8000;
/** Per channel: enough for a wide screen, small enough to fetch at once. */
export const MAX_PEAKS = 2000;
/** 10 ms: finer peaks would show nothing more in a player. */
export const MIN_FRAMES_PER_PEAK = PEAKS_SAMPLE_RATE / 100;

export interface WaveformPeaks {
  readonly sampleRate: number;
  /** Samples of one channel behind each peak. */
  readonly samplesPerPeak: number;
  /** One array per channel (the owner's side first, as in the audio), each value 0–1. */
  readonly channels: number[][];
}

/** The slice length for a call of `durationMs`. */
export function samplesPerPeakFor(durationMs: number): number {
  const frames = Math.ceil((Math.max(0, durationMs) * PEAKS_SAMPLE_RATE) / 1000);
  return Math.max(MIN_FRAMES_PER_PEAK, Math.ceil(frames / MAX_PEAKS));
}

/** A slice's loudest sample magnitude as a peak, 0–1; three decimals keep a document of two
 * 2000-value lanes near 25 kB. */
const peakValue = (magnitude: number): number => Math.round((magnitude / 32768) * 1000) / 1000;

/** Reduces interleaved 16-bit little-endian PCM, pushed in chunks of any size, to peaks. */
export class PeakAccumulator {
  private readonly peaks: number[][];
  private readonly current: number[];
  private frameInPeak = 0;
  private channel = 0;
  /** The first byte of a sample split across two chunks. */
  private carry: number | null = null;

  constructor(
    private readonly channelCount: number,
    private readonly samplesPerPeak: number,
  ) {
    if (!Number.isInteger(channelCount) || channelCount < 1) {
      throw new RangeError('channelCount must be a positive integer');
    }
    if (!Number.isInteger(samplesPerPeak) || samplesPerPeak < 1) {
      throw new RangeError('samplesPerPeak must be a positive integer');
    }
    this.peaks = Array.from({ length: channelCount }, () => []);
    this.current = new Array<number>(channelCount).fill(0);
  }

  push(chunk: Uint8Array): void {
    let i = 0;
    if (this.carry !== null && chunk.length > 0) {
      this.sample(this.carry | ((chunk[0] as number) << 8));
      this.carry = null;
      i = 1;
    }
    for (; i + 1 < chunk.length; i += 2) {
      this.sample((chunk[i] as number) | ((chunk[i + 1] as number) << 8));
    }
    if (i < chunk.length) this.carry = chunk[i] as number;
  }

  private sample(u16: number): void {
    const s = u16 >= 0x8000 ? u16 - 0x10000 : u16;
    const magnitude = s < 0 ? -s : s;
    if (magnitude > (this.current[this.channel] as number)) this.current[this.channel] = magnitude;
    this.channel++;
    if (this.channel < this.channelCount) return;
    this.channel = 0;
    this.frameInPeak++;
    if (this.frameInPeak === this.samplesPerPeak) this.close();
  }

  private close(): void {
    for (let c = 0; c < this.channelCount; c++) {
      (this.peaks[c] as number[]).push(peakValue(this.current[c] as number));
      this.current[c] = 0;
    }
    this.frameInPeak = 0;
  }

  /** The peaks so far, with the last partial slice closed. */
  finish(): WaveformPeaks {
    if (this.frameInPeak > 0) this.close();
    return {
      sampleRate: PEAKS_SAMPLE_RATE,
      samplesPerPeak: this.samplesPerPeak,
      channels: this.peaks.map((lane) => [...lane]),
    };
  }
}

export interface DecodePeaksOptions {
  readonly channels: number;
  readonly durationMs: number;
  /** Default 10 minutes: ffmpeg decodes hours of Opus in seconds. */
  readonly timeoutMs?: number;
}

/** Decodes `audio` (any format ffmpeg reads) with ffmpeg and reduces it to peaks. */
export function decodePeaks(audio: Readable, options: DecodePeaksOptions): Promise<WaveformPeaks> {
  const accumulator = new PeakAccumulator(options.channels, samplesPerPeakFor(options.durationMs));
  return new Promise((resolve, reject) => {
    const child = spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-i',
        'pipe:0',
        '-ac',
        String(options.channels),
        '-ar',
        String(PEAKS_SAMPLE_RATE),
        '-f',
        's16le',
        'pipe:1',
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let failure: Error | null = null;
    const timer = setTimeout(() => {
      failure ??= new AppError('INTERNAL', 'computing the waveform took too long');
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 600_000);
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 4000) stderr += d.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => accumulator.push(chunk));
    audio.on('error', (err) => {
      failure ??= err;
      child.kill('SIGKILL');
    });
    // ffmpeg may stop reading early when it fails; its exit status says so.
    child.stdin.on('error', () => undefined);
    audio.pipe(child.stdin);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new AppError('UNAVAILABLE', `ffmpeg could not start: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (failure) reject(failure);
      else if (code !== 0) {
        reject(new AppError('INTERNAL', `the audio could not be decoded: ${stderr.trim()}`));
      } else resolve(accumulator.finish());
    });
  });
}

/**
 * Peaks straight from PCM already in memory (the capture's rendered call), with no decode: the
 * same slices in time as `decodePeaks` makes for a call of that length, each the loudest sample
 * of its slice at the PCM's own rate. A channel shorter than the longest is silent at its end.
 */
export function peaksOfPcm(channels: readonly Int16Array[], sampleRate: number): WaveformPeaks {
  if (channels.length === 0) throw new RangeError('peaks need at least one channel');
  if (!Number.isFinite(sampleRate) || sampleRate <= 0) {
    throw new RangeError('sampleRate must be positive');
  }
  const length = Math.max(...channels.map((c) => c.length));
  const samplesPerPeak = samplesPerPeakFor((length / sampleRate) * 1000);
  const stride = Math.max(1, Math.round((samplesPerPeak * sampleRate) / PEAKS_SAMPLE_RATE));
  const count = Math.ceil(length / stride);
  return {
    sampleRate: PEAKS_SAMPLE_RATE,
    samplesPerPeak,
    channels: channels.map((pcm) => {
      const lane = new Array<number>(count);
      for (let p = 0; p < count; p++) {
        const end = Math.min(pcm.length, (p + 1) * stride);
        let loudest = 0;
        for (let i = p * stride; i < end; i++) {
          const s = pcm[i] as number;
          const magnitude = s < 0 ? -s : s;
          if (magnitude > loudest) loudest = magnitude;
        }
        lane[p] = peakValue(loudest);
      }
      return lane;
    }),
  };
}
