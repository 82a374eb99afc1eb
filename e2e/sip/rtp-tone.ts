// RTP a test sends itself: a sine tone per stream (so each channel of the recording can be told
// apart), G.711-encoded (ITU-T G.711 µ-law and A-law), paced at 20 ms, from a socket bound to
// any loopback address (127.0.0.2 plays an SRC behind NAT).
import dgram from 'node:dgram';

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
    readonly codecAt: (elapsedMs: number) => G711;
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
  let phase = 0;
  const frame = (codec: G711): Buffer => {
    const packet = Buffer.alloc(12 + 160);
    packet[0] = 0x80;
    packet[1] = codec === 'PCMU' ? 0 : 8;
    packet.writeUInt16BE(sequence++ & 0xffff, 2);
    packet.writeUInt32BE(timestamp >>> 0, 4);
    packet.writeUInt32BE(ssrc >>> 0, 8);
    const encode = codec === 'PCMU' ? linearToUlaw : linearToAlaw;
    for (let i = 0; i < 160; i++) {
      packet[12 + i] = encode(Math.round(8000 * Math.sin(phase)));
      phase += (2 * Math.PI * frequency) / 8000;
    }
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
