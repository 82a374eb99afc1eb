// Waveform peaks on the database under test: the `recording.stored` consumer precomputes them
// right after a recording is stored, `GET /api/recordings/{id}/peaks` serves them to those who may play
// the recording (audited), computes them on first request when missing, and a purge removes them
// with the audio.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedJobQueue, type JobQueue } from '../jobs/index.js';
import { registerApplicationJobs } from '../app/register-jobs.js';
import { createLogger } from '../observability/logger.js';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';
import type { RecordingOwner } from './recordings.model.js';
import { findAudioObjectById } from './recordings.repository.js';
import { storeRecording } from './recording-store.service.js';
import { OUTBOX_CONSUME_JOB, OUTBOX_DISPATCH_JOB } from '../events/outbox.jobs.js';
import { peaksBlobKey } from './waveform-peaks.js';

let t: TestApp;
let queue: JobQueue;

/**
 * Two seconds of Ogg Opus: the owner's channel speaks (a full-scale tone) in the first second
 * and is silent in the second; the other party is silent, then a half-scale tone.
 */
function twoPartyAudio(): Buffer {
  return execFileSync(
    'ffmpeg',
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      "aevalsrc='if(lt(t,1),0.9*sin(2*PI*440*t),0)|if(lt(t,1),0,0.45*sin(2*PI*440*t))':d=2:s=48000",
      '-c:a',
      'libopus',
      '-f',
      'ogg',
      'pipe:1',
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
}

function owner(email: string): RecordingOwner {
  const p = t.seed.people.find((x) => x.email === email);
  if (!p) throw new Error(email);
  return { type: 'user', id: p.id, email, name: email, locationId: p.locationId };
}

async function store(email: string, withQueue: boolean) {
  const stored = await storeRecording(
    { db: t.db.db, clock: t.clock, blobStore: t.blobStore, queue: withQueue ? queue : null },
    {
      orgId: t.seed.orgId,
      audio: twoPartyAudio(),
      format: 'OGG',
      durationMs: 2000,
      channels: 2,
      sampleRate: 48000,
      owners: [owner(email)],
      timeRecorded: '2026-03-02T09:00:00.000Z',
      source: 'recorder',
    },
  );
  const recording = stored.recordings[0];
  if (!recording) throw new Error('nothing stored');
  return { recording, audio: stored.audio };
}

async function drain(): Promise<void> {
  await queue.start();
  try {
    for (;;) {
      // The stored event's dispatch and its consumers (peaks among them) have all run.
      const counts = (await queue.counts()).byName;
      const jobs = [counts[OUTBOX_DISPATCH_JOB], counts[OUTBOX_CONSUME_JOB]];
      if (jobs.every((c) => c && c.queued + c.active + c.retry === 0)) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await queue.stop();
  }
}

interface Peaks {
  recordingId: string;
  durationMs: number;
  sampleRate: number;
  samplesPerPeak: number;
  channels: number[][];
}

const peaksOf = (id: string, token: string) =>
  t.app.inject({ method: 'GET', url: `/api/recordings/${id}/peaks`, headers: bearer(token) });

const max = (xs: readonly number[]): number => xs.reduce((m, x) => Math.max(m, x), 0);

async function auditCount(action: string, targetId: string): Promise<number> {
  const rows = await t.db.db
    .selectFrom('audit_events')
    .select('id')
    .where('action', '=', action)
    .where('target_id', '=', targetId)
    .execute();
  return rows.length;
}

beforeAll(async () => {
  t = await createTestApp();
  queue = createEmbeddedJobQueue({
    db: t.db.db,
    clock: t.clock,
    logger: createLogger({ level: 'silent' }),
    pollIntervalMs: 20,
  });
  await registerApplicationJobs(queue, { db: t.db.db, clock: t.clock, blobStore: t.blobStore });
});
afterAll(async () => {
  await queue.stop();
  await t.close();
});

describe(`waveform peaks on ${testDialect}`, () => {
  it('are precomputed by the job after the store and drawn per party and per second', async () => {
    const { recording, audio } = await store('alice@example.com', true);
    await drain();
    expect(await t.blobStore.head(peaksBlobKey(audio.blobKey))).not.toBeNull();

    const res = await peaksOf(recording.id, t.seed.complianceOfficer.token);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    const peaks = res.json<Peaks>();
    expect(peaks).toMatchObject({ recordingId: recording.id, durationMs: 2000, sampleRate: 8000 });
    expect(peaks.channels).toHaveLength(2);
    const perSecond = peaks.sampleRate / peaks.samplesPerPeak;
    const [owner, other] = peaks.channels as [number[], number[]];
    // The edges of each second blur in the codec; the middles must be unmistakable.
    const first = (lane: number[]) =>
      lane.slice(Math.round(perSecond * 0.1), Math.round(perSecond * 0.9));
    const second = (lane: number[]) =>
      lane.slice(Math.round(perSecond * 1.1), Math.round(perSecond * 1.9));
    expect(Math.min(...first(owner))).toBeGreaterThan(0.7);
    expect(max(second(owner))).toBeLessThan(0.05);
    expect(max(first(other))).toBeLessThan(0.05);
    expect(Math.min(...second(other))).toBeGreaterThan(0.3);
    expect(max(second(other))).toBeLessThan(0.6);
    expect(await auditCount('recording.waveformViewed', recording.id)).toBe(1);
  });

  it('are computed on the first request when the job has not made them, and then kept', async () => {
    const { recording, audio } = await store('alice@example.com', false);
    expect(await t.blobStore.head(peaksBlobKey(audio.blobKey))).toBeNull();
    const res = await peaksOf(recording.id, t.seed.complianceOfficer.token);
    expect(res.statusCode).toBe(200);
    expect(res.json<Peaks>().channels).toHaveLength(2);
    expect(await t.blobStore.head(peaksBlobKey(audio.blobKey))).not.toBeNull();
  });

  it('are refused to administrators and to people who may not play the recording', async () => {
    const { recording } = await store('bob@example.com', false);
    expect((await peaksOf(recording.id, t.seed.admin.token)).statusCode).toBe(403);
    const alice = t.seed.people.find((p) => p.email === 'alice@example.com')?.token ?? '';
    expect((await peaksOf(recording.id, alice)).statusCode).toBe(404);
    const bob = t.seed.people.find((p) => p.email === 'bob@example.com');
    expect((await peaksOf(recording.id, bob?.token ?? '')).statusCode).toBe(200);
    await t.app.inject({
      method: 'PUT',
      url: `/v1/people/${bob?.id ?? ''}/features/callRecording`,
      headers: bearer(t.seed.admin.token),
      payload: { callRecordingAccessSettings: { downloadRecordingsEnabled: false } },
    });
    expect((await peaksOf(recording.id, bob?.token ?? '')).statusCode).toBe(403);
    expect((await peaksOf('0'.repeat(32), t.seed.complianceOfficer.token)).statusCode).toBe(404);
  });

  it('go with the audio when the recording is purged', async () => {
    const { recording, audio } = await store('alice@example.com', true);
    await drain();
    const key = peaksBlobKey(audio.blobKey);
    expect(await t.blobStore.head(key)).not.toBeNull();
    const ids = { recordingIds: [recording.id] };
    for (const action of ['softDelete', 'purge']) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/v1/convergedRecordings/${action}`,
        headers: bearer(t.seed.admin.token),
        payload: ids,
      });
      expect(res.statusCode).toBe(204);
    }
    expect(await findAudioObjectById(t.db.db, audio.id)).toBeNull();
    expect(await t.blobStore.head(audio.blobKey)).toBeNull();
    expect(await t.blobStore.head(key)).toBeNull();
  });
});
