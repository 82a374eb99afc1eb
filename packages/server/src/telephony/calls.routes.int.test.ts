// Live calls over HTTP on the database under test: Webex call-control recording operations on
// the caller's own call (204, 400 with the reason when the mode refuses, 404 for another's call),
// GET /v1/telephony/calls with recordingState, the org's live-control settings, /api/sessions with
// the live state and failures, and the server-sent events of /api/events on a real socket; and the
// same with the recorder and API roles in separate processes sharing the database.
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock, type Clock } from '../clock.js';
import { EncryptedBlobStore, MasterKeyring, generateMasterKey } from '../crypto/index.js';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { buildApp } from '../app/build-app.js';
import type { AppInstance } from '../http/types.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { createSessionRegistry, type SessionRegistry } from '../siprec/session-registry.js';
import { FsBlobStore } from '../storage/fs-blob-store.js';
import { bearer } from '../testing/test-app.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { createLiveCallHub, type LiveCallHub } from './live-calls.js';
import { startLiveCallMirror, type LiveCallMirror } from './live-calls-mirror.js';
import { deleteLiveCall, upsertLiveCall } from './live-calls.repository.js';

const ALWAYS_PAUSE = 'Always with Pause/Resume';
const ON_DEMAND = 'On Demand with User Initiated Start';

let db: TestDatabase;
let seed: DemoSeed;
let app: AppInstance;
let sessions: SessionRegistry;
let baseUrl: string;
const clock = fixedClock(new Date('2026-03-02T10:00:00.000Z'));

