// An SRC that vanishes while its media goes on (a media relay outliving the call's signalling, a
// crashed SBC whose RTP proxy keeps forwarding), against the built `bin/callvault serve`: RTP
// inactivity cannot end such a session, so the recorder asks the dialog itself:
//   (a) the SRC offers an RFC 4028 session timer (Session-Expires: 90, the minimum) and never
//       refreshes it: 422 for an interval below Min-SE, then a 200 with Session-Expires and
//       Require: timer, and at 90 − min(32, 90/3) = 60 s a BYE and endReason session-timer;
//   (b) the SRC stops answering the recorder's in-dialog OPTIONS (probed every 2 s here): the
//       first probe is answered 405 (still a live dialog), the next one never (Timer F, 64*T1),
//       so a BYE and endReason probe-failed.
// The test is the SRC over UDP and sends two tone streams until the recorder's BYE; each
// recording is as long as the media sent (within 0.5 s), the owner's tone on the first channel.
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidOfWebexId } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { decode } from './audio.js';
import { rms, toneSender, toneShare, type ToneSender } from './rtp-tone.js';
import {
  answeredPorts,
  parseResponse,
  recordingOf,
  vendorBody,
  type SipResponse,
} from './siprec-src.js';

let server: TestServer;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-session-end-e2e-'));
const OWNER_TONE = 440;
const OTHER_TONE = 1000;
const PROBE_INTERVAL_S = 2;

/** The captured Cisco SIPREC body with the test's ports, address and owner filled in. */
function ciscoBody(port1: number, port2: number): string {
  return vendorBody('cisco-siprec-offer.body', {
    media_ip: '127.0.0.1',
    owner_aor: 'sip:alice@example.com',
    version: '1',
    port_1: String(port1),
    port_2: String(port2),
  });
}

/** A request the recorder sent to the SRC, as the SRC received it. */
interface ReceivedRequest {
  readonly method: string;
  readonly cseq: string;
  readonly at: number;
  readonly text: string;
}

/**
 * The SRC's side of one SIPREC dialog over UDP. Requests from the recorder are noted; BYE is
 * answered 200, OPTIONS as `answerOptions` says (a status, or null: never answered).
 */
