// Migration 0011 on the database under test: recordings stored before it kept `recovered`,
// `failed`, `failures` and `endReason` in their metadata document; after it those are columns
// the search filters on, copied from the document.
import path from 'node:path';
import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../clock.js';
import { runDemoSeed, type DemoSeed } from '../../demo/demo-seed.service.js';
import { findRecordingById } from '../../recordings/recordings.repository.js';
import { storeRecording } from '../../recordings/recording-store.service.js';
import { makeTestAudio } from '../../recordings/test-audio.js';
import { FsBlobStore } from '../../storage/fs-blob-store.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../../testing/test-database.js';
import { migrationProvider } from './index.js';

let db: TestDatabase;
let seed: DemoSeed;
const clock = fixedClock(new Date('2026-03-02T10:00:00.000Z'));

async function storeOne(): Promise<string> {
  const person = seed.people[0]!;
  const stored = await storeRecording(
    { db: db.db, clock, blobStore: new FsBlobStore(path.join(db.dataDir, 'blobs')) },
    {
      orgId: seed.orgId,
      audio: makeTestAudio('ogg', 1),
      format: 'OGG',
      durationMs: 1000,
      channels: 1,
      sampleRate: 48000,
      owners: [
        {
          type: 'user',
          id: person.id,
          email: person.email,
          name: 'P',
          locationId: person.locationId,
        },
      ],
      timeRecorded: '2026-03-01T08:00:00.000Z',
      source: 'recorder',
    },
  );
  return stored.recordings[0]!.id;
}

beforeAll(async () => {
  db = await createTestDatabase();
  seed = await runDemoSeed({ db: db.db, clock });
});
afterAll(async () => {
  await db.drop();
});

describe(`migration 0011 (recording provenance) on ${testDialect}`, () => {
  it('copies what older recordings kept in their metadata into the new columns', async () => {
    const recovered = await storeOne();
    const failed = await storeOne();
    const plain = await storeOne();
    const migrator = new Migrator({ db: db.db, provider: migrationProvider });
    const down = await migrator.migrateTo('0010-live-calls');
    expect(down.error).toBeUndefined();
    const setMetadata = (id: string, metadata: unknown) =>
      sql`update recordings set metadata = ${JSON.stringify(metadata)} where id = ${id}`.execute(
        db.db,
      );
    await setMetadata(recovered, { recovered: true, streams: [] });
    await setMetadata(failed, {
      endReason: 'bye',
      failed: { reason: 'disk-full', detail: 'ENOSPC', at: '2026-03-01T08:00:05.000Z' },
      failures: [{ stream: 1, label: 'bob', reason: 'no journal' }],
    });
    await setMetadata(plain, { streams: [] });

    const up = await migrator.migrateToLatest();
    expect(up.error).toBeUndefined();
    expect((await findRecordingById(db.db, seed.orgId, recovered))?.provenance).toEqual({
      recovered: true,
      recovery: null,
      failures: [],
      endReason: 'recovered',
    });
    expect((await findRecordingById(db.db, seed.orgId, failed))?.provenance).toEqual({
      recovered: false,
      recovery: null,
      failures: [
        {
          code: 'disk-full',
          detail: 'ENOSPC',
          at: '2026-03-01T08:00:05.000Z',
          resolvedAt: null,
          stream: null,
        },
        {
          code: 'no-media',
          detail: 'stream bob: no journal',
          at: null,
          resolvedAt: null,
          stream: 'bob',
        },
      ],
      endReason: 'bye',
    });
    expect((await findRecordingById(db.db, seed.orgId, plain))?.provenance).toEqual({
      recovered: false,
      recovery: null,
      failures: [],
      endReason: null,
    });
  });
});
