// Metadata across revisions and mixed streams, against the built `bin/callvault serve`
// (recorder, worker and api roles). The test is the SRC over UDP and sends each stream's RTP
// itself, vendor-shaped bodies from fixtures/interop (see its README):
//   (a) a Cisco conference call whose re-INVITE carries complete metadata that re-issues every
//       participant id and no longer lists the third party (who left): the recording is as long
//       as the call, the owner's tone on channel 0 and the other's on channel 1, the owner and
//       the remote number and topic are right, and every participant is listed (the one who
//       left with when it joined and left) and found by the party-number search;
//   (b) Metaswitch's single stream that both participants send: one channel, marked mixed, both
//       parties named on it, the owner matched and the direction read from the extension data.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest, uuidOfWebexId } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { decode } from './audio.js';
import { rms, toneSender, toneShare, type G711, type ToneSender } from './rtp-tone.js';
import { answeredPorts, recordingOf, srcDialog, vendorBody } from './siprec-src.js';

let server: TestServer;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-history-e2e-'));
const OWNER_TONE = 440;
const OTHER_TONE = 1000;
const CALL_MS = 6_000;
const pcmu = (): G711 => 'PCMU';

const senders: ToneSender[] = [];
async function sender(tone: number): Promise<ToneSender> {
  const s = await toneSender('127.0.0.1', tone, crypto.randomBytes(4).readUInt32BE(0));
  senders.push(s);
  return s;
}

/** Channel `channel` of the recording holds `tone` (not `otherTone`) from its start to its end. */
function expectTone(samples: Int16Array, tone: number, otherTone: number): void {
  for (const part of [samples.subarray(800, 16_800), samples.subarray(-17_600, -1_600)]) {
    expect(rms(part)).toBeGreaterThan(2000);
    expect(toneShare(part, tone, otherTone)).toBeGreaterThan(0.95);
  }
}

const personId = (email: string): string => server.seed.people.find((p) => p.email === email)!.id;

/**
 * A new SIPREC dialog and its INVITE's answer. A 503 — the recorder refuses new sessions while
 * its event loop lags, as it may while the previous call is finalized on a busy test machine —
 * is tried again after its Retry-After (at most 2 s, three tries), as an SBC does, on a new
 * dialog; any other answer is returned as it is.
 */
