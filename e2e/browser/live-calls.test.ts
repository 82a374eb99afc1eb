// Journey: the recording indicator in User Hub (SPEC §4). SIPp signals a SIPREC call
// whose recorded party is bob (On Demand with User Initiated Start in the demo seed) while this
// test sends both streams' RTP; bob sees the call as "Not recording", starts it from the console,
// sees "Recording"; a pause made elsewhere (the call-control API) turns the indicator to "Paused"
// without a reload (server-sent events); when the call ends it leaves the list.
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import { findSipp, startControlsCall } from '../sip/sipp.js';
import { launchBrowser, openConsole, saveScreenshot, signIn, waitForPath } from './browser.js';

const ci = process.env.CI === 'true';
const missing = findSipp() ? null : 'sipp (Debian package sip-tester) is not installed';
if (missing && ci) throw new Error(`CI: ${missing}; the live-calls browser journey may not skip`);
if (missing) console.warn(`live-calls browser journey NOT run: ${missing} (it is required in CI)`);

/** How long the call stays up before SIPp sends its BYE. */
const CALL_MS = 20_000;

let server: TestServer;
let browser: Browser;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-live-calls-'));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

const api = (method: string, url: string, token: string, body?: unknown) =>
  apiRequest(server.url, method, url, token, body);

/** 20 ms RTP packets of a µ-law tone on both answered ports until stopped. */
function sendMedia(ports: readonly number[]): () => void {
  const socket = dgram.createSocket('udp4');
  const payload = Buffer.alloc(160);
  for (let i = 0; i < 160; i++) payload[i] = i % 8 < 4 ? 0x20 : 0xa0;
  let seq = 0;
  const timer = setInterval(() => {
    const packet = Buffer.alloc(12 + payload.length);
    packet[0] = 0x80;
    packet[1] = seq === 0 ? 0x80 : 0;
    packet.writeUInt16BE(seq & 0xffff, 2);
    packet.writeUInt32BE((seq * 160) >>> 0, 4);
    payload.copy(packet, 12);
    ports.forEach((port, i) => {
      packet.writeUInt32BE(0x1000 + i, 8);
      socket.send(packet, port, '127.0.0.1');
    });
    seq++;
  }, 20);
  return () => {
    clearInterval(timer);
    socket.close();
  };
}

/**
 * A SIPREC call recording `ownerEmail`; resolves once it is active, with its Call-ID. A 503 (the
 * recorder refuses new calls while its event loop lags, e.g. right after start on a busy machine)
 * is retried after its Retry-After, as an SBC would.
 */
async function placeCall(ownerEmail: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await placeCallOnce(ownerEmail, attempt);
    } catch (error) {
      if (attempt >= 4 || !String(error).includes('503 Service Unavailable')) throw error;
      await sleep(5_000);
    }
  }
}

async function placeCallOnce(ownerEmail: string, attempt: number) {
  const call = await startControlsCall({
    sip: server.sip!,
    sessions: async () => (await api('GET', '/api/sessions', server.seed.admin.token)).json,
    ownerEmail,
    callId: `cv-e2e-browser-live-${process.pid}-${attempt}@127.0.0.1`,
    durationMs: CALL_MS,
    workDir,
  });
  const stop = sendMedia([call.ports.owner, call.ports.other]);
  return {
    callId: call.callId,
    ended: call.ended.finally(stop),
  };
}

describe.skipIf(missing !== null)('User Hub: calls being recorded', () => {
  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startServer({ sip: true, extraEnv: { CALLVAULT_TRANSCRIBER: 'none' } }),
      launchBrowser(),
    ]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('bob starts his On Demand call from the console; a pause elsewhere shows at once; the ended call leaves', async () => {
    const bob = server.seed.people.find((p) => p.email === 'bob@example.com')!;
    const { context, page } = await openConsole(browser, server.url);
    try {
      await signIn(page, bob.email, bob.password);
      await waitForPath(page, '/user-hub');
      const calls = page.getByTestId('live-calls');
      await calls.getByText('None of your calls is being recorded right now.').waitFor();

      const call = await placeCall(bob.email);
      // The event stream brings the call in: no reload.
      const row = page.locator(`[data-testid="live-call"][data-call-id="${call.callId}"]`);
      await row.waitFor();
      const indicator = row.getByTestId('recording-indicator');
      expect(await indicator.textContent()).toBe('Not recording');
      expect(await row.getByRole('button').allInnerTexts()).toEqual(['Start recording']);

      await row.getByRole('button', { name: 'Start recording' }).click();
      await row
        .getByTestId('recording-indicator')
        .filter({ hasText: /^Recording$/ })
        .waitFor();
      expect(await row.getByRole('button').allInnerTexts()).toEqual(['Pause', 'Stop recording']);
      await saveScreenshot(page, 'user-hub-live-call-recording');

      // Paused through the API (as a phone's softkey would): the indicator follows by itself.
      const paused = await api('POST', '/v1/telephony/calls/pauseRecording', bob.token, {
        callId: call.callId,
      });
      expect(paused.status).toBe(204);
      await row.getByTestId('recording-indicator').filter({ hasText: 'Paused' }).waitFor();
      expect(await row.getByRole('button').allInnerTexts()).toEqual(['Resume', 'Stop recording']);

      // A control the state does not allow is refused by the server, and nothing changes.
      const again = await api('POST', '/v1/telephony/calls/pauseRecording', bob.token, {
        callId: call.callId,
      });
      expect(again.status).toBe(400);
      expect(await indicator.textContent()).toBe('Paused');

      const ended = await call.ended;
      expect(ended.code, ended.output.slice(-2000)).toBe(0);
      await calls.getByText('None of your calls is being recorded right now.').waitFor();
    } finally {
      await context.close();
    }
  }, 150_000);
});
