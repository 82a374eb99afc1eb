// Fault: `serve` gets SIGTERM (an operator's stop, a rolling restart) while two SIPREC calls are
// live, with CALLVAULT_DRAIN_TIMEOUT=0: the drain times out at once (drain-sigterm.test.ts drains
// for real, and ends calls on a second SIGTERM). Shutdown ends each live session with a BYE to
// its SRC (and waits, briefly, for the 200), closes the journals and queues their finalize; the
// process then exits 0. The SRCs here wait for that BYE (SIPp fails the call without it). After
// the restart each call is a recording of the audio sent up to the SIGTERM, within about a second.
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

const missing = requiredInCi('SIGTERM fault scenario', sippProblem());

describe.skipIf(missing !== null)('serve gets SIGTERM during live calls', () => {
  let server: TestServer;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-fault-term-'));

  beforeAll(async () => {
    server = await startServer({
      sip: true,
      extraEnv: { CALLVAULT_TRANSCRIBER: 'none', CALLVAULT_DRAIN_TIMEOUT: '0' },
    });
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('tells each SRC with BYE, exits 0, and every live call becomes a recording', async () => {
    const calls = [31, 32].map((row) => {
      const callId = `cv-fault-term-${row}-${process.pid}@127.0.0.1`;
      return {
        callId,
        run: placeCall({ sip: server.sip!, workDir, callId, row, kind: 'awaitBye' }),
      };
    });
    const started = await Promise.all(calls.map((c) => waitForActive(server, c.callId)));
    await sleep(6_000);
    const stopping = server.process;
    const exit = new Promise<number | null>((resolve) => stopping.once('exit', resolve));
    stopping.kill('SIGTERM');
    const termAt = Date.now();
    // The SRCs got the BYE and answered it (their scenario fails without it).
    for (const call of calls) {
      const run = await call.run;
      expect(run.code, sippOutput(run)).toBe(0);
    }
    expect(await exit).toBe(0);
    const stoppedAfterMs = Date.now() - termAt;
    console.log(`serve exited ${stoppedAfterMs} ms after SIGTERM`);
    expect(stoppedAfterMs).toBeLessThan(15_000);

    await server.restart();
    for (const [i, call] of calls.entries()) {
      const recordingId = await waitFor(() => recordingOf(server, call.callId), 20_000, 300);
      expect(recordingId, `${call.callId} was not recorded`).not.toBeNull();
      const seconds = await audioSeconds(server, recordingId!, workDir);
      const sent = (termAt - started[i]!) / 1000;
      console.log(`${call.callId}: ${seconds.toFixed(2)} s recorded, ${sent.toFixed(2)} s sent`);
      expect(Math.abs(seconds - sent)).toBeLessThan(1);
    }
  }, 120_000);
});
