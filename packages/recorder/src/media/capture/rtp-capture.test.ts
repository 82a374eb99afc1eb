import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serializeRtpPacket } from '../../rtp/rtp-packet.js';
import { createCaptureSrtpContext } from './rtp-stream-capture.js';
import {
  parseRtpJournal,
  RTP_JOURNAL_MAGIC,
  RtpJournalReader,
  type RtpJournalRecord,
} from './rtp-journal-format.js';
import { createRtpJournalWriter } from './rtp-journal-writer.js';
import { startRtpStreamCapture, type RtpStreamCapture } from './rtp-stream-capture.js';

const KEY = Buffer.alloc(30, 7).toString('base64');

function rtp(seq: number, ssrc = 0x1234, payload = [1, 2, 3]): Uint8Array {
  return serializeRtpPacket({
    payloadType: 0,
    sequenceNumber: seq,
    timestamp: seq * 160,
    ssrc,
    marker: false,
    payload: Uint8Array.from(payload),
  });
}

async function freePortPair(): Promise<number> {
  for (;;) {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    const port = s.address().port;
    await new Promise<void>((r) => s.close(() => r()));
    if (port % 2 === 0 && port < 65000) return port;
  }
}

async function sendFrom(socket: dgram.Socket, port: number, bytes: Uint8Array): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    socket.send(bytes, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
  );
}

async function waitFor(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const item of open.splice(0)) await item.close();
});

async function senders(n: number): Promise<dgram.Socket[]> {
  const list: dgram.Socket[] = [];
  for (let i = 0; i < n; i++) {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    open.push(s);
    list.push(s);
  }
  return list;
}

describe('journal format', () => {
  it('round-trips records and ignores a record cut short by a crash', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-journal-'));
    const file = path.join(dir, 'stream-0.rtpj');
    const writer = createRtpJournalWriter({ file, flushIntervalMs: 10_000 });
    const records: RtpJournalRecord[] = [0, 1, 65535].map((seq, i) => ({
      arrivalMs: 1_700_000_000_000.5 + i * 20,
      sequenceNumber: seq,
      timestamp: 0xfffffff0 + i,
      ssrc: 0xdeadbeef,
      payloadType: 9,
      marker: i === 0,
      payload: Uint8Array.from([i, 255, 0]),
    }));
    for (const r of records) writer.append(r);
    writer.close();
    fs.appendFileSync(file, Buffer.from([0, 0, 0, 40, 1, 2]));
    const parsed = parseRtpJournal(fs.readFileSync(file));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.truncatedBytes).toBe(6);
    expect(parsed.records.map((r) => ({ ...r, payload: [...r.payload] }))).toEqual(
      records.map((r) => ({ ...r, payload: [...r.payload] })),
    );
    expect(parseRtpJournal(Buffer.from('not a journal')).ok).toBe(false);

    // Read one record at a time: the same records, and the same cut tail.
    const reader = RtpJournalReader.open(fs.readFileSync(file))!;
    expect(reader.summarize()).toEqual({
      records: 3,
      firstArrivalMs: records[0]!.arrivalMs,
      lastArrivalMs: records[2]!.arrivalMs,
      truncatedBytes: 6,
    });
    const read: RtpJournalRecord[] = [];
    for (let r = reader.next(); r !== null; r = reader.next()) read.push(r);
    expect(read.map((r) => ({ ...r, payload: [...r.payload] }))).toEqual(
      records.map((r) => ({ ...r, payload: [...r.payload] })),
    );
    expect(reader.truncatedBytes).toBe(6);
    expect(reader.next()).toBeNull();
    expect(RtpJournalReader.open(Buffer.from('not a journal'))).toBeNull();
    expect(RtpJournalReader.open(Buffer.from('CVRTP'))).toBeNull();
    expect(RtpJournalReader.open(RTP_JOURNAL_MAGIC)!.summarize()).toEqual({
      records: 0,
      firstArrivalMs: null,
      lastArrivalMs: null,
      truncatedBytes: 0,
    });
  });

  it('keeps every record in order across flushes when more than a chunk arrives between them', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-journal-'));
    const file = path.join(dir, 'stream-0.rtpj');
    const writer = createRtpJournalWriter({ file, flushIntervalMs: 10_000 });
    // 300 records of 160 bytes (several 8 KiB chunks), one larger than a chunk, a flush midway.
    const sizes = Array.from({ length: 300 }, (_, i) => (i === 150 ? 10_000 : 160));
    sizes.forEach((size, i) => {
      writer.append({
        arrivalMs: i,
        sequenceNumber: i,
        timestamp: i * 160,
        ssrc: 1,
        payloadType: 0,
        marker: false,
        payload: new Uint8Array(size).fill(i & 0xff),
      });
      if (i === 200) writer.flush();
    });
    writer.close();
    const parsed = parseRtpJournal(fs.readFileSync(file));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.records.map((r) => r.sequenceNumber)).toEqual(sizes.map((_, i) => i));
    expect(parsed.records.map((r) => r.payload.length)).toEqual(sizes);
    expect(
      parsed.records.every((r) => r.payload.every((b) => b === (r.sequenceNumber & 0xff))),
    ).toBe(true);
  });

  it('flushes on its interval without close (what survives kill -9)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-journal-'));
    const file = path.join(dir, 'stream-0.rtpj');
    const writer = createRtpJournalWriter({ file, flushIntervalMs: 50 });
    open.push(writer);
    writer.append({
      arrivalMs: 1,
      sequenceNumber: 2,
      timestamp: 3,
      ssrc: 4,
      payloadType: 0,
      marker: false,
      payload: new Uint8Array(160),
    });
    await waitFor(() => {
      const parsed = parseRtpJournal(fs.readFileSync(file));
      return parsed.ok && parsed.records.length === 1;
    });
  });
});