beforeAll(async () => {
  db = await createTestDatabase();
  seed = await runDemoSeed({ db: db.db, clock });
  sessions = createSessionRegistry();
  app = await buildApp({
    db: db.db,
    dialect: db.dialect,
    clock,
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics({ defaultMetrics: false }),
    dataDir: db.dataDir,
    blobStore: new EncryptedBlobStore(new FsBlobStore(path.join(db.dataDir, 'blobs')), {
      keyring: new MasterKeyring(generateMasterKey()),
    }),
    webRoot: null,
    queue: null,
    builtinSiprecUri: 'sip:callvault@127.0.0.1:5060',
    sessions,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await app.close();
  await db.drop();
});

function openCall(sessionId: string, owners: Array<{ id: string; mode: string }>): string {
  const callId = `${sessionId}@src.example`;
  sessions.calls.open({
    sessionId,
    callId,
    orgId: seed.orgId,
    startedAt: clock.now().getTime(),
    parties: [
      { id: 'p-owner', aor: 'sip:owner@example.com' },
      { id: 'p-remote', aor: 'tel:+15550100', name: 'Caller' },
    ],
    owners: owners.map((o) => ({
      id: o.id,
      kind: 'person',
      displayName: o.id,
      participantId: 'p-owner',
      mode: o.mode,
      failureBehavior: 'PROCEED_WITH_CALL_NO_ANNOUNCEMENT',
    })),
  });
  return callId;
}

async function control(token: string, operation: string, callId: string) {
  return app.inject({
    method: 'POST',
    url: `/v1/telephony/calls/${operation}`,
    headers: bearer(token),
    payload: { callId },
  });
}

describe(`live call controls on ${testDialect}`, () => {
  it('On Demand: start, pause, resume, stop through the API; refused controls say why and change nothing', async () => {
    const bob = seed.people[1]!;
    const callId = openCall('s-demand', [{ id: bob.id, mode: ON_DEMAND }]);
    const list = async () =>
      (await app.inject({ url: '/v1/telephony/calls', headers: bearer(bob.token) })).json();
    expect((await list()).items).toEqual([
      expect.objectContaining({
        id: callId,
        state: 'connected',
        remoteParty: {
          name: 'Caller',
          number: '+15550100',
          privacyEnabled: false,
          callType: 'external',
        },
        recordingState: 'pending',
        recordMode: ON_DEMAND,
        allowedRecordingControls: 'record',
        recordingControls: ['startRecording', 'stopRecording', 'pauseRecording', 'resumeRecording'],
      }),
    ]);
    const refused = await control(bob.token, 'pauseRecording', callId);
    expect(refused.statusCode).toBe(400);
    expect(JSON.stringify(refused.json())).toContain('NOT_STARTED');
    expect((await list()).items[0].recordingState).toBe('pending');

    for (const [op, state] of [
      ['startRecording', 'started'],
      ['pauseRecording', 'paused'],
      ['resumeRecording', 'started'],
      ['stopRecording', 'stopped'],
      ['startRecording', 'started'],
    ] as const) {
      expect((await control(bob.token, op, callId)).statusCode).toBe(204);
      expect((await list()).items[0].recordingState).toBe(state);
    }
    expect(sessions.calls.get('s-demand')?.actions.map((a) => [a.action, a.source])).toEqual([
      ['start', 'api'],
      ['pause', 'api'],
      ['resume', 'api'],
      ['stop', 'api'],
      ['start', 'api'],
    ]);
    const audit = await db.db
      .selectFrom('audit_events')
      .select('action')
      .where('action', 'like', 'liveCall.%')
      .execute();
    expect(audit.map((a) => a.action)).toContain('liveCall.pauseRecording');
  });

  it('Always with Pause/Resume: no stop (400 NOT_ALLOWED_IN_MODE); another person’s call is 404, also for an admin', async () => {
    const carol = seed.people[2]!;
    const callId = openCall('s-pause', [{ id: carol.id, mode: ALWAYS_PAUSE }]);
    const stop = await control(carol.token, 'stopRecording', callId);
    expect(stop.statusCode).toBe(400);
    expect(JSON.stringify(stop.json())).toContain('NOT_ALLOWED_IN_MODE');
    expect(sessions.calls.get('s-pause')?.owners[0]?.state).toBe('started');
    sessions.calls.hold('s-pause', true, clock.now().getTime());
    const held = await app.inject({ url: '/v1/telephony/calls', headers: bearer(carol.token) });
    expect(held.json().items).toEqual([expect.objectContaining({ id: callId, state: 'held' })]);
    sessions.calls.hold('s-pause', false, clock.now().getTime());
    expect((await control(carol.token, 'pauseRecording', callId)).statusCode).toBe(204);

    const alice = seed.people[0]!;
    expect((await control(alice.token, 'resumeRecording', callId)).statusCode).toBe(404);
    expect((await control(seed.admin.token, 'resumeRecording', callId)).statusCode).toBe(404);
    expect((await control(carol.token, 'resumeRecording', 'nope@x')).statusCode).toBe(404);
    const mine = await app.inject({ url: '/v1/telephony/calls', headers: bearer(alice.token) });
    expect(mine.json().items.map((c: { id: string }) => c.id)).not.toContain(callId);
  });

  it('/api/sessions reports failures from the catalogue; the org’s live-control settings are validated and audited', async () => {
    const sessionsRes = await app.inject({
      url: '/api/sessions',
      headers: bearer(seed.admin.token),
    });
    expect(sessionsRes.statusCode).toBe(200);
    expect(sessionsRes.json()).toMatchObject({ items: [], failures: [] });

    const url = '/v1/telephony/config/callRecording';
    const before = (await app.inject({ url, headers: bearer(seed.admin.token) })).json();
    expect(before).toMatchObject({
      pauseBehaviour: 'cut',
      dtmfFeatureCodes: { start: '*44', stop: '*45', pause: '*48', resume: '*49' },
    });
    const bad = await app.inject({
      method: 'PUT',
      url,
      headers: bearer(seed.admin.token),
      payload: { dtmfFeatureCodes: { start: '*4' } },
    });
    expect(bad.statusCode).toBe(400);
    const good = await app.inject({
      method: 'PUT',
      url,
      headers: bearer(seed.admin.token),
      payload: { pauseBehaviour: 'silence', dtmfFeatureCodes: { pause: '#8' } },
    });
    expect(good.statusCode).toBe(204);
    const after = (await app.inject({ url, headers: bearer(seed.admin.token) })).json();
    expect(after).toMatchObject({
      pauseBehaviour: 'silence',
      dtmfFeatureCodes: { start: '*44', pause: '#8' },
    });
    const user = await app.inject({
      method: 'PUT',
      url,
      headers: bearer(seed.people[0]!.token),
      payload: { pauseBehaviour: 'cut' },
    });
    expect(user.statusCode).toBe(403);
    await app.inject({
      method: 'PUT',
      url,
      headers: bearer(seed.admin.token),
      payload: { pauseBehaviour: 'cut', dtmfFeatureCodes: { pause: '*48' } },
    });
  });

  it('/api/events: a user sees their own calls’ states, the compliance officer the org’s; a closed stream unsubscribes', async () => {
    const bob = seed.people[1]!;
    const alice = seed.people[0]!;
    const events = (token: string) => {
      const got: Array<{ event: string; data: Record<string, unknown> }> = [];
      let buffer = '';
      const req = http.get(`${baseUrl}/api/events`, { headers: bearer(token) }, (res) => {
        expect(res.headers['content-type']).toMatch(/text\/event-stream/);
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data)
              got.push({ event, data: JSON.parse(data) as Record<string, unknown> });
          }
        });
      });
      return { got, req };
    };
    const until = async (check: () => boolean) => {
      while (!check()) await new Promise((r) => setTimeout(r, 10));
    };
    const bobStream = events(bob.token);
    const aliceStream = events(alice.token);
    const coStream = events(seed.complianceOfficer.token);
    // The snapshot of calls already open arrives first (bob's On Demand call above is started).
    await until(() => bobStream.got.some((e) => e.data['callSessionId'] === 's-demand'));
    await until(() => coStream.got.some((e) => e.data['callSessionId'] === 's-pause'));

    const callId = openCall('s-events', [{ id: bob.id, mode: ON_DEMAND }]);
    expect((await control(bob.token, 'startRecording', callId)).statusCode).toBe(204);
    sessions.calls.fail('s-events', { reason: 'disk-full', detail: 'ENOSPC', atMs: 1 });
    sessions.calls.close('s-events', 2);
    const mine = () => bobStream.got.filter((e) => e.data['callSessionId'] === 's-events');
    await until(() => mine().length === 4);
    expect(mine().map((e) => [e.event, e.data['recordingState'], e.data['action']])).toEqual([
      ['recordingState', 'pending', null],
      ['recordingState', 'started', 'start'],
      ['recordingState', 'failed', 'fail'],
      ['callEnded', 'failed', null],
    ]);
    expect(mine()[2]?.data).toMatchObject({ reason: 'disk-full', callId });
    await until(
      () => coStream.got.filter((e) => e.data['callSessionId'] === 's-events').length === 4,
    );
    expect(aliceStream.got.some((e) => e.data['callSessionId'] === 's-events')).toBe(false);

    const listeners = sessions.calls.listenerCount;
    bobStream.req.destroy();
    await until(() => sessions.calls.listenerCount === listeners - 1);
    aliceStream.req.destroy();
    coStream.req.destroy();
    await until(() => sessions.calls.listenerCount === listeners - 3);
  });
});

