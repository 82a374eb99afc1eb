// Live calls over HTTP on the database under test: Webex call-control recording operations on
// the caller's own call (204, 400 with the reason when the mode refuses, 404 for another's call),
// GET /v1/telephony/calls with recordingState, the org's live-control settings, /api/sessions with
// the live state and failures, and the server-sent events of /api/events on a real socket.
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { EncryptedBlobStore, MasterKeyring, generateMasterKey } from '../crypto/index.js';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import { buildApp } from '../http/app.js';
import type { AppInstance } from '../http/types.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { createSessionRegistry, type SessionRegistry } from '../siprec/session-registry.js';
import { FsBlobStore } from '../storage/fs-blob-store.js';
import { bearer, createTestApp } from '../testing/test-app.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';

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
        remoteParty: { name: 'Caller', number: 'tel:+15550100' },
        recordingState: 'pending',
        recordMode: ON_DEMAND,
        allowedRecordingControls: [
          'startRecording',
          'stopRecording',
          'pauseRecording',
          'resumeRecording',
        ],
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

describe(`live calls in a process without the recorder role on ${testDialect}`, () => {
  it('are answered with 503 and why, not as an empty list or an unknown call', async () => {
    const t = await createTestApp();
    try {
      const bobToken = t.seed.people.find((p) => p.email === 'bob@example.com')?.token ?? '';
      for (const res of [
        await t.app.inject({
          method: 'GET',
          url: '/v1/telephony/calls',
          headers: bearer(bobToken),
        }),
        await t.app.inject({
          method: 'POST',
          url: '/v1/telephony/calls/startRecording',
          headers: bearer(bobToken),
          payload: { callId: 'any@src.example' },
        }),
        await t.app.inject({ method: 'GET', url: '/api/events', headers: bearer(bobToken) }),
      ]) {
        expect(res.statusCode).toBe(503);
        expect(res.json<{ message: string }>().message).toMatch(/recorder role/);
      }
    } finally {
      await t.close();
    }
  });
});
