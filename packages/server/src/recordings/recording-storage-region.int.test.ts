// A recording's storage region on the database under test: the owner's location's own region
// when it has one (Webex location vendor settings, orgStorageRegionEnabled false), else the org's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findLocationSettings,
  saveLocationSettings,
} from '../recording-settings/recording-settings.repository.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';
import { storeRecording } from './recording-store.service.js';
import { makeTestAudio } from './test-audio.js';

let t: TestApp;

async function storeFor(email: string) {
  const p = t.seed.people.find((x) => x.email === email)!;
  const stored = await storeRecording(
    { db: t.db.db, clock: t.clock, blobStore: t.blobStore, queue: null },
    {
      orgId: t.seed.orgId,
      audio: makeTestAudio('ogg', 1),
      format: 'OGG',
      durationMs: 1000,
      channels: 2,
      sampleRate: 48000,
      owners: [{ type: 'user', id: p.id, email, name: email, locationId: p.locationId }],
      timeRecorded: '2026-03-02T09:00:00.000Z',
      source: 'recorder',
    },
  );
  return { recording: stored.recordings[0]!, locationId: p.locationId };
}

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe(`storage region of a stored recording on ${testDialect}`, () => {
  it("follows the org until the owner's location has a region of its own", async () => {
    const before = await storeFor('alice@example.com');
    expect(before.recording.storageRegion).toBe('local');
    const locationId = before.locationId;
    const settings = await findLocationSettings(t.db.db, locationId);
    await saveLocationSettings(
      t.db.db,
      t.seed.orgId,
      locationId,
      { ...settings, storageRegion: 'eu-north-1' },
      t.clock.now(),
    );
    expect((await storeFor('alice@example.com')).recording.storageRegion).toBe('eu-north-1');
    await saveLocationSettings(t.db.db, t.seed.orgId, locationId, settings, t.clock.now());
    expect((await storeFor('alice@example.com')).recording.storageRegion).toBe('local');
  });
});
