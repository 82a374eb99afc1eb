// Reads the header of an uploaded WAV file (RIFF/WAVE, Microsoft's format) to check it is a prompt a
// call system can play: PCM 16-bit or G.711 µ-law, 8 or 16 kHz, mono, at most 60 s and 5 MB.
//
//   offset  size  field
//   0       4     "RIFF"
//   4       4     RIFF size (little-endian)
//   8       4     "WAVE"
//   12      …     chunks: 4-byte id, 4-byte little-endian size, data (padded to even length)
//   "fmt "        audioFormat u16 (1 = PCM, 7 = µ-law, 0xFFFE = extensible), channels u16,
//                 sampleRate u32, byteRate u32, blockAlign u16, bitsPerSample u16 [, extension]
//   "data"        the samples

export const MAX_ANNOUNCEMENT_BYTES = 5 * 1024 * 1024;
export const MAX_ANNOUNCEMENT_SECONDS = 60;

export interface WavInfo {
  readonly encoding: 'pcm16' | 'mulaw';
  readonly sampleRate: number;
  readonly channels: number;
  readonly durationMs: number;
}

export type WavCheck = { ok: true; info: WavInfo } | { ok: false; problem: string };

const FORMAT_PCM = 1;
const FORMAT_MULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;

export function checkAnnouncementWav(bytes: Uint8Array): WavCheck {
  if (bytes.length > MAX_ANNOUNCEMENT_BYTES)
    return {
      ok: false,
      problem: `the file is ${bytes.length} bytes; at most ${MAX_ANNOUNCEMENT_BYTES} (5 MB) are allowed`,
    };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number): string =>
    at + 4 <= bytes.length ? String.fromCharCode(...bytes.subarray(at, at + 4)) : '';
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE')
    return { ok: false, problem: 'not a WAV file (no RIFF/WAVE header)' };

  let fmt: {
    format: number;
    channels: number;
    sampleRate: number;
    blockAlign: number;
    bits: number;
  } | null = null;
  let dataSize: number | null = null;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > bytes.length)
        return { ok: false, problem: 'the fmt chunk is truncated' };
      let format = view.getUint16(body, true);
      if (format === FORMAT_EXTENSIBLE && size >= 40) format = view.getUint16(body + 24, true);
      fmt = {
        format,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        blockAlign: view.getUint16(body + 12, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      dataSize = Math.min(size, bytes.length - body);
      break;
    }
    at = body + size + (size % 2);
  }
  if (!fmt) return { ok: false, problem: 'the WAV file has no fmt chunk' };
  if (dataSize === null) return { ok: false, problem: 'the WAV file has no data chunk' };

  let encoding: WavInfo['encoding'];
  if (fmt.format === FORMAT_PCM && fmt.bits === 16) encoding = 'pcm16';
  else if (fmt.format === FORMAT_MULAW && fmt.bits === 8) encoding = 'mulaw';
  else
    return {
      ok: false,
      problem: `unsupported encoding (format ${fmt.format}, ${fmt.bits} bits); use 16-bit PCM or 8-bit µ-law`,
    };
  if (fmt.channels !== 1)
    return {
      ok: false,
      problem: `the file has ${fmt.channels} channels; announcements must be mono`,
    };
  if (fmt.sampleRate !== 8000 && fmt.sampleRate !== 16000)
    return { ok: false, problem: `the sample rate is ${fmt.sampleRate} Hz; use 8000 or 16000 Hz` };
  const blockAlign = fmt.blockAlign || (encoding === 'pcm16' ? 2 : 1);
  const durationMs = Math.round((dataSize / blockAlign / fmt.sampleRate) * 1000);
  if (durationMs > MAX_ANNOUNCEMENT_SECONDS * 1000)
    return {
      ok: false,
      problem: `the announcement is ${(durationMs / 1000).toFixed(1)} s long; at most ${MAX_ANNOUNCEMENT_SECONDS} s are allowed`,
    };
  if (durationMs === 0) return { ok: false, problem: 'the WAV file has no audio' };
  return {
    ok: true,
    info: { encoding, sampleRate: fmt.sampleRate, channels: fmt.channels, durationMs },
  };
}

/** A WAV header for tests and tools: mono, `sampleRate`, PCM16 or µ-law, around `data`. */
export function buildWav(
  data: Uint8Array,
  options: { sampleRate: number; encoding: 'pcm16' | 'mulaw'; channels?: number },
): Uint8Array {
  const channels = options.channels ?? 1;
  const bits = options.encoding === 'pcm16' ? 16 : 8;
  const blockAlign = (bits / 8) * channels;
  const out = new Uint8Array(44 + data.length);
  const view = new DataView(out.buffer);
  const put = (at: number, text: string): void =>
    out.set(
      Array.from(text, (c) => c.charCodeAt(0)),
      at,
    );
  put(0, 'RIFF');
  view.setUint32(4, 36 + data.length, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, options.encoding === 'pcm16' ? FORMAT_PCM : FORMAT_MULAW, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, options.sampleRate, true);
  view.setUint32(28, options.sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bits, true);
  put(36, 'data');
  view.setUint32(40, data.length, true);
  out.set(data, 44);
  return out;
}
