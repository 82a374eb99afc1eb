// Audio checks of the SIP e2e suites: a recording (or reference file) decoded by ffmpeg to 8 kHz
// mono, and the normalised cross-correlation that says whether a channel holds what a party sent.
import { execFileSync } from 'node:child_process';

/** Mono 8 kHz s16 of a file (one channel of it when `channel` is given), decoded by ffmpeg. */
export function decode(file: string, channel?: number): Int16Array {
  const pcm = execFileSync(
    'ffmpeg',
    [
      ...['-v', 'error', '-i', file],
      ...(channel === undefined ? [] : ['-af', `pan=mono|c0=c${channel}`]),
      ...['-ac', '1', '-ar', '8000', '-f', 's16le', '-'],
    ],
    { maxBuffer: 128 * 1024 * 1024 },
  );
  return new Int16Array(pcm.buffer, pcm.byteOffset, Math.floor(pcm.length / 2));
}

/** Normalised cross-correlation of a and b with b shifted by `lag` samples. */
function correlationAt(a: Int16Array, b: Int16Array, lag: number, maxLag: number): number {
  const n = Math.min(a.length, b.length) - maxLag;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = maxLag; i < n; i += 3) {
    const x = a[i]!;
    const y = b[i + lag]!;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return ab / Math.sqrt(aa * bb || 1);
}

/**
 * Best normalised cross-correlation of a and b with b shifted by up to ±maxLag samples: even lags
 * first, then the odd lags beside the best one (a codec's delay can be an odd number of samples:
 * G.722's is 11 at 8 kHz, where an even lag correlates only about 0.75).
 */
export function correlate(a: Int16Array, b: Int16Array, maxLag = 1600): number {
  let best = -1;
  let bestLag = 0;
  for (let lag = -maxLag; lag <= maxLag; lag += 2) {
    const c = correlationAt(a, b, lag, maxLag);
    if (c > best) [best, bestLag] = [c, lag];
  }
  for (const lag of [bestLag - 1, bestLag + 1]) {
    if (Math.abs(lag) <= maxLag) best = Math.max(best, correlationAt(a, b, lag, maxLag));
  }
  return best;
}
