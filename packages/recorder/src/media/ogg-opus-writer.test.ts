import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpusScript from 'opusscript';
import { describe, expect, it } from 'vitest';
import {
  buildOggPage,
  buildOpusHead,
  buildOpusTags,
  createOggOpusWriter,
  OGG_BOS,
  OGG_EOS,
  oggCrc32,
} from './ogg-opus-writer.js';

/** The CRC of RFC 3533 §6 computed bit by bit, straight from its definition. */
function bitwiseCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 24;
    for (let b = 0; b < 8; b++) {
      crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
      crc >>>= 0;
    }
  }
  return crc >>> 0;
}

interface ParsedPage {
  version: number;
  headerType: number;
  granulePosition: bigint;
  serial: number;
  sequence: number;
  crc: number;
  lacing: number[];
  packets: Uint8Array[];
  bytes: number;
}

/** Parses one page at `at` (RFC 3533 §6), joining segments into packets. */
function parsePage(data: Uint8Array, at: number): ParsedPage {
  const view = new DataView(data.buffer, data.byteOffset + at);
  expect(new TextDecoder().decode(data.subarray(at, at + 4))).toBe('OggS');
  const segments = data[at + 26]!;
  const lacing = [...data.subarray(at + 27, at + 27 + segments)];
  const packets: Uint8Array[] = [];
  let body = at + 27 + segments;
  let start = body;
  for (const l of lacing) {
    body += l;
    if (l < 255) {
      packets.push(data.slice(start, body));
      start = body;
    }
  }
  return {
    version: data[at + 4]!,
    headerType: data[at + 5]!,
    granulePosition: view.getBigInt64(6, true),
    serial: view.getUint32(14, true),
    sequence: view.getUint32(18, true),
    crc: view.getUint32(22, true),
    lacing,
    packets,
    bytes: body - at,
  };
}

