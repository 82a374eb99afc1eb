// Forwarding to an external recorder, end to end: two `bin/callvault serve` processes, the second
// registered at the first's /api/recording-vendors as the external recorder of its Stockholm
// location. SIPp's SIPREC client (fixtures/siprec_uac.xml, Alice and Bob, two PCMU streams) calls
// the first: the call is forwarded (the first sends its own INVITE with the metadata and relays the
// RTP) and recorded by the second, which finds Alice through the forwarded metadata; the first
// keeps no audio of it. A Göteborg person's call stays here. Hold and unhold reach the second as
// re-INVITEs. A SIPp UAS answering 503 as the vendor: the call is recorded here (the org's "record
// here when the vendor fails" is on by default) and the forward shows failed with the 503.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { correlate, decode } from './audio.js';
import { toneSender } from './rtp-tone.js';
import { answeredPorts, recordingOf, srcDialog } from './siprec-src.js';
import { findFreePort, runSipp, sippFixtures, sippSuitePrerequisites } from './sipp.js';

const missing = sippSuitePrerequisites('forwarding e2e suite');

let here: TestServer;
let vendor: TestServer;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-forward-e2e-'));
const api = (server: TestServer, method: string, url: string, body?: unknown) =>
  apiRequest(server.url, method, url, server.seed.admin.token, body);

/** The SIP URI of the vendor recorder as registered at the first Callvault. */
const sipUriOf = (server: TestServer): string =>
  `sip:siprec@${server.sip!.host}:${server.sip!.port}`;

async function registerVendor(name: string, sipUri: string): Promise<string> {
  const created = await api(here, 'POST', '/api/recording-vendors', { name, sipUri });
  expect(created.status, JSON.stringify(created.json)).toBe(200);
  return created.json.id as string;
}

async function chooseVendor(location: string, vendorId: string): Promise<void> {
  const id = here.seed.locations.find((l) => l.name === location)?.id ?? '';
  const chosen = await api(
    here,
    'PUT',
    `/v1/telephony/config/locations/${id}/callRecording/vendor`,
    {
      useOrgVendorId: false,
      vendorId,
    },
  );
  expect(chosen.status, JSON.stringify(chosen.json)).toBeLessThan(300);
}

/** The forwarded-calls catalogue's entry for `callId`, as a compliance officer reads it. */
async function forwardedCall(server: TestServer, callId: string): Promise<unknown> {
  const forwarded = await apiRequest(
    server.url,
    'GET',
    '/api/forwarded-calls',
    server.seed.complianceOfficer.token,
  );
  return (forwarded.json.items as Array<{ callId: string }>).find((c) => c.callId === callId);
}

/** Every recording of a server with the Call-ID in its metadata. */
async function recordingsWithCallId(server: TestServer, callId: string): Promise<string[]> {
  const { json } = await api(server, 'GET', '/api/recordings');
  const found: string[] = [];
  for (const item of (json.items ?? []) as Array<{ id: string }>) {
    const meta = await api(server, 'GET', `/v1/convergedRecordings/${item.id}/metadata`);
    if (meta.json.serviceData?.callId === callId) found.push(item.id);
  }
  return found;
}

/** SIPp's SIPREC call (Alice and Bob, 12 s of the conversation) against the first Callvault. */
async function sippCall(callId: string, row: number) {
  const ids = fs.readFileSync(path.join(sippFixtures, 'siprec_ids.csv'), 'utf8').split('\n');
  const inf = path.join(workDir, `ids-${row}.csv`);
  fs.writeFileSync(inf, `SEQUENTIAL\n${ids[row]}\n`);
  return runSipp({
    target: `${here.sip!.host}:${here.sip!.port}`,
    transport: 'udp',
    timeoutMs: 60_000,
    args: [
      ...['-sf', 'siprec_uac.xml', '-inf', inf, '-s', 'srs', '-cid_str', callId],
      ...['-mi', '127.0.0.1', '-mp', String(await findFreePort())],
      ...['-m', '1', '-d', '12000', '-timeout', '40s', '-timeout_error'],
    ],
  });
}

