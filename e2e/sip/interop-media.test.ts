// Media as real SBCs send it, against the built `bin/callvault serve` (recorder, worker and api
// roles): the SIPREC INVITEs carry captured vendor bodies (fixtures/interop, see its README), the
// test is the SRC over UDP and sends each stream's RTP itself, a 440 Hz tone on the recorded
// party's stream and 1000 Hz on the other, so every channel of the recording can be checked:
//   (a) a re-INVITE moves the SRC's RTP to another port mid-call (a transfer, a 3-way call);
//   (b) the SRC is behind NAT: its RTP comes from 127.0.0.2 while the SDP says 127.0.0.1;
//   (c) the SRC switches from PCMU to PCMA (both offered) without a re-INVITE;
//   (d) a delayed offer (CUCM's built-in bridge): the INVITE carries metadata only, the recorder
//       offers in the 200 OK and the SRC answers in the ACK;
//   (e) no metadata at all (CUBE network-based recording): the owner is the INVITE's From;
//   (f) the SRC vanishes mid-call (no BYE): RTP inactivity ends the session, the SRC gets a BYE;
//   (g) G.729 on one stream and G.726-32 on the other (CUBE and Metaswitch low-bandwidth trunks).
// Each call becomes a recording as long as the call (within 0.5 s), the owner's tone on the first
// channel and the other party's on the second, through to the call's last second.
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
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-interop-e2e-'));
const OWNER_TONE = 440;
const OTHER_TONE = 1000;
const CALL_MS = 6_000;

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

/** A captured vendor body with the test's ports, address and owner filled in. */
function body(file: string, values: Record<string, string>): string {
  let text = fs.readFileSync(path.join(sippFixtures, 'interop', file), 'latin1');
  for (const [name, value] of Object.entries(values)) text = text.replaceAll(`[${name}]`, value);
  return text;
}

