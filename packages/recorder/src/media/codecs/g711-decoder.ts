// ITU-T G.711 decoding for RTP payload types 0 (PCMU, µ-law) and 8 (PCMA, A-law), RFC 3551 §4.5.14.
// The expansion comes from alawmulaw; it is tabulated once into 256-entry lookup tables so the
// per-packet cost is one table read per sample. The `…Into` forms write into the caller's array:
// a whole call decodes without an allocation per packet.
import alawmulaw from 'alawmulaw';

/** G.711 sample rate and RTP clock rate (RFC 3551 §4.5.14). */
export const G711_SAMPLE_RATE = 8000;

function buildTable(decodeSample: (code: number) => number): Int16Array {
  const table = new Int16Array(256);
  for (let code = 0; code < 256; code++) table[code] = decodeSample(code);
  return table;
}

const MULAW_TABLE = buildTable((code) => alawmulaw.mulaw.decodeSample(code));
const ALAW_TABLE = buildTable((code) => alawmulaw.alaw.decodeSample(code));

function expandInto(table: Int16Array, payload: Uint8Array, out: Int16Array): number {
  const length = payload.length;
  if (out.length < length) throw new RangeError('output too short for the payload');
  for (let i = 0; i < length; i++) out[i] = table[payload[i]!]!;
  return length;
}

function expand(table: Int16Array, payload: Uint8Array): Int16Array {
  const out = new Int16Array(payload.length);
  expandInto(table, payload, out);
  return out;
}

/** Expand µ-law bytes (PCMU) to 16-bit linear PCM, one sample per byte. */
export function decodePcmu(payload: Uint8Array): Int16Array {
  return expand(MULAW_TABLE, payload);
}

/** Expand A-law bytes (PCMA) to 16-bit linear PCM, one sample per byte. */
export function decodePcma(payload: Uint8Array): Int16Array {
  return expand(ALAW_TABLE, payload);
}

/** `decodePcmu` into `out` (at least as long as the payload); returns the samples written. */
export function decodePcmuInto(payload: Uint8Array, out: Int16Array): number {
  return expandInto(MULAW_TABLE, payload, out);
}

/** `decodePcma` into `out` (at least as long as the payload); returns the samples written. */
export function decodePcmaInto(payload: Uint8Array, out: Int16Array): number {
  return expandInto(ALAW_TABLE, payload, out);
}
