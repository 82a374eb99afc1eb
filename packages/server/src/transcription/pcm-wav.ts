// Mono 16-bit PCM in a canonical 44-byte RIFF/WAVE header (the form pocketsphinx reads with
// -infile), and the reverse for reference clips that arrive as WAV files.
//
//   0 "RIFF" | 4 size−8 | 8 "WAVE" | 12 "fmt " | 16 16 | 20 1 (PCM) | 22 channels | 24 rate
//   28 byte rate | 32 block align | 34 bits | 36 "data" | 40 data bytes | 44 samples (LE)

export function encodeWavPcm16(pcm: Int16Array, sampleRate: number): Buffer {
  const dataBytes = pcm.length * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < pcm.length; i++) out.writeInt16LE(pcm[i] ?? 0, 44 + i * 2);
  return out;
}

export interface DecodedWav {
  readonly sampleRate: number;
  readonly channels: number;
  /** Interleaved when channels > 1. */
  readonly pcm: Int16Array;
}

/** Reads a 16-bit PCM WAV file's format and samples; throws on anything else. */
export function decodeWavPcm16(bytes: Uint8Array): DecodedWav {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (
    b.length < 12 ||
    b.toString('ascii', 0, 4) !== 'RIFF' ||
    b.toString('ascii', 8, 12) !== 'WAVE'
  )
    throw new Error('not a RIFF/WAVE file');
  let offset = 12;
  let format: { channels: number; sampleRate: number; bits: number; tag: number } | null = null;
  while (offset + 8 <= b.length) {
    const id = b.toString('ascii', offset, offset + 4);
    const size = b.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ' && size >= 16) {
      format = {
        tag: b.readUInt16LE(body),
        channels: b.readUInt16LE(body + 2),
        sampleRate: b.readUInt32LE(body + 4),
        bits: b.readUInt16LE(body + 14),
      };
    } else if (id === 'data') {
      if (!format) throw new Error('WAV data chunk before its fmt chunk');
      if (format.tag !== 1 || format.bits !== 16) throw new Error('WAV is not 16-bit PCM');
      const end = Math.min(b.length, body + size);
      const count = Math.floor((end - body) / 2);
      const pcm = new Int16Array(count);
      for (let i = 0; i < count; i++) pcm[i] = b.readInt16LE(body + i * 2);
      return { sampleRate: format.sampleRate, channels: format.channels, pcm };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAV has no data chunk');
}
