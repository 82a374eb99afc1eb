// ITU-T G.722 sub-band ADPCM decoder, 64 kbit/s mode (mode 1): 8-bit codewords at
// 8 kHz, 6 bits for the lower sub-band and 2 for the higher, recombined by the receive QMF into
// 16 kHz linear PCM. Written from the block descriptions of G.722 §4 (INVQAL, INVQBL, LOGSCL,
// SCALEL, UPPOL1, UPPOL2, UPZERO, FILTEP, FILTEZ, PREDIC, RECONS, LIMIT) and §4.4 (receive QMF).
//
// Arithmetic follows the reference fixed-point description: values are 16-bit, products are
// shifted right by 15 with floor semantics. Where the reference leaves room for a choice on
// overflow (the zero-predictor sum), this decoder does what ffmpeg's g722 decoder does, because
// the project checks sample-exactness against ffmpeg (test-fixtures/audio/README.md).
//
// RFC 3551 §4.5.2: the RTP clock rate of G722 is 8000 Hz although the audio is sampled at 16 kHz,
// so a 20 ms packet carries 160 codewords, advances the RTP timestamp by 160, and decodes to 320
// samples.

/** Output sample rate of G.722. */
export const G722_SAMPLE_RATE = 16000;
/** RTP clock rate of G.722 (RFC 3551 §4.5.2: deliberately 8000, an error kept for compatibility). */
export const G722_RTP_CLOCK_RATE = 8000;

// G.722 inverse quantizer outputs (QM6 for 6-bit lower band, QM4 for the 4-bit
// truncated code that drives adaptation, QM2 for the higher band), indexed by the codeword.
const QM6 = Int16Array.from([
  -136, -136, -136, -136, -24808, -21904, -19008, -16704, -14984, -13512, -12280, -11192, -10232,
  -9360, -8576, -7856, -7192, -6576, -6000, -5456, -4944, -4464, -4008, -3576, -3168, -2776, -2400,
  -2032, -1688, -1360, -1040, -728, 24808, 21904, 19008, 16704, 14984, 13512, 12280, 11192, 10232,
  9360, 8576, 7856, 7192, 6576, 6000, 5456, 4944, 4464, 4008, 3576, 3168, 2776, 2400, 2032, 1688,
  1360, 1040, 728, 432, 136, -432, -136,
]);
const QM4 = Int16Array.from([
  0, -20456, -12896, -8968, -6288, -4240, -2584, -1200, 20456, 12896, 8968, 6288, 4240, 2584, 1200,
  0,
]);
const QM2 = Int16Array.from([-7408, -1616, 7408, 1616]);
// LOGSCL: log-domain scale factor multipliers WL indexed through RIL4, and WH for the
// higher band indexed through RIH2.
const WL = Int16Array.from([-60, -30, 58, 172, 334, 538, 1198, 3042]);
const RL42 = Uint8Array.from([0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0]);
const WH = Int16Array.from([0, -214, 798]);
const RH2 = Uint8Array.from([2, 1, 2, 1]);
// SCALEL/SCALEH: antilog table ILB.
const ILB = Int16Array.from([
  2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834,
  2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
]);
// Receive QMF coefficients h0..h11 (Table 11); the 24-tap filter is symmetric, h(23-i) = h(i).
const QMF = Int32Array.from([3, -11, 12, 32, -210, 951, 3876, -805, 362, -156, 53, -11]);

function saturate16(x: number): number {
  return x > 32767 ? 32767 : x < -32768 ? -32768 : x;
}

function clamp(x: number, low: number, high: number): number {
  return x < low ? low : x > high ? high : x;
}

/** Adaptive predictor and quantizer scale state of one sub-band (G.722 §4.2/§4.3 variables). */
class G722SubBand {
  /** DET: quantizer scale factor (linear). */
  det: number;
  /** NB: quantizer scale factor (log domain). */
  nb = 0;
  /** S: predicted signal estimate. */
  s = 0;
  /** SZ: zero-section prediction. */
  sz = 0;
  /** A1, A2: pole-section coefficients. */
  a1 = 0;
  a2 = 0;
  /** Sign (negative?) of the partially reconstructed signal P at t-1 and t-2. */
  pNeg1 = false;
  pNeg2 = false;
  /** R at t-1, stored doubled and saturated as FILTEP consumes it. */
  r1x2 = 0;
  /** B1..B6: zero-section coefficients. */
  readonly b = new Int32Array(6);
  /** D1..D6: quantized difference signal history, stored doubled and saturated. */
  readonly dx2 = new Int32Array(6);

  constructor(
    initialDet: number,
    private readonly nbMax: number,
    private readonly scaleShift: number,
  ) {
    this.det = initialDet;
  }

  /** LOGSCL + SCALEL/SCALEH: update the log scale factor by `step` and derive DET. */
  adaptScale(step: number): void {
    this.nb = clamp(((this.nb * 127) >> 7) + step, 0, this.nbMax);
    const mantissa = ILB[(this.nb >> 6) & 31]!;
    const shift = this.scaleShift - (this.nb >> 11);
    const linear = shift < 0 ? mantissa << -shift : mantissa >> shift;
    this.det = linear << 2;
  }