async function srcDialog(
  callId: string,
  answerOptions: (probe: number) => number | null = () => 200,
) {
  const sip = server.sip!;
  const socket = dgram.createSocket('udp4');
  const inbox: SipResponse[] = [];
  const received: ReceivedRequest[] = [];
  const answeredProbes = new Map<string, number | null>();
  socket.on('message', (msg, rinfo) => {
    const text = msg.toString('latin1');
    const method = /^([A-Z]+) sip:/.exec(text)?.[1];
    if (method !== undefined) {
      const head = text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n');
      const cseq = /^CSeq:\s*(.+)$/im.exec(text)?.[1]?.trim() ?? '';
      received.push({ method, cseq, at: Date.now(), text });
      let status: number | null = 200;
      if (method === 'OPTIONS') {
        // A retransmission (Timer E) gets the answer its first copy got.
        if (!answeredProbes.has(cseq)) answeredProbes.set(cseq, answerOptions(answeredProbes.size));
        status = answeredProbes.get(cseq) ?? null;
      }
      if (status === null) return;
      const copied = head.filter((line) => /^(Via|From|To|Call-ID|CSeq):/i.test(line));
      const reply = [
        `SIP/2.0 ${status} ${status === 200 ? 'OK' : 'Method Not Allowed'}`,
        ...copied,
      ];
      const ok = [...reply, 'Content-Length: 0', '', ''].join('\r\n');
      socket.send(Buffer.from(ok, 'latin1'), rinfo.port, rinfo.address);
      return;
    }
    const response = parseResponse(text);
    if (response) inbox.push(response);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const local = `127.0.0.1:${socket.address().port}`;
  const fromTag = crypto.randomBytes(4).toString('hex');
  let toTag = '';
  let cseq = 0;
  const send = (text: string) =>
    new Promise<void>((resolve) =>
      socket.send(Buffer.from(text, 'latin1'), sip.port, sip.host, () => resolve()),
    );
  const request = (
    method: string,
    number: number,
    options: { content?: string; headers?: string[]; via?: string; to?: string } = {},
  ): { text: string; via: string } => {
    const via =
      options.via ??
      `SIP/2.0/UDP ${local};branch=z9hG4bK${crypto.randomBytes(6).toString('hex')};rport`;
    const content = options.content;
    const lines = [
      `${method} sip:srs@${sip.host}:${sip.port} SIP/2.0`,
      `Via: ${via}`,
      `From: <sip:src@${local}>;tag=${fromTag}`,
      `To: ${options.to ?? `<sip:srs@${sip.host}:${sip.port}>${toTag ? `;tag=${toTag}` : ''}`}`,
      `Call-ID: ${callId}`,
      `CSeq: ${number} ${method}`,
      `Contact: <sip:src@${local}>;+sip.src`,
      'Max-Forwards: 70',
      'Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE',
      ...(method === 'INVITE' ? ['Require: siprec'] : []),
      ...(options.headers ?? []),
      ...(content === undefined ? [] : ['Content-Type: multipart/mixed;boundary=uniqueBoundary']),
      `Content-Length: ${content === undefined ? 0 : Buffer.byteLength(content, 'latin1')}`,
      '',
      content ?? '',
    ];
    return { text: lines.join('\r\n'), via };
  };
  /** Sends an INVITE (again every 500 ms over UDP, §17.1.1) until its final answer; ACKs it. */
  const invite = async (content: string, headers: string[]): Promise<SipResponse> => {
    const number = ++cseq;
    const sent = request('INVITE', number, { content, headers });
    const deadline = Date.now() + 8_000;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      if (attempt % 25 === 0) await send(sent.text);
      const final = inbox.find(
        (r) => r.status >= 200 && r.headers.get('cseq') === `${number} INVITE`,
      );
      if (final) {
        if (final.status < 300) {
          toTag = /;tag=([^;>\s]+)/.exec(final.headers.get('to') ?? '')?.[1] ?? '';
          await send(request('ACK', number).text);
        } else {
          // §17.1.1.3: the ACK of a non-2xx is part of the INVITE's transaction (its branch).
          await send(request('ACK', number, { via: sent.via, to: final.headers.get('to') }).text);
        }
        return final;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('no final response to INVITE');
  };
  return {
    invite,
    received,
    byeAt: () => received.find((r) => r.method === 'BYE')?.at,
    close: () => socket.close(),
  };
}

const senders: ToneSender[] = [];
async function sender(tone: number): Promise<ToneSender> {
  const s = await toneSender('127.0.0.1', tone, crypto.randomBytes(4).readUInt32BE(0));
  senders.push(s);
  return s;
}

/**
 * Sends both tones in 20 ms packets until the recorder's BYE reaches the SRC (or `maxMs`);
 * returns how much media went out, in ms.
 */
async function sendUntilBye(
  streams: ReadonlyArray<{ sender: ToneSender; toPort: number }>,
  byeAt: () => number | undefined,
  maxMs: number,
): Promise<number> {
  const start = Date.now();
  let packets = 0;
  for (let due = start; byeAt() === undefined && due < start + maxMs; due += 20) {
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (byeAt() !== undefined) break;
    // One packet per stream, each sent now (its `until` is just past the present).
    await Promise.all(
      streams.map((s) =>
        s.sender.send({ toPort: s.toPort, until: Date.now() + 1, codecAt: () => 'PCMU' }),
      ),
    );
    packets++;
  }
  return packets * 20;
}

/** As long as the media sent (within 0.5 s), the owner's tone first and the other's second. */
function expectRecordingOfMedia(file: string, mediaMs: number): void {
  const owner = decode(file, 0);
  const other = decode(file, 1);
  expect(Math.abs(owner.length / 8000 - mediaMs / 1000)).toBeLessThan(0.5);
  for (const [samples, tone, otherTone] of [
    [owner, OWNER_TONE, OTHER_TONE],
    [other, OTHER_TONE, OWNER_TONE],
  ] as const) {
    for (const part of [samples.subarray(800, 16_800), samples.subarray(-17_600, -1_600)]) {
      expect(rms(part)).toBeGreaterThan(2000);
      expect(toneShare(part, tone, otherTone)).toBeGreaterThan(0.95);
    }
  }
}

beforeAll(async () => {
  server = await startServer({
    sip: true,
    extraEnv: {
      CALLVAULT_TRANSCRIBER: 'none',
      CALLVAULT_SIP_DIALOG_PROBE_INTERVAL: String(PROBE_INTERVAL_S),
    },
  });
});
afterAll(async () => {
  for (const s of senders) s.close();
  await server?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

// The two calls run at once: each waits on a recorder timer, not on the other.
describe.concurrent('an SRC gone while its media flows: the recorder ends the session', () => {
  it('(a) RFC 4028: a session timer never refreshed ends at 90 − 30 s with BYE and endReason session-timer', async () => {
    const callId = `cv-e2e-session-timer-${process.pid}@127.0.0.1`;
    const dialog = await srcDialog(callId);
    const [owner, other] = [await sender(OWNER_TONE), await sender(OTHER_TONE)];
    const offer = ciscoBody(owner.port, other.port);

    // §9: an interval below the recorder's Min-SE (90 s) is refused with 422 and Min-SE.
    const tooSmall = await dialog.invite(offer, ['Supported: timer', 'Session-Expires: 60']);
    expect(tooSmall.status).toBe(422);
    expect(tooSmall.headers.get('min-se')).toBe('90');

    // §7.4: the SRC asks again with Min-SE's value; the UAC supports timer, so it refreshes.
    const answer = await dialog.invite(offer, [
      'Supported: timer',
      'Session-Expires: 90',
      'Min-SE: 90',
    ]);
    const answeredAt = Date.now();
    expect(answer.status).toBe(200);
    expect(answer.headers.get('session-expires')).toBe('90;refresher=uac');
    expect(answer.headers.get('require')).toBe('timer');
    expect(answer.headers.get('supported')).toMatch(/\btimer\b/);
    const [ownerPort, otherPort] = answeredPorts(answer);

    const mediaMs = await sendUntilBye(
      [
        { sender: owner, toPort: ownerPort! },
        { sender: other, toPort: otherPort! },
      ],
      dialog.byeAt,
      75_000,
    );
    const byeAt = dialog.byeAt();
    expect(byeAt).toBeDefined();
    // §10: BYE at the interval less min(32 s, interval / 3); the recorder checks every second.
    expect(byeAt! - answeredAt).toBeGreaterThanOrEqual(59_500);
    expect(byeAt! - answeredAt).toBeLessThan(63_000);
    // The OPTIONS probes were answered 200: the dialog was alive to them, only the timer ran out.
    expect(dialog.received.filter((r) => r.method === 'OPTIONS').length).toBeGreaterThan(5);
    dialog.close();

    const { file, metadata } = await recordingOf(server, workDir, callId, 30_000);
    expectRecordingOfMedia(file, mediaMs);
    const alice = server.seed.people.find((p) => p.email === 'alice@example.com')!;
    expect(metadata).toMatchObject({
      ownerId: uuidOfWebexId(alice.id),
      endReason: 'session-timer',
    });
  }, 150_000);

  it('(b) in-dialog OPTIONS unanswered (after a 405 that still proves the dialog): BYE and endReason probe-failed', async () => {
    const callId = `cv-e2e-probe-${process.pid}@127.0.0.1`;
    // The first probe: 405 (a final answer from the dialog: alive); every later one: silence.
    const dialog = await srcDialog(callId, (probe) => (probe === 0 ? 405 : null));
    const [owner, other] = [await sender(OWNER_TONE), await sender(OTHER_TONE)];
    const answer = await dialog.invite(ciscoBody(owner.port, other.port), []);
    expect(answer.status).toBe(200);
    expect(answer.headers.has('session-expires')).toBe(false);
    const [ownerPort, otherPort] = answeredPorts(answer);

    const mediaMs = await sendUntilBye(
      [
        { sender: owner, toPort: ownerPort! },
        { sender: other, toPort: otherPort! },
      ],
      dialog.byeAt,
      75_000,
    );
    const byeAt = dialog.byeAt();
    expect(byeAt).toBeDefined();
    const probes = dialog.received.filter((r) => r.method === 'OPTIONS');
    const distinct = [...new Set(probes.map((p) => p.cseq))];
    // The 405 kept the session; the second probe, unanswered, was sent again (Timer E) and
    // given up on at 64*T1 = 32 s (Timer F): then the BYE.
    expect(distinct).toHaveLength(2);
    const secondProbe = probes.find((p) => p.cseq === distinct[1])!;
    expect(probes.filter((p) => p.cseq === distinct[1]).length).toBeGreaterThan(3);
    expect(byeAt! - secondProbe.at).toBeGreaterThanOrEqual(31_500);
    expect(byeAt! - secondProbe.at).toBeLessThan(35_000);
    // In-dialog (RFC 3261 §12.2.1.1): our tag in From, the SRC's in To, the dialog's Call-ID.
    expect(secondProbe.text).toContain(`Call-ID: ${callId}`);
    expect(secondProbe.text).toMatch(/^To: <sip:src@[^>]+>;tag=[0-9a-f]+\r$/m);
    expect(secondProbe.text).toMatch(/^From: <sip:srs@[^>]+>;tag=/m);
    dialog.close();

    const { file, metadata } = await recordingOf(server, workDir, callId, 30_000);
    expectRecordingOfMedia(file, mediaMs);
    expect(metadata).toMatchObject({ endReason: 'probe-failed' });
  }, 150_000);
});
