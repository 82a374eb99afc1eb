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

/**
 * Adds quiet noise to the band a narrowband source never had, between its Nyquist frequency
 * (`sourceRate / 2`) and the Nyquist frequency of `pcm`'s rate. Why: wideband acoustic models
 * (pocketsphinx en-us: mel filters up to 6.8 kHz) take the log of each filter's energy; telephone
 * audio upsampled from 8 kHz leaves the filters above 4 kHz empty, their log energies collapse and
 * recognition falls apart (bench/transcription.bench.ts: WER 87 % on the LibriVox clips narrowed to
 * 8 kHz, 59 % with this fill; 37 % on the original 16 kHz clips).
 *
 * The noise is white noise generated at twice the missing bandwidth, band-limited by upsampling,
 * then shifted to the top of the spectrum by multiplying with (−1)ⁿ (a shift by fs/2).
 * Deterministic: the same input gives the same output.
 */
export function fillMissingHighBand(
  pcm: Int16Array,
  rate: number,
  sourceRate: number,
  amplitude = 230,
): Int16Array {
  const missing = rate / 2 - sourceRate / 2;
  if (missing <= 0 || pcm.length === 0) return pcm.slice();
  const noiseRate = Math.round(2 * missing);
  const random = mulberry32(0x5eed);
  const noise = new Int16Array(Math.ceil((pcm.length * noiseRate) / rate) + 1);
  for (let i = 0; i < noise.length; i++) noise[i] = Math.round((random() * 2 - 1) * amplitude);
  const band = resamplePcm(noise, noiseRate, rate);
  const out = new Int16Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) {
    const v = (pcm[i] ?? 0) + (i % 2 === 0 ? 1 : -1) * (band[i] ?? 0);
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return out;
}

/** A small seeded PRNG (Mulberry32): uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
