// Unattributed recordings on the database under test (SPEC §5, §6, §7): a captured call nobody
// owns is finalized into a recording held by its trunk, with the reason in its metadata; it counts
// in the org's usage and can be held; compliance officers and administrators find it, users never
// do; a compliance officer gives it an owner through reassign (audited), and only that.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createRtpJournalWriter,
  journalDirFor,
  parseRtpPacket,
  readPcapUdpDatagrams,
  writeSessionFile,
  type CaptureSessionFile,
} from '@callvault/recorder';
import type { Role } from '@callvault/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import { AppError } from '../errors.js';
import { newId, uuidOfId } from '../ids.js';
import { createLegalHold } from '../lifecycle/legal-holds.service.js';
import { reassignRecordings } from '../lifecycle/recording-lifecycle.service.js';
import type { Actor } from '../policy/actor.js';
import { createLinkSignerFromSecret } from '../recordings/link-signer.js';
import type { RecordingsDeps } from '../recordings/recording-deps.js';
import {
  getRecordingDetails,
  getRecordingMetadata,
  listAdminRecordings,
  listOwnRecordings,
  searchOrgRecordings,
} from '../recordings/recording-query.service.js';
import { getOrgUsage } from '../recordings/recording-store.service.js';
import { findRecordingById } from '../recordings/recordings.repository.js';
import { phoneNumberOfAor } from '../siprec/party-lookups.js';
import { FsBlobStore } from '../storage/fs-blob-store.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { finalizeCapturedSession, type FinalizeDeps } from './capture-finalize.js';
import { pcmuStream } from './pcmu-stream.test-helper.js';

const PCAP = new URL(
  '../../../recorder/test-fixtures/pcap/conv_2streams_pcmu_10s.pcap',
  import.meta.url,
);
const clock = fixedClock(new Date('2026-03-02T10:00:00.000Z'));
const BASE = { origin: 'http://callvault.test' };
const REASON =
  'the INVITE had no recording metadata; no party matches a person, workspace or virtual line (sip:+15550199@carrier.example), and the trunk has no default owner';
let db: TestDatabase;
let seed: DemoSeed;
let dataDir: string;
let deps: FinalizeDeps & RecordingsDeps;
let admin: Actor;
let co: Actor;
let alice: Actor;

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

/** A closed session nobody owns, its two streams journalled from the two-party pcap. */
function capturedSession(id: string, extra: Partial<CaptureSessionFile>): string {
  const file: CaptureSessionFile = {
    version: 1,
    sessionId: id,
    callId: `${id}@src`,
    orgId: seed.orgId,
    trunkId: seed.trunk.id,
    trunkName: seed.trunk.name,
    startedAt: Date.parse('2026-03-02T09:59:00.000Z'),
    owners: [],
    parties: [],
    streams: [pcmuStream(0, '1', 'a.rtpj'), pcmuStream(1, '2', 'b.rtpj')],
    metadataRevisions: [],
    senders: {},
    recordingActions: [],
    closed: { endedAt: Date.parse('2026-03-02T09:59:10.000Z'), endReason: 'bye', kept: true },
    ...extra,
  };
  const dir = journalDirFor(dataDir, id);
  fs.mkdirSync(dir, { recursive: true });
  writeSessionFile(dir, file);
  const { datagrams } = readPcapUdpDatagrams(new Uint8Array(fs.readFileSync(PCAP)));
  const writers = new Map([
    [6000, createRtpJournalWriter({ file: path.join(dir, 'a.rtpj') })],
    [6002, createRtpJournalWriter({ file: path.join(dir, 'b.rtpj') })],
  ]);
  for (const d of datagrams) {
    const writer = writers.get(d.destinationPort);
    const parsed = parseRtpPacket(d.payload);
    if (!writer || !parsed.ok) continue;
    const p = parsed.packet;
    writer.append({
      arrivalMs: d.timeMs,
      sequenceNumber: p.sequenceNumber,
      timestamp: p.timestamp,
      ssrc: p.ssrc,
      payloadType: p.payloadType,
      marker: p.marker,
      payload: p.payload,
    });
  }
  for (const w of writers.values()) w.close();
  return dir;
}

async function finalizeUnattributed(id: string, extra: Partial<CaptureSessionFile>) {
  const result = await finalizeCapturedSession(deps, capturedSession(id, extra));
  expect(result.kind).toBe('stored');
  const recordingId = result.recordingIds[0]!;
  const recording = await findRecordingById(db.db, seed.orgId, recordingId);
  return { result, recording: recording!, recordingId };
}

/** A day either side of when the recording started (the pcap's own time). */
let window: { from: string; to: string };

