// The peer of the end-to-end capacity benchmark: rtpengine (Debian's rtpengine-daemon, the media
// relay drachtio's SIPREC server and Kamailio hand media to), userspace forwarding only (no
// kernel module: --table=-1), recording every call to pcap files (--recording-method=pcap and
// `record call` on each offer), driven over its own control protocol: the ng protocol over UDP,
// each message a cookie and a bencoded dictionary (offer, answer, delete; rtpengine's
// docs/ng_control_protocol.md). Each call is two legs whose SDP names the media generator's
// socket, so rtpengine forwards each stream back to it, where the forwarded packets are counted.
import crypto from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import path from 'node:path';
import type { CallMedia } from './siprec-load.js';

export type Bencoded = string | number | Bencoded[] | { [key: string]: Bencoded };

/** Bencode (BEP 3): byte strings, integers, lists and dictionaries with sorted keys. */
export function bencode(value: Bencoded): Buffer {
  if (typeof value === 'number') return Buffer.from(`i${Math.trunc(value)}e`);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([Buffer.from(`${bytes.length}:`), bytes]);
  }
  if (Array.isArray(value)) {
    return Buffer.concat([Buffer.from('l'), ...value.map(bencode), Buffer.from('e')]);
  }
  const keys = Object.keys(value).sort();
  return Buffer.concat([
    Buffer.from('d'),
    ...keys.flatMap((k) => [bencode(k), bencode(value[k]!)]),
    Buffer.from('e'),
  ]);
}

/** The value bencoded at `at` and where it ends. */
export function bdecode(data: Buffer, at = 0): { value: Bencoded; end: number } {
  const c = String.fromCharCode(data[at]!);
  if (c === 'i') {
    const end = data.indexOf(0x65, at);
    return { value: Number(data.subarray(at + 1, end).toString()), end: end + 1 };
  }
  if (c === 'l' || c === 'd') {
    const items: Bencoded[] = [];
    let i = at + 1;
    while (data[i] !== 0x65) {
      if (i >= data.length) throw new Error('bencode: unterminated');
      const item = bdecode(data, i);
      items.push(item.value);
      i = item.end;
    }
    if (c === 'l') return { value: items, end: i + 1 };
    const dict: Record<string, Bencoded> = {};
    for (let k = 0; k < items.length; k += 2) {
      const key = items[k];
      if (typeof key !== 'string') throw new Error('bencode: a dictionary key is not a string');
      dict[key] = items[k + 1]!;
    }
    return { value: dict, end: i + 1 };
  }
  const colon = data.indexOf(0x3a, at);
  const length = Number(data.subarray(at, colon).toString());
  if (!Number.isInteger(length) || colon < 0) throw new Error(`bencode: bad string at ${at}`);
  return {
    value: data.subarray(colon + 1, colon + 1 + length).toString('utf8'),
    end: colon + 1 + length,
  };
}