// SPEC §10: `serve --roles recorder` and `serve --roles api` as separate processes on one
// database. Each "process" here has its own database connection (a second SQLite connection to
// the file, a second PostgreSQL pool) and its own clock; the recorder's LiveCallHub is mirrored
// into the database and answers the controls queued there.
describe(`live calls across processes (recorder and API roles split) on ${testDialect}`, () => {
  let shared: TestDatabase;
  let people: DemoSeed['people'];
  let admin: DemoSeed['admin'];
  let orgId: string;
  const start = new Date();
  const recorderClock = fixedClock(start);
  const apiClock = fixedClock(start);
  let recorderDb: DatabaseHandle;
  let apiDb: DatabaseHandle;
  let recorder: SessionRegistry;
  let mirror: LiveCallMirror;
  let apiApp: AppInstance;
  let apiUrl: string;
  /** A second recorder process that also serves the API (several recorders). */
  let otherDb: DatabaseHandle;
  let other: SessionRegistry;
  let otherMirror: LiveCallMirror;
  let otherApp: AppInstance;

  const appOn = async (
    handle: DatabaseHandle,
    clock: Clock,
    registry: SessionRegistry | null,
  ): Promise<AppInstance> =>
    buildApp({
      db: handle.db,
      dialect: handle.dialect,
      clock,
      logger: createLogger({ level: 'silent' }),
      metrics: createMetrics({ defaultMetrics: false }),
      dataDir: shared.dataDir,
      blobStore: new EncryptedBlobStore(new FsBlobStore(path.join(shared.dataDir, 'blobs')), {
        keyring: new MasterKeyring(generateMasterKey()),
      }),
      webRoot: null,
      queue: null,
      builtinSiprecUri: 'sip:callvault@127.0.0.1:5060',
      sessions: registry,
    });

  beforeAll(async () => {
    shared = await createTestDatabase();
    const demo = await runDemoSeed({ db: shared.db, clock: apiClock });
    people = demo.people;
    admin = demo.admin;
    orgId = demo.orgId;
    recorderDb = openDatabase(shared.config);
    apiDb = openDatabase(shared.config);
    otherDb = openDatabase(shared.config);
    recorder = createSessionRegistry();
    other = createSessionRegistry();
    const silent = createLogger({ level: 'silent' });
    mirror = startLiveCallMirror({
      db: recorderDb.db,
      hub: recorder.calls,
      clock: recorderClock,
      logger: silent,
      heartbeatMs: 100,
    });
    otherMirror = startLiveCallMirror({
      db: otherDb.db,
      hub: other.calls,
      clock: recorderClock,
      logger: silent,
    });
    apiApp = await appOn(apiDb, apiClock, null);
    await apiApp.listen({ host: '127.0.0.1', port: 0 });
    const address = apiApp.server.address();
    apiUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    otherApp = await appOn(otherDb, apiClock, other);
    await otherApp.ready();
  });
  afterAll(async () => {
    await apiApp.close();
    await otherApp.close();
    await mirror.stop();
    await otherMirror.stop();
    await recorderDb.close();
    await apiDb.close();
    await otherDb.close();
    await shared.drop();
  });

  const openRecorded = async (
    hub: LiveCallHub,
    sessionId: string,
    ownerId: string,
    mode: string,
  ): Promise<string> => {
    const callId = `${sessionId}@src.example`;
    hub.open({
      sessionId,
      callId,
      orgId,
      startedAt: recorderClock.now().getTime(),
      parties: [
        { id: 'p-owner', aor: 'sip:owner@example.com' },
        { id: 'p-remote', aor: 'tel:+15550100', name: 'Caller' },
      ],
      owners: [
        {
          id: ownerId,
          kind: 'person',
          displayName: ownerId,
          participantId: 'p-owner',
          mode,
          failureBehavior: 'PROCEED_WITH_CALL_NO_ANNOUNCEMENT',
        },
      ],
    });
    await mirror.flush();
    await otherMirror.flush();
    return callId;
  };
  const listOn = async (on: AppInstance, token: string) =>
    (await on.inject({ url: '/v1/telephony/calls', headers: bearer(token) })).json<{
      items: Array<{ id: string; recordingState: string; state: string }>;
    }>().items;
  const controlOn = (on: AppInstance, token: string, operation: string, callId: string) =>
    on.inject({
      method: 'POST',
      url: `/v1/telephony/calls/${operation}`,
      headers: bearer(token),
      payload: { callId },
    });
  const until = async (check: () => boolean | Promise<boolean>, timeoutMs = 5000) => {
    const end = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > end) throw new Error('timed out waiting');
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  it('the API process lists the recorder’s call, pauses it there (state, recordingActions, audit), refuses what the mode does not allow, hides another’s call; an SSE client sees the pause and the end', async () => {
    const bob = people[1]!;
    const alice = people[0]!;
    const callId = await openRecorded(recorder.calls, 's-split', bob.id, ALWAYS_PAUSE);
    expect(await listOn(apiApp, bob.token)).toEqual([
      expect.objectContaining({
        id: callId,
        callSessionId: 's-split',
        state: 'connected',
        remoteParty: {
          name: 'Caller',
          number: '+15550100',
          privacyEnabled: false,
          callType: 'external',
        },
        recordingState: 'started',
        recordMode: ALWAYS_PAUSE,
        allowedRecordingControls: 'pause',
        recordingControls: ['pauseRecording', 'resumeRecording'],
      }),
    ]);
    expect(await listOn(apiApp, alice.token)).toEqual([]);

    const got: Array<{ event: string; data: Record<string, unknown> }> = [];
    let buffer = '';
    const req = http.get(`${apiUrl}/api/events`, { headers: bearer(bob.token) }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) got.push({ event, data: JSON.parse(data) as Record<string, unknown> });
        }
      });
    });
    try {
      await until(() => got.length > 0);
      expect(got[0]).toMatchObject({
        event: 'recordingState',
        data: { callSessionId: 's-split', recordingState: 'started', ownerId: bob.id },
      });

      const pause = await controlOn(apiApp, bob.token, 'pauseRecording', callId);
      expect(pause.statusCode).toBe(204);
      expect(recorder.calls.get('s-split')?.owners[0]?.state).toBe('paused');
      expect(recorder.calls.get('s-split')?.actions.map((a) => [a.action, a.source])).toEqual([
        ['start', 'mode'],
        ['pause', 'api'],
      ]);
      expect((await listOn(apiApp, bob.token))[0]?.recordingState).toBe('paused');
      const audited = await shared.db
        .selectFrom('audit_events')
        .select(['action', 'actor_id'])
        .where('action', '=', 'liveCall.pauseRecording')
        .execute();
      expect(audited).toEqual([{ action: 'liveCall.pauseRecording', actor_id: bob.id }]);

      const stop = await controlOn(apiApp, bob.token, 'stopRecording', callId);
      expect(stop.statusCode).toBe(400);
      expect(JSON.stringify(stop.json())).toContain('NOT_ALLOWED_IN_MODE');
      const again = await controlOn(apiApp, bob.token, 'pauseRecording', callId);
      expect(again.statusCode).toBe(400);
      expect(JSON.stringify(again.json())).toContain('ALREADY_PAUSED');
      expect(recorder.calls.get('s-split')?.actions).toHaveLength(2);

      expect((await controlOn(apiApp, alice.token, 'resumeRecording', callId)).statusCode).toBe(
        404,
      );
      expect((await controlOn(apiApp, admin.token, 'resumeRecording', callId)).statusCode).toBe(
        404,
      );
      expect((await controlOn(apiApp, bob.token, 'resumeRecording', 'nope@x')).statusCode).toBe(
        404,
      );
      expect(recorder.calls.get('s-split')?.owners[0]?.state).toBe('paused');

      await until(() => got.some((e) => e.data['recordingState'] === 'paused'));
      expect(got.find((e) => e.data['recordingState'] === 'paused')).toMatchObject({
        event: 'recordingState',
        data: { callId, ownerId: bob.id, action: 'pause', source: 'api' },
      });

      recorder.calls.close('s-split', recorderClock.now().getTime());
      await until(() => got.some((e) => e.event === 'callEnded'));
      expect(got.filter((e) => e.event === 'callEnded')).toEqual([
        expect.objectContaining({
          data: expect.objectContaining({ callSessionId: 's-split', recordingState: 'paused' }),
        }),
      ]);
      expect(await listOn(apiApp, bob.token)).toEqual([]);
      expect((await controlOn(apiApp, bob.token, 'resumeRecording', callId)).statusCode).toBe(404);
    } finally {
      req.destroy();
    }
  });

  it('a recorder process’s API reaches a call another recorder holds, and lists both', async () => {
    const carol = people[2]!;
    const mine = await openRecorded(other.calls, 's-other-own', carol.id, ON_DEMAND);
    const theirs = await openRecorded(recorder.calls, 's-other-remote', carol.id, ON_DEMAND);
    expect((await listOn(otherApp, carol.token)).map((c) => c.id).sort()).toEqual(
      [mine, theirs].sort(),
    );
    expect((await controlOn(otherApp, carol.token, 'startRecording', theirs)).statusCode).toBe(204);
    expect(recorder.calls.get('s-other-remote')?.owners[0]?.state).toBe('started');
    expect((await controlOn(otherApp, carol.token, 'startRecording', mine)).statusCode).toBe(204);
    expect(other.calls.get('s-other-own')?.owners[0]?.state).toBe('started');
    other.calls.close('s-other-own', recorderClock.now().getTime());
    recorder.calls.close('s-other-remote', recorderClock.now().getTime());
    await mirror.flush();
    await otherMirror.flush();
    expect(await listOn(otherApp, carol.token)).toEqual([]);
  });

  it('a call whose recorder stopped its heartbeat (~15 s) is hidden; the heartbeat shows it again', async () => {
    const bob = people[1]!;
    const callId = await openRecorded(recorder.calls, 's-stale', bob.id, ON_DEMAND);
    expect((await listOn(apiApp, bob.token)).map((c) => c.id)).toEqual([callId]);
    // 16 s pass for the API process while the recorder (its clock stands still) does not beat.
    apiClock.advance(16_000);
    expect(await listOn(apiApp, bob.token)).toEqual([]);
    expect((await controlOn(apiApp, bob.token, 'startRecording', callId)).statusCode).toBe(404);
    recorderClock.advance(16_000);
    await until(async () => (await listOn(apiApp, bob.token)).length === 1);
    expect((await controlOn(apiApp, bob.token, 'startRecording', callId)).statusCode).toBe(204);
    recorder.calls.close('s-stale', recorderClock.now().getTime());
    await mirror.flush();
  });

  it('no recorder answering: 503 RECORDER_UNAVAILABLE after ~3 s, and the control is withdrawn', async () => {
    const bob = people[1]!;
    // A recorder that still has a fresh row but no longer answers (hung, or cut off).
    const hung = createLiveCallHub({ instanceId: 'hung-recorder' });
    hung.open({
      sessionId: 's-hung',
      callId: 's-hung@src.example',
      orgId,
      startedAt: recorderClock.now().getTime(),
      owners: [
        {
          id: bob.id,
          kind: 'person',
          displayName: 'Bob',
          mode: ALWAYS_PAUSE,
          failureBehavior: null,
        },
      ],
    });
    await upsertLiveCall(
      apiDb.db,
      hung.get('s-hung')!,
      'hung-recorder',
      apiClock.now().toISOString(),
    );
    const started = Date.now();
    const res = await controlOn(apiApp, bob.token, 'pauseRecording', 's-hung@src.example');
    const waited = Date.now() - started;
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      message: expect.stringMatching(/did not answer in time/),
      errors: [{ code: 'RECORDER_UNAVAILABLE' }],
    });
    expect(waited).toBeGreaterThanOrEqual(2900);
    expect(waited).toBeLessThan(6000);
    const commands = await shared.db
      .selectFrom('live_call_commands')
      .select(['result', 'done_at', 'requested_by', 'control'])
      .where('session_id', '=', 's-hung')
      .execute();
    expect(commands).toEqual([
      { result: null, done_at: expect.any(String), requested_by: bob.id, control: 'pause' },
    ]);
    await deleteLiveCall(apiDb.db, 's-hung');
  });
});
