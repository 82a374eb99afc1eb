// Drain: `serve` gets SIGTERM while a SIPREC call is live (a recorder taken out of service). It
// stops taking sessions — a new INVITE and an out-of-dialog OPTIONS (a dispatcher's probe) get 503
// with Retry-After, /api/health says `draining` with 503 — while the live call records on until
// its SRC ends it with BYE; then the process exits 0 by itself and the recording is the whole
// call (`endReason: bye`). A second SIGTERM during a drain ends a live call at once as a
// recording (BYE to the SRC, `endReason: shutdown`).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import {
  audioSeconds,
  health,
  placeCall,
  recordingOf,
  sippOutput,
  sleep,
  waitFor,
  waitForActive,
} from './crash-siprec.js';
import { sendInvite, sendOptions } from './database-sip-probe.js';
import { requiredInCi, sippProblem } from './prerequisites.js';

const missing = requiredInCi('drain scenario', sippProblem());

/** The call's length as SIPp plays it: media from the ACK, BYE after this pause. */
const CALL_MS = 14_000;

async function endReasonOf(server: TestServer, recordingId: string): Promise<unknown> {
  const meta = await apiRequest(
    server.url,
    'GET',
    `/v1/convergedRecordings/${recordingId}/metadata`,
    server.seed.admin.token,
  );
  return meta.json.endReason;
}

describe.skipIf(missing !== null)('serve drains on SIGTERM', () => {
  let server: TestServer;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-fault-drain-'));

  beforeAll(async () => {
    server = await startServer({
      sip: true,
      extraEnv: { CALLVAULT_TRANSCRIBER: 'none', CALLVAULT_DRAIN_TIMEOUT: '600' },
    });
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('refuses new sessions and OPTIONS with 503, says draining, records the live call to its BYE, then exits 0', async () => {
    const callId = `cv-fault-drain-41-${process.pid}@127.0.0.1`;
    const run = placeCall({ sip: server.sip!, workDir, callId, row: 41, durationMs: CALL_MS });
    const started = await waitForActive(server, callId);
    expect((await sendOptions(server.sip!)).status).toBe(200);
    expect((await health(server)).json.checks.drain).toEqual({
      status: 'ok',
      detail: 'taking new SIPREC sessions',
    });
    await sleep(3_000);
    const draining = server.process;
    const exit = new Promise<number | null>((resolve) => draining.once('exit', resolve));
    draining.kill('SIGTERM');
    const termAt = Date.now();

    const report = await waitFor(async () => {
      const h = await health(server);
      return h.json.status === 'draining' ? h : null;
    }, 5_000);
    expect(report?.status).toBe(503);
    expect(report?.json.checks.drain?.status).toBe('draining');
    expect(report?.json.checks.drain?.detail).toMatch(/1 live call\(s\) recording to their end/);
    const refused = await sendInvite(server.sip!);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers.reason).toContain('the recorder is draining');
    const probe = await sendOptions(server.sip!);
    expect(probe.status).toBe(503);
    expect(Number(probe.headers['retry-after'])).toBeGreaterThan(0);

    // The live call goes on to its own BYE, answered while draining; then the process exits 0.
    const call = await run;
    const byeAt = Date.now();
    expect(call.code, sippOutput(call)).toBe(0);
    // About 11 s of the call were left at the SIGTERM.
    expect(byeAt - termAt).toBeGreaterThan(8_000);
    expect(await exit).toBe(0);
    console.log(`drained: serve exited ${Date.now() - byeAt} ms after the call's BYE`);

    await server.restart();
    const recordingId = await waitFor(() => recordingOf(server, callId), 20_000, 300);
    expect(recordingId, `${callId} was not recorded`).not.toBeNull();
    const seconds = await audioSeconds(server, recordingId!, workDir);
    console.log(
      `${callId}: ${seconds.toFixed(2)} s recorded of a ${CALL_MS / 1000} s call (${((byeAt - started) / 1000).toFixed(2)} s active to BYE)`,
    );
    expect(Math.abs(seconds - CALL_MS / 1000)).toBeLessThan(0.5);
    expect(await endReasonOf(server, recordingId!)).toBe('bye');
  }, 120_000);

  it('a second SIGTERM ends the live call with BYE as a recording (endReason shutdown), then exits 0', async () => {
    // The restart's start-up work shows as event-loop delay, which refuses new sessions as media
    // overload until its 10 s window resets.
    await sleep(10_500);
    const callId = `cv-fault-drain-42-${process.pid}@127.0.0.1`;
    const run = placeCall({ sip: server.sip!, workDir, callId, row: 42, kind: 'awaitBye' });
    const started = await waitForActive(server, callId);
    await sleep(4_000);
    const stopping = server.process;
    const exit = new Promise<number | null>((resolve) => stopping.once('exit', resolve));
    stopping.kill('SIGTERM');
    await waitFor(
      async () => ((await health(server)).json.status === 'draining' ? true : null),
      5_000,
    );
    // Draining keeps the call: the process is still up two seconds later.
    await sleep(2_000);
    expect(server.alive()).toBe(true);
    stopping.kill('SIGTERM');
    const secondAt = Date.now();
    const call = await run;
    expect(call.code, sippOutput(call)).toBe(0);
    expect(await exit).toBe(0);
    expect(Date.now() - secondAt).toBeLessThan(15_000);

    await server.restart();
    const recordingId = await waitFor(() => recordingOf(server, callId), 20_000, 300);
    expect(recordingId, `${callId} was not recorded`).not.toBeNull();
    const seconds = await audioSeconds(server, recordingId!, workDir);
    const sent = (secondAt - started) / 1000;
    console.log(`${callId}: ${seconds.toFixed(2)} s recorded, ${sent.toFixed(2)} s sent`);
    expect(Math.abs(seconds - sent)).toBeLessThan(1);
    expect(await endReasonOf(server, recordingId!)).toBe('shutdown');
  }, 120_000);
});
