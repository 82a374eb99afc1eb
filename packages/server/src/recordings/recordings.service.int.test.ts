// The catalogue on the database under test (SQLite or PostgreSQL): storing, exact usage, the
// lifecycle with shared audio objects, search filters and keyset paging, audit events.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import { AppError } from '../errors.js';
import type { Actor } from '../policy/actor.js';
import type { Role } from '@callvault/shared';
import { FsBlobStore } from '../storage/fs-blob-store.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { transcriptBlobKey } from '../transcription/transcription.service.js';
import {
  findTranscriptByRecordingId,
  insertTranscript,
} from '../transcription/transcripts.repository.js';
import { createLinkSignerFromSecret } from './link-signer.js';
import type { RecordingOwner } from './recordings.model.js';
import { findAudioObjectById, findRecordingById } from './recordings.repository.js';
import {
  bulkChangeRecordings,
  changeRecordingsInBatch,
  deleteRecordingPermanently,
  reassignRecordings,
} from '../lifecycle/recording-lifecycle.service.js';
import { type RecordingsDeps } from './recording-deps.js';
import { resolveWindow, searchOrgRecordings } from './recording-query.service.js';
import { audioBlobKey, getOrgUsage, storeRecording } from './recording-store.service.js';

let db: TestDatabase;
let seed: DemoSeed;
let deps: RecordingsDeps;
const clock = fixedClock(new Date('2026-03-02T10:00:00.000Z'));

const actorOf = (id: string, email: string, roles: Role[]): Actor => ({
  personId: id,
  email,
  displayName: email,
  homeOrgId: seed.orgId,
  orgId: seed.orgId,
  roles,
  partnerId: null,
  via: 'cli',
  clientIp: null,
});
let admin: Actor;
let co: Actor;
let alice: Actor;

function ownerOf(i: number): RecordingOwner {
  const p = seed.people[i];
  if (!p) throw new Error('no such demo person');
  return { type: 'user', id: p.id, email: p.email, name: p.email, locationId: p.locationId };
}

const bytes = (n: number, seed = 1): Buffer =>
  Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) % 256));

async function store(overrides: Partial<Parameters<typeof storeRecording>[1]> = {}) {
  return storeRecording(deps, {
    orgId: seed.orgId,
    audio: bytes(1000),
    format: 'OGG',
    durationMs: 61_400,
    channels: 2,
    sampleRate: 48000,
    owners: [ownerOf(0)],
    timeRecorded: '2026-03-01T09:00:00.000Z',
    source: 'recorder',
    ...overrides,
  });
}

async function auditActions(targetId: string): Promise<string[]> {
  const rows = await db.db
    .selectFrom('audit_events')
    .select('action')
    .where('target_id', '=', targetId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => r.action);
}

beforeAll(async () => {
  db = await createTestDatabase();
  seed = await runDemoSeed({ db: db.db, clock });
  deps = {
    db: db.db,
    clock,
    blobStore: new FsBlobStore(path.join(db.dataDir, 'blobs')),
    links: createLinkSignerFromSecret(Buffer.alloc(32, 1)),
  };
  admin = actorOf(seed.admin.id, seed.admin.email, ['fullAdmin', 'user']);
  co = actorOf(seed.complianceOfficer.id, seed.complianceOfficer.email, ['complianceOfficer']);
  alice = actorOf(ownerOf(0).id, 'alice@example.com', ['user']);
});
afterAll(async () => {
  await db.drop();
});