/** The SRC's side of one SIPREC dialog over UDP. */
async function srcDialog(callId: string, boundary: string, fromUri?: string) {
  const sip = server.sip!;
  const socket = dgram.createSocket('udp4');
  const inbox: SipResponse[] = [];
  /** BYEs the recorder sent (each answered 200 as a live SRC would). */
  const byes: string[] = [];
  socket.on('message', (msg, rinfo) => {
    const text = msg.toString('latin1');
    if (text.startsWith('BYE ')) {
      byes.push(text);
      const head = text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n');
      const copied = head.filter((line) => /^(Via|From|To|Call-ID|CSeq):/i.test(line));
      const ok = ['SIP/2.0 200 OK', ...copied, 'Content-Length: 0', '', ''].join('\r\n');
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
    content?: string,
    contentType = `multipart/mixed;boundary=${boundary}`,
  ): string => {
    const lines = [
      `${method} sip:srs@${sip.host}:${sip.port} SIP/2.0`,
      `Via: SIP/2.0/UDP ${local};branch=z9hG4bK${crypto.randomBytes(6).toString('hex')};rport`,
      `From: <${fromUri ?? `sip:src@${local}`}>;tag=${fromTag}`,
      `To: <sip:srs@${sip.host}:${sip.port}>${toTag ? `;tag=${toTag}` : ''}`,
      `Call-ID: ${callId}`,
      `CSeq: ${number} ${method}`,
      `Contact: <sip:src@${local}>;+sip.src`,
      'Max-Forwards: 70',
      ...(method === 'INVITE' ? ['Require: siprec'] : []),
      ...(content === undefined ? [] : [`Content-Type: ${contentType}`]),
      `Content-Length: ${content === undefined ? 0 : Buffer.byteLength(content, 'latin1')}`,
      '',
      content ?? '',
    ];
    return lines.join('\r\n');
  };
  /** Sends a request (again every 500 ms, as RFC 3261 §17.1.1 does over UDP) until a final answer. */
  const transact = async (
    method: string,
    content?: string,
    options: {
      contentType?: string;
      /** The SDP answer the ACK carries (to an offer in the 2xx). */
      ackAnswer?: (final: SipResponse) => string;
    } = {},
  ): Promise<SipResponse> => {
    const number = ++cseq;
    const text = request(method, number, content, options.contentType);
    const deadline = Date.now() + 8_000;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      if (attempt % 25 === 0) await send(text);
      const final = inbox.find(
        (r) => r.status >= 200 && r.headers.get('cseq') === `${number} ${method}`,
      );
      if (final) {
        if (method === 'INVITE') {
          toTag ||= /;tag=([^;>\s]+)/.exec(final.headers.get('to') ?? '')?.[1] ?? '';
          const answer = final.status < 300 ? options.ackAnswer?.(final) : undefined;
          await send(request('ACK', number, answer, 'application/sdp'));
        }
        return final;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no final response to ${method}`);
  };
  return { transact, byes, close: () => socket.close() };
}

/** The answered RTP ports of the SDP answer, in m-line order. */
function answeredPorts(response: SipResponse): number[] {
  return [...response.body.matchAll(/^m=audio (\d+) /gm)].map((m) => Number(m[1]));
}

async function recordingOf(callId: string): Promise<{ file: string; metadata: any }> {
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
      const details = await apiRequest(
        server.url,
        'GET',
        `/v1/convergedRecordings/${item.id}`,
        server.seed.complianceOfficer.token,
      );
      const link = details.json.temporaryDirectDownloadLinks.audioDownloadLink as string;
      const audio = await fetch(link);
      const file = path.join(workDir, `${item.id}.ogg`);
      fs.writeFileSync(file, Buffer.from(await audio.arrayBuffer()));
      return { file, metadata: meta.json };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no recording of ${callId}`);
}

/** The recording is as long as the call, owner's tone first, other's second, to the end. */
function expectTwoParties(file: string, callMs: number): void {
  const owner = decode(file, 0);
  const other = decode(file, 1);
  expect(Math.abs(owner.length / 8000 - callMs / 1000)).toBeLessThan(0.5);
  // The first and the last two seconds of each channel (a moved or switched stream's media is
  // in the last ones).
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

const senders: ToneSender[] = [];
async function sender(address: string, tone: number): Promise<ToneSender> {
  const s = await toneSender(address, tone, crypto.randomBytes(4).readUInt32BE(0));
  senders.push(s);
  return s;
}

const pcmu = (): G711 => 'PCMU';
const pcma = (): G711 => 'PCMA';

beforeAll(async () => {
  server = await startServer({
    sip: true,
    // (f): a session with no media for 3 s ends; every other call sends media throughout.
    extraEnv: { CALLVAULT_TRANSCRIBER: 'none', CALLVAULT_RTP_INACTIVITY_TIMEOUT: '3' },
  });
});
afterAll(async () => {
  for (const s of senders) s.close();
  await server?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('media from real SBCs is recorded in full', () => {
  it('(a) a re-INVITE moving the SRC RTP port mid-call: the recording follows the new source', async () => {
    const callId = `cv-e2e-move-${process.pid}@127.0.0.1`;
    const dialog = await srcDialog(callId, 'uniqueBoundary');
    const [owner1, other] = [
      await sender('127.0.0.1', OWNER_TONE),
      await sender('127.0.0.1', OTHER_TONE),
    ];
    const values = { media_ip: '127.0.0.1', owner_aor: 'sip:alice@example.com' };
    const answer = await dialog.transact(
      'INVITE',
      body('cisco-siprec-offer.body', {
        ...values,
        version: '1',
        port_1: String(owner1.port),
        port_2: String(other.port),
      }),
    );
    expect(answer.status).toBe(200);
    const [ownerPort, otherPort] = answeredPorts(answer);
    const start = Date.now();
    const end = start + CALL_MS;
    const otherSent = other.send({ toPort: otherPort!, until: end, codecAt: pcmu });
    await owner1.send({ toPort: ownerPort!, until: start + CALL_MS / 2, codecAt: pcmu });
    // The 3-way call: the SRC re-offers the owner's stream from another port and sends from it,
    // the same RTP stream (SSRC, sequence, timestamps) going on: the SBC relays it.
    const oldPort = owner1.port;
    await owner1.move();
    expect(owner1.port).not.toBe(oldPort);
    const reanswer = await dialog.transact(
      'INVITE',
      body('cisco-siprec-offer.body', {
        ...values,
        version: '2',
        port_1: String(owner1.port),
        port_2: String(other.port),
      }),
    );
    expect(reanswer.status).toBe(200);
    expect(answeredPorts(reanswer)).toEqual([ownerPort, otherPort]);
    await owner1.send({ toPort: ownerPort!, until: end, codecAt: pcmu });
    await otherSent;
    expect((await dialog.transact('BYE')).status).toBe(200);
    dialog.close();

    const { file, metadata } = await recordingOf(callId);
    expectTwoParties(file, CALL_MS);
    expect(metadata.serviceData.streams[0].packets).toBeGreaterThanOrEqual(CALL_MS / 20 - 10);
  }, 60_000);

  it('(b) an SRC behind NAT: RTP from 127.0.0.2 while c= says 127.0.0.1 is latched and recorded', async () => {
    const callId = `cv-e2e-nat-${process.pid}@127.0.0.1`;
    const dialog = await srcDialog(callId, 'uniqueBoundary');
    const [owner, other] = [
      await sender('127.0.0.2', OWNER_TONE),
      await sender('127.0.0.2', OTHER_TONE),
    ];
    const answer = await dialog.transact(
      'INVITE',
      body('cisco-siprec-offer.body', {
        media_ip: '127.0.0.1',
        owner_aor: 'sip:alice@example.com',
        version: '1',
        port_1: '10292',
        port_2: '10294',
      }),
    );
    expect(answer.status).toBe(200);
    const [ownerPort, otherPort] = answeredPorts(answer);
    const start = Date.now();
    await Promise.all([
      owner.send({ toPort: ownerPort!, until: start + CALL_MS, codecAt: pcmu }),
      other.send({ toPort: otherPort!, until: start + CALL_MS, codecAt: pcmu }),
    ]);
    expect((await dialog.transact('BYE')).status).toBe(200);
    dialog.close();

    const { file } = await recordingOf(callId);
    expectTwoParties(file, CALL_MS);
  }, 60_000);

  it('(c) PCMA after a PCMU answer, without a re-INVITE: both are answered and decoded', async () => {
    const callId = `cv-e2e-codec-${process.pid}@127.0.0.1`;
    const dialog = await srcDialog(callId, 'OSS-unique-boundary-42');
    const [owner, other] = [
      await sender('127.0.0.1', OWNER_TONE),
      await sender('127.0.0.1', OTHER_TONE),
    ];
    const answer = await dialog.transact(
      'INVITE',
      body('connectel-siprec-offer.body', {
        owner_aor: 'sip:alice@example.com',
        port_1: String(owner.port),
        port_2: String(other.port),
      }),
    );
    expect(answer.status).toBe(200);
    // The offer's first stream prefers PCMU, the second PCMA; both laws are answered on both.
    expect(answer.body).toMatch(/^m=audio \d+ RTP\/AVP 0 8 101\r$/m);
    expect(answer.body).toMatch(/^m=audio \d+ RTP\/AVP 8 0 101\r$/m);
    const [ownerPort, otherPort] = answeredPorts(answer);
    const start = Date.now();
    await Promise.all([
      owner.send({
        toPort: ownerPort!,
        until: start + CALL_MS,
        codecAt: (ms) => (ms < CALL_MS / 2 ? 'PCMU' : 'PCMA'),
      }),
      other.send({ toPort: otherPort!, until: start + CALL_MS, codecAt: pcma }),
    ]);
    expect((await dialog.transact('BYE')).status).toBe(200);
    dialog.close();

    const { file, metadata } = await recordingOf(callId);
    expectTwoParties(file, CALL_MS);
    const streams = metadata.serviceData.streams as Array<{ codecs: string[] }>;
    expect(streams.map((s) => s.codecs)).toEqual([['PCMU', 'PCMA'], ['PCMA']]);
  }, 60_000);

  it('(e) an INVITE without metadata (CUBE network-based recording): recorded for the From', async () => {
    const callId = `cv-e2e-nometa-${process.pid}@127.0.0.1`;
    const dialog = await srcDialog(callId, 'unused', 'sip:alice@example.com');
    const [owner, other] = [
      await sender('127.0.0.1', OWNER_TONE),
      await sender('127.0.0.1', OTHER_TONE),
    ];
    // The SDP of the Cisco capture alone: two sendonly PCMU streams labelled 1 and 2.
    const answer = await dialog.transact(
      'INVITE',
      body('cucm-delayed-offer-answer.sdp', {
        media_ip: '127.0.0.1',
        version: '1',
        port_1: String(owner.port),
        port_2: String(other.port),
      }),
      { contentType: 'application/sdp' },
    );
    expect(answer.status).toBe(200);
    const [ownerPort, otherPort] = answeredPorts(answer);
    const start = Date.now();
    await Promise.all([
      owner.send({ toPort: ownerPort!, until: start + CALL_MS, codecAt: pcmu }),
      other.send({ toPort: otherPort!, until: start + CALL_MS, codecAt: pcmu }),
    ]);
    expect((await dialog.transact('BYE')).status).toBe(200);
    dialog.close();

    const { file, metadata } = await recordingOf(callId);
    expectTwoParties(file, CALL_MS);
    const alice = server.seed.people.find((p) => p.email === 'alice@example.com')!;
    expect(metadata).toMatchObject({ ownerId: uuidOfWebexId(alice.id), ownerType: 'USER' });
  }, 60_000);

  it('(f) the SRC vanishes without a BYE: RTP inactivity ends the session with rtp-timeout and a BYE', async () => {
    const callId = `cv-e2e-vanish-${process.pid}@127.0.0.1`;
    const dialog = await srcDialog(callId, 'uniqueBoundary');
    const [owner, other] = [
      await sender('127.0.0.1', OWNER_TONE),
      await sender('127.0.0.1', OTHER_TONE),
    ];
    const answer = await dialog.transact(
      'INVITE',
      body('cisco-siprec-offer.body', {
        media_ip: '127.0.0.1',
        owner_aor: 'sip:alice@example.com',
        version: '1',
        port_1: String(owner.port),
        port_2: String(other.port),
      }),
    );
    expect(answer.status).toBe(200);
    const [ownerPort, otherPort] = answeredPorts(answer);
    const start = Date.now();
    await Promise.all([
      owner.send({ toPort: ownerPort!, until: start + CALL_MS, codecAt: pcmu }),
      other.send({ toPort: otherPort!, until: start + CALL_MS, codecAt: pcmu }),
    ]);
    // The SRC is gone: no BYE. The recorder ends the session within the timeout (3 s) and a
    // quarter of it, and tells the SRC with a BYE.
    const deadline = Date.now() + 8_000;
    while (dialog.byes.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(dialog.byes).toHaveLength(1);
    expect(dialog.byes[0]).toContain(`Call-ID: ${callId}`);
    expect(Date.now() - start - CALL_MS).toBeLessThan(6_000);
    dialog.close();

    const { file, metadata } = await recordingOf(callId);
    expectTwoParties(file, CALL_MS);
    const alice = server.seed.people.find((p) => p.email === 'alice@example.com')!;
    expect(metadata).toMatchObject({ ownerId: uuidOfWebexId(alice.id), endReason: 'rtp-timeout' });
  }, 60_000);

  it('(d) a delayed offer (CUCM built-in bridge): our offer in the 200, the answer in the ACK, recorded', async () => {
    const callId = `cv-e2e-delayed-${process.pid}@127.0.0.1`;
    const dialog = await srcDialog(callId, 'unused');
    const [owner, other] = [
      await sender('127.0.0.1', OWNER_TONE),
      await sender('127.0.0.1', OTHER_TONE),
    ];
    const offer = await dialog.transact(
      'INVITE',
      body('cucm-delayed-offer-metadata.body', { owner_aor: 'sip:alice@example.com' }),
      {
        contentType: 'application/rs-metadata+xml',
        ackAnswer: () =>
          body('cucm-delayed-offer-answer.sdp', {
            media_ip: '127.0.0.1',
            version: '1',
            port_1: String(owner.port),
            port_2: String(other.port),
          }),
      },
    );
    expect(offer.status).toBe(200);
    expect(offer.headers.get('content-type')).toBe('application/sdp');
    // Two recvonly streams labelled as the metadata's streams, every decodable codec offered.
    expect(offer.body.match(/^a=label:\d\r$/gm)).toEqual(['a=label:1\r', 'a=label:2\r']);
    expect(offer.body.match(/^a=recvonly\r$/gm)).toHaveLength(2);
    expect(offer.body).toMatch(/^m=audio \d+ RTP\/AVP 0 8 9 18 112 113 114 115 111 101\r$/m);
    const [ownerPort, otherPort] = answeredPorts(offer);
    const start = Date.now();
    await Promise.all([
      owner.send({ toPort: ownerPort!, until: start + CALL_MS, codecAt: pcmu }),
      other.send({ toPort: otherPort!, until: start + CALL_MS, codecAt: pcmu }),
    ]);
    expect((await dialog.transact('BYE')).status).toBe(200);
    dialog.close();

    const { file, metadata } = await recordingOf(callId);
    expectTwoParties(file, CALL_MS);
    expect(metadata.serviceData.streams.map((s: { codecs: string[] }) => s.codecs)).toEqual([
      ['PCMU'],
      ['PCMU'],
    ]);
    const alice = server.seed.people.find((p) => p.email === 'alice@example.com')!;
    expect(metadata).toMatchObject({
      ownerId: uuidOfWebexId(alice.id),
      ownerType: 'USER',
      serviceData: { remoteNumber: '7300' },
    });
  }, 60_000);

  it('(g) G.729 and G.726-32 streams (low-bandwidth trunks): answered in kind and decoded', async () => {
    const callId = `cv-e2e-g729-${process.pid}@127.0.0.1`;
    const dialog = await srcDialog(callId, 'uniqueBoundary');
    const [owner, other] = [
      await sender('127.0.0.1', OWNER_TONE),
      await sender('127.0.0.1', OTHER_TONE),
    ];
    const answer = await dialog.transact(
      'INVITE',
      body('cisco-siprec-offer-g729-g726.body', {
        media_ip: '127.0.0.1',
        owner_aor: 'sip:alice@example.com',
        version: '1',
        port_1: String(owner.port),
        port_2: String(other.port),
      }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/^m=audio \d+ RTP\/AVP 18 101\r$/m);
    expect(answer.body).toMatch(/^a=rtpmap:96 G726-32\/8000\r$/m);
    const [ownerPort, otherPort] = answeredPorts(answer);
    const start = Date.now();
    await Promise.all([
      owner.send({ toPort: ownerPort!, until: start + CALL_MS, codecAt: () => 'G729' }),
      other.send({ toPort: otherPort!, until: start + CALL_MS, codecAt: () => ({ g726_32: 96 }) }),
    ]);
    expect((await dialog.transact('BYE')).status).toBe(200);
    dialog.close();

    const { file, metadata } = await recordingOf(callId);
    expectTwoParties(file, CALL_MS);
    expect(metadata.serviceData.streams.map((s: { codecs: string[] }) => s.codecs)).toEqual([
      ['G729'],
      ['G726-32'],
    ]);
  }, 60_000);
});
