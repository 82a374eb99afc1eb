// Fault: the journal's disk fills in the middle of a live SIPREC call (a 16 MiB tmpfs mounted as
// the journal folder, filled to the last byte 5 s into the call). Callvault must report it, not
// lose it silently: the failure is listed (GET /api/sessions `failures`) and counted
// (callvault_capture_failures_total{reason="disk-full"}), /api/health is degraded with the bytes
// free, the next INVITE is answered 503 with Retry-After; once space is freed, what was captured
// before the disk filled is stored without a restart, and a new call is recorded whole.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.js';
import {
  audioSeconds,
  captureFailuresOf,
  health,
  metricValue,
  placeCall,
  recordingOf,
  sippOutput,
  sleep,
  waitFor,
  waitForActive,
} from './crash-siprec.js';
import { mountTmpfs, type Tmpfs } from './disk-tmpfs.js';
import { requiredInCi, sippProblem, tmpfsProblem } from './prerequisites.js';

const missing = requiredInCi('journal disk fault scenario', sippProblem(), tmpfsProblem());
const MIB = 1024 * 1024;

describe.skipIf(missing !== null)('the journal disk fills during a live call', () => {
  let server: TestServer;
  let journal: Tmpfs | null = null;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-fault-journal-'));

  beforeAll(async () => {
    server = await startServer({
      sip: true,
      extraEnv: { CALLVAULT_TRANSCRIBER: 'none', CALLVAULT_MIN_FREE_BYTES: '4MiB' },
      prepareDataDir: (dataDir) => {
        journal = mountTmpfs(path.join(dataDir, 'journal'), 16 * MIB);
      },
    });
  });
  afterAll(async () => {
    journal?.unmount();
    await server?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('is reported, refuses new calls, and stores what was captured once space is freed', async () => {
    const sip = server.sip!;
    const callId = `cv-fault-journal-${process.pid}@127.0.0.1`;
    const before = await health(server);
    expect(before.json.checks['disk']?.status, JSON.stringify(before.json)).toBe('ok');

    const call = placeCall({ sip, workDir, callId, row: 1, durationMs: 12_000 });
    const startedAt = await waitForActive(server, callId);
    await sleep(5_000);
    journal!.fill();
    const filledAt = Date.now();
    const run = await call;
    // The SRC saw an ordinary call: answered, its BYE answered 200.
    expect(run.code, sippOutput(run)).toBe(0);

    // Listed and counted, though the journal's disk took no more than the audio up to the fill.
    const failures = await waitFor(async () => {
      const found = await captureFailuresOf(server, callId);
      return found.length > 0 ? found : null;
    }, 10_000);
    expect(failures).toMatchObject([{ reason: 'disk-full' }]);
    expect(failures![0]!.detail).toMatch(/ENOSPC|no space/i);
    expect(await metricValue(server, 'callvault_capture_failures_total{reason="disk-full"}')).toBe(
      1,
    );
    const degraded = await health(server);
    expect(degraded.status).toBe(200);
    expect(degraded.json.status).toBe('degraded');
    expect(degraded.json.checks['disk']).toMatchObject({ status: 'degraded' });
    expect(degraded.json.checks['disk']!.detail).toMatch(/journal: \d+ bytes free/);
    const journalFree = await metricValue(
      server,
      `callvault_disk_free_bytes{path="${path.join(server.dataDir, 'journal')}"}`,
    );
    expect(journalFree).not.toBeNull();
    expect(journalFree!).toBeLessThan(4 * MIB);

    // The next call is refused so the SBC records elsewhere.
    const refused = await placeCall({
      sip,
      workDir,
      callId: `cv-fault-journal-refused-${process.pid}@127.0.0.1`,
      row: 2,
      kind: 'refused',
    });
    expect(refused.code, sippOutput(refused)).toBe(0);
    expect(refused.stdout + refused.stderr).not.toContain('Aborting call');
    // Nothing stored yet: finalize waits for space rather than failing the journal.
    expect(await recordingOf(server, callId)).toBeNull();

    journal!.free();
    const recordingId = await waitFor(() => recordingOf(server, callId), 30_000, 500);
    expect(recordingId, 'the captured audio was not stored after space was freed').not.toBeNull();
    // What was captured: the audio up to the fill (the last flush interval may be lost).
    const seconds = await audioSeconds(server, recordingId!, workDir);
    const sent = (filledAt - startedAt) / 1000;
    console.log(
      `stored ${seconds.toFixed(2)} s of audio, ${sent.toFixed(2)} s sent before the fill`,
    );
    // At most the last flush interval (500 ms) lost; up to about half a second more kept, as
    // the journal files' last tmpfs pages still take appends after the filler took the rest.
    expect(seconds).toBeGreaterThan(sent - 1);
    expect(seconds).toBeLessThan(sent + 1.5);
    expect(await captureFailuresOf(server, callId)).toMatchObject([
      { reason: 'disk-full', recordingIds: [recordingId] },
    ]);
    expect(await metricValue(server, 'callvault_capture_failures_total{reason="disk-full"}')).toBe(
      1,
    );
    const healthy = await waitFor(async () => {
      const h = await health(server);
      return h.json.checks['disk']?.status === 'ok' ? h : null;
    }, 10_000);
    expect(healthy).not.toBeNull();

    // Space is back: a new call is taken and recorded whole.
    const nextId = `cv-fault-journal-next-${process.pid}@127.0.0.1`;
    const next = await placeCall({ sip, workDir, callId: nextId, row: 3, durationMs: 6_000 });
    expect(next.code, sippOutput(next)).toBe(0);
    const nextRecording = await waitFor(() => recordingOf(server, nextId), 15_000, 500);
    expect(nextRecording).not.toBeNull();
    expect(Math.abs((await audioSeconds(server, nextRecording!, workDir)) - 6)).toBeLessThan(1);
    expect(await captureFailuresOf(server, nextId)).toEqual([]);
  }, 180_000);
});