describe(`storing recordings on ${testDialect}`, () => {
  it('one audio object backs one recording per owner; its bytes count once; each is audited', async () => {
    const before = await getOrgUsage(db.db, seed.orgId);
    const audio = bytes(4321, 7);
    const stored = await store({ audio, owners: [ownerOf(0), ownerOf(2)], direction: 'internal' });
    expect(stored.recordings).toHaveLength(2);
    expect(stored.audio.sha256).toBe(crypto.createHash('sha256').update(audio).digest('hex'));
    expect(stored.audio.sizeBytes).toBe(4321);
    expect(stored.audio.blobKey).toBe(audioBlobKey(seed.orgId, stored.audio.id));
    expect(Buffer.from(await deps.blobStore.get(stored.audio.blobKey))).toEqual(audio);
    for (const r of stored.recordings) {
      const row = await findRecordingById(db.db, seed.orgId, r.id);
      expect(row).toMatchObject({
        audioId: stored.audio.id,
        sha256: stored.audio.sha256,
        status: 'available',
        durationSeconds: 61,
        sizeBytes: 4321,
        serviceType: 'calling',
        storageRegion: 'local',
      });
      expect(await auditActions(r.id)).toEqual(['recording.created']);
    }
    expect(stored.recordings.map((r) => r.ownerId)).toEqual([ownerOf(0).id, ownerOf(2).id]);
    const after = await getOrgUsage(db.db, seed.orgId);
    expect(after.bytesUsed - before.bytesUsed).toBe(4321);
    expect(after.recordings - before.recordings).toBe(2);
  });

  it('a streamed audio source is hashed and counted as it is stored', async () => {
    async function* parts() {
      yield await Promise.resolve(bytes(10, 1));
      yield bytes(20, 2);
    }
    const stored = await store({ audio: parts() });
    expect(stored.audio.sizeBytes).toBe(30);
    const plain = Buffer.concat([bytes(10, 1), bytes(20, 2)]);
    expect(stored.audio.sha256).toBe(crypto.createHash('sha256').update(plain).digest('hex'));
  });

  it('when cataloguing fails the stored object is removed again and nothing is counted', async () => {
    const before = await getOrgUsage(db.db, seed.orgId);
    const blobsBefore = fs.readdirSync(path.join(db.dataDir, 'blobs', 'org', seed.orgId, 'audio'));
    await expect(
      store({ owners: [{ ...ownerOf(0), type: 'user' }], orgId: 'no-such-org' }),
    ).rejects.toThrow();
    await expect(store({ owners: [] })).rejects.toBeInstanceOf(AppError);
    const leftOver: string[] = [];
    for await (const key of deps.blobStore.list('org/no-such-org/')) leftOver.push(key);
    expect(leftOver).toEqual([]);
    expect(fs.readdirSync(path.join(db.dataDir, 'blobs', 'org', seed.orgId, 'audio'))).toEqual(
      blobsBefore,
    );
    expect(await getOrgUsage(db.db, seed.orgId)).toEqual(before);
  });
});

