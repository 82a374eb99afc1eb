// ITU-T G.726 ADPCM decoder at 16, 24, 32 and 40 kbit/s (2, 3, 4 or 5 bits per 8 kHz sample),
// written from the block descriptions of G.726 §4.2 (RECONST, INVQ, ADDA, ADDB, FUNCTF, FILTD,
// FUNCTW, FILTA/B/C, LIMB, MIX, TRANS, TONE, TRIGB, UPA1, UPA2, UPB, LIMC, LIMD, FMULT,
// ACCUM) and its 11-bit floating-point products.
//
// Where G.726 leaves the output format to the caller (it produces a 14-bit uniform signal), this
// decoder scales to 16 bits and saturates as ffmpeg's `g726`/`g726le` decoder does, because the
// project checks sample-exactness against ffmpeg (test-fixtures/audio/README.md).
//
// RFC 3551 §4.5.4: an RTP payload named G726-16/24/32/40 packs codewords little-endian: the first
// sample in the least significant bits of the first byte (the AAL2 packing, AAL2-G726-xx, is
// the opposite bit order and is not what these names mean).

/** Output sample rate (and RTP clock rate) of G.726. */
export const G726_SAMPLE_RATE = 8000;

export type G726BitsPerSample = 2 | 3 | 4 | 5;

interface G726Tables {
  /** Inverse quantizer output in the log domain, indexed by codeword (sign bit included). */
  readonly iquant: Int16Array;
  /** FUNCTW: scale factor multiplier per codeword. */
  readonly w: Int16Array;
  /** FUNCTF: rate-of-change weighting per codeword. */
  readonly f: Uint8Array;
}

const I16_MIN = -32768;

/** G.726 Tables 7, 9, 11 and 13 (DQLN / W / F), in both halves of the codeword range. */
const TABLES: Readonly<Record<G726BitsPerSample, G726Tables>> = {
  2: {
    iquant: Int16Array.from([116, 365, 365, 116]),
    w: Int16Array.from([-22, 439, 439, -22]),
    f: Uint8Array.from([0, 7, 7, 0]),
  },
  3: {
    iquant: Int16Array.from([I16_MIN, 135, 273, 373, 373, 273, 135, I16_MIN]),
    w: Int16Array.from([-4, 30, 137, 582, 582, 137, 30, -4]),
    f: Uint8Array.from([0, 1, 2, 7, 7, 2, 1, 0]),
  },
  4: {
    iquant: Int16Array.from([
      I16_MIN,
      4,
      135,
      213,
      273,
      323,
      373,
      425,
      425,
      373,
      323,
      273,
      213,
      135,
      4,
      I16_MIN,
    ]),
    w: Int16Array.from([
      -12, 18, 41, 64, 112, 198, 355, 1122, 1122, 355, 198, 112, 64, 41, 18, -12,
    ]),
    f: Uint8Array.from([0, 0, 0, 1, 1, 1, 3, 7, 7, 3, 1, 1, 1, 0, 0, 0]),
  },
  5: {
    iquant: Int16Array.from([
      I16_MIN,
      -66,
      28,
      104,
      169,
      224,
      274,
      318,
      358,
      395,
      429,
      459,
      488,
      514,
      539,
      566,
      566,
      539,
      514,
      488,
      459,
      429,
      395,
      358,
      318,
      274,
      224,
      169,
      104,
      28,
      -66,
      I16_MIN,
    ]),
    w: Int16Array.from([
      14, 14, 24, 39, 40, 41, 58, 100, 141, 179, 219, 280, 358, 440, 529, 696, 696, 529, 440, 358,
      280, 219, 179, 141, 100, 58, 41, 40, 39, 24, 14, 14,
    ]),
    f: Uint8Array.from([
      0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6, 6, 5, 4, 3, 2, 1, 1, 1, 1, 1, 0, 0, 0, 0,
      0,
    ]),
  },
};

/** The bits per sample of an RTP encoding name G726-16 … G726-40 (RFC 3551 §4.5.4). */
export function g726BitsPerSampleOf(encodingName: string): G726BitsPerSample | null {
  switch (encodingName.toUpperCase()) {
    case 'G726-16':
      return 2;
    case 'G726-24':
      return 3;
    case 'G726-32':
      return 4;
    case 'G726-40':
      return 5;
    default:
      return null;
  }
}

function clamp(x: number, low: number, high: number): number {
  return x < low ? low : x > high ? high : x;
}

