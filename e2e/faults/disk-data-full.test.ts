// Fault: the whole data dir (SQLite database when the suite runs on SQLite, blob store, journal)
// is on a 96 MiB tmpfs that fills 5 s into a live SIPREC call. Reads keep answering 200 (a token
// used for the first time while the disk is full included: its last-use time cannot be written),
// writes (and reads that must be audited, on SQLite) answer 507 INSUFFICIENT_STORAGE, /api/health
// is degraded; once space is freed the ended call's audio up to the fill is stored and its
// failure listed, without a restart.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest } from '../support/api.js';
import { startServer, testDialect, type TestServer } from '../support/server.js';
import {
  audioSeconds,
  captureFailuresOf,
  health,
  placeCall,
  recordingOf,
  sippOutput,
  sleep,
  waitFor,
  waitForActive,
} from './crash-siprec.js';
import { mountTmpfs, type Tmpfs } from './disk-tmpfs.js';
import { requiredInCi, sippProblem, tmpfsProblem } from './prerequisites.js';

const missing = requiredInCi('data dir fault scenario', sippProblem(), tmpfsProblem());
const MIB = 1024 * 1024;

describe.skipIf(missing !== null)(`the data dir fills during a live call (${testDialect})`, () => {
  let server: TestServer;
  let data: Tmpfs | null = null;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-fault-data-'));

  beforeAll(async () => {
    server = await startServer({
      sip: true,
      extraEnv: { CALLVAULT_TRANSCRIBER: 'none', CALLVAULT_MIN_FREE_BYTES: '16MiB' },
      prepareDataDir: (dataDir) => {
        data = mountTmpfs(dataDir, 96 * MIB);
      },
    });
  });
  afterAll(async () => {
    data?.unmount();
    await server?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  const get = (url: string, token = server.seed.admin.token) =>
    apiRequest(server.url, 'GET', url, token);

  it('keeps answering reads, refuses writes with 507, and finalizes the call when space returns', async () => {
    const sip = server.sip!;
    const callId = `cv-fault-data-${process.pid}@127.0.0.1`;
    // A token not used yet: its first use comes while the disk is full.
    const created = await apiRequest(server.url, 'POST', '/api/tokens', server.seed.admin.token, {
      name: 'used first on a full disk',
    });
    expect(created.status).toBe(200);
    const freshToken = created.json.token as string;

    const call = placeCall({ sip, workDir, callId, row: 11, durationMs: 12_000 });
    const startedAt = await waitForActive(server, callId);
    await sleep(5_000);
    data!.fill();
    const filledAt = Date.now();
    await sleep(1_000);

    // While full, the call still up: reads answer.
    const live = await get('/api/sessions');
    expect(live.status).toBe(200);
    expect(live.json.items.map((s: { callId: string }) => s.callId)).toContain(callId);
    // Listing recordings is audited in the same transaction: on SQLite (its file is in the full
    // data dir) the audit cannot be written, and recordings are not shown unaudited: a clear 507.
    for (const token of [server.seed.admin.token, freshToken]) {
      const list = await get('/api/recordings', token);
      if (testDialect === 'sqlite') {
        expect(list.status, JSON.stringify(list.json)).toBe(507);
        expect(list.json.errors[0].code).toBe('INSUFFICIENT_STORAGE');
      } else {
        expect(list.status, JSON.stringify(list.json)).toBe(200);
      }
    }
    expect((await get('/v1/people', freshToken)).status).toBe(200);
    const degraded = await health(server);
    expect(degraded.status).toBe(200);
    expect(degraded.json.checks['disk']).toMatchObject({ status: 'degraded' });
    expect(degraded.json.checks['disk']!.detail).toContain(`${server.dataDir}: `);

    const run = await call;
    expect(run.code, sippOutput(run)).toBe(0);

    // Ended, disk still full: reads answer; a write the database cannot take is a clear 507.
    expect((await get('/api/sessions')).status).toBe(200);
    expect((await get('/v1/people')).status).toBe(200);
    if (testDialect === 'sqlite') {
      const write = await apiRequest(server.url, 'POST', '/api/tokens', freshToken, {
        name: 'refused',
      });
      expect(write.status).toBe(507);
      expect(write.json.errors[0].code).toBe('INSUFFICIENT_STORAGE');
    }
    data!.free();
    const recordingId = await waitFor(() => recordingOf(server, callId), 40_000, 500);
    expect(
      recordingId,
      `not stored after space was freed:\n${server.logs().slice(-4000)}`,
    ).not.toBeNull();
    const seconds = await audioSeconds(server, recordingId!, workDir);
    const sent = (filledAt - startedAt) / 1000;
    console.log(
      `stored ${seconds.toFixed(2)} s of audio, ${sent.toFixed(2)} s sent before the fill`,
    );
    expect(Math.abs(seconds - sent)).toBeLessThan(1);
    expect(await captureFailuresOf(server, callId)).toMatchObject([
      { reason: 'disk-full', recordingIds: [recordingId] },
    ]);
    const healthy = await waitFor(async () => {
      const h = await health(server);
      return h.json.status === 'ok' ? h : null;
    }, 10_000);
    expect(healthy).not.toBeNull();
  }, 180_000);
});
