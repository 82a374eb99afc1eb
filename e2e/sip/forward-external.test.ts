// Forwarding decided by the recording policy, through `bin/callvault serve`: an external SIPREC
// recorder registered at /api/recording-vendors and chosen for the Göteborg location makes a call
// of a Göteborg person a forward decision. The recorder does not open the outbound leg, so it answers
// that call 403 with a Reason naming the recorder and stores nothing; a Stockholm person's call is
// recorded here as before.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { toneSender } from './rtp-tone.js';
import { answeredPorts, recordingOf, srcDialog } from './siprec-src.js';

let server: TestServer;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-forward-e2e-'));
const api = (method: string, url: string, body?: unknown) =>
  apiRequest(server.url, method, url, server.seed.admin.token, body);

beforeAll(async () => {
  server = await startServer({ sip: true, extraEnv: { CALLVAULT_TRANSCRIBER: 'none' } });
}, 120_000);
afterAll(async () => {
  await server?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

/** A SIPREC INVITE body naming one recorded participant, with one PCMU stream. */
function siprecBody(boundary: string, aor: string): string {
  const sdp = [
    'v=0',
    'o=SRC 1 1 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    'm=audio 40000 RTP/AVP 0',
    'a=rtpmap:0 PCMU/8000',
    'a=label:1',
    'a=sendonly',
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

/**
 * One SIPREC call for the participant, ended with BYE when answered. On a loaded machine the
 * recorder may answer 503 with Retry-After (event-loop delay over its limit); an SBC tries again
 * then, and so does this test.
 */
async function inviteFor(aor: string): Promise<{ status: number; reason: string; callId: string }> {
  const boundary = 'fwd-boundary';
  for (let attempt = 1; ; attempt++) {
    const callId = `fwd-${crypto.randomUUID()}`;
    const dialog = await srcDialog(server, callId, boundary);
    try {
      const final = await dialog.transact('INVITE', siprecBody(boundary, aor));
      if (final.status === 503 && attempt < 8) {
        const wait = Number(final.headers.get('retry-after') ?? '1');
        await new Promise((resolve) => setTimeout(resolve, wait * 1000));
        continue;
      }
      if (final.status === 200) {
        const [port] = answeredPorts(final);
        const tone = await toneSender('127.0.0.1', 440, crypto.randomBytes(4).readUInt32BE(0));
        try {
          await tone.send({ toPort: port!, until: Date.now() + 1500, codecAt: () => 'PCMU' });
        } finally {
          tone.close();
        }
        expect((await dialog.transact('BYE')).status).toBe(200);
      }
      return { status: final.status, reason: final.headers.get('reason') ?? '', callId };
    } finally {
      dialog.close();
    }
  }
}

describe('forwarding to an external recorder, as the policy decides it', () => {
  it("a Göteborg person's call is refused 403 naming the location's external recorder; a Stockholm person's is recorded", async () => {
    const goteborg = server.seed.locations.find((l) => l.name === 'Göteborg')?.id ?? '';
    const vendor = await api('POST', '/api/recording-vendors', {
      name: 'Partner Recorder',
      sipUri: 'sip:siprec@127.0.0.1:5999',
    });
    expect(vendor.status).toBe(200);
    const chosen = await api(
      'PUT',
      `/v1/telephony/config/locations/${goteborg}/callRecording/vendor`,
      { useOrgVendorId: false, vendorId: vendor.json.id },
    );
    expect(chosen.status).toBeLessThan(300);

    const carol = await inviteFor('sip:carol@example.com');
    expect(carol.status).toBe(403);
    expect(carol.reason).toContain(
      'recording is handled by the external recorder Partner Recorder',
    );
    const alice = await inviteFor('sip:alice@example.com');
    expect(alice.status).toBe(200);
    const recorded = await recordingOf(server, workDir, alice.callId);
    expect(recorded.metadata.serviceData.callId).toBe(alice.callId);
    const { json } = await api('GET', '/api/recordings');
    const callIds: string[] = [];
    for (const item of (json.items ?? []) as Array<{ id: string }>) {
      const meta = await api('GET', `/v1/convergedRecordings/${item.id}/metadata`);
      callIds.push(meta.json.serviceData?.callId as string);
    }
    expect(callIds).toContain(alice.callId);
    expect(callIds).not.toContain(carol.callId);
  }, 120_000);
});
