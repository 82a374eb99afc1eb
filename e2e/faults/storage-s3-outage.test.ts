// Fault: the S3 blob store goes down during a call and comes back. `serve` stores recordings in
// a bucket of a real S3 server (OpenStack Swift with s3api, scripts/swift-s3.sh); SIPp's SIPREC
// client sends the 28 s conversation; the S3 front is stopped before the BYE. Then:
//   - the call system was told nothing unusual: INVITE and BYE answered 200 (SIPp exits 0);
//   - /api/health is `degraded` with the blob store's reason, and the call is listed as a capture
//     failure that is still retrying, with nothing stored;
//   - once S3 is back, without any operator action, the retry stores exactly one recording of
//     the call's length (one audio object in the bucket), the failure leaves the list, and health
//     is `ok` again.
// Retry delays are shortened (CALLVAULT_JOB_RETRY_BASE_MS) so the test waits seconds, not minutes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createS3TestBucket,
  findS3TestServerProblem,
  startS3TestServer,
  type S3TestBucket,
  type S3TestServer,
} from '../../packages/server/src/storage/s3-test-server.js';
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

const missing = requiredInCi('storage fault suite', sippProblem(), findS3TestServerProblem());

interface HealthReport {
  status: string;
  checks: Record<string, { status: string; detail: string }>;
}

describe.skipIf(missing !== null)('fault: the S3 blob store is down when a call ends', () => {
  let s3: S3TestServer;
  let bucket: S3TestBucket;
  let server: TestServer;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-fault-s3-'));

  const health = async (): Promise<HealthReport> =>
    (await fetch(`${server.url}/api/health`)).json() as Promise<HealthReport>;
  const failures = async (): Promise<
    Array<{ callId: string; reason: string; retrying: boolean; detail: string }>
  > =>
    (await apiRequest(server.url, 'GET', '/api/sessions', server.seed.admin.token)).json.failures;

  beforeAll(async () => {
    s3 = await startS3TestServer();
    if (!s3.outage) throw new Error('the S3 test server must be one this test can stop');
    bucket = await createS3TestBucket(s3);
    server = await startServer({
      sip: true,
      extraEnv: {
        CALLVAULT_STORAGE_URL: `s3://${bucket.store.bucket}?endpoint=${encodeURIComponent(s3.endpoint)}&region=${s3.region}`,
        AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
        CALLVAULT_JOB_RETRY_BASE_MS: '1000',
        CALLVAULT_JOB_RETRY_MAX_DELAY_MS: '4000',
        // Not what this suite checks; pocketsphinx would compete for the cores.
        CALLVAULT_TRANSCRIBER: 'none',
      },
    });
  });

  afterAll(async () => {
    await s3?.outage?.end().catch(() => undefined);
    await server?.stop();
    await bucket?.remove().catch(() => undefined);
    await s3?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('keeps the call, reports the outage, and stores the recording once S3 is back', async () => {
    expect((await health()).checks.blobStore).toMatchObject({ status: 'ok' });

    const call = placeConversationCall(server, workDir, 's3-outage');
    await call.active;
    await sleep(3_000);
    await s3.outage!.begin();
    const sipp = await call.ended;

    // The call system was told nothing unusual: 200 OK to its INVITE and to its BYE.
    expect(sipp.code, `${sipp.stdout.slice(-3000)}\n${sipp.stderr.slice(-3000)}`).toBe(0);

    // The outage is visible: health degraded with the store's reason, the call listed as
    // failing and still retrying, its journal kept, nothing catalogued.
    const degraded = await waitFor('health to turn degraded', 20_000, async () => {
      const h = await health();
      return h.status === 'degraded' ? h : null;
    });
    expect(degraded.checks.blobStore!.status).toBe('degraded');
    expect(degraded.checks.blobStore!.detail).toMatch(/s3 bucket .* failed .*probe/);
    const listed = await waitFor('the failure to be listed', 30_000, async () => {
      const found = (await failures()).find((f) => f.callId === call.callId);
      return found ?? null;
    });
    expect(listed).toMatchObject({ reason: 'store-error', retrying: true });
    expect(journalDirs(server)).toHaveLength(1);
    expect(await recordingsOfCall(server, call.callId)).toEqual([]);
    // Let a few retries fail while S3 is down.
    await waitFor('a second failed attempt', 20_000, async () => {
      const [job] = await finalizeJobs(server);
      return job && job.attempts >= 2 ? job : null;
    });
    expect((await finalizeJobs(server))[0]!.state).not.toBe('failed');

    await s3.outage!.end();

    // No operator action: the next retry (at most 4 s later) stores it.
    const [recordingId] = await waitFor('the recording to be listed', 30_000, async () => {
      const ids = await recordingsOfCall(server, call.callId);
      return ids.length > 0 ? ids : null;
    });
    await sleep(2_000);
    expect(await recordingsOfCall(server, call.callId)).toEqual([recordingId]);
    const audio = await downloadedSeconds(server, recordingId!, workDir);
    expect(audio.channels).toBe(2);
    expect(Math.abs(audio.seconds - CONVERSATION_SECONDS)).toBeLessThan(0.5);

    // Stored once: one audio object in the bucket (beside its key record and waveform peaks).
    const keys: string[] = [];
    for await (const key of bucket.store.list(`org/${server.seed.orgId}/audio/`)) keys.push(key);
    const audioObjects = keys.filter((k) => !k.endsWith('.key') && !k.includes('.peaks'));
    expect(audioObjects).toHaveLength(1);

    const [job] = await finalizeJobs(server);
    expect(job).toMatchObject({ state: 'completed' });
    expect(job!.attempts).toBeGreaterThanOrEqual(3);
    expect((await failures()).find((f) => f.callId === call.callId)).toBeUndefined();
    expect(journalDirs(server)).toEqual([]);
    await waitFor('health to be ok again', 20_000, async () => {
      const h = await health();
      return h.status === 'ok' ? h : null;
    });
  }, 240_000);
});
