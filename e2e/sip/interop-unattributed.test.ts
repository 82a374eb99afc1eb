// Calls nobody owns, against the built `bin/callvault serve` (recorder, worker and api roles): the
// test is the SRC over UDP, as Cisco CUBE network-based recording is — an INVITE with the SDP of
// the Cisco capture only (no SIPREC metadata) whose From and To match no person, workspace or
// virtual line — and it sends each stream's RTP itself, a distinct tone per stream:
//   (a) the trunk has no default owner: the call is answered 200 and kept as an unattributed
//       recording, as long as the call, each stream on its own channel; compliance officers and
//       administrators find it with the reason it is unattributed, a user does not;
//   (b) the trunk's default owner is set (PUT /api/recording-trunks/{id}): the same call is that
//       person's recording.
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest, uuidOfWebexId } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { decode } from './audio.js';
import { rms, toneSender, toneShare, type G711, type ToneSender } from './rtp-tone.js';
import { sippFixtures } from './sipp.js';

let server: TestServer;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-unattributed-e2e-'));
const FIRST_TONE = 440;
const SECOND_TONE = 1000;
const CALL_MS = 6_000;
const CALLER = 'sip:+15550199@carrier.example';
const CALLEE = 'sip:+15550288@carrier.example';

interface SipResponse {
  readonly status: number;
  readonly headers: Map<string, string>;
  readonly body: string;
}

function parseResponse(text: string): SipResponse | null {
  const split = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
  const m = /^SIP\/2\.0 (\d{3})/.exec(statusLine);
  if (!m) return null;
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { status: Number(m[1]), headers, body: text.slice(split + 4) };
}

/** The Cisco capture's SDP (two sendonly PCMU streams labelled 1 and 2) with the test's ports. */
function ciscoSdp(ports: readonly [number, number]): string {
  const values: Record<string, string> = {
    media_ip: '127.0.0.1',
    version: '1',
    port_1: String(ports[0]),
    port_2: String(ports[1]),
  };
  let text = fs.readFileSync(
    path.join(sippFixtures, 'interop', 'cucm-delayed-offer-answer.sdp'),
    'latin1',
  );
  for (const [name, value] of Object.entries(values)) text = text.replaceAll(`[${name}]`, value);
  return text;
}

