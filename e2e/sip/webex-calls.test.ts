// Webex's call-control API on a live SIPREC call (SPEC §9.1): SIPp signals a call to
// `bin/callvault serve` (fixtures/siprec_uac_controls.xml) whose recorded party is carol
// (Always with Pause/Resume) while this test sends both streams' RTP. While it runs,
// GET /v1/telephony/calls shows it to carol as a Webex Call object, GET /{callId} the same, and
// nobody else sees it; pauseRecording without a callId pauses it (carol's only call). After the
// BYE the list is empty again.
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { sippSuitePrerequisites, startControlsCall } from './sipp.js';

const missing = sippSuitePrerequisites('webex-calls e2e suite', { media: false });

let server: TestServer;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-webex-calls-'));

const api = (method: string, url: string, token: string, body?: unknown) =>
  apiRequest(server.url, method, url, token, body);

/** PCMU silence (0xff) on both streams every 20 ms until stopped, as a connected call sends. */
async function sendSilence(ports: { owner: number; other: number }) {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  let seq = 0;
  const packet = (ssrc: number) => {
    const out = Buffer.alloc(12 + 160, 0xff);
    out[0] = 0x80;
    out[1] = seq === 0 ? 0x80 : 0;
    out.writeUInt16BE(seq & 0xffff, 2);
    out.writeUInt32BE((seq * 160) >>> 0, 4);
    out.writeUInt32BE(ssrc, 8);
    return out;
  };
  const timer = setInterval(() => {
    socket.send(packet(0x1111), ports.owner, '127.0.0.1');
    socket.send(packet(0x2222), ports.other, '127.0.0.1');
    seq++;
  }, 20);
  return () => {
    clearInterval(timer);
    socket.close();
  };
}

describe.skipIf(missing !== null)('Webex call control on a live SIPREC call (SIPp)', () => {
  beforeAll(async () => {
    server = await startServer({ sip: true, extraEnv: { CALLVAULT_TRANSCRIBER: 'none' } });
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('the owner lists and reads the call as a Webex Call object, pauses it without a callId; nobody else sees it', async () => {
    const person = (email: string) => server.seed.people.find((p) => p.email === email)!;
    const carol = person('carol@example.com');
    const alice = person('alice@example.com');
    const callId = `cv-e2e-webex-calls-${process.pid}@127.0.0.1`;
    const call = await startControlsCall({
      sip: server.sip!,
      sessions: async () => (await api('GET', '/api/sessions', server.seed.admin.token)).json,
      ownerEmail: 'carol@example.com',
      callId,
      durationMs: 6_000,
      workDir,
    });
    const stopMedia = await sendSilence(call.ports);
    try {
      const listed = await api('GET', '/v1/telephony/calls', carol.token);
      expect(listed.status).toBe(200);
      const items = listed.json.items as Array<Record<string, unknown>>;
      expect(items).toHaveLength(1);
      const item = items[0]!;
      expect(Object.keys(item).sort()).toEqual(
        [
          'id',
          'callSessionId',
          'personality',
          'state',
          'remoteParty',
          'created',
          'answered',
          'recordingState',
          'muteCapable',
          'muted',
          'allowedRecordingControls',
          'recordMode',
          'recordingControls',
          'failureReason',
        ].sort(),
      );
      expect(item).toMatchObject({
        id: callId,
        // The SRC lists the recorded party first and says no direction: she placed the call.
        personality: 'originator',
        state: 'connected',
        remoteParty: {
          name: 'PSTN Caller',
          number: '+15550100',
          privacyEnabled: false,
          callType: 'external',
        },
        recordingState: 'started',
        muteCapable: false,
        muted: false,
        allowedRecordingControls: 'pause',
        recordMode: 'Always with Pause/Resume',
      });
      expect(String(item['callSessionId'])).toContain(callId);

      const details = await api(
        'GET',
        `/v1/telephony/calls/${encodeURIComponent(callId)}`,
        carol.token,
      );
      expect(details.status).toBe(200);
      expect(details.json).toEqual(item);

      expect((await api('GET', '/v1/telephony/calls', alice.token)).json.items).toEqual([]);
      const foreign = await api(
        'GET',
        `/v1/telephony/calls/${encodeURIComponent(callId)}`,
        alice.token,
      );
      expect(foreign.status).toBe(404);
      expect(foreign.json.errors[0].errorCode).toBe(404001);

      // Carol's only call: no callId needed.
      expect(
        (await api('POST', '/v1/telephony/calls/pauseRecording', carol.token, {})).status,
      ).toBe(204);
      const paused = (await api('GET', '/v1/telephony/calls', carol.token)).json.items[0];
      expect(paused).toMatchObject({
        id: callId,
        recordingState: 'paused',
        allowedRecordingControls: 'resume',
      });
    } finally {
      const { code, output } = await call.ended;
      stopMedia();
      expect(code, output.slice(-3000)).toBe(0);
    }
    expect((await api('GET', '/v1/telephony/calls', carol.token)).json.items).toEqual([]);
    const none = await api('POST', '/v1/telephony/calls/resumeRecording', carol.token, {});
    expect(none.status).toBe(400);
    expect(none.json.errors[0].code).toBe('NO_ACTIVE_CALL');
  }, 60_000);
});
