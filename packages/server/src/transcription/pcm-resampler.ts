// Sample-rate conversion for 16-bit PCM (the en-us acoustic models expect 16 kHz; calls arrive at
// 8 kHz narrowband, 16 kHz wideband or 48 kHz Opus). Band-limited interpolation: each output sample
// is a Hann-windowed sinc sum of the input around its position, with the cutoff lowered to the
// output's Nyquist frequency when downsampling so that nothing above it folds back as aliasing.

/** Zero crossings of the sinc on each side of the centre, at the (lowered) cutoff. */
const ZERO_CROSSINGS = 8;
/** The passband ends a little below Nyquist, leaving room for the filter's transition band. */
const ROLL_OFF = 0.92;

/** The number of output samples for `inputLength` samples converted from `fromRate` to `toRate`. */
export function resampledLength(inputLength: number, fromRate: number, toRate: number): number {
  return Math.round((inputLength * toRate) / fromRate);
}

/** Converts mono 16-bit PCM from `fromRate` to `toRate` Hz. */
export function resamplePcm(input: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (!(fromRate > 0) || !(toRate > 0)) throw new RangeError('sample rates must be positive');
  if (fromRate === toRate) return input.slice();
  const outLength = resampledLength(input.length, fromRate, toRate);
  const out = new Int16Array(outLength);
  const step = fromRate / toRate;
  // Cutoff as a fraction of the input's Nyquist frequency.
  const cutoff = Math.min(1, toRate / fromRate) * ROLL_OFF;
  const half = Math.ceil(ZERO_CROSSINGS / cutoff);
  const last = input.length - 1;
  for (let n = 0; n < outLength; n++) {
    const t = n * step;
    const centre = Math.floor(t);
    let sum = 0;
    let weights = 0;
    const from = Math.max(0, centre - half + 1);
    const to = Math.min(last, centre + half);
    for (let k = from; k <= to; k++) {
      const x = t - k;
      const w = windowedSinc(x * cutoff, x / half);
      sum += (input[k] ?? 0) * w;
      weights += w;
    }
    // Normalising by the weights keeps DC gain at 1 near the edges where taps are missing.
    const value = weights !== 0 ? sum / weights : 0;
    out[n] = value > 32767 ? 32767 : value < -32768 ? -32768 : Math.round(value);
  }
  return out;
}

/** sinc(x) · Hann(r) for r in −1…1 (0 outside). */
function windowedSinc(x: number, r: number): number {
  if (r <= -1 || r >= 1) return 0;
  const window = 0.5 + 0.5 * Math.cos(Math.PI * r);
  if (x === 0) return window;
  const px = Math.PI * x;
  return (Math.sin(px) / px) * window;
}
