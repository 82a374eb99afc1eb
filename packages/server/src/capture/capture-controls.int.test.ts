// Live controls and failures through finalize on the database under test (SPEC §4,
// §5): the journal's recordingActions decide what each owner's recordings hold — a stop and a
// restart make two recordings, a paused stretch is cut out or kept as silence — and a failure
// (encoder error, a full disk during the call) is catalogued with the journal kept, counted in
// callvault_capture_failures_total, never silent.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createRtpJournalWriter,
  parseRtpPacket,
  readPcapUdpDatagrams,
  type RecordingAction,
} from '@callvault/recorder';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phoneNumberOfAor } from '../siprec/party-lookups.js';
import { fixedClock } from '../clock.js';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import { createEmbeddedJobQueue } from '../jobs/embedded-job-queue.js';
import { registerOutboxJobs } from '../events/outbox.jobs.js';
import { OUTBOX_CONSUMERS } from '../app/recording-stored-consumers.js';
import type { Actor } from '../policy/actor.js';
import { resolveCaptureFailure } from '../siprec/sessions.service.js';
import { createWebhook } from '../webhooks/webhooks.service.js';
import { registerCaptureJobs } from './capture.jobs.js';
import { findRecordingById } from '../recordings/recordings.repository.js';
import { FsBlobStore } from '../storage/fs-blob-store.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { listOpenCaptureFailures } from './capture-failures.repository.js';
import { registerCaptureFailureMetric } from './capture-failures.metrics.js';
import { finalizeCapturedSession, type FinalizeDeps } from './capture-finalize.js';
import { journalDirFor, writeSessionFile, type CaptureSessionFile } from '@callvault/recorder';
import { pcmuStream } from './pcmu-stream.test-helper.js';

const PCAP = new URL(
  '../../../recorder/test-fixtures/pcap/conv_2streams_pcmu_10s.pcap',
  import.meta.url,
);
const clock = fixedClock(new Date('2026-03-02T10:00:00.000Z'));
let db: TestDatabase;
let seed: DemoSeed;
let deps: FinalizeDeps;
let dataDir: string;
/** Arrival of the conversation's first packet: the timeline's origin. */
let t0: number;

function journal(
  id: string,
  extra: Partial<CaptureSessionFile>,
  owners: CaptureSessionFile['owners'],
): string {
  const file: CaptureSessionFile = {
    version: 1,
    sessionId: id,
    callId: `${id}@src`,
    orgId: seed.orgId,
    trunkId: seed.trunk.id,
    trunkName: seed.trunk.name,
    startedAt: t0 - 500,
    owners,
    parties: [
      { id: 'p-alice', aor: 'sip:alice@example.com', name: 'Alice' },
      { id: 'p-bob', aor: 'sip:bob@example.com', name: 'Bob' },
    ],
    streams: [pcmuStream(0, 'alice', 'a.rtpj'), pcmuStream(1, 'bob', 'b.rtpj')],
    metadataRevisions: [],
    senders: { alice: 'p-alice', bob: 'p-bob' },
    closed: { endedAt: t0 + 10_500, endReason: 'bye', kept: true },
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
    writer.append({ arrivalMs: d.timeMs, ...parsed.packet, payload: parsed.packet.payload });
  }
  for (const w of writers.values()) w.close();
  return dir;
}

const act = (
  action: RecordingAction['action'],
  offsetMs: number,
  ownerId?: string,
): RecordingAction => ({
  action,
  atMs: t0 + offsetMs,
  source: 'api',
  ...(ownerId ? { ownerId } : {}),
});

/** Channel 0 of a stored recording (or both mixed) as 8 kHz PCM. */
async function channel0(recordingId: string, pan = 'pan=mono|c0=c0'): Promise<Int16Array> {
  const recording = await findRecordingById(db.db, seed.orgId, recordingId);
  const audio = await deps.blobStore.get(`org/${seed.orgId}/audio/${recording!.audioId}`);
  const ogg = path.join(dataDir, `${recordingId}.ogg`);
  fs.writeFileSync(ogg, audio);
  const pcm = execFileSync('ffmpeg', [
    '-v',
    'error',
    '-i',
    ogg,
    '-af',
    pan,
    '-ar',
    '8000',
    '-f',
    's16le',
    '-',
  ]);
  return new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length >> 1);
}

