// The capture benchmark's load generator, run as its own process (bench/capture.bench.ts forks
// it): `streams` RTP streams of 20 ms PCMU (RFC 3551: payload type 0, 160 bytes, timestamp +160,
// 50 packets a second) to 127.0.0.1 ports base, base + 2, ... (the RTP ports the recorder
// answered; RTCP would be on the odd port above each).
//
// Every 20 ms tick sends one packet on every stream. Each stream has its own connected socket, so
// the recorder latches one source per stream (as from a real SRC) and sends need no address
// lookup. When the process falls behind, the next tick catches up at once (the packets are then
// sent in a burst) and the lag is reported, so a loss can be told from a slow generator.
//
// IPC: the parent sends { streams, basePort, seconds }; the child answers { ready } when its
// sockets are connected, then starts on { go } and ends with { done, sent, seconds, maxLagMs }.
import dgram from 'node:dgram';

interface LoadRequest {
  readonly streams: number;
  readonly basePort: number;
  readonly seconds: number;
}

const PACKET_MS = 20;
const PAYLOAD = 160;

function rtpPacket(seq: number, timestamp: number, ssrc: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(12 + PAYLOAD);
  out[0] = 0x80; // V=2, no padding, no extension, no CSRC
  out[1] = 0; // M=0, PT=0 (PCMU)
  out.writeUInt16BE(seq & 0xffff, 2);
  out.writeUInt32BE(timestamp >>> 0, 4);
  out.writeUInt32BE(ssrc >>> 0, 8);
  payload.copy(out, 12);
  return out;
}

async function connect(port: number): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type: 'udp4', sendBufferSize: 1 << 20 });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.connect(port, '127.0.0.1', () => resolve()));
  return socket;
}

async function run(request: LoadRequest): Promise<void> {
  const sockets: dgram.Socket[] = [];
  for (let i = 0; i < request.streams; i++) sockets.push(await connect(request.basePort + 2 * i));
  // A mu-law payload that is not silence (0xff is zero): a soft square wave.
  const payload = Buffer.alloc(PAYLOAD);
  for (let i = 0; i < PAYLOAD; i++) payload[i] = i % 16 < 8 ? 0x9f : 0x1f;
  process.send!({ ready: true });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));

  const ticks = Math.round((request.seconds * 1000) / PACKET_MS);
  let sent = 0;
  let maxLagMs = 0;
  const started = performance.now();
  for (let tick = 0; tick < ticks; tick++) {
    const due = started + tick * PACKET_MS;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    else maxLagMs = Math.max(maxLagMs, -wait);
    for (let s = 0; s < sockets.length; s++) {
      sockets[s]!.send(rtpPacket(tick, tick * 160, 0x10000 + s, payload));
      sent++;
    }
  }
  // Let the last sends leave the sockets before closing them.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  process.send!({ done: true, sent, seconds, maxLagMs: Math.round(maxLagMs) });
}

process.once('message', (request: LoadRequest) => {
  run(request).then(
    () => process.disconnect(),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
});
