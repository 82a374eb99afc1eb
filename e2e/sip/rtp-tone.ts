// RTP a test sends itself: a sine tone per stream (so each channel of the recording can be told
// apart), paced at 20 ms, from a socket bound to any loopback address (127.0.0.2 plays an SRC
// behind NAT). G.711 (µ-law and A-law) is encoded here; G.729 by libbcg729's encoder (the
// recorder's native addon, as the decoder's own tests use it) and G.726-32 by ffmpeg's
// `adpcm_g726le` (RFC 3551 packing) — encoders independent of the recorder's decoders.
import { spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** ITU-T G.711 µ-law of one 16-bit sample. */
export function linearToUlaw(sample: number): number {
  const BIAS = 0x84;
  let s = Math.max(-32635, Math.min(32635, sample));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** ITU-T G.711 A-law of one 16-bit sample. */
export function linearToAlaw(sample: number): number {
  let value = Math.max(-32768, Math.min(32767, sample)) >> 3;
  let mask = 0xd5;
  if (value < 0) {
    mask = 0x55;
    value = -value - 1;
  }
  let segment = 0;
  while (segment < 8 && value > (0x20 << segment) - 1) segment++;
  if (segment >= 8) return 0x7f ^ mask;
  const mantissa = segment < 2 ? (value >> 1) & 0x0f : (value >> segment) & 0x0f;
  return ((segment << 4) | mantissa) ^ mask;
}

export type G711 = 'PCMU' | 'PCMA';
/** What a sender can send: G.711, G.729 (PT 18) and G.726-32 (the offer's dynamic PT). */
export type ToneCodec = G711 | 'G729' | { readonly g726_32: number };

interface G729Encoder {
  createEncoder(vad: boolean): object;
  encode(encoder: object, pcm: Int16Array): Uint8Array[];
}

const g729AddonFile = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../packages/recorder/native/build/g729.node',
);

/** The tone's 16-bit samples from `from` (sample index) for `count` samples. */
function toneSamples(frequency: number, from: number, count: number): Int16Array {
  const out = new Int16Array(count);
  for (let i = 0; i < count; i++) {
    out[i] = Math.round(8000 * Math.sin((2 * Math.PI * frequency * (from + i)) / 8000));
  }
  return out;
}

/** The tone's first `seconds` encoded as one continuous G.726-32 stream by ffmpeg (4 bits/sample). */
function g726Stream(frequency: number, seconds: number): Buffer {
  const pcm = toneSamples(frequency, 0, seconds * 8000);
  const encoded = spawnSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      's16le',
      '-ar',
      '8000',
      '-ac',
      '1',
      '-i',
      '-',
      '-c:a',
      'adpcm_g726le',
      '-b:a',
      '32k',
      '-f',
      'g726le',
      '-',
    ],
    {
      input: Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength),
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (encoded.status !== 0) throw new Error(`ffmpeg G.726: ${encoded.stderr.toString()}`);
  return encoded.stdout;
}

export interface ToneSender {
  /** Where the packets come from. */
  readonly address: string;
  readonly port: number;
  /** Sends from a new socket (another port) from now on, the RTP stream going on unchanged. */
  move(): Promise<void>;
  /** Sends 20 ms packets until `until` (epoch ms), switching codec as `codecAt` says. */
  send(options: {
    readonly toPort: number;
    readonly until: number;
    readonly codecAt: (elapsedMs: number) => ToneCodec;
  }): Promise<number>;
  close(): void;
}

/** A sender of a `frequency` Hz tone bound to `address`; SSRC and sequence go on across sends. */
export async function toneSender(
  address: string,
  frequency: number,
  ssrc: number,
): Promise<ToneSender> {
  const bind = async (): Promise<dgram.Socket> => {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(0, address, () => resolve()));
    return s;
  };
  let socket = await bind();
  let sequence = 1;
  let timestamp = 0;
  let g729: { addon: G729Encoder; state: object } | undefined;
  let g726: Buffer | undefined;
  /** 20 ms of the tone from `timestamp` (the stream's sample index) in `codec`. */
  const payload = (codec: ToneCodec): { pt: number; bytes: Uint8Array } => {
    if (codec === 'PCMU' || codec === 'PCMA') {
      const encode = codec === 'PCMU' ? linearToUlaw : linearToAlaw;
      return {
        pt: codec === 'PCMU' ? 0 : 8,
        bytes: Uint8Array.from(toneSamples(frequency, timestamp, 160), encode),
      };
    }
    if (codec === 'G729') {
      g729 ??= (() => {
        const addon = createRequire(import.meta.url)(g729AddonFile) as G729Encoder;
        return { addon, state: addon.createEncoder(false) };
      })();
      const frames = g729.addon.encode(g729.state, toneSamples(frequency, timestamp, 160));
      return { pt: 18, bytes: Buffer.concat(frames) };
    }
    // 2 minutes of tone is more than any test's call; 80 bytes are 160 samples at 4 bits each.
    g726 ??= g726Stream(frequency, 120);
    return { pt: codec.g726_32, bytes: g726.subarray(timestamp / 2, timestamp / 2 + 80) };
  };
  const frame = (codec: ToneCodec): Buffer => {
    const { pt, bytes } = payload(codec);
    const packet = Buffer.alloc(12 + bytes.length);
    packet[0] = 0x80;
    packet[1] = pt;
    packet.writeUInt16BE(sequence++ & 0xffff, 2);
    packet.writeUInt32BE(timestamp >>> 0, 4);
    packet.writeUInt32BE(ssrc >>> 0, 8);
    packet.set(bytes, 12);
    timestamp += 160;
    return packet;
  };
  return {
    address,
    get port() {
      return socket.address().port;
    },
    async move() {
      const old = socket;
      socket = await bind();
      old.close();
    },
    async send({ toPort, until, codecAt }) {
      const start = Date.now();
      let sent = 0;
      for (let due = start; due < until; due += 20) {
        const wait = due - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        socket.send(frame(codecAt(due - start)), toPort, '127.0.0.1');
        sent++;
      }
      return sent;
    },
    close: () => socket.close(),
  };
}

/**
 * Share of the power at `frequency` among the two tones (Goertzel, RFC-free DSP): near 1 when
 * the samples hold that tone, near 0 when they hold the other one.
 */
export function toneShare(samples: Int16Array, frequency: number, other: number): number {
  const power = (f: number): number => {
    const coefficient = 2 * Math.cos((2 * Math.PI * f) / 8000);
    let s1 = 0;
    let s2 = 0;
    for (const x of samples) {
      const s0 = x + coefficient * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    return s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  };
  const own = power(frequency);
  return own / (own + power(other) || 1);
}

/** Root mean square of the samples. */
export function rms(samples: Int16Array): number {
  let sum = 0;
  for (const x of samples) sum += x * x;
  return Math.sqrt(sum / Math.max(1, samples.length));
}