  /**
   * Adaptive predictor update for a quantized difference `d` (the BLOCK 4 chain: PARREC, RECONS,
   * UPPOL2, UPPOL1, UPZERO, DELAYA, FILTEP, FILTEZ, PREDIC).
   */
  updatePredictor(d: number): void {
    // PARREC: P = D + SZ; only its sign is needed by the pole updates.
    const pNeg = this.sz + d < 0;

    // UPPOL2: A2 <- (1 - 2^-7) A2 + 2^-7 (±4 A1 [sign P·P1]) ± 2^-7 [sign P·P2], |A2| <= 0.75.
    // The reference saturates 4·A1 and again its negation, so -(-32768) stays 32767.
    const fourA1 = saturate16(this.a1 * 4);
    const term1 = saturate16(pNeg === this.pNeg1 ? -fourA1 : fourA1) >> 7;
    const term2 = pNeg === this.pNeg2 ? 128 : -128;
    const a2 = clamp(term1 + term2 + ((this.a2 * 32512) >> 15), -12288, 12288);

    // UPPOL1: A1 <- (1 - 2^-8) A1 ± 3·2^-8 [sign P·P1], |A1| <= 1 - 2^-4 - A2.
    const step1 = pNeg === this.pNeg1 ? 192 : -192;
    const limit = 15360 - a2;
    const a1 = clamp(saturate16(step1 + ((this.a1 * 32640) >> 15)), -limit, limit);

    // UPZERO: Bi <- (1 - 2^-8) Bi + 2^-7 sgn(D) sgn(Di), no sign step when D is zero.
    const dNeg = d < 0;
    for (let i = 0; i < 6; i++) {
      const decay = (this.b[i]! * 32640) >> 15;
      const step = d === 0 ? 0 : dNeg === this.dx2[i]! < 0 ? 128 : -128;
      this.b[i] = saturate16(decay + step);
    }

    // DELAYA: shift the difference and sign histories.
    this.dx2.copyWithin(1, 0, 5);
    this.dx2[0] = saturate16(d * 2);
    this.pNeg2 = this.pNeg1;
    this.pNeg1 = pNeg;
    this.a1 = a1;
    this.a2 = a2;

    // FILTEZ: SZ = sum Bi·Di (no intermediate saturation, as ffmpeg).
    let sz = 0;
    for (let i = 0; i < 6; i++) sz += (this.b[i]! * this.dx2[i]!) >> 15;
    this.sz = sz;

    // RECONS (R = S + D, doubled for FILTEP) then FILTEP: SP = A1·R1 + A2·R2; PREDIC: S = SP + SZ.
    const r0x2 = saturate16((this.s + d) * 2);
    this.s = saturate16(sz + ((this.a1 * r0x2) >> 15) + ((this.a2 * this.r1x2) >> 15));
    this.r1x2 = r0x2;
  }
}

/**
 * Stateful G.722 decoder for one stream. `decode` consumes 64 kbit/s codewords (one byte per
 * 8 kHz tick, bits 7-6 the higher band, bits 5-0 the lower band) and returns two 16 kHz samples
 * per byte.
 */
export class G722Decoder {
  private low = new G722SubBand(32, 18432, 8);
  private high = new G722SubBand(8, 22528, 10);
  /** Receive QMF delay lines: newest first, 12 pairs of (RL + RH) and (RL - RH). */
  private readonly sums = new Int32Array(12);
  private readonly diffs = new Int32Array(12);

  /** Decode a G.722 payload; returns `payload.length * 2` samples at 16 kHz. */
  decode(payload: Uint8Array): Int16Array {
    const out = new Int16Array(payload.length * 2);
    const low = this.low;
    const high = this.high;
    const sums = this.sums;
    const diffs = this.diffs;
    for (let n = 0; n < payload.length; n++) {
      const code = payload[n]!;
      const ilr = code & 0x3f;
      const ih = code >> 6;

      // Lower band: INVQBL + RECONS + LIMIT for the output with all 6 bits.
      const rl = clamp(low.s + ((low.det * QM6[ilr]!) >> 15), -16384, 16383);
      // INVQAL: the 4-bit truncated code drives adaptation so encoder and decoder stay in step
      // whatever the bit rate.
      const ilr4 = ilr >> 2;
      const dlt = (low.det * QM4[ilr4]!) >> 15;
      low.updatePredictor(dlt);
      low.adaptScale(WL[RL42[ilr4]!]!);

      // Higher band: INVQAH + RECONS + LIMIT.
      const dh = (high.det * QM2[ih]!) >> 15;
      const rh = clamp(high.s + dh, -16384, 16383);
      high.updatePredictor(dh);
      high.adaptScale(WH[RH2[ih]!]!);

      // Receive QMF (§4.4.2): interpolate the two sub-bands back to 16 kHz.
      sums.copyWithin(1, 0, 11);
      diffs.copyWithin(1, 0, 11);
      sums[0] = rl + rh;
      diffs[0] = rl - rh;
      let xout1 = 0;
      let xout2 = 0;
      for (let i = 0; i < 12; i++) {
        xout1 += diffs[i]! * QMF[i]!;
        xout2 += sums[i]! * QMF[11 - i]!;
      }
      out[2 * n] = saturate16(xout1 >> 11);
      out[2 * n + 1] = saturate16(xout2 >> 11);
    }
    return out;
  }

  /** Return to the initial state (G.722 §4.4 reset), e.g. on an SSRC change. */
  reset(): void {
    this.low = new G722SubBand(32, 18432, 8);
    this.high = new G722SubBand(8, 22528, 10);
    this.sums.fill(0);
    this.diffs.fill(0);
  }
}
