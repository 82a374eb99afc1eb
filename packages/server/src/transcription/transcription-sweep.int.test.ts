// `callvault jobs run transcribe-sweep` on the database under test: the application's
// jobs registered with the configured engine (as the CLI now does) make the sweep fan out one
// `transcribe` job per recording awaiting its transcript, and running it with its fan-out returns
// once real speech (a pocketsphinx-testdata clip) has its transcript stored and indexed.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { EncryptedBlobStore, generateMasterKey, MasterKeyring } from '../crypto/index.js';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import { createEmbeddedJobQueue, type JobQueue } from '../jobs/index.js';
import { FAN_OUT_JOBS, registerApplicationJobs, runJobWithFanOut } from '../app/register-jobs.js';
import { createLogger } from '../observability/logger.js';
import { storeRecording } from '../recordings/recording-store.service.js';
import { FsBlobStore } from '../storage/fs-blob-store.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { isLibrivoxDataInstalled, loadLibrivoxClips } from './librivox-test-data.js';
import { encodeWavPcm16 } from './pcm-wav.js';
import { PocketsphinxTranscriber } from './pocketsphinx-transcriber.js';
import { TRANSCRIBE_JOB, TRANSCRIBE_SWEEP_JOB } from './transcription.jobs.js';
import { findIndexedSegments, findTranscriptByRecordingId } from './transcripts.repository.js';

const installed = await isLibrivoxDataInstalled();
if (!installed && process.env.CI === 'true') {
  throw new Error('CI: pocketsphinx-testdata must be installed (make deps-test)');
}
if (!installed) console.warn('transcribe-sweep test SKIPPED: pocketsphinx-testdata missing');

const AT = new Date('2026-03-02T10:00:00Z');
let db: TestDatabase;
let seed: DemoSeed;
let queue: JobQueue;

describe.skipIf(!installed)(`jobs run transcribe-sweep on ${testDialect}`, () => {
  let blobStore: EncryptedBlobStore;
  beforeAll(async () => {
    db = await createTestDatabase();
    const clock = fixedClock(AT);
    seed = await runDemoSeed({ db: db.db, clock });
    blobStore = new EncryptedBlobStore(new FsBlobStore(path.join(db.dataDir, 'blobs')), {
      keyring: new MasterKeyring(generateMasterKey()),
    });
    queue = createEmbeddedJobQueue({
      db: db.db,
      clock,
      logger: createLogger({ level: 'silent' }),
      pollIntervalMs: 20,
    });
    await registerApplicationJobs(queue, {
      db: db.db,
      clock,
      blobStore,
      transcriber: new PocketsphinxTranscriber(),
    });
  });
  afterAll(async () => {
    await queue?.stop();
    await db?.drop();
  });

  it('waits for the transcribe jobs it fans out', () => {
    expect(FAN_OUT_JOBS[TRANSCRIBE_SWEEP_JOB]).toEqual([TRANSCRIBE_JOB]);
  });

  it(
    'transcribes a recording of real speech and returns when it is done',
    { timeout: 120_000 },
    async () => {
      const [clip] = await loadLibrivoxClips();
      if (!clip) throw new Error('no clip');
      const alice = seed.people.find((p) => p.email === 'alice@example.com');
      if (!alice) throw new Error('no alice');
      const stored = await storeRecording(
        { db: db.db, clock: fixedClock(AT), blobStore },
        {
          orgId: seed.orgId,
          audio: encodeWavPcm16(clip.pcm, clip.sampleRate),
          format: 'WAV',
          durationMs: Math.round((clip.pcm.length / clip.sampleRate) * 1000),
          channels: 1,
          sampleRate: clip.sampleRate,
          owners: [
            { type: 'user', id: alice.id, email: alice.email, name: 'Alice', locationId: null },
          ],
          timeRecorded: '2026-03-01T08:00:00Z',
          parties: [{ role: 'callee', name: 'Elinor Dashwood', number: '+4685550101', channel: 0 }],
          source: 'import',
        },
      );
      const id = stored.recordings[0]?.id ?? '';

      const { failed } = await runJobWithFanOut(queue, TRANSCRIBE_SWEEP_JOB, AT, { pollMs: 50 });

      expect(failed).toBe(0);
      const transcript = await findTranscriptByRecordingId(db.db, id);
      expect(transcript).toMatchObject({ status: 'completed', engine: 'pocketsphinx' });
      expect(transcript?.wordCount).toBeGreaterThan(5);
      const segments = await findIndexedSegments(db.db, id);
      expect(segments.length).toBeGreaterThan(0);
      expect(segments.every((s) => s.speaker === 'Elinor Dashwood')).toBe(true);
    },
  );
});
