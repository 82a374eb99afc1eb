// SRTP-protected copies of the plain RTP fixtures, made at test time by an independent SRTP
// implementation: Debian's libsrtp2, driven by packages/recorder/test-fixtures/srtp/libsrtp-protect.c
// (built here with cc). Each flow of the pcap (by UDP destination port) is protected under its own
// master key, as each m=audio of an SDES offer carries its own a=crypto key; timing, addresses and
// ports are kept, so SIPp's play_pcap_audio replays it exactly as it replays the plain file.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readPcapUdpDatagrams, type PcapUdpDatagram } from '@callvault/recorder';

const SOURCE = fileURLToPath(
  new URL('../../packages/recorder/test-fixtures/srtp/libsrtp-protect.c', import.meta.url),
);

/** Why libsrtp cannot be used here (null when it can). */
export function libsrtpProblem(): string | null {
  try {
    execFileSync('cc', ['--version'], { stdio: 'pipe' });
  } catch {
    return 'no C compiler (cc)';
  }
  if (!fs.existsSync('/usr/include/srtp2/srtp.h')) return 'libsrtp2-dev is not installed';
  return null;
}

/** Compiles the libsrtp tool into `dir`; returns its path. */
export function buildLibsrtpTool(dir: string): string {
  const out = path.join(dir, 'libsrtp-protect');
  execFileSync('cc', ['-O2', '-Wall', '-Wextra', '-Werror', '-o', out, SOURCE, '-lsrtp2']);
  return out;
}

/** Protects RTP packets with libsrtp under one master key (key || salt). */
export function libsrtpProtectRtp(
  tool: string,
  suite: string,
  keySalt: Uint8Array,
  packets: readonly Uint8Array[],
): Uint8Array[] {
  const input = Buffer.concat(
    packets.flatMap((p) => {
      const head = Buffer.alloc(3);
      head.writeUInt16BE(p.length, 1);
      return [head, Buffer.from(p)];
    }),
  );
  const output = execFileSync(tool, [suite, Buffer.from(keySalt).toString('hex')], {
    input,
    maxBuffer: 64 << 20,
  });
  const out: Uint8Array[] = [];
  for (let offset = 0; offset < output.length;) {
    const length = output.readUInt16BE(offset + 1);
    out.push(new Uint8Array(output.subarray(offset + 3, offset + 3 + length)));
    offset += 3 + length;
  }
  if (out.length !== packets.length) throw new Error('libsrtp tool returned fewer packets');
  return out;
}

function ipv4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

/** One Ethernet + IPv4 + UDP record (UDP checksum 0: none, as IPv4 allows). */
function record(d: PcapUdpDatagram, payload: Uint8Array): Buffer {
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 8 + payload.length, 2);
  ip.writeUInt16BE(0x4000, 6); // don't fragment
  ip[8] = 64;
  ip[9] = 17;
  Buffer.from(ipv4Bytes(d.sourceAddress)).copy(ip, 12);
  Buffer.from(ipv4Bytes(d.destinationAddress)).copy(ip, 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += ip.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  ip.writeUInt16BE(~sum & 0xffff, 10);
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(d.sourcePort, 0);
  udp.writeUInt16BE(d.destinationPort, 2);
  udp.writeUInt16BE(8 + payload.length, 4);
  const ethernet = Buffer.alloc(14);
  ethernet.writeUInt16BE(0x0800, 12);
  const frame = Buffer.concat([ethernet, ip, udp, Buffer.from(payload)]);
  const head = Buffer.alloc(16);
  const seconds = Math.floor(d.timeMs / 1000);
  head.writeUInt32LE(seconds, 0);
  head.writeUInt32LE(Math.round((d.timeMs - seconds * 1000) * 1000), 4);
  head.writeUInt32LE(frame.length, 8);
  head.writeUInt32LE(frame.length, 12);
  return Buffer.concat([head, frame]);
}

/**
 * Writes `output`: the UDP datagrams of `input` (IPv4), each flow's RTP protected by libsrtp
 * under the key given for its destination port.
 */
export function protectPcap(options: {
  tool: string;
  input: string;
  output: string;
  suite: string;
  keys: ReadonlyMap<number, Uint8Array>;
}): { packets: number } {
  const { datagrams } = readPcapUdpDatagrams(fs.readFileSync(options.input));
  const byPort = new Map<number, number[]>();
  datagrams.forEach((d, i) =>
    byPort.set(d.destinationPort, [...(byPort.get(d.destinationPort) ?? []), i]),
  );
  const payloads: Uint8Array[] = datagrams.map((d) => d.payload);
  for (const [port, indexes] of byPort) {
    const key = options.keys.get(port);
    if (!key) throw new Error(`no key for the flow to port ${port}`);
    const protectedPackets = libsrtpProtectRtp(
      options.tool,
      options.suite,
      key,
      indexes.map((i) => datagrams[i]!.payload),
    );
    indexes.forEach((i, k) => (payloads[i] = protectedPackets[k]!));
  }
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20); // Ethernet
  fs.writeFileSync(
    options.output,
    Buffer.concat([header, ...datagrams.map((d, i) => record(d, payloads[i]!))]),
  );
  return { packets: datagrams.length };
}