beforeAll(async () => {
  db = await createTestDatabase();
  seed = await runDemoSeed({ db: db.db, clock });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-unattributed-'));
  deps = {
    db: db.db,
    clock,
    blobStore: new FsBlobStore(path.join(dataDir, 'blobs')),
    links: createLinkSignerFromSecret(Buffer.alloc(32, 3)),
    phoneNumberOfAor,
  };
  const alicePerson = seed.people.find((p) => p.email === 'alice@example.com')!;
  admin = actorOf(seed.admin.id, seed.admin.email, ['fullAdmin', 'user']);
  co = actorOf(seed.complianceOfficer.id, seed.complianceOfficer.email, ['complianceOfficer']);
  alice = actorOf(alicePerson.id, alicePerson.email, ['user']);
});
afterAll(async () => {
  await db.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe(`finalizing a call nobody owns, on ${testDialect}`, () => {
  it('is stored whole as an unattributed recording held by its trunk, the reason in its metadata', async () => {
    const before = await getOrgUsage(db.db, seed.orgId);
    const { result, recording } = await finalizeUnattributed('unattr-1', {
      unattributed: { reason: REASON },
    });
    if (result.kind !== 'stored') return;
    expect(Math.abs(result.durationMs - 10_000)).toBeLessThan(500);
    expect(recording).toMatchObject({
      ownerType: 'unattributed',
      ownerId: seed.trunk.id,
      ownerName: `Unattributed (trunk ${seed.trunk.name})`,
      ownerEmail: null,
      channels: 2,
      status: 'available',
    });
    expect(recording.metadata.unattributed).toEqual({ reason: REASON });
    // Usage counts it like any recording.
    const after = await getOrgUsage(db.db, seed.orgId);
    expect(after.recordings - before.recordings).toBe(1);
    expect(after.bytesUsed - before.bytesUsed).toBe(recording.sizeBytes);
  });

  it('a call whose every owner is gone by finalize is kept unattributed too, never dropped', async () => {
    const { recording } = await finalizeUnattributed('unattr-gone', {
      owners: [{ id: newId('PEOPLE'), kind: 'person', participantId: 'p', mode: 'Always' }],
    });
    expect(recording.ownerType).toBe('unattributed');
    expect(recording.metadata.unattributed).toEqual({
      reason: 'none of the call’s owners exists any more',
    });
  });
});

describe(`who sees and who reassigns an unattributed recording, on ${testDialect}`, () => {
  let id: string;
  beforeAll(async () => {
    const { recording } = await finalizeUnattributed('unattr-access', {
      unattributed: { reason: REASON },
    });
    id = recording.id;
    const at = Date.parse(recording.timeRecorded);
    window = {
      from: new Date(at - 86_400_000).toISOString(),
      to: new Date(at + 86_400_000).toISOString(),
    };
  });

  it('compliance officers and administrators find it, by the owner type too; a user never does', async () => {
    for (const actor of [co, admin]) {
      const found = await searchOrgRecordings(deps, actor, {
        ...window,
        ownerType: 'unattributed',
      });
      expect(found.items.map((r) => r.id)).toContain(id);
      expect(found.items.every((r) => r.ownerType === 'unattributed')).toBe(true);
      const webex = await listAdminRecordings(deps, actor, { ...window, max: 100 });
      const item = webex.items.find((r) => r.id === id);
      expect(item).toMatchObject({ ownerType: 'unattributed', ownerId: uuidOfId(seed.trunk.id) });
    }
    const own = await listOwnRecordings(deps, alice, { ...window, max: 100 });
    expect(own.items.map((r) => r.id)).not.toContain(id);
    const hidden = await getRecordingDetails(deps, alice, id, BASE).catch((e: unknown) => e);
    expect(hidden).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a compliance officer plays it and reads why it is unattributed', async () => {
    const details = await getRecordingDetails(deps, co, id, BASE);
    expect(details.temporaryDirectDownloadLinks?.audioDownloadLink).toMatch(/^http:/);
    const metadata = await getRecordingMetadata(deps, co, id);
    expect(metadata.ownerType).toBe('UNATTRIBUTED');
    expect(metadata.serviceData.unattributed).toEqual({ reason: REASON });
    expect(metadata.serviceData.trunk).toEqual({ id: seed.trunk.id, name: seed.trunk.name });
  });

  it('a legal hold holds it like any recording', async () => {
    const hold = await createLegalHold(deps, co, {
      scope: 'recording',
      recordingId: id,
      reason: 'dispute',
    });
    expect(hold).toMatchObject({ scope: 'recording', recordingId: id });
  });

  it('a compliance officer reassigns it to a person (audited); the person then sees it', async () => {
    await reassignRecordings(deps, co, {
      reassignOwnerEmail: 'alice@example.com',
      recordingIds: [id],
    });
    const after = await findRecordingById(db.db, seed.orgId, id);
    expect(after).toMatchObject({
      ownerType: 'user',
      ownerId: alice.personId,
      ownerEmail: 'alice@example.com',
    });
    // Why it was recorded unattributed stays part of its history.
    expect(after?.metadata.unattributed).toEqual({ reason: REASON });
    const audit = await db.db
      .selectFrom('audit_events')
      .select(['action', 'actor_id', 'details'])
      .where('target_id', '=', id)
      .where('action', '=', 'recording.reassigned')
      .executeTakeFirstOrThrow();
    expect(audit.actor_id).toBe(co.personId);
    expect(JSON.parse(audit.details)).toMatchObject({
      from: { id: seed.trunk.id, type: 'unattributed' },
      to: { id: alice.personId, type: 'user' },
    });
    const own = await listOwnRecordings(deps, alice, { ...window, max: 100 });
    expect(own.items.map((r) => r.id)).toContain(id);
  });

  it('a compliance officer cannot reassign a recording that has an owner; a user nothing', async () => {
    const owned = await reassignRecordings(deps, co, {
      reassignOwnerEmail: 'bob@example.com',
      recordingIds: [id],
    }).catch((e: unknown) => e);
    expect(owned).toBeInstanceOf(AppError);
    expect(owned).toMatchObject({ code: 'FORBIDDEN' });
    const other = await finalizeUnattributed('unattr-user', { unattributed: { reason: REASON } });
    const byUser = await reassignRecordings(deps, alice, {
      reassignOwnerEmail: 'alice@example.com',
      recordingIds: [other.recordingId],
    }).catch((e: unknown) => e);
    expect(byUser).toMatchObject({ code: 'FORBIDDEN' });
    expect((await findRecordingById(db.db, seed.orgId, other.recordingId))?.ownerType).toBe(
      'unattributed',
    );
  });
});