/** floor(log2(v)) for 0 < v; 0 for v = 0 (the exponent search of G.726 FLOAT A/B). */
function log2Floor(v: number): number {
  return v === 0 ? 0 : 31 - Math.clz32(v);
}

/**
 * G.726's 11-bit floating-point number (sign, 4-bit exponent, 6-bit mantissa) as used by FMULT
 * for the predictor's products. Stored as three parallel fields per slot.
 */
class Float11Array {
  readonly sign: Uint8Array;
  readonly exp: Uint8Array;
  readonly mant: Uint8Array;
  constructor(length: number) {
    this.sign = new Uint8Array(length);
    this.exp = new Uint8Array(length);
    this.mant = new Uint8Array(length).fill(1 << 5);
  }

  /** FLOAT A/B: store integer `value` at `index`. */
  set(index: number, value: number): void {
    const negative = value < 0;
    const magnitude = negative ? -value : value;
    const exp = magnitude === 0 ? 0 : log2Floor(magnitude) + 1;
    this.sign[index] = negative ? 1 : 0;
    this.exp[index] = exp;
    this.mant[index] = magnitude === 0 ? 1 << 5 : ((magnitude << 6) >> exp) & 0xff;
  }

  /** Move slot `from` to slot `to`. */
  copy(to: number, from: number): void {
    this.sign[to] = this.sign[from]!;
    this.exp[to] = this.exp[from]!;
    this.mant[to] = this.mant[from]!;
  }

  /** FMULT: the product of coefficient `coefficient` (an integer) with the stored value. */
  multiply(index: number, coefficient: number): number {
    const negative = coefficient < 0;
    const magnitude = negative ? -coefficient : coefficient;
    const coefficientExp = magnitude === 0 ? 0 : log2Floor(magnitude) + 1;
    const mant = magnitude === 0 ? 1 << 5 : (magnitude << 6) >> coefficientExp;
    const exp = coefficientExp + this.exp[index]!;
    let product = (mant * this.mant[index]! + 0x30) >> 4;
    product = exp > 19 ? product << (exp - 19) : product >> (19 - exp);
    return (negative ? 1 : 0) ^ this.sign[index]! ? -product : product;
  }
}

/** One G.726 decoder channel: keeps the adaptive predictor and quantizer state across packets. */
export class G726Decoder {
  readonly bitsPerSample: G726BitsPerSample;
  private readonly tables: G726Tables;
  /** SR(k-1), SR(k-2): reconstructed signal. */
  private readonly sr = new Float11Array(2);
  /** DQ(k-1) … DQ(k-6): quantized difference signal. */
  private readonly dq = new Float11Array(6);
  /** A1, A2: pole-section coefficients. */
  private readonly a = new Int32Array(2);
  /** B1 … B6: zero-section coefficients. */
  private readonly b = new Int32Array(6);
  /** Signs of PK(k-1), PK(k-2) (never 0: a zero sum counts as positive). */
  private readonly pk = Int32Array.from([1, 1]);
  /** AP: speed control (unlocking) parameter. */
  private ap = 0;
  /** YU, YL: fast and slow quantizer scale factors. */
  private yu = 544;
  private yl = 34816;
  /** DMS, DML: short and long term averages of F(I). */
  private dms = 0;
  private dml = 0;
  /** TD: tone detected. */
  private td = 0;
  /** SE, SEZ: signal estimate and its zero-section part for the next sample. */
  private se = 0;
  private sez = 0;
  /** Y: quantizer scale factor for the next sample. */
  private y = 544;

  constructor(bitsPerSample: G726BitsPerSample) {
    this.bitsPerSample = bitsPerSample;
    this.tables = TABLES[bitsPerSample];
  }

  /** Samples a payload of `bytes` bytes decodes to (whole codewords only). */
  samplesOf(bytes: number): number {
    return Math.floor((bytes * 8) / this.bitsPerSample);
  }

  /** Decode an RFC 3551 (little-endian packed) payload to 8 kHz 16-bit PCM. */
  decode(payload: Uint8Array): Int16Array {
    const bits = this.bitsPerSample;
    const mask = (1 << bits) - 1;
    const out = new Int16Array(this.samplesOf(payload.length));
    let accumulator = 0;
    let held = 0;
    let byteIndex = 0;
    for (let n = 0; n < out.length; n++) {
      while (held < bits) {
        accumulator |= payload[byteIndex++]! << held;
        held += 8;
      }
      out[n] = this.decodeCodeword(accumulator & mask);
      accumulator >>>= bits;
      held -= bits;
    }
    return out;
  }

