// `callvault import` on the database under test: good files become recordings exactly like
// captured ones; bad files are reported by name with the reason; repeats are skipped by hash.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import { FsBlobStore } from '../storage/fs-blob-store.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { importRecordingsFromDirectory, type ImportReport } from './recording-import.service.js';
import { findRecordingById } from './recordings.repository.js';
import { getOrgUsage, type RecordingStoreDeps } from './recording-store.service.js';
import { makeTestAudio } from './test-audio.js';

let db: TestDatabase;
let seed: DemoSeed;
let deps: RecordingStoreDeps;
let dir: string;
let report: ImportReport;
const progress: Array<[number, number]> = [];
const ogg = (): Buffer => makeTestAudio('ogg', 2, 500);
let oggBytes: Buffer;

function put(name: string, content: Buffer | string): void {
  fs.writeFileSync(path.join(dir, name), content);
}

beforeAll(async () => {
  db = await createTestDatabase();
  seed = await runDemoSeed({ db: db.db, clock: fixedClock(new Date('2026-03-02T10:00:00Z')) });
  deps = {
    db: db.db,
    clock: fixedClock(new Date('2026-03-02T10:00:00Z')),
    blobStore: new FsBlobStore(path.join(db.dataDir, 'blobs')),
  };
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-import-'));
  oggBytes = ogg();
  const sidecar = (extra: object) =>
    JSON.stringify({
      ownerEmail: 'alice@example.com',
      timeRecorded: '2026-03-01T08:00:00Z',
      ...extra,
    });
  put('a-call.ogg', oggBytes);
  put(
    'a-call.json',
    sidecar({
      topic: 'Support call',
      direction: 'inbound',
      parties: [
        { role: 'caller', number: '+46701111111', name: 'Customer' },
        { role: 'callee', number: '+4685550101', name: 'Alice' },
      ],
    }),
  );
  put('b-call.wav', makeTestAudio('wav', 1, 300, 1));
  put(
    'b-call.json',
    JSON.stringify({ ownerId: seed.workspaces[0]?.id, timeRecorded: '2026-03-01T09:00:00Z' }),
  );
  put('c-call.mp3', makeTestAudio('mp3', 1));
  put('c-call.json', sidecar({ locationId: seed.locations[1]?.id, direction: 'outbound' }));
  put('same-again.opus', oggBytes);
  put('same-again.json', sidecar({}));
  put('no-sidecar.ogg', makeTestAudio('ogg', 1, 700));
  put('bad-json.ogg', makeTestAudio('ogg', 1, 800));
  put('bad-json.json', '{ not json');
  put('nobody.ogg', makeTestAudio('ogg', 1, 900));
  put(
    'nobody.json',
    JSON.stringify({ ownerEmail: 'nobody@example.com', timeRecorded: '2026-03-01T08:00:00Z' }),
  );
  put('liar.wav', makeTestAudio('mp3', 1, 1000));
  put('liar.json', sidecar({}));
  put('noise.mp3', 'this is not audio at all');
  put('noise.json', sidecar({}));
  put('no-time.ogg', makeTestAudio('ogg', 1, 1100));
  put('no-time.json', JSON.stringify({ ownerEmail: 'alice@example.com' }));
  put('orphan.json', sidecar({}));
  put('README.txt', 'ignored');
  report = await importRecordingsFromDirectory(deps, dir, (p) => progress.push([p.done, p.total]));
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await db.drop();
});

describe(`callvault import on ${testDialect}`, () => {
  it('imports the good files and reports every bad one by name with its reason', () => {
    expect(report.imported.map((i) => i.file)).toEqual(['a-call.ogg', 'b-call.wav', 'c-call.mp3']);
    expect(report.skipped).toEqual([
      { file: 'same-again.opus', reason: expect.stringMatching(/already imported/) },
    ]);
    const failed = Object.fromEntries(report.failed.map((f) => [f.file, f.reason]));
    expect(Object.keys(failed).sort()).toEqual(
      [
        'bad-json.ogg',
        'liar.wav',
        'no-sidecar.ogg',
        'no-time.ogg',
        'noise.mp3',
        'nobody.ogg',
        'orphan.json',
      ].sort(),
    );
    expect(failed['no-sidecar.ogg']).toBe('no sidecar no-sidecar.json');
    expect(failed['bad-json.ogg']).toMatch(/bad-json.json is not JSON/);
    expect(failed['nobody.ogg']).toBe('owner nobody@example.com not found');
    expect(failed['liar.wav']).toMatch(/holds MP3 audio/);
    expect(failed['noise.mp3']).toMatch(/not readable audio|no audio stream|unsupported/);
    expect(failed['no-time.ogg']).toMatch(/timeRecorded/);
    expect(failed['orphan.json']).toMatch(/without an audio file/);
  });

  it('reports progress for every audio file', () => {
    const total = 10;
    expect(progress[0]).toEqual([0, total]);
    expect(progress.at(-1)).toEqual([total, total]);
    expect(progress).toHaveLength(total + 1);
  });

  it('catalogues imports like captured recordings: owner, numbers, duration, hash, usage', async () => {
    const a = await findRecordingById(db.db, seed.orgId, report.imported[0]?.recordingId ?? '');
    expect(a).toMatchObject({
      topic: 'Support call',
      format: 'OGG',
      ownerEmail: 'alice@example.com',
      ownerType: 'user',
      direction: 'inbound',
      localNumber: '+4685550101',
      remoteNumber: '+46701111111',
      channels: 2,
      durationSeconds: 2,
      sizeBytes: oggBytes.length,
      sha256: crypto.createHash('sha256').update(oggBytes).digest('hex'),
      timeRecorded: '2026-03-01T08:00:00.000Z',
    });
    const b = await findRecordingById(db.db, seed.orgId, report.imported[1]?.recordingId ?? '');
    expect(b).toMatchObject({ format: 'WAV', ownerType: 'place', channels: 1, ownerEmail: null });
    const c = await findRecordingById(db.db, seed.orgId, report.imported[2]?.recordingId ?? '');
    expect(c).toMatchObject({ format: 'MP3', locationId: seed.locations[1]?.id });
    const usage = await getOrgUsage(db.db, seed.orgId);
    expect(usage.recordings).toBe(3);
    expect(usage.bytesUsed).toBe(
      ['a-call.ogg', 'b-call.wav', 'c-call.mp3'].reduce(
        (n, f) => n + fs.statSync(path.join(dir, f)).size,
        0,
      ),
    );
  });

  it('a second run imports nothing new', async () => {
    const again = await importRecordingsFromDirectory(deps, dir);
    expect(again.imported).toEqual([]);
    expect(again.skipped.map((s) => s.file)).toEqual([
      'a-call.ogg',
      'b-call.wav',
      'c-call.mp3',
      'same-again.opus',
    ]);
  });
});