/** The SRC's side of one dialog over UDP: the INVITE's From and To are the call's parties. */
async function srcDialog(callId: string) {
  const sip = server.sip!;
  const socket = dgram.createSocket('udp4');
  const inbox: SipResponse[] = [];
  socket.on('message', (msg) => {
    const response = parseResponse(msg.toString('latin1'));
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
  const request = (method: string, number: number, sdp?: string): string =>
    [
      `${method} sip:srs@${sip.host}:${sip.port} SIP/2.0`,
      `Via: SIP/2.0/UDP ${local};branch=z9hG4bK${crypto.randomBytes(6).toString('hex')};rport`,
      `From: <${CALLER}>;tag=${fromTag}`,
      `To: <${CALLEE}>${toTag ? `;tag=${toTag}` : ''}`,
      `Call-ID: ${callId}`,
      `CSeq: ${number} ${method}`,
      `Contact: <sip:src@${local}>`,
      'Max-Forwards: 70',
      ...(sdp === undefined ? [] : ['Content-Type: application/sdp']),
      `Content-Length: ${sdp === undefined ? 0 : Buffer.byteLength(sdp, 'latin1')}`,
      '',
      sdp ?? '',
    ].join('\r\n');
  /** Sends a request (again every 500 ms, RFC 3261 §17.1.1 over UDP) until a final answer. */
  const transact = async (method: string, sdp?: string): Promise<SipResponse> => {
    const number = ++cseq;
    const text = request(method, number, sdp);
    const deadline = Date.now() + 8_000;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      if (attempt % 25 === 0) await send(text);
      const final = inbox.find(
        (r) => r.status >= 200 && r.headers.get('cseq') === `${number} ${method}`,
      );
      if (final) {
        if (method === 'INVITE') {
          toTag ||= /;tag=([^;>\s]+)/.exec(final.headers.get('to') ?? '')?.[1] ?? '';
          await send(request('ACK', number));
        }
        return final;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no final response to ${method}`);
  };
  return { transact, close: () => socket.close() };
}

const senders: ToneSender[] = [];
async function sender(tone: number): Promise<ToneSender> {
  const s = await toneSender('127.0.0.1', tone, crypto.randomBytes(4).readUInt32BE(0));
  senders.push(s);
  return s;
}
const pcmu = (): G711 => 'PCMU';

/**
 * One metadata-less call from CALLER to CALLEE, each stream its own tone for CALL_MS; returns
 * the live session as the sessions API showed it while the call ran.
 */
async function placeCall(
  callId: string,
): Promise<{ ownership?: string; unattributedReason?: string }> {
  const dialog = await srcDialog(callId);
  const [first, second] = [await sender(FIRST_TONE), await sender(SECOND_TONE)];
  const answer = await dialog.transact('INVITE', ciscoSdp([first.port, second.port]));
  expect(answer.status).toBe(200);
  const [firstPort, secondPort] = [...answer.body.matchAll(/^m=audio (\d+) /gm)].map((m) =>
    Number(m[1]),
  );
  const start = Date.now();
  const sending = Promise.all([
    first.send({ toPort: firstPort!, until: start + CALL_MS, codecAt: pcmu }),
    second.send({ toPort: secondPort!, until: start + CALL_MS, codecAt: pcmu }),
  ]);
  const sessions = await apiRequest(server.url, 'GET', '/api/sessions', server.seed.admin.token);
  const live = (
    (sessions.json.items ?? []) as Array<{
      callId: string;
      ownership?: string;
      unattributedReason?: string;
    }>
  ).find((s) => s.callId === callId);
  await sending;
  expect((await dialog.transact('BYE')).status).toBe(200);
  dialog.close();
  return live ?? {};
}

/** The recording of `callId` as an administrator finds it: its id, metadata and audio file. */
async function recordingOf(callId: string): Promise<{ id: string; file: string; metadata: any }> {
  const token = server.seed.admin.token;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const { json } = await apiRequest(server.url, 'GET', '/api/recordings', token);
    for (const item of (json.items ?? []) as Array<{ id: string }>) {
      const meta = await apiRequest(
        server.url,
        'GET',
        `/v1/convergedRecordings/${item.id}/metadata`,
        token,
      );
      if (meta.status !== 200 || meta.json.serviceData?.callId !== callId) continue;
      // Administrators never get audio links: the compliance officer downloads it.
      const details = await apiRequest(
        server.url,
        'GET',
        `/v1/convergedRecordings/${item.id}`,
        server.seed.complianceOfficer.token,
      );
      expect(details.status).toBe(200);
      const link = details.json.temporaryDirectDownloadLinks.audioDownloadLink as string;
      const audio = await fetch(link);
      const file = path.join(workDir, `${item.id}.ogg`);
      fs.writeFileSync(file, Buffer.from(await audio.arrayBuffer()));
      return { id: item.id, file, metadata: meta.json };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no recording of ${callId}`);
}

/** As long as the call (within 0.5 s), the first stream's tone first, the second's second. */
function expectBothStreams(file: string): void {
  const first = decode(file, 0);
  const second = decode(file, 1);
  expect(Math.abs(first.length / 8000 - CALL_MS / 1000)).toBeLessThan(0.5);
  for (const [samples, tone, otherTone] of [
    [first, FIRST_TONE, SECOND_TONE],
    [second, SECOND_TONE, FIRST_TONE],
  ] as const) {
    for (const part of [samples.subarray(800, 16_800), samples.subarray(-17_600, -1_600)]) {
      expect(rms(part)).toBeGreaterThan(2000);
      expect(toneShare(part, tone, otherTone)).toBeGreaterThan(0.95);
    }
  }
}

beforeAll(async () => {
  server = await startServer({ sip: true, extraEnv: { CALLVAULT_TRANSCRIBER: 'none' } });
});
afterAll(async () => {
  for (const s of senders) s.close();
  await server?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('an INVITE without metadata whose From and To match no one', () => {
  it('(a) no default owner: recorded unattributed, seen by compliance, not by a user', async () => {
    const callId = `cv-e2e-unattributed-${process.pid}@127.0.0.1`;
    const live = await placeCall(callId);
    expect(live.ownership).toBe('unattributed');
    expect(live.unattributedReason).toMatch(/^the INVITE had no recording metadata; /);

    const { id, file, metadata } = await recordingOf(callId);
    expectBothStreams(file);
    expect(metadata).toMatchObject({
      ownerType: 'UNATTRIBUTED',
      ownerId: uuidOfWebexId(server.seed.trunk.id),
      serviceData: { trunk: { id: server.seed.trunk.id, name: server.seed.trunk.name } },
    });
    expect(metadata.serviceData.unattributed.reason).toBe(
      `the INVITE had no recording metadata; no party matches a person, workspace or virtual line (${CALLER}, ${CALLEE}), and the trunk has no default owner`,
    );
    // The compliance view lists it under its own owner type.
    const co = server.seed.complianceOfficer.token;
    const listed = await apiRequest(
      server.url,
      'GET',
      '/v1/admin/convergedRecordings?ownerType=unattributed&max=100',
      co,
    );
    expect(listed.status).toBe(200);
    expect(
      (listed.json.items as Array<{ id: string; ownerType: string }>).map((r) => r.id),
    ).toContain(id);
    // A user neither lists it nor reaches it by id.
    const user = server.seed.people.find((p) => p.email === 'alice@example.com')!.token;
    const own = await apiRequest(server.url, 'GET', '/v1/convergedRecordings?max=100', user);
    expect(own.status).toBe(200);
    expect((own.json.items as Array<{ id: string }>).map((r) => r.id)).not.toContain(id);
    expect(
      (await apiRequest(server.url, 'GET', `/v1/convergedRecordings/${id}`, user)).status,
    ).toBe(404);
  }, 90_000);

  it("(b) with the trunk's default owner set: the same call is that person's recording", async () => {
    // Alice's settings record her calls Always.
    const alice = server.seed.people.find((p) => p.email === 'alice@example.com')!;
    const patched = await apiRequest(
      server.url,
      'PUT',
      `/api/recording-trunks/${server.seed.trunk.id}`,
      server.seed.admin.token,
      { defaultOwner: { type: 'person', id: alice.id } },
    );
    expect(patched.status).toBe(200);
    expect(patched.json.defaultOwner).toEqual({ type: 'person', id: alice.id });

    const callId = `cv-e2e-default-owner-${process.pid}@127.0.0.1`;
    const live = await placeCall(callId);
    expect(live.ownership).toBe('owned');
    const { file, metadata } = await recordingOf(callId);
    expectBothStreams(file);
    expect(metadata).toMatchObject({ ownerId: uuidOfWebexId(alice.id), ownerType: 'USER' });
    expect(metadata.serviceData.unattributed).toBeNull();
  }, 90_000);
});
