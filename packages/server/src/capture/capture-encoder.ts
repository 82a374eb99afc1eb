// The encoder adapter of finalize: a recording's PCM channels to an Ogg Opus file with libopus,
// in-process through the recorder's opus addon when it is built, else through an ffmpeg child
// process. mediabunny needs WebCodecs' AudioEncoder for Opus, which Node 20 does not have.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import {
  encodeOggOpusInProcess,
  INTERLEAVE_BLOCK_SAMPLES,
  interleaveBlock,
  loadOpusEncodeAddon,
  OPUS_ENCODER_SAMPLE_RATES,
} from '@callvault/recorder';

/**
 * Encodes PCM to Ogg Opus with libopus, one party per channel: in-process through the native
 * addon (packages/recorder/native/opus-encode.c, built by `make deps`) when it is built, else
 * through an ffmpeg child with the same settings. In-process saves ffmpeg's start-up, its
 * pipeline and the PCM pipe: the encode of a 10-minute two-party PCMU call went from 1.06–1.38 s
 * of CPU to 0.66–0.74 s (finalize's target: ≥ 400× real time per core; bench/capture.bench.ts).
 * libopus runs on the thread pool, so the event loop that receives RTP is not held up.
 */
export function encodeOggOpus(
  channels: readonly Int16Array[],
  sampleRate: number,
  file: string,
): Promise<void> {
  if (
    channels.length <= 2 &&
    OPUS_ENCODER_SAMPLE_RATES.includes(sampleRate) &&
    loadOpusEncodeAddon() !== null
  ) {
    // The settings below: 24 kbit/s per party, 120 ms packets, CELT only, complexity 0, no
    // phase inversion.
    return encodeOggOpusInProcess(channels, sampleRate, {
      bitrate: 24000 * channels.length,
      frameMs: 120,
    }).then((ogg) => fs.promises.writeFile(file, ogg!));
  }
  const length = Math.max(0, ...channels.map((c) => c.length));
  return new Promise((resolve, reject) => {
    const child = spawn(
      'ffmpeg',
      [
        ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
        ...['-f', 's16le', '-ar', String(sampleRate), '-ac', String(channels.length)],
        ...['-i', 'pipe:0', '-c:a', 'libopus', '-b:a', `${24 * channels.length}k`],
        // Speed (finalize's target: ≥ 400× real time per core). The least complex encoder,
        // CELT only (`lowdelay`: no SILK/hybrid mode decisions; at 8 kHz input libopus chose
        // CELT anyway) and 120 ms packets (the longest Opus allows, RFC 6716 §3.2.5), half as
        // many packets through libopus and the Ogg muxer as 60 ms: for a 10-minute two-party
        // PCMU call ffmpeg's CPU goes from about 1.1 s to 0.9 s (0.13 s of it is ffmpeg's own
        // start). 24 kbit/s per party: the decoded speech is as close to the original as with
        // the former 60 ms `audio` setting (waveform SNR 18.5 against 19 dB), and the parties
        // stay apart; at 16 kbit/s per party the stereo coder starts to code the upper bands as
        // one (intensity stereo) and one party leaks into the other's channel at about −30 dB.
        ...['-compression_level', '0', '-application', 'lowdelay', '-frame_duration', '120'],
        // Keep the channels apart: no phase-inverted stereo tricks across the two parties.
        ...['-apply_phase_inv', '0', '-f', 'ogg', file],
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`ffmpeg failed (${code}): ${stderr.trim()}`)),
    );
    const stdin = child.stdin;
    let failed = false;
    stdin.on('error', () => (failed = true));
    // The PCM goes in blocks as the pipe drains, so the encoder starts at once; a block is used
    // again once the pipe has taken it.
    const blockBytes = INTERLEAVE_BLOCK_SAMPLES * channels.length * 2;
    const spare: Buffer[] = [];
    let at = 0;
    const pump = (): void => {
      while (!failed && at < length) {
        const end = Math.min(length, at + INTERLEAVE_BLOCK_SAMPLES);
        const block = spare.pop() ?? Buffer.allocUnsafeSlow(blockBytes);
        const more = stdin.write(interleaveBlock(channels, at, end, block), () =>
          spare.push(block),
        );
        at = end;
        if (!more) {
          stdin.once('drain', pump);
          return;
        }
      }
      stdin.end();
    };
    pump();
  });
}