async function openDialog(callId: string, boundary: string, content: string) {
  for (let attempt = 1; ; attempt++) {
    const dialog = await srcDialog(server, callId, boundary);
    const answer = await dialog.transact('INVITE', content);
    if (answer.status !== 503 || attempt === 3) return { dialog, answer };
    dialog.close();
    const retryAfter = Number(answer.headers.get('retry-after') ?? '1');
    await new Promise((resolve) => setTimeout(resolve, Math.min(retryAfter, 2) * 1000));
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

describe('metadata across revisions and mixed streams', () => {
  it('(a) a revision re-issuing participant ids and a participant leaving: owner, numbers, topic and every participant right', async () => {
    const callId = `cv-e2e-history-${process.pid}@127.0.0.1`;
    const [owner, other] = [await sender(OWNER_TONE), await sender(OTHER_TONE)];
    // Alice's number, as a gateway writes it: the owner is found by number.
    const values = {
      media_ip: '127.0.0.1',
      owner_aor: 'sip:+4685550101@35.162.237.204',
      port_1: String(owner.port),
      port_2: String(other.port),
    };
    const { dialog, answer } = await openDialog(
      callId,
      'uniqueBoundary',
      vendorBody('cisco-conference-rev1.body', { ...values, version: '1' }),
    );
    expect(answer.status).toBe(200);
    const [ownerPort, otherPort] = answeredPorts(answer);
    const start = Date.now();
    const end = start + CALL_MS;
    const media = Promise.all([
      owner.send({ toPort: ownerPort!, until: end, codecAt: pcmu }),
      other.send({ toPort: otherPort!, until: end, codecAt: pcmu }),
    ]);
    // Mid-call the SRC rebuilds its metadata: new participant ids, 7302 gone.
    await new Promise((resolve) => setTimeout(resolve, CALL_MS / 2));
    const reanswer = await dialog.transact(
      'INVITE',
      vendorBody('cisco-conference-rev2-reissued.body', { ...values, version: '2' }),
    );
    expect(reanswer.status).toBe(200);
    await media;
    expect((await dialog.transact('BYE')).status).toBe(200);
    dialog.close();

    const { file, metadata, details } = await recordingOf(server, workDir, callId);
    const ownerChannel = decode(file, 0);
    expect(Math.abs(ownerChannel.length / 8000 - CALL_MS / 1000)).toBeLessThan(0.5);
    expectTone(ownerChannel, OWNER_TONE, OTHER_TONE);
    expectTone(decode(file, 1), OTHER_TONE, OWNER_TONE);

    expect(metadata).toMatchObject({
      ownerId: uuidOfWebexId(personId('alice@example.com')),
      ownerType: 'USER',
      serviceData: { localNumber: '+4685550101', remoteNumber: '7300', channels: 2 },
    });
    expect(details.topic).toMatch(/^Call with 7300-/);
    // Every participant, the one who left included, with the channel each speaks on.
    expect(metadata.serviceData.parties).toEqual([
      { address: 'sip:+4685550101@35.162.237.204', number: '+4685550101', channel: 0 },
      { name: '7300', address: 'sip:7300@35.162.237.204', number: '7300', channel: 1 },
      { name: '7302', address: 'sip:7302@35.162.237.204', number: '7302' },
    ]);
    const participants = metadata.serviceData.participants as Array<Record<string, unknown>>;
    expect(participants.map((p) => p.ids)).toEqual([
      ['kQNhKFdEEeeJ99D/VsPGWA==', 'x7TmVFdFEeeK01D/VsPGWA=='],
      ['kQNhKFdEEeeJ+ND/VsPGWA==', 'x7TmVFdFEeeK02D/VsPGWA=='],
      ['kQNhKFdEEeeJ/ND/VsPGWA=='],
    ]);
    expect(participants[2]).toMatchObject({ joinedAt: '2017-06-23T12:16:09.512Z' });
    const leftAt = Date.parse(participants[2]!.leftAt as string);
    expect(leftAt).toBeGreaterThanOrEqual(start + CALL_MS / 2 - 1000);
    expect(leftAt).toBeLessThanOrEqual(end);
    expect(participants[0]).not.toHaveProperty('leftAt');
    // One call activity per revision; the second no longer lists 7302.
    const activity = metadata.serviceData.callActivity as Array<{ participants: unknown[] }>;
    expect(activity.map((a) => a.participants.length)).toEqual([3, 2]);

    // The party who left is found by number too.
    const found = await apiRequest(
      server.url,
      'GET',
      '/api/recordings?partyNumber=7302',
      server.seed.admin.token,
    );
    expect(found.status).toBe(200);
    expect((found.json.items as Array<{ id: string }>).map((r) => r.id)).toContain(metadata.id);
  }, 60_000);

  it('(b) a mixed stream (Metaswitch: both participants send one stream): one channel, marked mixed, both parties named', async () => {
    const callId = `cv-e2e-mixed-${process.pid}@127.0.0.1`;
    const mix = await sender(OWNER_TONE);
    const { dialog, answer } = await openDialog(
      callId,
      'metaswitch-boundary',
      vendorBody('metaswitch-mixed.body', {
        media_ip: '127.0.0.1',
        version: '1',
        port_1: String(mix.port),
        // Host-less national numbers, as Metaswitch sends them: Alice's, read with SE.
        owner_aor: 'sip:085550101',
        recorded_party: 'sip:085550101',
      }),
    );
    expect(answer.status).toBe(200);
    const [port] = answeredPorts(answer);
    expect(answeredPorts(answer)).toHaveLength(1);
    await mix.send({ toPort: port!, until: Date.now() + CALL_MS, codecAt: pcmu });
    expect((await dialog.transact('BYE')).status).toBe(200);
    dialog.close();

    const { file, metadata } = await recordingOf(server, workDir, callId);
    const channel = decode(file, 0);
    expect(Math.abs(channel.length / 8000 - CALL_MS / 1000)).toBeLessThan(0.5);
    expectTone(channel, OWNER_TONE, OTHER_TONE);
    expect(metadata).toMatchObject({
      ownerId: uuidOfWebexId(personId('alice@example.com')),
      serviceData: {
        channels: 1,
        direction: 'outbound',
        localNumber: '085550101',
        remoteNumber: '0760516936',
      },
    });
    const [stream, ...more] = metadata.serviceData.streams as Array<Record<string, unknown>>;
    expect(more).toEqual([]);
    expect(stream).toMatchObject({
      channel: 0,
      label: '1',
      mixed: true,
      participantId: null,
      participantIds: ['TVNXcGFydHkwMDAx', 'TVNXcGFydHkwMDAy'],
      channelLabel: 'Alice Andersson + sip:0760516936@192.168.4.150',
    });
    // Both parties speak on the one channel.
    expect(metadata.serviceData.parties).toEqual([
      { name: 'Alice Andersson', address: 'sip:085550101', number: '085550101', channel: 0 },
      { address: 'sip:0760516936@192.168.4.150', number: '0760516936', channel: 0 },
    ]);
    expect(metadata.serviceData.callActivity[0].mediaStreams).toEqual([
      { streamId: '1', mode: 'mixed', mLineIndex: '0' },
    ]);
  }, 60_000);
});