function parsePages(data: Uint8Array): ParsedPage[] {
  const pages: ParsedPage[] = [];
  for (let at = 0; at < data.length;) {
    const page = parsePage(data, at);
    pages.push(page);
    at += page.bytes;
  }
  return pages;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The samples of a 16-bit mono PCM WAV file. */
function readWav(file: string): Int16Array {
  const bytes = fs.readFileSync(file);
  for (let at = 12; at + 8 <= bytes.length;) {
    const id = bytes.toString('latin1', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (id === 'data') {
      const pcm = new Int16Array(size >> 1);
      for (let i = 0; i < pcm.length; i++) pcm[i] = bytes.readInt16LE(at + 8 + i * 2);
      return pcm;
    }
    at += 8 + size + (size & 1);
  }
  throw new Error(`no data chunk in ${file}`);
}

function correlation(a: Int16Array, b: Int16Array): number {
  const n = Math.min(a.length, b.length);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

const AUDIO = new URL('../../../../e2e/sip/fixtures/audio/', import.meta.url);

describe('oggCrc32 (RFC 3533 §6)', () => {
  it('uses the generator polynomial 0x04c11db7, initial 0, unreflected, no final XOR', () => {
    const check = new TextEncoder().encode('123456789');
    expect(oggCrc32(check)).toBe(bitwiseCrc(check));
    // CRC-32 with this polynomial, initial 0 and no final XOR: cksum's value before its XOR.
    expect(oggCrc32(check)).toBe(0x89a1897f);
    const random = new Uint8Array(4099).map((_, i) => (i * 7919 + (i >> 3)) & 0xff);
    expect(oggCrc32(random)).toBe(bitwiseCrc(random));
    expect(oggCrc32(new Uint8Array(0))).toBe(0);
  });
});

describe('buildOggPage (RFC 3533 §6)', () => {
  it('writes each header field, the lacing values and the CRC over the page with a zeroed CRC field', () => {
    const packets = [new Uint8Array(300).fill(1), new Uint8Array(255).fill(2), new Uint8Array(7)];
    const page = buildOggPage({
      headerType: OGG_BOS,
      granulePosition: 0x0102030405n,
      serial: 0xdeadbeef,
      sequence: 42,
      packets,
    });
    const parsed = parsePage(page, 0);
    expect(parsed.version).toBe(0);
    expect(parsed.headerType).toBe(OGG_BOS);
    expect(parsed.granulePosition).toBe(0x0102030405n);
    expect(parsed.serial).toBe(0xdeadbeef);
    expect(parsed.sequence).toBe(42);
    // A packet is 255-byte segments and one shorter: 300 = 255 + 45; 255 = 255 + 0.
    expect(parsed.lacing).toEqual([255, 45, 255, 0, 7]);
    expect(parsed.packets).toEqual(packets);
    expect(parsed.bytes).toBe(page.length);
    const zeroed = page.slice();
    zeroed.fill(0, 22, 26);
    expect(parsed.crc).toBe(bitwiseCrc(zeroed));
  });

  it('a page holds at most 255 segments', () => {
    const packets = Array.from({ length: 256 }, () => new Uint8Array(1));
    expect(() =>
      buildOggPage({ headerType: 0, granulePosition: 0n, serial: 1, sequence: 0, packets }),
    ).toThrow(RangeError);
  });
});

describe('Opus headers (RFC 7845 §5)', () => {
  it('OpusHead: magic, version 1, channels, pre-skip, input rate, gain 0, mapping family 0', () => {
    const head = buildOpusHead({ channels: 2, preSkip: 312, inputSampleRate: 8000 });
    expect([...head]).toEqual([
      ...new TextEncoder().encode('OpusHead'),
      1,
      2,
      312 & 0xff,
      312 >> 8,
      0x40,
      0x1f,
      0,
      0,
      0,
      0,
      0,
    ]);
    expect(() => buildOpusHead({ channels: 3, preSkip: 0, inputSampleRate: 8000 })).toThrow();
  });

  it('OpusTags: magic, vendor string and comments with little-endian lengths', () => {
    const tags = buildOpusTags('ab', ['X=1']);
    expect([...tags]).toEqual([
      ...new TextEncoder().encode('OpusTags'),
      ...[2, 0, 0, 0, 0x61, 0x62],
      ...[1, 0, 0, 0],
      ...[3, 0, 0, 0, 0x58, 0x3d, 0x31],
    ]);
  });
});

describe('createOggOpusWriter (RFC 7845 §3-§4)', () => {
  it('head page alone with BOS, tags on its own page, audio pages with 48 kHz granules and EOS last', () => {
    const writer = createOggOpusWriter({
      channels: 2,
      preSkip: 120,
      inputSampleRate: 8000,
      vendor: 'test',
      pageSamples: 5760 * 4,
    });
    const chunks = [...writer.headers()];
    for (let i = 0; i < 10; i++) chunks.push(...writer.packet(new Uint8Array(600), 5760));
    // The input ended 1000 samples (48 kHz) into the last packet.
    chunks.push(writer.end(9 * 5760 + 1000 - 120));
    const pages = parsePages(concat(chunks));
    expect(pages.map((p) => p.headerType)).toEqual([OGG_BOS, 0, 0, 0, OGG_EOS]);
    expect(pages.map((p) => p.sequence)).toEqual([0, 1, 2, 3, 4]);
    expect(new TextDecoder().decode(pages[0]!.packets[0]!.subarray(0, 8))).toBe('OpusHead');
    expect(new TextDecoder().decode(pages[1]!.packets[0]!.subarray(0, 8))).toBe('OpusTags');
    expect(pages[0]!.granulePosition).toBe(0n);
    expect(pages[1]!.granulePosition).toBe(0n);
    // Granules count every decoded sample, the pre-skip among them; the last trims the padding.
    expect(pages.slice(2).map((p) => p.granulePosition)).toEqual([
      BigInt(4 * 5760),
      BigInt(8 * 5760),
      BigInt(9 * 5760 + 1000),
    ]);
    expect(pages.slice(2).map((p) => p.packets.length)).toEqual([4, 4, 2]);
    for (const p of pages) expect(p.lacing.length).toBeLessThanOrEqual(255);
    expect(() => writer.packet(new Uint8Array(1), 960)).toThrow();
  });

  it('closes a page before it would exceed 255 segments', () => {
    const writer = createOggOpusWriter({
      channels: 1,
      preSkip: 0,
      inputSampleRate: 48000,
      vendor: 'test',
      pageSamples: Number.MAX_SAFE_INTEGER,
    });
    const chunks = [...writer.headers()];
    // 1000-byte packets take 4 segments: 63 fit in a page (252 segments), the 64th does not.
    for (let i = 0; i < 100; i++) chunks.push(...writer.packet(new Uint8Array(1000), 960));
    chunks.push(writer.end(100 * 960));
    const pages = parsePages(concat(chunks)).slice(2);
    expect(pages.map((p) => p.packets.length)).toEqual([63, 37]);
    expect(pages.map((p) => p.granulePosition)).toEqual([BigInt(63 * 960), BigInt(100 * 960)]);
  });

  it('real speech: ffprobe sees opus, 2 channels and the exact duration; ffmpeg decodes it back', () => {
    const alice = readWav(fileURLToPath(new URL('conv_alice_8k.wav', AUDIO)));
    const bob = readWav(fileURLToPath(new URL('conv_bob_8k.wav', AUDIO))).subarray(0, 8000 * 20);
    const rate = 8000;
    const frame = rate / 50; // 20 ms
    // RFC 7845 §4.2: pre-skip is the encoder's lookahead; for libopus in restricted low delay
    // mode that is 2.5 ms (rate / 400).
    const lookahead = rate / 400;
    const opus = new OpusScript(rate, 2, OpusScript.Application.RESTRICTED_LOWDELAY);
    opus.setBitrate(48000);
    const writer = createOggOpusWriter({
      channels: 2,
      preSkip: lookahead * 6,
      inputSampleRate: rate,
      vendor: 'test',
    });
    const chunks = [...writer.headers()];
    const length = alice.length;
    const frames = Math.ceil((length + lookahead) / frame);
    const pcm = Buffer.alloc(frame * 4);
    for (let f = 0; f < frames; f++) {
      for (let i = 0; i < frame; i++) {
        const s = f * frame + i;
        pcm.writeInt16LE(alice[s] ?? 0, i * 4);
        pcm.writeInt16LE(bob[s] ?? 0, i * 4 + 2);
      }
      chunks.push(...writer.packet(new Uint8Array(opus.encode(pcm, frame)), frame * 6));
    }
    opus.delete();
    chunks.push(writer.end(length * 6));

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ogg-opus-writer-'));
    try {
      const file = path.join(dir, 'speech.opus');
      fs.writeFileSync(file, concat(chunks));
      const probe = JSON.parse(
        execFileSync('ffprobe', [
          ...['-v', 'error', '-show_entries', 'stream=codec_name,channels,duration_ts'],
          ...['-of', 'json', file],
        ]).toString(),
      ) as { streams: Array<{ codec_name: string; channels: number; duration_ts: number }> };
      expect(probe.streams[0]).toMatchObject({ codec_name: 'opus', channels: 2 });
      // ffprobe's duration is the last granule, pre-skip included (as for ffmpeg's own files);
      // what a decoder outputs is that minus the pre-skip: the input's length, checked below.
      expect(probe.streams[0]!.duration_ts).toBe(lookahead * 6 + length * 6);
      const decoded = execFileSync(
        'ffmpeg',
        ['-v', 'error', '-i', file, '-f', 's16le', '-ar', String(rate), '-'],
        { maxBuffer: 64 << 20 },
      );
      const stereo = new Int16Array(decoded.buffer, decoded.byteOffset, decoded.length >> 1);
      expect(stereo.length).toBe(length * 2);
      const left = new Int16Array(length);
      const right = new Int16Array(length);
      for (let i = 0; i < length; i++) {
        left[i] = stereo[2 * i]!;
        right[i] = stereo[2 * i + 1]!;
      }
      expect(correlation(left, alice)).toBeGreaterThanOrEqual(0.9);
      expect(correlation(right.subarray(0, bob.length), bob)).toBeGreaterThanOrEqual(0.9);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