describe('RTP stream capture', () => {
  async function start(extra: Partial<Parameters<typeof startRtpStreamCapture>[0]> = {}) {
    const port = await freePortPair();
    const got: RtpJournalRecord[] = [];
    const capture: RtpStreamCapture = await startRtpStreamCapture({
      host: '127.0.0.1',
      rtpPort: port,
      onPacket: (r) => got.push({ ...r, payload: Uint8Array.from(r.payload) }),
      now: () => 42,
      ...extra,
    });
    open.push(capture);
    return { port, got, capture };
  }

  it('RFC 3550 §11: RTCP on port + 1 is counted; media latches to the first source', async () => {
    const { port, got, capture } = await start({ expectedAddress: '127.0.0.1' });
    const [a, b] = await senders(2);
    await sendFrom(a!, port, rtp(1));
    await waitFor(() => got.length === 1);
    await sendFrom(b!, port, rtp(2, 0x9999));
    await sendFrom(a!, port, rtp(3));
    await sendFrom(a!, port + 1, Uint8Array.from([0x80, 200, 0, 1, 0, 0, 0, 1]));
    await waitFor(() => got.length === 2 && capture.stats.rtcpPackets === 1);
    expect(got.map((r) => r.sequenceNumber)).toEqual([1, 3]);
    expect(got[0]).toMatchObject({ arrivalMs: 42, ssrc: 0x1234, timestamp: 160, payloadType: 0 });
    expect([...got[0]!.payload]).toEqual([1, 2, 3]);
    expect(capture.stats.foreignPackets).toBe(1);
    expect(capture.stats.source).toBe(`127.0.0.1:${a!.address().port}`);
  });

  it('ignores media from an address other than the one the SRC offered', async () => {
    const { port, got, capture } = await start({ expectedAddress: '192.0.2.10' });
    const [a] = await senders(1);
    await sendFrom(a!, port, rtp(1));
    await waitFor(() => capture.stats.foreignPackets === 1);
    expect(got).toHaveLength(0);
  });

  it('first-source (NAT): the first sender latches whatever the offer said; a re-offer moves it', async () => {
    const { port, got, capture } = await start({
      expectedAddress: '192.0.2.10',
      latching: 'first-source',
    });
    const [a, b] = await senders(2);
    await sendFrom(a!, port, rtp(1));
    await waitFor(() => got.length === 1);
    await sendFrom(b!, port, rtp(2));
    await waitFor(() => capture.stats.foreignPackets === 1);
    capture.reoffer('192.0.2.10');
    await sendFrom(b!, port, rtp(3));
    await waitFor(() => got.length === 2);
    await sendFrom(a!, port, rtp(4));
    await waitFor(() => capture.stats.foreignPackets === 2);
    expect(got.map((r) => r.sequenceNumber)).toEqual([1, 3]);
    expect(capture.stats.relatches).toBe(1);
    expect(capture.stats.source).toBe(`127.0.0.1:${b!.address().port}`);
  });

  it('RFC 3711 §3.3: SRTP is decrypted; packets failing authentication are dropped and counted', async () => {
    const key = { suite: 'AES_CM_128_HMAC_SHA1_80', keySalt: KEY };
    const { port, got, capture } = await start({ srtp: key });
    const sender = createCaptureSrtpContext(key);
    const [a] = await senders(1);
    const good = sender.protectRtp(rtp(10, 0x1234, [9, 8, 7]));
    const bad = Uint8Array.from(sender.protectRtp(rtp(11)));
    bad[bad.length - 1]! ^= 1;
    await sendFrom(a!, port, good);
    await sendFrom(a!, port, bad);
    await waitFor(() => got.length === 1 && capture.stats.srtpAuthFailures === 1);
    expect([...got[0]!.payload]).toEqual([9, 8, 7]);
  });

  it('RFC 7714: an AEAD_AES_128_GCM stream is decrypted; SRTCP on port + 1 counts only when authenticated', async () => {
    const key = { suite: 'AEAD_AES_128_GCM', keySalt: Buffer.alloc(28, 5).toString('base64') };
    const { port, got, capture } = await start({ srtp: key });
    const sender = createCaptureSrtpContext(key);
    const [a] = await senders(1);
    await sendFrom(a!, port, sender.protectRtp(rtp(20, 0x1234, [4, 5, 6])));
    const report = Uint8Array.from(Buffer.from('80c90001' + '00001234', 'hex'));
    await sendFrom(a!, port + 1, sender.protectRtcp(report));
    const forged = Uint8Array.from(sender.protectRtcp(report));
    forged[9]! ^= 1;
    await sendFrom(a!, port + 1, forged);
    await waitFor(() => got.length === 1 && capture.stats.srtpAuthFailures === 1);
    expect([...got[0]!.payload]).toEqual([4, 5, 6]);
    expect(capture.stats.rtcpPackets).toBe(1);
  });
});
