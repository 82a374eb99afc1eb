// Live recording controls end to end (SPEC §4): SIPp signals a SIPREC call to `bin/callvault
// serve` (fixtures/siprec_uac_controls.xml) while this test sends both parties' RTP itself, in
// real time, to the ports the recorder answered:
//   - DTMF `*44` (RFC 4733 events on the recorded party's own stream) on an On Demand owner's call
//     starts the recording: the live state goes to `started` (API and /api/events), and the
//     recording holds the call from that moment on;
//   - a stretch paused through POST /v1/telephony/calls/pauseRecording … resumeRecording on an
//     Always with Pause/Resume owner's call is absent from the audio (duration, and the audio
//     after the pause is what was sent after the resume).
// Each recording is listed within 2 s of the BYE.
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import { apiRequest } from '../support/api.js';
import { correlate as correlateWithin, decode } from './audio.js';
import { sippFixtures, sippSuitePrerequisites, startControlsCall } from './sipp.js';

/** G.711 µ-law (ITU-T G.711 §2), as a phone encodes what it sends. */
function encodeMulaw(pcm: Int16Array): Uint8Array {
  return Uint8Array.from(pcm, (value) => {
    const sign = value < 0 ? 0x80 : 0;
    let sample = Math.min(32635, Math.abs(value)) + 0x84;
    let exponent = 7;
    for (let mask = 0x4000; (sample & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
    sample = (sample >> (exponent + 3)) & 0x0f;
    return ~(sign | (exponent << 4) | sample) & 0xff;
  });
}

const missing = sippSuitePrerequisites('live-controls e2e suite', { media: false });

const RATE = 8000;
const FRAME = 160; // 20 ms of PCMU
const MEDIA_SECONDS = 10;
let server: TestServer;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-live-controls-'));

/** Lags up to ±100 ms: these stretches are short, and speech resembles itself further away. */
const correlate = (a: Int16Array, b: Int16Array): number => correlateWithin(a, b, 800);

const seconds = (pcm: Int16Array, from: number, to = pcm.length / RATE): Int16Array =>
  pcm.subarray(Math.round(from * RATE), Math.round(to * RATE));

// The recorded party's stream carries both sides of the conversation mixed (speech all the way
// through, so every stretch can be recognised); the other party's carries one side.
const alice = decode(path.join(sippFixtures, 'audio/conv_alice_8k.wav'));
const bob = decode(path.join(sippFixtures, 'audio/conv_bob_8k.wav'));
const ownerAudio = Int16Array.from(
  { length: MEDIA_SECONDS * RATE },
  (_, i) => ((alice[i] ?? 0) + (bob[i] ?? 0)) >> 1,
);
const otherAudio = bob.slice(0, MEDIA_SECONDS * RATE);

const api = (method: string, url: string, token: string, body?: unknown) =>
  apiRequest(server.url, method, url, token, body);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

function rtp(
  pt: number,
  seq: number,
  ts: number,
  ssrc: number,
  marker: boolean,
  payload: Uint8Array,
) {
  const out = Buffer.alloc(12 + payload.length);
  out[0] = 0x80;
  out[1] = (marker ? 0x80 : 0) | pt;
  out.writeUInt16BE(seq & 0xffff, 2);
  out.writeUInt32BE(ts >>> 0, 4);
  out.writeUInt32BE(ssrc >>> 0, 8);
  out.set(payload, 12);
  return out;
}

/** RFC 4733 §2.3 payload: event, E bit + volume, duration. */
function telephoneEvent(event: number, end: boolean, duration: number): Uint8Array {
  return Uint8Array.from([event, (end ? 0x80 : 0) | 10, duration >> 8, duration & 0xff]);
}

interface MediaScript {
  /** DTMF digits typed on the recorded party's stream at this second of the media. */
  readonly dtmf?: { readonly atS: number; readonly digits: string };
  /** Things to do at a second of the media (API controls). */
  readonly at?: ReadonlyArray<{ readonly atS: number; run(): Promise<void> }>;
}

/**
 * Sends MEDIA_SECONDS of PCMU on both streams in real time (20 ms frames), the recorded party's
 * from label 1. DTMF replaces audio frames as a phone does: each digit is three event packets
 * and three end packets (RFC 4733 §2.5.1.4) sharing the digit's start timestamp.
 */
async function sendMedia(ports: { owner: number; other: number }, script: MediaScript) {
  const sockets = await Promise.all(
    [0, 1].map(async () => {
      const s = dgram.createSocket('udp4');
      await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
      return s;
    }),
  );
  const [ownerSocket, otherSocket] = sockets as [dgram.Socket, dgram.Socket];
  const send = (s: dgram.Socket, port: number, bytes: Uint8Array) =>
    new Promise<void>((r) => s.send(bytes, port, '127.0.0.1', () => r()));
  const frames = MEDIA_SECONDS * (RATE / FRAME);
  const dtmfFrames = new Map<number, { event: number; packet: number; ts: number }>();
  if (script.dtmf) {
    let frame = Math.round((script.dtmf.atS * RATE) / FRAME);
    for (const digit of script.dtmf.digits) {
      const event = digit === '*' ? 10 : digit === '#' ? 11 : Number(digit);
      for (let packet = 0; packet < 6; packet++) {
        dtmfFrames.set(frame + packet, { event, packet, ts: (frame * FRAME) >>> 0 });
      }
      frame += 6 + 4; // 120 ms of tone, 80 ms between digits
    }
  }
  const pending = [...(script.at ?? [])].sort((a, b) => a.atS - b.atS);
  const running: Array<Promise<void>> = [];
  const start = Date.now();
  for (let i = 0; i < frames; i++) {
    await sleep(start + i * 20 - Date.now());
    while (pending[0] && pending[0].atS * 1000 <= i * 20) running.push(pending.shift()!.run());
    const dtmf = dtmfFrames.get(i);
    const ownerPacket = dtmf
      ? rtp(
          101,
          i,
          dtmf.ts,
          0x1111,
          dtmf.packet === 0,
          telephoneEvent(dtmf.event, dtmf.packet >= 3, Math.min(3, dtmf.packet + 1) * FRAME),
        )
      : rtp(
          0,
          i,
          i * FRAME,
          0x1111,
          i === 0,
          encodeMulaw(ownerAudio.subarray(i * FRAME, (i + 1) * FRAME)),
        );
    const otherPacket = rtp(
      0,
      i,
      i * FRAME,
      0x2222,
      i === 0,
      encodeMulaw(otherAudio.subarray(i * FRAME, (i + 1) * FRAME)),
    );
    await Promise.all([
      send(ownerSocket, ports.owner, ownerPacket),
      send(otherSocket, ports.other, otherPacket),
    ]);
  }
  await Promise.all(running);
  for (const s of sockets) s.close();
}

interface CallResult {
  readonly recordingId: string;
  readonly listedAfterMs: number;
  readonly file: string;
  readonly metadata: any;
  readonly callId: string;
}

/** One SIPREC call whose recorded party is `ownerEmail`; the media follows `script`. */
async function placeCall(
  name: string,
  ownerEmail: string,
  script: (callId: string) => MediaScript,
): Promise<CallResult> {
  const callId = `cv-e2e-live-${name}-${process.pid}@127.0.0.1`;
  const call = await startControlsCall({
    sip: server.sip!,
    sessions: async () => (await api('GET', '/api/sessions', server.seed.admin.token)).json,
    ownerEmail,
    callId,
    durationMs: 12_500,
    workDir,
  });
  const ports = call.ports;
  await sendMedia(ports, script(callId));
  const { code, output } = await call.ended;
  const byeAt = Date.now();
  expect(code, output.slice(-3000)).toBe(0);

  let recordingId: string | null = null;
  while (!recordingId && Date.now() - byeAt < 10_000) {
    const { json } = await api('GET', '/api/recordings', server.seed.admin.token);
    for (const item of (json.items ?? []) as Array<{ id: string }>) {
      const meta = await api(
        'GET',
        `/v1/convergedRecordings/${item.id}/metadata`,
        server.seed.admin.token,
      );
      if (meta.json.serviceData?.callId === callId) recordingId = item.id;
    }
    if (!recordingId) await sleep(100);
  }
  const listedAfterMs = Date.now() - byeAt;
  expect(recordingId, 'the call was not listed on /api/recordings').not.toBeNull();
  const details = await api(
    'GET',
    `/v1/convergedRecordings/${recordingId}`,
    server.seed.complianceOfficer.token,
  );
  const audio = await fetch(details.json.temporaryDirectDownloadLinks.audioDownloadLink as string);
  const file = path.join(workDir, `${name}.ogg`);
  fs.writeFileSync(file, Buffer.from(await audio.arrayBuffer()));
  const metadata = (
    await api('GET', `/v1/convergedRecordings/${recordingId}/metadata`, server.seed.admin.token)
  ).json;
  return { recordingId: recordingId!, listedAfterMs, file, metadata, callId };
}

function durationOf(file: string): number {
  const probe = execFileSync('ffprobe', [
    ...['-v', 'error', '-show_entries', 'format=duration', '-of', 'json', file],
  ]).toString();
  return Number(JSON.parse(probe).format.duration);
}

/** Reads /api/events as `token` until `until` holds for an event (or the time is up). */
function watchEvents(token: string) {
  const events: Array<Record<string, unknown>> = [];
  const abort = new AbortController();
  const done = (async () => {
    const res = await fetch(`${server.url}/api/events`, {
      headers: { authorization: `Bearer ${token}` },
      signal: abort.signal,
    });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done: finished } = await reader.read();
      if (finished) return;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const data = /^data: (.*)$/m.exec(buffer.slice(0, end))?.[1];
        buffer = buffer.slice(end + 2);
        if (data) events.push(JSON.parse(data) as Record<string, unknown>);
      }
    }
  })().catch(() => undefined);
  return {
    events,
    async stop() {
      abort.abort();
      await done;
    },
  };
}

