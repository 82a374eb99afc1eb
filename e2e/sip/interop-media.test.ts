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
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidOfWebexId } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { decode } from './audio.js';
import { rms, toneSender, toneShare, type G711, type ToneSender } from './rtp-tone.js';
import { answeredPorts, recordingOf, srcDialog, vendorBody } from './siprec-src.js';

let server: TestServer;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-interop-e2e-'));
const OWNER_TONE = 440;
const OTHER_TONE = 1000;
const CALL_MS = 6_000;

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
    const dialog = await srcDialog(server, callId, 'uniqueBoundary');
    const [owner1, other] = [
      await sender('127.0.0.1', OWNER_TONE),
      await sender('127.0.0.1', OTHER_TONE),
    ];
    const values = { media_ip: '127.0.0.1', owner_aor: 'sip:alice@example.com' };
    const answer = await dialog.transact(
      'INVITE',
      vendorBody('cisco-siprec-offer.body', {
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
      vendorBody('cisco-siprec-offer.body', {
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

    const { file, metadata } = await recordingOf(server, workDir, callId);
    expectTwoParties(file, CALL_MS);
    expect(metadata.serviceData.streams[0].packets).toBeGreaterThanOrEqual(CALL_MS / 20 - 10);
  }, 60_000);

  it('(b) an SRC behind NAT: RTP from 127.0.0.2 while c= says 127.0.0.1 is latched and recorded', async () => {
    const callId = `cv-e2e-nat-${process.pid}@127.0.0.1`;
    const dialog = await srcDialog(server, callId, 'uniqueBoundary');
    const [owner, other] = [
      await sender('127.0.0.2', OWNER_TONE),
      await sender('127.0.0.2', OTHER_TONE),
    ];
    const answer = await dialog.transact(
      'INVITE',
      vendorBody('cisco-siprec-offer.body', {
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

    const { file } = await recordingOf(server, workDir, callId);
    expectTwoParties(file, CALL_MS);
  }, 60_000);

  it('(c) PCMA after a PCMU answer, without a re-INVITE: both are answered and decoded', async () => {
    const callId = `cv-e2e-codec-${process.pid}@127.0.0.1`;
    const dialog = await srcDialog(server, callId, 'OSS-unique-boundary-42');
    const [owner, other] = [
      await sender('127.0.0.1', OWNER_TONE),
      await sender('127.0.0.1', OTHER_TONE),
    ];
    const answer = await dialog.transact(
      'INVITE',
      vendorBody('connectel-siprec-offer.body', {
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

    const { file, metadata } = await recordingOf(server, workDir, callId);
    expectTwoParties(file, CALL_MS);
    const streams = metadata.serviceData.streams as Array<{ codecs: string[] }>;
    expect(streams.map((s) => s.codecs)).toEqual([['PCMU', 'PCMA'], ['PCMA']]);
  }, 60_000);

  it('(e) an INVITE without metadata (CUBE network-based recording): recorded for the From', async () => {
    const callId = `cv-e2e-nometa-${process.pid}@127.0.0.1`;
    const dialog = await srcDialog(server, callId, 'unused', 'sip:alice@example.com');
    const [owner, other] = [
      await sender('127.0.0.1', OWNER_TONE),
      await sender('127.0.0.1', OTHER_TONE),
    ];
    // The SDP of the Cisco capture alone: two sendonly PCMU streams labelled 1 and 2.
    const answer = await dialog.transact(
      'INVITE',
      vendorBody('cucm-delayed-offer-answer.sdp', {
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

    const { file, metadata } = await recordingOf(server, workDir, callId);
    expectTwoParties(file, CALL_MS);
    const alice = server.seed.people.find((p) => p.email === 'alice@example.com')!;
    expect(metadata).toMatchObject({ ownerId: uuidOfWebexId(alice.id), ownerType: 'USER' });
  }, 60_000);

  it('(f) the SRC vanishes without a BYE: RTP inactivity ends the session with rtp-timeout and a BYE', async () => {
    const callId = `cv-e2e-vanish-${process.pid}@127.0.0.1`;
    const dialog = await srcDialog(server, callId, 'uniqueBoundary');
    const [owner, other] = [
      await sender('127.0.0.1', OWNER_TONE),
      await sender('127.0.0.1', OTHER_TONE),
    ];
    const answer = await dialog.transact(
      'INVITE',
      vendorBody('cisco-siprec-offer.body', {
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

    const { file, metadata } = await recordingOf(server, workDir, callId);
    expectTwoParties(file, CALL_MS);
    const alice = server.seed.people.find((p) => p.email === 'alice@example.com')!;
    expect(metadata).toMatchObject({ ownerId: uuidOfWebexId(alice.id), endReason: 'rtp-timeout' });
  }, 60_000);

  it('(d) a delayed offer (CUCM built-in bridge): our offer in the 200, the answer in the ACK, recorded', async () => {
    const callId = `cv-e2e-delayed-${process.pid}@127.0.0.1`;
    const dialog = await srcDialog(server, callId, 'unused');
    const [owner, other] = [
      await sender('127.0.0.1', OWNER_TONE),
      await sender('127.0.0.1', OTHER_TONE),
    ];
    const offer = await dialog.transact(
      'INVITE',
      vendorBody('cucm-delayed-offer-metadata.body', { owner_aor: 'sip:alice@example.com' }),
      {
        contentType: 'application/rs-metadata+xml',
        ackAnswer: () =>
          vendorBody('cucm-delayed-offer-answer.sdp', {
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

    const { file, metadata } = await recordingOf(server, workDir, callId);
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
    const dialog = await srcDialog(server, callId, 'uniqueBoundary');
    const [owner, other] = [
      await sender('127.0.0.1', OWNER_TONE),
      await sender('127.0.0.1', OTHER_TONE),
    ];
    const answer = await dialog.transact(
      'INVITE',
      vendorBody('cisco-siprec-offer-g729-g726.body', {
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

    const { file, metadata } = await recordingOf(server, workDir, callId);
    expectTwoParties(file, CALL_MS);
    expect(metadata.serviceData.streams.map((s: { codecs: string[] }) => s.codecs)).toEqual([
      ['G729'],
      ['G726-32'],
    ]);
  }, 60_000);
});
