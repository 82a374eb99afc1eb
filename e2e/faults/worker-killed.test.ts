// Fault: the worker process is killed (`kill -9`) while it finalizes a call. `serve` runs split:
// one process with the recorder and the API, one with the worker role, on one data dir and
// database. SIPp's SIPREC client sends the 28 s conversation; the moment the finalize job is
// running, the worker is killed; a new worker is started. Then:
//   - the call system was told nothing unusual: INVITE and BYE answered 200 (SIPp exits 0);
//   - once the dead worker's lease runs out, the new worker finalizes the call again and the API
//     lists exactly one recording of the call's length, stored as one audio object (however far
//     the killed attempt had got), with no capture failure left.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRequest } from '../support/api.js';
import { startServer, type TestServer } from '../support/server.js';
import {
  CONVERSATION_SECONDS,
  downloadedSeconds,
  finalizeJobs,
  journalDirs,
  placeConversationCall,
  recordingsOfCall,
  sleep,
  waitFor,
} from './storage-calls.js';
import { requiredInCi, sippProblem } from './prerequisites.js';

const missing = requiredInCi('worker fault suite', sippProblem());

describe.skipIf(missing !== null)('fault: the worker is killed mid-finalize', () => {
  let server: TestServer;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-fault-worker-'));

  beforeAll(async () => {
    server = await startServer({
      sip: true,
      splitWorker: true,
      extraEnv: { CALLVAULT_TRANSCRIBER: 'none' },
    });
  });

  afterAll(async () => {
    await server?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('a new worker stores the recording exactly once', async () => {
    const worker = server.worker!;
    const call = placeConversationCall(server, workDir, 'worker-killed');
    await call.active;
    const sipp = await call.ended;
    expect(sipp.code, `${sipp.stdout.slice(-3000)}\n${sipp.stderr.slice(-3000)}`).toBe(0);

    // Killed the moment the worker has claimed the finalize job.
    await waitFor(
      'the finalize job to run',
      20_000,
      async () => {
        const [job] = await finalizeJobs(server);
        return job?.state === 'active' ? job : null;
      },
      10,
    );
    await worker.kill('SIGKILL');
    const [killed] = await finalizeJobs(server);
    // It died with the job unfinished: still claimed, the journal still on disk.
    expect(killed).toMatchObject({ state: 'active', attempts: 1 });
    expect(journalDirs(server)).toHaveLength(1);

    await worker.start();
    // The dead worker's lease (30 s) runs out, then the new worker takes the job.
    const [recordingId] = await waitFor('the recording to be listed', 90_000, async () => {
      const ids = await recordingsOfCall(server, call.callId);
      return ids.length > 0 ? ids : null;
    });
    await waitFor('the finalize job to complete', 20_000, async () => {
      const [job] = await finalizeJobs(server);
      return job?.state === 'completed' ? job : null;
    });
    await sleep(1_000);
    expect(await recordingsOfCall(server, call.callId)).toEqual([recordingId]);
    const [job] = await finalizeJobs(server);
    expect(job).toMatchObject({ state: 'completed', attempts: 2 });

    const audio = await downloadedSeconds(server, recordingId!, workDir);
    expect(audio.channels).toBe(2);
    expect(Math.abs(audio.seconds - CONVERSATION_SECONDS)).toBeLessThan(0.5);
    // One audio object on disk for the one recording (each is an envelope and its key record).
    const audioDir = path.join(server.dataDir, 'blobs', 'org', server.seed.orgId, 'audio');
    const objects = fs
      .readdirSync(audioDir)
      .filter((f) => !f.endsWith('.key') && !f.includes('.peaks') && !f.startsWith('.'));
    expect(objects).toHaveLength(1);
    expect(journalDirs(server)).toEqual([]);
    const { json } = await apiRequest(server.url, 'GET', '/api/sessions', server.seed.admin.token);
    expect(
      (json.failures as Array<{ callId: string }>).filter((f) => f.callId === call.callId),
    ).toEqual([]);
  }, 240_000);
});