function rms(samples: Int16Array, fromS: number, toS: number): number {
  const part = samples.subarray(Math.round(fromS * 8000), Math.round(toS * 8000));
  let sum = 0;
  for (const v of part) sum += v * v;
  return Math.sqrt(sum / Math.max(1, part.length));
}

beforeAll(async () => {
  db = await createTestDatabase();
  seed = await runDemoSeed({ db: db.db, clock });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cv-controls-'));
  deps = {
    db: db.db,
    clock,
    blobStore: new FsBlobStore(path.join(dataDir, 'blobs')),
    phoneNumberOfAor,
  };
  const { datagrams } = readPcapUdpDatagrams(new Uint8Array(fs.readFileSync(PCAP)));
  t0 = Math.min(...datagrams.map((d) => d.timeMs));
});
afterAll(async () => {
  await db.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe(`live controls through finalize on ${testDialect}`, () => {
  it('On Demand: start…stop, start…end make two recordings; the paused stretch is cut out; an Always owner of the same call keeps the whole call', async () => {
    const [alice, bob] = [seed.people[0]!, seed.people[1]!];
    const dir = journal(
      'ctl-1',
      {
        recordingActions: [
          act('start', -500, alice.id),
          act('start', 1000, bob.id),
          act('pause', 3000, bob.id),
          act('hold', 3500),
          act('unhold', 4000),
          act('resume', 5000, bob.id),
          act('stop', 7000, bob.id),
          act('start', 8000, bob.id),
        ],
      },
      [
        {
          id: bob.id,
          kind: 'person',
          participantId: 'p-bob',
          mode: 'On Demand with User Initiated Start',
        },
        { id: alice.id, kind: 'person', participantId: 'p-alice', mode: 'Always' },
      ],
    );
    const result = await finalizeCapturedSession(deps, dir);
    expect(result.kind).toBe('stored');
    expect(result.recordingIds).toHaveLength(3);
    const recordings = await Promise.all(
      result.recordingIds.map((id) => findRecordingById(db.db, seed.orgId, id)),
    );
    const bobs = recordings.filter((r) => r?.ownerId === bob.id);
    const alices = recordings.filter((r) => r?.ownerId === alice.id);
    expect(bobs.map((r) => r?.metadata['segment'])).toEqual([
      expect.objectContaining({ index: 1, count: 2, startOffsetMs: 1000, endOffsetMs: 7000 }),
      expect.objectContaining({ index: 2, count: 2, startOffsetMs: 8000 }),
    ]);
    // 1 s…7 s minus the 2 s pause; 8 s…the end of the 10 s conversation.
    const first = await channel0(bobs[0]!.id);
    expect(Math.abs(first.length / 8000 - 4)).toBeLessThan(0.1);
    const second = await channel0(bobs[1]!.id);
    expect(Math.abs(second.length / 8000 - 2)).toBeLessThan(0.15);
    expect(alices).toHaveLength(1);
    expect(Math.abs((await channel0(alices[0]!.id)).length / 8000 - 10)).toBeLessThan(0.15);
    // The two recordings of one call tell which part they are; a single recording does not.
    expect(bobs.map((r) => r?.topic.replace(/^.* \(/, '('))).toEqual([
      '(part 1 of 2)',
      '(part 2 of 2)',
    ]);
    expect(alices[0]!.topic).not.toContain('(part');
    // Bob stopped the first part; the second and Alice's ended with the SRC's BYE.
    expect(bobs.map((r) => r?.provenance.endReason)).toEqual(['stopped', 'bye']);
    expect(alices[0]!.provenance.endReason).toBe('bye');
    const actions = bobs[0]!.metadata['recordingActions'] as Array<Record<string, unknown>>;
    expect(actions.map((a) => [a['action'], a['offsetMs'], a['source']])).toEqual([
      ['start', 1000, 'api'],
      ['pause', 3000, 'api'],
      ['hold', 3500, 'api'],
      ['unhold', 4000, 'api'],
      ['resume', 5000, 'api'],
      ['stop', 7000, 'api'],
      ['start', 8000, 'api'],
    ]);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('pauseBehaviour silence keeps the paused stretch as silence on both channels (timing kept)', async () => {
    const carol = seed.people[2]!;
    const dir = journal(
      'ctl-2',
      {
        pauseBehaviour: 'silence',
        recordingActions: [
          act('start', -500, carol.id),
          act('pause', 3000, carol.id),
          act('resume', 6000, carol.id),
        ],
      },
      [
        {
          id: carol.id,
          kind: 'person',
          participantId: 'p-alice',
          mode: 'Always with Pause/Resume',
        },
      ],
    );
    const result = await finalizeCapturedSession(deps, dir);
    expect(result.kind).toBe('stored');
    const pcm = await channel0(result.recordingIds[0]!, 'pan=mono|c0=0.5*c0+0.5*c1');
    expect(Math.abs(pcm.length / 8000 - 10)).toBeLessThan(0.15);
    expect(rms(pcm, 3.2, 5.8)).toBeLessThan(50);
    expect(rms(pcm, 0, 3)).toBeGreaterThan(10 * rms(pcm, 3.2, 5.8));
    expect(rms(pcm, 6.2, 10)).toBeGreaterThan(10 * rms(pcm, 3.2, 5.8));
  });

  it('On Demand never started: nothing is recorded and nothing is kept', async () => {
    const bob = seed.people[1]!;
    const dir = journal('ctl-3', { recordingActions: [] }, [
      {
        id: bob.id,
        kind: 'person',
        participantId: 'p-bob',
        mode: 'On Demand with User Initiated Start',
      },
    ]);
    expect(await finalizeCapturedSession(deps, dir)).toEqual({
      kind: 'stored',
      recordingIds: [],
      durationMs: 0,
    });
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('an encoder error and a disk that filled during the call are catalogued with the journal kept and counted', async () => {
    const alice = seed.people[0]!;
    const owners = [
      {
        id: alice.id,
        kind: 'person',
        participantId: 'p-alice',
        mode: 'Always',
        failureBehavior: 'END_CALL_WITH_ANNOUNCEMENT',
      },
    ];
    const broken = journal('ctl-4', { recordingActions: [act('start', 0, alice.id)] }, owners);
    const failed = await finalizeCapturedSession(
      { ...deps, encode: () => Promise.reject(new Error('libopus exploded')) },
      broken,
    );
    expect(failed).toMatchObject({ kind: 'failed', code: 'encoder-error', recordingIds: [] });
    expect(fs.existsSync(path.join(broken, 'a.rtpj'))).toBe(true);

    const full = journal(
      'ctl-5',
      {
        recordingActions: [
          act('start', 0, alice.id),
          { action: 'fail', atMs: t0 + 6000, source: 'system', reason: 'disk-full' },
        ],
        failure: {
          reason: 'disk-full',
          detail: 'stream 0 journal: ENOSPC: no space left on device',
          atMs: t0 + 6000,
        },
      },
      owners,
    );
    const partial = await finalizeCapturedSession(deps, full);
    expect(partial).toMatchObject({ kind: 'failed', code: 'disk-full' });
    expect(partial.recordingIds).toHaveLength(1);
    const stored = await findRecordingById(db.db, seed.orgId, partial.recordingIds[0]!);
    expect(stored?.provenance.failures).toEqual([
      {
        code: 'disk-full',
        detail: 'stream 0 journal: ENOSPC: no space left on device',
        at: new Date(t0 + 6000).toISOString(),
        resolvedAt: null,
        stream: null,
      },
    ]);
    expect(stored?.metadata['failureBehavior']).toBe('END_CALL_WITH_ANNOUNCEMENT');
    expect(fs.existsSync(full)).toBe(true);

    const catalogue = await listOpenCaptureFailures(db.db, seed.orgId);
    expect(
      catalogue
        .filter((f) => f.sessionId.startsWith('ctl-'))
        .map((f) => [f.sessionId, f.reason, f.failureBehavior, f.recordingIds.length])
        .sort(),
    ).toEqual([
      ['ctl-4', 'encoder-error', 'END_CALL_WITH_ANNOUNCEMENT', 0],
      ['ctl-5', 'disk-full', 'END_CALL_WITH_ANNOUNCEMENT', 1],
    ]);
    const audit = await db.db
      .selectFrom('audit_events')
      .select('action')
      .where('action', '=', 'capture.failed')
      .execute();
    expect(audit.length).toBeGreaterThanOrEqual(2);
    const registry = new Registry();
    registerCaptureFailureMetric(registry, db.db);
    const text = await registry.metrics();
    expect(text).toMatch(/callvault_capture_failures_total\{reason="disk-full"\} 1/);
    expect(text).toMatch(/callvault_capture_failures_total\{reason="encoder-error"\} 1/);
  });

  it('an operator resolves a failure; retry finalizes the kept journal again (webhook and transcription follow), never twice what was stored', async () => {
    const admin: Actor = {
      personId: seed.admin.id,
      email: seed.admin.email,
      displayName: 'Admin',
      homeOrgId: seed.orgId,
      orgId: seed.orgId,
      roles: ['fullAdmin'],
      partnerId: null,
      via: 'token',
      clientIp: null,
    };
    // Item 6: a stored capture emits the convergedRecordings webhook and asks for its transcript.
    await createWebhook({ db: db.db, clock, allowLoopbackTargets: true }, admin, {
      name: 'captures',
      targetUrl: 'http://127.0.0.1:9/hook',
      resource: 'convergedRecordings',
      event: 'created',
    });
    const queue = createEmbeddedJobQueue({ db: db.db, pollIntervalMs: 25, leaseMs: 5_000 });
    await registerCaptureJobs(queue, deps);
    await registerOutboxJobs(queue, deps, OUTBOX_CONSUMERS);
    await queue.start();
    try {
      const open = await listOpenCaptureFailures(db.db, seed.orgId);
      const encoder = open.find((f) => f.sessionId === 'ctl-4')!;
      const partial = open.find((f) => f.sessionId === 'ctl-5')!;
      const resolve = (id: string, retry: boolean, actor = admin) =>
        resolveCaptureFailure({ db: db.db, clock, queue }, actor, id, { retry });
      await expect(resolve(partial.id, true)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(
        resolve(encoder.id, true, { ...admin, roles: ['complianceOfficer'] }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await resolve(encoder.id, true);
      await expect(resolve(encoder.id, false)).rejects.toMatchObject({ code: 'CONFLICT' });
      // The journal is finalized again (this time the encoder works) and then removed.
      const deadline = Date.now() + 15_000;
      while (fs.existsSync(encoder.journalDir) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(fs.existsSync(encoder.journalDir)).toBe(false);
      const stored = await db.db
        .selectFrom('recordings')
        .select('id')
        .where('call_session_id', '=', 'ctl-4')
        .execute();
      expect(stored).toHaveLength(1);
      const jobs = await db.db.selectFrom('jobs').select(['name', 'payload']).execute();
      expect(
        jobs.filter((j) => j.name === 'transcribe').map((j) => JSON.parse(j.payload)),
      ).toContainEqual({ recordingId: stored[0]!.id });
      // The webhook follows the stored recording's event, through its own job.
      const created = async () =>
        (
          await db.db
            .selectFrom('webhook_deliveries')
            .select(['resource', 'event', 'data'])
            .execute()
        ).some(
          (d) =>
            d.resource === 'convergedRecordings' &&
            d.event === 'created' &&
            d.data.includes(stored[0]!.id),
        );
      const webhookDeadline = Date.now() + 15_000;
      while (!(await created()) && Date.now() < webhookDeadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const deliveries = await db.db
        .selectFrom('webhook_deliveries')
        .select(['resource', 'event', 'data'])
        .execute();
      expect(
        deliveries.some(
          (d) =>
            d.resource === 'convergedRecordings' &&
            d.event === 'created' &&
            d.data.includes(stored[0]!.id),
        ),
      ).toBe(true);
      await resolve(partial.id, false);
      expect(
        (await listOpenCaptureFailures(db.db, seed.orgId)).filter((f) =>
          f.sessionId.startsWith('ctl-'),
        ),
      ).toEqual([]);
      // Resolved failures still count: the counter never goes down.
      const registry = new Registry();
      registerCaptureFailureMetric(registry, db.db);
      expect(await registry.metrics()).toMatch(/reason="encoder-error"\} 1/);
    } finally {
      await queue.stop({ timeoutMs: 5_000 });
    }
  });
});
