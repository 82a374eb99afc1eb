// Render stage 5, interleave: the channels of a recording as interleaved s16le, the input an
// encoder takes, one block at a time. The PCM goes to an encoder in a few blocks used over and
// over rather than one buffer of the whole call: a 10-minute call would be a 19 MB allocation,
// and touching fresh memory costs as much as the interleaving itself.

/** Samples per channel in each block piped to an encoder (about 4 s at 8 kHz, 0.7 s at 48 kHz). */
export const INTERLEAVE_BLOCK_SAMPLES = 32768;

/**
 * Interleaved s16le of samples [start, end) of the channels (padded with silence where a channel
 * is shorter), written into `block` (at least (end - start) × channels × 2 bytes); returns the
 * part of `block` written.
 */
export function interleaveBlock(
  channels: readonly Int16Array[],
  start: number,
  end: number,
  block: Uint8Array,
): Uint8Array {
  const n = channels.length;
  // Typed arrays use the platform's byte order; every platform Node supports is little endian.
  const out = new Int16Array(block.buffer, block.byteOffset, (end - start) * n);
  for (let c = 0; c < n; c++) {
    const channel = channels[c]!;
    const stop = Math.min(end, channel.length);
    let j = c;
    for (let i = start; i < stop; i++, j += n) out[j] = channel[i]!;
    for (let i = Math.max(start, stop); i < end; i++, j += n) out[j] = 0;
  }
  return block.subarray(0, (end - start) * n * 2);
}
