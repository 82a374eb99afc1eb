// In-band DTMF (ITU-T Q.23 tone pairs, Q.24 reception) for the recorded party's feature codes
// when the phone sends no RFC 4733 events (SPEC §4 "RFC 4733 events or in-band"). Pure: 8 kHz
// PCM in, digits out. The Goertzel algorithm measures the eight DTMF frequencies over blocks of
// 205 samples (25.6 ms; bins close to the tones at 8 kHz); a digit needs one row and one column
// tone clearly above the others and the rest of the signal, in two blocks running (Q.24: a tone
// of 40 ms or more is a digit), and a block without a tone before the next digit.
//
//            1209 Hz  1336 Hz  1477 Hz  1633 Hz
//   697 Hz      1        2        3        A
//   770 Hz      4        5        6        B
//   852 Hz      7        8        9        C
//   941 Hz      *        0        #        D

const ROWS = [697, 770, 852, 941] as const;
const COLUMNS = [1209, 1336, 1477, 1633] as const;
const KEYS = ['123A', '456B', '789C', '*0#D'] as const;
export const INBAND_DTMF_SAMPLE_RATE = 8000;
const BLOCK = 205;

function coefficient(frequency: number): number {
  return 2 * Math.cos((2 * Math.PI * frequency) / INBAND_DTMF_SAMPLE_RATE);
}
const ROW_COEFFS = ROWS.map(coefficient);
const COLUMN_COEFFS = COLUMNS.map(coefficient);

/** Power of one frequency over a block (the Goertzel recurrence). */
function goertzel(block: Float64Array, coeff: number): number {
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < block.length; i++) {
    const s0 = block[i]! + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

function strongest(powers: readonly number[]): { index: number; power: number; next: number } {
  let index = 0;
  for (let i = 1; i < powers.length; i++) if (powers[i]! > powers[index]!) index = i;
  const next = Math.max(...powers.filter((_, i) => i !== index));
  return { index, power: powers[index]!, next };
}

/** The digit a block holds, or null (no tone, speech, noise). */
export function detectDtmfBlock(block: Float64Array): string | null {
  let energy = 0;
  for (const v of block) energy += v * v;
  // Below about -40 dBm0 nothing is a tone (Q.24 sensitivity); also avoids dividing by silence.
  if (energy < block.length * 40 * 40) return null;
  const row = strongest(ROW_COEFFS.map((c) => goertzel(block, c)));
  const column = strongest(COLUMN_COEFFS.map((c) => goertzel(block, c)));
  // Each tone at least 8x (9 dB) above the other tones of its group.
  if (row.power < 8 * row.next || column.power < 8 * column.next) return null;
  // Twist: the two tones within about 8 dB of each other.
  const twist = row.power / column.power;
  if (twist > 6.3 || twist < 1 / 6.3) return null;
  // The two tones carry most of the block's energy (speech spreads it over many frequencies).
  // A pure tone of amplitude A gives a Goertzel power of about (A·N/2)², its energy A²·N/2.
  const toneEnergy = ((row.power + column.power) * 2) / block.length;
  if (toneEnergy < 0.6 * energy) return null;
  return KEYS[row.index]![column.index]!;
}

export interface InbandDtmfDigit {
  readonly digit: string;
  /** Index (in samples since the detector started) of the block the digit was confirmed in. */
  readonly sample: number;
}

/** Feeds consecutive 8 kHz PCM of one stream; reports each digit once, when it is confirmed. */
export class InbandDtmfDetector {
  private readonly block = new Float64Array(BLOCK);
  private filled = 0;
  private samples = 0;
  private last: string | null = null;
  private count = 0;
  private reported = false;

  push(pcm: Int16Array): InbandDtmfDigit[] {
    const digits: InbandDtmfDigit[] = [];
    for (const v of pcm) {
      this.block[this.filled++] = v;
      this.samples++;
      if (this.filled < BLOCK) continue;
      this.filled = 0;
      const digit = detectDtmfBlock(this.block);
      if (digit !== null && digit === this.last) {
        this.count++;
      } else {
        this.last = digit;
        this.count = 1;
        this.reported = false;
      }
      if (digit !== null && this.count >= 2 && !this.reported) {
        this.reported = true;
        digits.push({ digit, sample: this.samples });
      }
    }
    return digits;
  }
}

/**
 * PCM at a multiple of 8 kHz (G.722's 16 kHz, Opus's 48 kHz) brought to the detector's 8 kHz by
 * averaging each group of samples: a low-pass that keeps the DTMF band (697–1633 Hz) within a
 * fraction of a dB, enough for detection. PCM at 8 kHz is returned as it is; null for a rate
 * that is not a multiple of 8 kHz.
 */
export function toInbandDtmfRate(pcm: Int16Array, sampleRate: number): Int16Array | null {
  if (sampleRate === INBAND_DTMF_SAMPLE_RATE) return pcm;
  const factor = sampleRate / INBAND_DTMF_SAMPLE_RATE;
  if (!Number.isInteger(factor) || factor < 1) return null;
  const out = new Int16Array(Math.floor(pcm.length / factor));
  for (let i = 0, at = 0; i < out.length; i++) {
    let sum = 0;
    for (let k = 0; k < factor; k++) sum += pcm[at++]!;
    out[i] = Math.round(sum / factor);
  }
  return out;
}