/** Polls a server's GET /api/sessions until `done` holds or the time is up. */
async function sessionsOf(
  server: TestServer,
  done: (items: any[]) => boolean,
  timeoutMs = 8_000,
): Promise<any[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { json } = await api(server, 'GET', '/api/sessions');
    const items = (json.items ?? []) as any[];
    if (done(items) || Date.now() > deadline) return items;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Correlation of each channel of a recording with what Alice and Bob said. */
function channelCorrelations(file: string): { alice: number; bob: number } {
  const alice = decode(path.join(sippFixtures, 'audio/conv_alice_8k.wav'));
  const bob = decode(path.join(sippFixtures, 'audio/conv_bob_8k.wav'));
  return { alice: correlate(decode(file, 0), alice), bob: correlate(decode(file, 1), bob) };
}

/** A one-stream SIPREC body for `aor`, sendonly or inactive (on hold). */
function siprecBody(boundary: string, aor: string, direction: string, version: number): string {
  const sdp = [
    'v=0',
    `o=SRC 1 ${version} IN IP4 127.0.0.1`,
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    'm=audio 40000 RTP/AVP 0',
    'a=rtpmap:0 PCMU/8000',
    'a=label:1',
    `a=${direction}`,
    '',
  ].join('\r\n');
  const metadata = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<recording xmlns="urn:ietf:params:xml:ns:recording:1">',
    '<datamode>complete</datamode>',
    '<session session_id="c2Vzc2lvbjE="></session>',
    `<participant participant_id="cGFydDE="><nameID aor="${aor}"/></participant>`,
    '<stream stream_id="c3RyZWFtMQ==" session_id="c2Vzc2lvbjE="><label>1</label></stream>',
    '</recording>',
  ].join('\r\n');
  return [
    `--${boundary}`,
    'Content-Type: application/sdp',
    '',
    sdp,
    `--${boundary}`,
    'Content-Type: application/rs-metadata+xml',
    'Content-Disposition: recording-session',
    '',
    metadata,
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

describe.skipIf(missing !== null)('forwarding to an external recorder (a second Callvault)', () => {
  let secondId = '';
  beforeAll(async () => {
    const env = { CALLVAULT_TRANSCRIBER: 'none' };
    // Both run from this process: the second takes RTP ports beside the first's default range
    // (40000 + pid % 100 * 200), in the 20000s where no other suite's default falls.
    const base = 20000 + (process.pid % 100) * 200;
    [here, vendor] = await Promise.all([
      startServer({ sip: true, extraEnv: env }),
      startServer({ sip: { rtpPorts: { min: base, max: base + 199 } }, extraEnv: env }),
    ]);
    secondId = await registerVendor('Callvault B', sipUriOf(vendor));
  }, 180_000);
  afterAll(async () => {
    if (process.env.CV_E2E_LOGS) {
      fs.writeFileSync(`${process.env.CV_E2E_LOGS}.here`, here?.logs() ?? '');
      fs.writeFileSync(`${process.env.CV_E2E_LOGS}.vendor`, vendor?.logs() ?? '');
    }
    await Promise.all([here?.stop(), vendor?.stop()]);
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it("a Stockholm person's call is recorded by the second Callvault, with Alice matched there, and not stored here", async () => {
    await chooseVendor('Stockholm', secondId);
    const callId = `cv-fwd-${crypto.randomUUID()}@127.0.0.1`;
    const call = sippCall(callId, 1);

    // While it runs: the second Callvault has the forwarded session, owned by its own Alice.
    const there = await sessionsOf(vendor, (items) => items.some((s) => s.state === 'active'));
    const alice = vendor.seed.people.find((p) => p.email === 'alice@example.com')!;
    expect(there).toHaveLength(1);
    expect(there[0]).toMatchObject({
      ownership: 'owned',
      owners: [{ type: 'person', id: alice.id, matchedBy: 'sip-address' }],
    });
    expect(there[0].parties.map((p: any) => p.aor)).toEqual([
      'sip:alice@example.com',
      'sip:bob@example.net',
    ]);
    expect(there[0].streams.map((s: any) => s.codec)).toEqual(['PCMU', 'PCMU']);

    const run = await call;
    expect(run.code, `${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`).toBe(0);

    // The second Callvault's recording (under its own leg's Call-ID) holds what each party said.
    expect(await sessionsOf(vendor, (items) => items.length === 0)).toEqual([]);
    let listed: Array<{ id: string }> = [];
    for (let i = 0; i < 200 && listed.length === 0; i++) {
      listed = (await api(vendor, 'GET', '/api/recordings')).json.items ?? [];
      if (listed.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(listed).toHaveLength(1);
    const meta = await api(vendor, 'GET', `/v1/convergedRecordings/${listed[0]!.id}/metadata`);
    expect(meta.json.serviceData.callId).not.toBe(callId);
    const recorded = await recordingOf(vendor, workDir, meta.json.serviceData.callId);
    const { alice: a, bob: b } = channelCorrelations(recorded.file);
    expect(a).toBeGreaterThanOrEqual(0.9);
    expect(b).toBeGreaterThanOrEqual(0.9);

    // Nothing of it is stored here; the forwarded-calls catalogue names the vendor and the outcome.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await recordingsWithCallId(here, callId)).toEqual([]);
    expect(await forwardedCall(here, callId)).toMatchObject({
      kind: 'forwarded',
      vendor: { name: 'Callvault B' },
      outcome: 'completed',
      recordedHere: false,
      owners: [
        { type: 'person', id: here.seed.people.find((p) => p.email === 'alice@example.com')?.id },
      ],
    });
  }, 120_000);

  it("a Göteborg person's call is recorded here", async () => {
    const boundary = 'fwd-boundary';
    const callId = `cv-local-${crypto.randomUUID()}`;
    const dialog = await srcDialog(here, callId, boundary);
    try {
      const final = await dialog.transact(
        'INVITE',
        siprecBody(boundary, 'sip:carol@example.com', 'sendonly', 1),
      );
      expect(final.status).toBe(200);
      const [port] = answeredPorts(final);
      const tone = await toneSender('127.0.0.1', 440, crypto.randomBytes(4).readUInt32BE(0));
      try {
        await tone.send({ toPort: port!, until: Date.now() + 1500, codecAt: () => 'PCMU' });
      } finally {
        tone.close();
      }
      expect((await dialog.transact('BYE')).status).toBe(200);
    } finally {
      dialog.close();
    }
    const recorded = await recordingOf(here, workDir, callId);
    expect(recorded.metadata.serviceData.callId).toBe(callId);
  }, 60_000);

  it('hold and unhold on the call are mirrored to the second Callvault', async () => {
    await chooseVendor('Stockholm', secondId);
    const boundary = 'hold-boundary';
    const callId = `cv-hold-${crypto.randomUUID()}`;
    const dialog = await srcDialog(here, callId, boundary);
    const held = (items: any[], onHold: boolean) =>
      items.length === 1 && items[0].state === 'active' && items[0].onHold === onHold;
    try {
      const aor = 'sip:alice@example.com';
      expect(
        (await dialog.transact('INVITE', siprecBody(boundary, aor, 'sendonly', 1))).status,
      ).toBe(200);
      expect(held(await sessionsOf(vendor, (items) => held(items, false)), false)).toBe(true);

      expect(
        (await dialog.transact('INVITE', siprecBody(boundary, aor, 'inactive', 2))).status,
      ).toBe(200);
      expect(held(await sessionsOf(vendor, (items) => held(items, true)), true)).toBe(true);

      expect(
        (await dialog.transact('INVITE', siprecBody(boundary, aor, 'sendonly', 3))).status,
      ).toBe(200);
      expect(held(await sessionsOf(vendor, (items) => held(items, false)), false)).toBe(true);

      expect((await dialog.transact('BYE')).status).toBe(200);
      expect(await sessionsOf(vendor, (items) => items.length === 0)).toEqual([]);
    } finally {
      dialog.close();
    }
  }, 60_000);

  it('over TLS when the vendor is registered so: the forwarded session reaches the second Callvault on its TLS port', async () => {
    const tlsVendor = await registerVendor(
      'Callvault B over TLS',
      `sip:siprec@${vendor.sip!.host}:${vendor.sip!.tlsPort};transport=tls`,
    );
    await chooseVendor('Stockholm', tlsVendor);
    const boundary = 'tls-boundary';
    const dialog = await srcDialog(here, `cv-tls-${crypto.randomUUID()}`, boundary);
    try {
      const final = await dialog.transact(
        'INVITE',
        siprecBody(boundary, 'sip:alice@example.com', 'sendonly', 1),
      );
      expect(final.status).toBe(200);
      const there = await sessionsOf(vendor, (items) => items.some((s) => s.state === 'active'));
      expect(there).toHaveLength(1);
      expect(there[0].source).toMatch(/^tls:127\.0\.0\.1:\d+$/);
      expect((await dialog.transact('BYE')).status).toBe(200);
      expect(await sessionsOf(vendor, (items) => items.length === 0)).toEqual([]);
    } finally {
      dialog.close();
    }
  }, 60_000);

  it('digest: a vendor whose trunk requires credentials gets the INVITE again with the registered ones, and only with the right password', async () => {
    // The second Callvault's trunk now challenges (RFC 3261 §22.4).
    const trunk = await apiRequest(
      vendor.url,
      'PUT',
      `/api/recording-trunks/${vendor.seed.trunk.id}`,
      vendor.seed.admin.token,
      { digest: { username: 'callvault-a', realm: 'vendor-b.example', password: 'correct horse' } },
    );
    expect(trunk.status, JSON.stringify(trunk.json)).toBe(200);
    const register = (name: string, password: string) =>
      api(here, 'POST', '/api/recording-vendors', {
        name,
        sipUri: sipUriOf(vendor),
        digest: { username: 'callvault-a', realm: 'vendor-b.example', password },
      });
    const good = await register('Callvault B with digest', 'correct horse');
    const bad = await register('Callvault B, wrong password', 'wrong horse');
    expect([good.status, bad.status]).toEqual([200, 200]);
    try {
      const call = async (vendorId: string) => {
        await chooseVendor('Stockholm', vendorId);
        const boundary = 'digest-boundary';
        const dialog = await srcDialog(here, `cv-digest-${crypto.randomUUID()}`, boundary);
        try {
          const final = await dialog.transact(
            'INVITE',
            siprecBody(boundary, 'sip:alice@example.com', 'sendonly', 1),
          );
          const there = await sessionsOf(vendor, (items) => items.length > 0, 2_000);
          if (final.status === 200) expect((await dialog.transact('BYE')).status).toBe(200);
          await sessionsOf(vendor, (items) => items.length === 0);
          return { status: final.status, forwarded: there.length };
        } finally {
          dialog.close();
        }
      };
      expect(await call(good.json.id as string)).toEqual({ status: 200, forwarded: 1 });
      // The wrong password: the vendor refuses, and the call is recorded here instead.
      expect(await call(bad.json.id as string)).toEqual({ status: 200, forwarded: 0 });
      expect(here.logs()).toMatch(/forwarding to Callvault B, wrong password failed/);
    } finally {
      await apiRequest(
        vendor.url,
        'PUT',
        `/api/recording-trunks/${vendor.seed.trunk.id}`,
        vendor.seed.admin.token,
        { digest: null },
      );
    }
  }, 60_000);

  it('a vendor answering 503: the forward fails with the 503 and the call is recorded here', async () => {
    const uasPort = await findFreePort();
    const uas = runSipp({
      transport: 'udp',
      localPort: uasPort,
      timeoutMs: 60_000,
      // SIPp's own -timeout ends it even when this test stops before its call came.
      args: ['-sf', 'vendor_uas_503.xml', '-m', '1', '-timeout', '60s'],
    });
    const failing = await registerVendor('Failing Recorder', `sip:siprec@127.0.0.1:${uasPort}`);
    await chooseVendor('Stockholm', failing);
    const callId = `cv-fwd503-${crypto.randomUUID()}@127.0.0.1`;
    const call = sippCall(callId, 2);

    const live = await sessionsOf(here, (items) => items.some((s) => s.state === 'active'));
    expect(live).toHaveLength(1);
    const alice = here.seed.people.find((p) => p.email === 'alice@example.com')!;
    expect(live[0]).toMatchObject({
      ownership: 'owned',
      owners: [{ type: 'person', id: alice.id }],
      // The failure is reported as the built-in recorder's are: failed, with the owners'
      // failure behaviour for the call system.
      recordingState: 'failed',
      failure: {
        reason: 'vendor-rejected',
        failureBehavior: 'PROCEED_WITH_CALL_NO_ANNOUNCEMENT',
      },
      forward: {
        vendorName: 'Failing Recorder',
        state: 'failed',
        failure: { code: 'vendor-rejected', status: 503 },
        recordedHere: true,
      },
    });

    const run = await call;
    expect(run.code, `${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`).toBe(0);
    expect((await uas).code).toBe(0);
    const recorded = await recordingOf(here, workDir, callId);
    const { alice: a, bob: b } = channelCorrelations(recorded.file);
    expect(a).toBeGreaterThanOrEqual(0.9);
    expect(b).toBeGreaterThanOrEqual(0.9);
    expect(here.logs()).toMatch(/forwarding to Failing Recorder failed/);
    // The forwarded-calls catalogue keeps the failed forward, for compliance officers.
    expect(await forwardedCall(here, callId)).toMatchObject({
      kind: 'forwarded',
      vendor: { name: 'Failing Recorder' },
      outcome: 'failed',
      failure: { code: 'vendor-rejected', status: 503 },
      recordedHere: true,
    });
    expect(here.logs()).toMatch(/the vendor answered 503 Service Unavailable/);
  }, 120_000);
});