  /** Decode one codeword I (G.726 §4.2); returns the 16-bit output sample. */
  private decodeCodeword(code: number): number {
    const tables = this.tables;
    const negative = code >> (this.bitsPerSample - 1);

    // INVQ / ADDA / ANTILOG: quantized difference magnitude from the log-domain table and Y.
    const dql = tables.iquant[code]! + (this.y >> 2);
    let dq = dql < 0 ? 0 : (((1 << 7) + (dql & 0x7f)) << ((dql >> 7) & 0xf)) >> 7;

    // TRANS: a transition from a partial band signal (tone) resets the predictor.
    const ylInt = this.yl >> 15;
    const ylFrac = (this.yl >> 10) & 0x1f;
    const thr2 = ylInt > 9 ? 0x1f << 10 : (0x20 + ylFrac) << ylInt;
    const transition = this.td === 1 && dq > (3 * thr2) >> 2;

    if (negative) dq = -dq;
    // ADDB: reconstructed signal, a 16-bit quantity (wraps as two's complement).
    const reconstructed = ((this.se + dq) << 16) >> 16;

    // UPA2, UPA1, UPB with LIMC / LIMD.
    const pkSum = this.sez + dq;
    const pk0 = pkSum === 0 ? 0 : pkSum < 0 ? -1 : 1;
    const dq0 = dq === 0 ? 0 : dq < 0 ? -1 : 1;
    const a = this.a;
    const b = this.b;
    if (transition) {
      a.fill(0);
      b.fill(0);
    } else {
      const fa1 = clamp((-a[0]! * this.pk[0]! * pk0) >> 5, -256, 255);
      a[1] = clamp(a[1]! + 128 * pk0 * this.pk[1]! + fa1 - (a[1]! >> 7), -12288, 12288);
      const a1 = a[0]! + 192 * pk0 * this.pk[0]! - (a[0]! >> 8);
      a[0] = clamp(a1, -(15360 - a[1]), 15360 - a[1]);
      for (let i = 0; i < 6; i++) {
        const previousSign = this.dq.sign[i]! ? -1 : 1;
        b[i] = b[i]! + 128 * dq0 * previousSign - (b[i]! >> 8);
      }
    }

    // Delay lines: PK, SR, DQ. DQ keeps the codeword's sign even when its magnitude is zero.
    this.pk[1] = this.pk[0]!;
    this.pk[0] = pk0 === 0 ? 1 : pk0;
    this.sr.copy(1, 0);
    this.sr.set(0, reconstructed);
    for (let i = 5; i > 0; i--) this.dq.copy(i, i - 1);
    this.dq.set(0, dq);
    this.dq.sign[0] = negative;

    // TONE: partial band signal detection from A2.
    this.td = a[1]! < -11776 ? 1 : 0;

    // FUNCTF, FILTA, FILTB, FILTC, TRIGA: speed control.
    const f = tables.f[code]!;
    this.dms += (f << 4) + (-this.dms >> 5);
    this.dml += (f << 4) + (-this.dml >> 7);
    if (transition) {
      this.ap = 256;
    } else {
      this.ap += -this.ap >> 4;
      if (
        this.y <= 1535 ||
        this.td === 1 ||
        Math.abs((this.dms << 2) - this.dml) >= this.dml >> 3
      ) {
        this.ap += 0x20;
      }
    }

    // FUNCTW, FILTD, LIMB, FILTE: fast and slow scale factors; LIMA, MIX: the next Y.
    this.yu = clamp(this.y + tables.w[code]! + (-this.y >> 5), 544, 5120);
    this.yl += this.yu + (-this.yl >> 6);
    const al = this.ap >= 256 ? 1 << 6 : this.ap >> 2;
    this.y = (this.yl + (this.yu - (this.yl >> 6)) * al) >> 6;

    // FMULT, ACCUM: the signal estimate for the next codeword.
    let sez = 0;
    for (let i = 0; i < 6; i++) sez += this.dq.multiply(i, b[i]! >> 2);
    let se = sez;
    for (let i = 0; i < 2; i++) se += this.sr.multiply(i, a[i]! >> 2);
    this.sez = sez >> 1;
    this.se = se >> 1;

    return clamp(reconstructed * 4, -0xffff, 0xffff);
  }
}