describe(`the lifecycle on ${testDialect}`, () => {
  it('recycle bin, restore and purge; the shared audio goes only when its last recording is purged', async () => {
    const stored = await store({ audio: bytes(500, 3), owners: [ownerOf(0), ownerOf(2)] });
    const [a, c] = stored.recordings.map((r) => r.id) as [string, string];
    const usage0 = await getOrgUsage(db.db, seed.orgId);

    await changeRecordingsInBatch(deps, alice, 'softDelete', { recordingIds: [a] });
    expect((await findRecordingById(db.db, seed.orgId, a))?.status).toBe('deleted');
    await changeRecordingsInBatch(deps, alice, 'restore', { recordingIds: [a] });
    expect((await findRecordingById(db.db, seed.orgId, a))?.status).toBe('available');

    // Purging needs the recycle bin first, and changes nothing when refused.
    await expect(
      changeRecordingsInBatch(deps, admin, 'purge', { recordingIds: [a] }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });

    await changeRecordingsInBatch(deps, admin, 'softDelete', { recordingIds: [a, c] });
    await changeRecordingsInBatch(deps, admin, 'purge', { recordingIds: [a] });
    expect((await findRecordingById(db.db, seed.orgId, a))?.status).toBe('purged');
    expect(await findAudioObjectById(db.db, stored.audio.id)).not.toBeNull();
    expect(await deps.blobStore.head(stored.audio.blobKey)).not.toBeNull();
    let usage = await getOrgUsage(db.db, seed.orgId);
    expect(usage.bytesUsed).toBe(usage0.bytesUsed);
    expect(usage.recordings).toBe(usage0.recordings - 1);

    await changeRecordingsInBatch(deps, admin, 'purge', { recordingIds: [c] });
    expect(await findAudioObjectById(db.db, stored.audio.id)).toBeNull();
    expect(await deps.blobStore.head(stored.audio.blobKey)).toBeNull();
    usage = await getOrgUsage(db.db, seed.orgId);
    expect(usage.bytesUsed).toBe(usage0.bytesUsed - 500);
    expect(usage.recordings).toBe(usage0.recordings - 2);
    const purged = await findRecordingById(db.db, seed.orgId, c);
    expect(purged).toMatchObject({ status: 'purged', audioId: null });
    expect(await auditActions(a)).toEqual([
      'recording.created',
      'recording.softDeleted',
      'recording.restored',
      'recording.softDeleted',
      'recording.purged',
    ]);
  });

  it('a compliance officer deletes permanently: the row and unused audio go, the audit keeps the facts', async () => {
    const stored = await store({ audio: bytes(700, 9) });
    const id = stored.recordings[0]?.id ?? '';
    const usage0 = await getOrgUsage(db.db, seed.orgId);
    await expect(
      deleteRecordingPermanently(deps, admin, id, { reason: 'x' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await deleteRecordingPermanently(deps, co, id, { reason: 'GDPR erasure', comment: 'ticket 7' });
    expect(await findRecordingById(db.db, seed.orgId, id)).toBeNull();
    expect(await deps.blobStore.head(stored.audio.blobKey)).toBeNull();
    const usage = await getOrgUsage(db.db, seed.orgId);
    expect(usage).toMatchObject({
      bytesUsed: usage0.bytesUsed - 700,
      recordings: usage0.recordings - 1,
    });
    const event = await db.db
      .selectFrom('audit_events')
      .selectAll()
      .where('target_id', '=', id)
      .where('action', '=', 'recording.deleted')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(event.details)).toMatchObject({
      reason: 'GDPR erasure',
      comment: 'ticket 7',
      sha256: stored.audio.sha256,
      audioRemoved: true,
    });
    expect(event.actor_id).toBe(co.personId);
  });

  it('purging or deleting a recording removes its transcript, even while its audio stays', async () => {
    const stored = await store({ audio: bytes(300, 5), owners: [ownerOf(0), ownerOf(2)] });
    const [a, c] = stored.recordings.map((r) => r.id) as [string, string];
    for (const id of [a, c]) {
      const key = transcriptBlobKey(seed.orgId, id);
      await deps.blobStore.put(key, Buffer.from('{"segments":[]}', 'utf8'));
      await insertTranscript(db.db, {
        recordingId: id,
        orgId: seed.orgId,
        status: 'completed',
        reason: null,
        engine: 'pocketsphinx',
        language: 'en',
        blobKey: key,
        text: 'hello',
        wordCount: 1,
        createdAt: clock.now().toISOString(),
      });
    }
    await changeRecordingsInBatch(deps, admin, 'softDelete', { recordingIds: [a] });
    expect(await findTranscriptByRecordingId(db.db, a)).not.toBeNull();
    await changeRecordingsInBatch(deps, admin, 'purge', { recordingIds: [a] });
    expect(await findTranscriptByRecordingId(db.db, a)).toBeNull();
    expect(await deps.blobStore.head(transcriptBlobKey(seed.orgId, a))).toBeNull();
    // The other owner's recording keeps the shared audio and its own transcript.
    expect(await deps.blobStore.head(stored.audio.blobKey)).not.toBeNull();
    expect(await findTranscriptByRecordingId(db.db, c)).not.toBeNull();
    expect(await deps.blobStore.head(transcriptBlobKey(seed.orgId, c))).not.toBeNull();

    await deleteRecordingPermanently(deps, co, c, { reason: 'GDPR erasure' });
    expect(await findTranscriptByRecordingId(db.db, c)).toBeNull();
    expect(await deps.blobStore.head(transcriptBlobKey(seed.orgId, c))).toBeNull();
    const events = await db.db
      .selectFrom('audit_events')
      .select(['action', 'details'])
      .where('target_id', 'in', [a, c])
      .where('action', 'in', ['recording.purged', 'recording.deleted'])
      .execute();
    expect(events.map((e) => JSON.parse(e.details) as { transcriptRemoved?: boolean })).toEqual([
      expect.objectContaining({ transcriptRemoved: true }),
      expect.objectContaining({ transcriptRemoved: true }),
    ]);
  });

  it('trashAll: a user empties their own recordings into the bin; an administrator names the owner', async () => {
    const mine = await store({ owners: [ownerOf(3)], audio: bytes(50, 11) });
    const dave = actorOf(ownerOf(3).id, 'dave@example.com', ['user']);
    await changeRecordingsInBatch(deps, dave, 'softDelete', { all: true });
    expect((await findRecordingById(db.db, seed.orgId, mine.recordings[0]?.id ?? ''))?.status).toBe(
      'deleted',
    );
    await expect(
      changeRecordingsInBatch(deps, dave, 'restore', {
        all: true,
        ownerEmail: 'alice@example.com',
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await changeRecordingsInBatch(deps, admin, 'restore', {
      all: true,
      ownerEmail: 'dave@example.com',
    });
    expect((await findRecordingById(db.db, seed.orgId, mine.recordings[0]?.id ?? ''))?.status).toBe(
      'available',
    );
    await expect(
      changeRecordingsInBatch(deps, admin, 'softDelete', { all: true, recordingIds: ['x'] }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      changeRecordingsInBatch(deps, admin, 'softDelete', { recordingIds: [] }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('reassign moves recordings to a person of the org, from an owner or by ids', async () => {
    const ws = seed.workspaces[0];
    if (!ws) throw new Error('no workspace');
    const place: RecordingOwner = {
      type: 'place',
      id: ws.id,
      email: null,
      name: ws.name,
      locationId: null,
    };
    const stored = await store({ owners: [place], audio: bytes(60, 12) });
    const id = stored.recordings[0]?.id ?? '';
    await expect(
      reassignRecordings(deps, co, { reassignOwnerEmail: 'carol@example.com', ownerID: ws.id }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      reassignRecordings(deps, admin, { reassignOwnerEmail: 'nobody@example.com', ownerID: ws.id }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await reassignRecordings(deps, admin, {
      reassignOwnerEmail: 'carol@example.com',
      ownerID: ws.id,
    });
    expect(await findRecordingById(db.db, seed.orgId, id)).toMatchObject({
      ownerId: ownerOf(2).id,
      ownerEmail: 'carol@example.com',
      ownerType: 'user',
    });
    expect(await auditActions(id)).toEqual(['recording.created', 'recording.reassigned']);
  });

  it('bulk: permitted ones change, the rest are reported one by one', async () => {
    const one = await store({ audio: bytes(10, 20) });
    const two = await store({ audio: bytes(10, 21) });
    const ids = [one.recordings[0]?.id ?? '', two.recordings[0]?.id ?? ''];
    await changeRecordingsInBatch(deps, admin, 'softDelete', { recordingIds: [ids[1] ?? ''] });
    const result = await bulkChangeRecordings(deps, admin, {
      action: 'softDelete',
      ids: [...ids, 'missing'],
    });
    expect(result.changed).toEqual([ids[0]]);
    expect(result.unchanged).toEqual([ids[1]]);
    expect(result.failed).toEqual([
      { id: 'missing', errorCode: 'NOT_FOUND', description: 'Recording not found' },
    ]);
    const purge = await bulkChangeRecordings(deps, co, { action: 'purge', ids });
    expect(purge.changed).toEqual([]);
    expect(purge.failed.map((f) => f.errorCode)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
  });
});

describe(`search on ${testDialect}`, () => {
  let ids: string[] = [];
  beforeAll(async () => {
    const specs = [
      { t: '2026-02-27T08:00:00.000Z', o: 1, dir: 'inbound', remote: '+4670111', d: 30_000 },
      { t: '2026-02-27T09:00:00.000Z', o: 1, dir: 'outbound', remote: '+4670222', d: 300_000 },
      { t: '2026-02-27T10:00:00.000Z', o: 4, dir: 'inbound', remote: '+4670111', d: 5_000 },
    ] as const;
    ids = [];
    for (const [i, s] of specs.entries()) {
      const stored = await store({
        audio: bytes(100 + i, 40 + i),
        owners: [ownerOf(s.o)],
        timeRecorded: s.t,
        direction: s.dir,
        localNumber: '+4685550102',
        remoteNumber: s.remote,
        durationMs: s.d,
        topic: `Search test ${i}`,
        // The second call had a third party who left mid-call: neither local nor remote.
        ...(i === 1
          ? {
              parties: [{ address: 'sip:+4670333@gw', number: '+4670333' }],
            }
          : {}),
      });
      ids.push(stored.recordings[0]?.id ?? '');
    }
  });

  const window = { from: '2026-02-27T00:00:00.000Z', to: '2026-02-28T00:00:00.000Z' };

  it('newest first, 2 a page, continued by cursor', async () => {
    const first = await searchOrgRecordings(deps, admin, { ...window, max: 2 });
    expect(first.items.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    expect(first.nextCursor).not.toBeNull();
    const second = await searchOrgRecordings(deps, admin, {
      ...window,
      max: 2,
      cursor: first.nextCursor ?? '',
    });
    expect(second.items.map((r) => r.id)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeNull();
  });

  it.each([
    ['owner name prefix', { q: 'bob' }, [1, 0]],
    ['owner email prefix', { q: 'ERIN@' }, [2]],
    ['party number', { partyNumber: '+4670111' }, [2, 0]],
    ['number of a party who left', { partyNumber: '+4670333' }, [1]],
    ['direction', { direction: 'outbound' as const }, [1]],
    ['duration range', { minDurationSeconds: 10, maxDurationSeconds: 60 }, [0]],
    ['topic part', { topic: 'TEST 1' }, [1]],
    ['no transcript', { hasTranscript: false, q: 'bob' }, [1, 0]],
    ['with transcript', { hasTranscript: true }, []],
  ])('filter: %s', async (_name, filter, expected) => {
    const page = await searchOrgRecordings(deps, admin, { ...window, ...filter });
    expect(page.items.map((r) => r.id)).toEqual(expected.map((i) => ids[i]));
  });

  it('every list is audited with what it returned', async () => {
    await searchOrgRecordings(deps, co, { ...window, q: 'erin' });
    const event = await db.db
      .selectFrom('audit_events')
      .selectAll()
      .where('action', '=', 'recording.listed')
      .where('actor_id', '=', co.personId)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(event.details)).toMatchObject({ count: 1, recordingIds: [ids[2]] });
  });

  it('the owner prefix follows a reassign: the new owner’s name finds it, the old one no longer', async () => {
    const id = ids[2] ?? '';
    await reassignRecordings(deps, admin, {
      reassignOwnerEmail: 'carol@example.com',
      recordingIds: [id],
    });
    const byNew = await searchOrgRecordings(deps, admin, { ...window, q: 'caro' });
    expect(byNew.items.map((r) => r.id)).toEqual([id]);
    const byOld = await searchOrgRecordings(deps, admin, { ...window, q: 'erin@' });
    expect(byOld.items).toEqual([]);
    await reassignRecordings(deps, admin, {
      reassignOwnerEmail: 'erin@example.com',
      recordingIds: [id],
    });
    const back = await searchOrgRecordings(deps, admin, { ...window, q: 'erin@' });
    expect(back.items.map((r) => r.id)).toEqual([id]);
  });

  it('users cannot search the org; purged ones are for compliance officers only', async () => {
    await expect(searchOrgRecordings(deps, alice, window)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(
      searchOrgRecordings(deps, admin, { ...window, status: 'purged' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      searchOrgRecordings(deps, co, { ...window, status: 'purged' }),
    ).resolves.toBeTruthy();
  });

  it('the window goes up to the retention period (365 days) here, 30 days in the Webex lists', async () => {
    await expect(
      searchOrgRecordings(deps, admin, {
        from: '2025-06-01T00:00:00Z',
        to: '2026-03-01T00:00:00Z',
      }),
    ).resolves.toBeTruthy();
    await expect(
      searchOrgRecordings(deps, admin, {
        from: '2025-01-01T00:00:00Z',
        to: '2026-03-01T00:00:00Z',
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(() => resolveWindow(clock.now(), { from: '2026-01-01T00:00:00Z' }, 30)).toThrow(
      /within 30 days/,
    );
    expect(resolveWindow(clock.now(), {}, 30)).toEqual({
      from: '2026-02-23T10:00:00.000Z',
      to: '2026-03-02T10:00:00.000Z',
    });
    expect(() => resolveWindow(clock.now(), { from: '2026-03-01', to: '2026-02-01' }, 30)).toThrow(
      /after/,
    );
  });
});
