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
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest, uuidOfWebexId } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { decode } from './audio.js';
import { rms, toneSender, toneShare, type G711, type ToneSender } from './rtp-tone.js';
import { recordingOf, srcDialog, vendorBody } from './siprec-src.js';

let server: TestServer;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-unattributed-e2e-'));
const FIRST_TONE = 440;
const SECOND_TONE = 1000;
const CALL_MS = 6_000;
const CALLER = 'sip:+15550199@carrier.example';
const CALLEE = 'sip:+15550288@carrier.example';

/** The Cisco capture's SDP (two sendonly PCMU streams labelled 1 and 2) with the test's ports. */
function ciscoSdp(ports: readonly [number, number]): string {
  return vendorBody('cucm-delayed-offer-answer.sdp', {
    media_ip: '127.0.0.1',
    version: '1',
    port_1: String(ports[0]),
    port_2: String(ports[1]),
  });
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
  // A plain SIP call from CALLER to CALLEE, as a trunk without SIPREC metadata sends it.
  const dialog = await srcDialog(server, callId, 'unused', CALLER, {
    toUri: CALLEE,
    siprec: false,
  });
  const [first, second] = [await sender(FIRST_TONE), await sender(SECOND_TONE)];
  const answer = await dialog.transact('INVITE', ciscoSdp([first.port, second.port]), {
    contentType: 'application/sdp',
  });
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

    const { id, file, metadata } = await recordingOf(server, workDir, callId);
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
    const { file, metadata } = await recordingOf(server, workDir, callId);
    expectBothStreams(file);
    expect(metadata).toMatchObject({ ownerId: uuidOfWebexId(alice.id), ownerType: 'USER' });
    expect(metadata.serviceData.unattributed).toBeNull();
  }, 90_000);
});
