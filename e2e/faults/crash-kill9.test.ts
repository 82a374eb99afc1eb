// Fault: `serve` is killed with SIGKILL in the middle of a live SIPREC call and started again on
// the same data (and database). Nothing ran at the kill: the journal on disk is all there is.
// The recording is recovered at start with the audio sent before the kill, within about a
// second (the journal is flushed every 500 ms); the SRC's BYE, sent after the restart, is
// answered 481 (the dialog died with the process), so the call system learns the session was lost.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import {
  audioSeconds,
  placeCall,
  recordingOf,
  sippOutput,
  sleep,
  waitFor,
  waitForActive,
} from './crash-siprec.js';
import { requiredInCi, sippProblem } from './prerequisites.js';

const missing = requiredInCi('kill -9 fault scenario', sippProblem());

describe.skipIf(missing !== null)('serve is killed (SIGKILL) during a live call', () => {
  let server: TestServer;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-fault-kill-'));

  beforeAll(async () => {
    server = await startServer({ sip: true, extraEnv: { CALLVAULT_TRANSCRIBER: 'none' } });
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('recovers the recording of what was sent before the kill, to within a second', async () => {
    const callId = `cv-fault-kill-${process.pid}@127.0.0.1`;
    const call = placeCall({ sip: server.sip!, workDir, callId, row: 21, durationMs: 16_000 });
    const startedAt = await waitForActive(server, callId);
    await sleep(8_000);
    const killed = server.process;
    const exit = new Promise((resolve) => killed.once('exit', (_code, signal) => resolve(signal)));
    killed.kill('SIGKILL');
    const killedAt = Date.now();
    expect(await exit).toBe('SIGKILL');

    await server.restart();
    const recordingId = await waitFor(() => recordingOf(server, callId), 20_000, 300);
    expect(recordingId, 'no recording recovered after the restart').not.toBeNull();
    const seconds = await audioSeconds(server, recordingId!, workDir);
    const sent = (killedAt - startedAt) / 1000;
    console.log(
      `recovered ${seconds.toFixed(2)} s of audio, ${sent.toFixed(2)} s sent before the kill`,
    );
    expect(Math.abs(seconds - sent)).toBeLessThan(1);

    // The SRC's BYE reached the restarted process, which no longer knows the dialog.
    const run = await call;
    expect(run.code, sippOutput(run)).not.toBe(0);
    expect(sippOutput(run)).toMatch(/481/);
  }, 120_000);
});