describe.skipIf(missing !== null)(
  'live recording controls with SIPp against bin/callvault serve',
  () => {
    beforeAll(async () => {
      server = await startServer({ sip: true, extraEnv: { CALLVAULT_TRANSCRIBER: 'none' } });
    });
    afterAll(async () => {
      await server?.stop();
      fs.rmSync(workDir, { recursive: true, force: true });
    });

    it('DTMF *44 from the On Demand owner starts the recording, seen live and in the audio', async () => {
      const bobToken = server.seed.people.find((p) => p.email === 'bob@example.com')!.token;
      const watch = watchEvents(bobToken);
      let stateBefore: string | null = null;
      let stateAfter: string | null = null;
      const myState = async (callId: string) => {
        const { json } = await api('GET', '/v1/telephony/calls', bobToken);
        return (
          (json.items as Array<{ id: string; recordingState: string }>).find((c) => c.id === callId)
            ?.recordingState ?? null
        );
      };
      const result = await placeCall('dtmf', 'bob@example.com', (callId) => ({
        dtmf: { atS: 3, digits: '*44' },
        at: [
          { atS: 1, run: async () => void (stateBefore = await myState(callId)) },
          { atS: 6, run: async () => void (stateAfter = await myState(callId)) },
        ],
      }));
      await watch.stop();
      expect(stateBefore).toBe('pending');
      expect(stateAfter).toBe('started');
      expect(
        watch.events
          .filter((e) => e['callId'] === result.callId)
          .map((e) => [e['recordingState'], e['source']]),
      ).toEqual(
        expect.arrayContaining([
          ['pending', null],
          ['started', 'dtmf'],
        ]),
      );
      expect(result.listedAfterMs).toBeLessThan(2_000);

      const actions = result.metadata.serviceData.recordingActions as Array<{
        action: string;
        source: string;
        offsetMs: number;
      }>;
      expect(actions.map((a) => [a.action, a.source])).toEqual([['START', 'dtmf']]);
      const startS = actions[0]!.offsetMs / 1000;
      // *44 is typed 3 s in; the second 4 completes it about 0.3 s later.
      expect(startS).toBeGreaterThan(3);
      expect(startS).toBeLessThan(3.8);
      expect(Math.abs(durationOf(result.file) - (MEDIA_SECONDS - startS))).toBeLessThan(0.5);
      const owner = decode(result.file, 0);
      expect(
        correlate(seconds(owner, 0.5, 4), seconds(ownerAudio, startS + 0.5, startS + 4)),
      ).toBeGreaterThanOrEqual(0.9);
    }, 90_000);

    it('a stretch paused through the API is absent from the audio (Always with Pause/Resume)', async () => {
      const carolToken = server.seed.people.find((p) => p.email === 'carol@example.com')!.token;
      const statuses: number[] = [];
      const control = (op: string, callId: string) => async () => {
        statuses.push(
          (await api('POST', `/v1/telephony/calls/${op}`, carolToken, { callId })).status,
        );
      };
      const result = await placeCall('pause', 'carol@example.com', (callId) => ({
        at: [
          // No stop in this mode: refused with the reason, nothing changes.
          { atS: 1, run: control('stopRecording', callId) },
          { atS: 3, run: control('pauseRecording', callId) },
          { atS: 6, run: control('resumeRecording', callId) },
        ],
      }));
      expect(statuses).toEqual([400, 204, 204]);
      expect(result.listedAfterMs).toBeLessThan(2_000);
      const actions = result.metadata.serviceData.recordingActions as Array<{
        action: string;
        source: string;
        offsetMs: number;
      }>;
      expect(actions.map((a) => [a.action, a.source])).toEqual([
        ['START', 'mode'],
        ['PAUSE', 'api'],
        ['RESUME', 'api'],
      ]);
      const pauseS = actions[1]!.offsetMs / 1000;
      const resumeS = actions[2]!.offsetMs / 1000;
      expect(resumeS - pauseS).toBeGreaterThan(2.5);
      expect(Math.abs(durationOf(result.file) - (MEDIA_SECONDS - (resumeS - pauseS)))).toBeLessThan(
        0.5,
      );
      const owner = decode(result.file, 0);
      // Before the pause: what was sent then. After it: what was sent after the resume, not what
      // was sent while paused.
      expect(
        correlate(seconds(owner, 0.5, pauseS - 0.3), seconds(ownerAudio, 0.5, pauseS - 0.3)),
      ).toBeGreaterThanOrEqual(0.9);
      const after = seconds(owner, pauseS + 0.3, pauseS + 3);
      expect(
        correlate(after, seconds(ownerAudio, resumeS + 0.3, resumeS + 3)),
      ).toBeGreaterThanOrEqual(0.9);
      expect(correlate(after, seconds(ownerAudio, pauseS + 0.3, pauseS + 3))).toBeLessThan(0.5);
    }, 90_000);
  },
);
