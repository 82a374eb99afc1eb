// G.729 and G.726-32 from the wire to the recording: RTP over UDP into the stream capture, the
// journal it writes, and the render of the session, each party's tone in its own channel.
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serializeRtpPacket } from '../../rtp/rtp-packet.js';
import { loadG729Addon } from '../codecs/g729-decoder.js';
import { renderCapturedSession } from '../render/render-session.js';
import type { CaptureSessionFile, CaptureStreamInfo } from './capture-journal.js';
import { createRtpJournalWriter, type RtpJournalWriter } from './rtp-journal-writer.js';
import { startRtpStreamCapture, type RtpStreamCapture } from './rtp-stream-capture.js';

const FIXTURES = new URL('../../../test-fixtures/audio/', import.meta.url);

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function freePortPair(): Promise<number> {
  for (;;) {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    const port = s.address().port;
    await new Promise<void>((r) => s.close(() => r()));
    if (port % 2 === 0 && port < 65000) return port;
  }
}

async function waitFor(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function sine(frequency: number, samples: number, amplitude: number): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) {
    out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequency * i) / 8000));
  }
  return out;
}

/** Best normalised correlation of `channel` (from sample `from`) with `tone`, over lags. */
function correlation(channel: Int16Array, tone: Int16Array, from: number, to: number): number {
  let best = -1;
  for (let lag = 0; lag < 200; lag++) {
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (let i = from; i < to && i + lag < channel.length; i++) {
      const x = tone[i - from]!;
      const y = channel[i + lag]!;
      xy += x * y;
      xx += x * x;
      yy += y * y;
    }
    if (yy > 0) best = Math.max(best, xy / Math.sqrt(xx * yy));
  }
  return best;
}

/** One party's stream: a capture on its own port whose packets go to its journal. */
async function captureStream(
  dir: string,
  journal: string,
): Promise<{ port: number; writer: RtpJournalWriter; received: () => number }> {
  const port = await freePortPair();
  const writer = createRtpJournalWriter({ file: path.join(dir, journal) });
  let received = 0;
  // A steady sender: the test paces arrivals by RTP time (20 ms per packet from 1000 ms).
  const capture: RtpStreamCapture = await startRtpStreamCapture({
    host: '127.0.0.1',
    rtpPort: port,
    onPacket: (r) => {
      received++;
      writer.append({ ...r, arrivalMs: 1000 + r.timestamp / 8 });
    },
    now: () => 0,
  });
  cleanup.push(() => capture.close());
  return { port, writer, received: () => received };
}

async function sendPackets(
  port: number,
  payloadType: number,
  payloads: readonly Uint8Array[],
  samplesPerPacket: number,
): Promise<void> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  cleanup.push(() => new Promise<void>((r) => socket.close(() => r())));
  for (const [i, payload] of payloads.entries()) {
    const packet = serializeRtpPacket({
      payloadType,
      sequenceNumber: 100 + i,
      timestamp: i * samplesPerPacket,
      ssrc: 0x729 + payloadType,
      marker: i === 0,
      payload,
    });
    await new Promise<void>((resolve, reject) =>
      socket.send(packet, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
    );
  }
}

describe('G.729 and G.726-32 calls, captured and rendered', () => {
  it('each party’s tone is in its own channel of the recording (correlation ≥ 0.9)', async () => {
    const g729 = loadG729Addon();
    if (!g729) throw new Error('the G.729 addon is not built: run `make deps`');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-codecs-'));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));

    // Alice speaks G.729 (PT 18): a 440 Hz tone through bcg729's encoder, 20 ms per packet.
    const aliceTone = sine(440, 8000, 8000);
    const frames = g729.encode(g729.createEncoder(false), aliceTone);
    const alicePackets: Uint8Array[] = [];
    for (let i = 0; i < frames.length; i += 2) {
      alicePackets.push(Uint8Array.from([...frames[i]!, ...frames[i + 1]!]));
    }
    // Bob speaks G.726-32 (dynamic PT 112): a 1000 Hz tone ffmpeg encoded (g726le, RFC 3551).
    const bobBytes = new Uint8Array(fs.readFileSync(new URL('tone_1000hz_1s.g726-32', FIXTURES)));
    const bobPackets: Uint8Array[] = [];
    for (let i = 0; i < bobBytes.length; i += 80) bobPackets.push(bobBytes.subarray(i, i + 80));

    const alice = await captureStream(dir, 'stream-0.rtpj');
    const bob = await captureStream(dir, 'stream-1.rtpj');
    await sendPackets(alice.port, 18, alicePackets, 160);
    await sendPackets(bob.port, 112, bobPackets, 160);
    await waitFor(() => alice.received() === 50 && bob.received() === 50);
    alice.writer.close();
    bob.writer.close();

    const stream = (
      index: number,
      label: string,
      codec: CaptureStreamInfo['codecs'][number],
    ): CaptureStreamInfo => ({
      index,
      label,
      codecs: [codec, { payloadType: 0, name: 'PCMU', clockRate: 8000 }],
      telephoneEventPayloadTypes: [101],
      journal: `stream-${index}.rtpj`,
      srtp: false,
    });
    const session: CaptureSessionFile = {
      version: 1,
      sessionId: 's',
      callId: 'c',
      orgId: 'o',
      trunkId: 't',
      trunkName: 'T',
      startedAt: 900,
      owners: [],
      parties: [{ id: 'alice' }, { id: 'bob' }],
      streams: [
        stream(0, 'a', { payloadType: 18, name: 'G729', clockRate: 8000 }),
        stream(1, 'b', { payloadType: 112, name: 'G726-32', clockRate: 8000 }),
      ],
      metadataRevisions: [],
      senders: { a: 'alice', b: 'bob' },
    };
    const rendered = renderCapturedSession(dir, session);
    expect(rendered.sampleRate).toBe(8000);
    expect(rendered.order.map((s) => [s.label, s.packets, s.failure])).toEqual([
      ['a', 50, undefined],
      ['b', 50, undefined],
    ]);
    const [aliceChannel, bobChannel] = rendered.channels;
    // 100 ms to 900 ms of each channel: past the decoders' settling, inside the call.
    const bobTone = sine(1000, 8000, 16000);
    expect(correlation(aliceChannel!, aliceTone, 800, 7200)).toBeGreaterThanOrEqual(0.9);
    expect(correlation(bobChannel!, bobTone, 800, 7200)).toBeGreaterThanOrEqual(0.9);
    // And not the other party's tone.
    expect(correlation(aliceChannel!, bobTone, 800, 7200)).toBeLessThan(0.3);
    expect(correlation(bobChannel!, aliceTone, 800, 7200)).toBeLessThan(0.3);
  });
});