function legSdp(port: number, sessionId: number): string {
  return [
    'v=0',
    `o=- ${sessionId} 1 IN IP4 127.0.0.1`,
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${port} RTP/AVP 0`,
    'a=rtpmap:0 PCMU/8000',
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

export class Rtpengine {
  private readonly waiting = new Map<string, (reply: Record<string, Bencoded>) => void>();
  private constructor(
    private readonly proc: ChildProcess,
    private readonly socket: dgram.Socket,
    private readonly ngPort: number,
    readonly recordingDir: string,
    private readonly logs: () => string,
  ) {
    socket.on('message', (msg) => {
      const space = msg.indexOf(0x20);
      const cookie = msg.subarray(0, space).toString();
      const reply = bdecode(msg, space + 1).value as Record<string, Bencoded>;
      this.waiting.get(cookie)?.(reply);
      this.waiting.delete(cookie);
    });
  }

  /** Starts the daemon: ng on `ngPort`, media ports in `ports`, recordings under `dir`. */
  static async start(options: {
    ngPort: number;
    ports: { min: number; max: number };
    dir: string;
    threads: number;
  }): Promise<Rtpengine> {
    const recordingDir = path.join(options.dir, 'recordings');
    fs.mkdirSync(recordingDir, { recursive: true });
    const proc = spawn(
      'rtpengine',
      [
        '--config-file=none',
        '--foreground',
        '--log-stderr',
        '--log-level=4',
        '--table=-1',
        '--interface=127.0.0.1',
        `--listen-ng=127.0.0.1:${options.ngPort}`,
        `--port-min=${options.ports.min}`,
        `--port-max=${options.ports.max}`,
        `--recording-dir=${recordingDir}`,
        '--recording-method=pcap',
        `--num-threads=${options.threads}`,
        '--delete-delay=0',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let logs = '';
    proc.stderr.on('data', (d: Buffer) => (logs = (logs + d.toString()).slice(-20_000)));
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    const engine = new Rtpengine(proc, socket, options.ngPort, recordingDir, () => logs);
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`rtpengine exited: ${logs}`);
      try {
        const pong = await engine.command({ command: 'ping' }, 500);
        if (pong.result === 'pong') return engine;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error(`rtpengine did not answer ping: ${logs}`);
    }
  }

  get pid(): number {
    return this.proc.pid ?? 0;
  }

  command(message: Record<string, Bencoded>, timeoutMs = 5_000): Promise<Record<string, Bencoded>> {
    const cookie = crypto.randomBytes(6).toString('hex');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(cookie);
        reject(new Error(`rtpengine: no answer to ${JSON.stringify(message.command)}`));
      }, timeoutMs);
      this.waiting.set(cookie, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.socket.send(
        Buffer.concat([Buffer.from(`${cookie} `), bencode(message)]),
        this.ngPort,
        '127.0.0.1',
      );
    });
  }

  /**
   * One call through rtpengine, as a SIP proxy would set it up: the caller's offer, the callee's
   * answer (both legs at `sinkPort`), recording on. Resolves with where the media generator
   * sends each stream: the caller's to the port of the answer (forwarded to the callee), the
   * callee's to the port of the offer (forwarded to the caller).
   */
  async open(callId: string, sinkPort: number): Promise<{ port1: number; port2: number }> {
    const portOf = (reply: Record<string, Bencoded>, what: string): number => {
      if (reply.result !== 'ok') throw new Error(`rtpengine ${what}: ${JSON.stringify(reply)}`);
      const sdp = typeof reply.sdp === 'string' ? reply.sdp : '';
      const m = /^m=audio (\d+) /m.exec(sdp);
      if (!m) throw new Error(`rtpengine ${what}: no m=audio in ${JSON.stringify(reply)}`);
      return Number(m[1]);
    };
    const offer = await this.command({
      command: 'offer',
      'call-id': callId,
      'from-tag': 'caller',
      sdp: legSdp(sinkPort, 1),
      'record call': 'yes',
      'transport protocol': 'RTP/AVP',
    });
    const towardsCaller = portOf(offer, 'offer');
    const answer = await this.command({
      command: 'answer',
      'call-id': callId,
      'from-tag': 'caller',
      'to-tag': 'callee',
      sdp: legSdp(sinkPort, 2),
      'record call': 'yes',
    });
    const towardsCallee = portOf(answer, 'answer');
    return { port1: towardsCallee, port2: towardsCaller };
  }

  async close(callId: string): Promise<void> {
    const reply = await this.command({
      command: 'delete',
      'call-id': callId,
      'from-tag': 'caller',
    });
    if (reply.result !== 'ok') throw new Error(`rtpengine delete: ${JSON.stringify(reply)}`);
  }

  /** The pcap files rtpengine wrote (one a call) and their bytes. */
  recordings(): { files: number; bytes: number } {
    const dir = path.join(this.recordingDir, 'pcaps');
    let files = 0;
    let bytes = 0;
    for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      files++;
      bytes += fs.statSync(path.join(dir, name)).size;
    }
    return { files, bytes };
  }

  log(): string {
    return this.logs();
  }

  async stop(): Promise<void> {
    this.socket.close();
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise((resolve) => this.proc.once('exit', resolve));
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Calls through rtpengine at a rate, each `seconds` long: the peer's equivalent of placeCalls. */
export async function relayCalls(
  engine: Rtpengine,
  media: CallMedia & { readonly sinkPort: number },
  options: { calls: number; rate: number; seconds: number; firstId: number },
): Promise<Array<{ ok: boolean; error: string | null; packetsSent: number }>> {
  const started = performance.now();
  const running: Array<Promise<{ ok: boolean; error: string | null; packetsSent: number }>> = [];
  for (let i = 0; i < options.calls; i++) {
    const due = started + (i * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const id = options.firstId + i;
    running.push(
      (async () => {
        const callId = `${crypto.randomBytes(10).toString('hex')}@callvault-bench`;
        try {
          const { port1, port2 } = await engine.open(callId, media.sinkPort);
          media.add(id, '127.0.0.1', port1, port2);
          await new Promise((resolve) => setTimeout(resolve, options.seconds * 1000));
          const packetsSent = await media.del(id);
          await engine.close(callId);
          return { ok: true, error: null, packetsSent };
        } catch (err) {
          return { ok: false, error: (err as Error).message, packetsSent: 0 };
        }
      })(),
    );
  }
  return Promise.all(running);
}
