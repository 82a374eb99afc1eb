// Webex's call-control API on the database under test: GET /v1/telephony/calls lists every call
// Callvault holds for the line in any recording state, each with exactly Webex's Call fields (and
// Callvault's extras); GET /v1/telephony/calls/{callId} (404 for another person's call); the
// recording controls without `callId` (the line's only call; 400 with its own error number when
// it has none or several); `lineOwnerId` for a virtual line the user has as a secondary line,
// and 403 for any other line.
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app/build-app.js';
import { fixedClock } from '../clock.js';
import { EncryptedBlobStore, MasterKeyring, generateMasterKey } from '../crypto/index.js';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import { ERROR_NUMBER } from '../errors.js';
import type { AppInstance } from '../http/types.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { createSessionRegistry, type SessionRegistry } from '../siprec/session-registry.js';
import { FsBlobStore } from '../storage/fs-blob-store.js';
import { bearer } from '../testing/test-app.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';

const ALWAYS_PAUSE = 'Always with Pause/Resume';
const ON_DEMAND = 'On Demand with User Initiated Start';

/** Webex's required Call fields (AE-CC `Call.required`) and the optional ones Callvault sends. */
const WEBEX_CALL_FIELDS = [
  'id',
  'callSessionId',
  'personality',
  'state',
  'remoteParty',
  'created',
  'muteCapable',
  'muted',
  'answered',
  'recordingState',
  'allowedRecordingControls',
];
const CALLVAULT_EXTRAS = ['recordMode', 'recordingControls', 'failureReason'];

let db: TestDatabase;
let seed: DemoSeed;
let app: AppInstance;
let sessions: SessionRegistry;
const clock = fixedClock(new Date('2026-03-02T10:00:00.000Z'));
const opened: string[] = [];

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
});
afterAll(async () => {
  await app.close();
  await db.drop();
});
afterEach(() => {
  for (const sessionId of opened.splice(0)) sessions.calls.close(sessionId, clock.now().getTime());
});

interface OwnerSpec {
  readonly id: string;
  readonly kind?: string;
  readonly mode: string;
  readonly participantId: string;
  readonly direction?: 'inbound' | 'outbound';
}

function openCall(sessionId: string, owners: readonly OwnerSpec[], startOffsetMs = 0): string {
  const callId = `${sessionId}@src.example`;
  sessions.calls.open({
    sessionId,
    callId,
    orgId: seed.orgId,
    startedAt: clock.now().getTime() + startOffsetMs,
    parties: [
      { id: 'p-1', aor: 'sip:+15550100@pstn.example;user=phone', name: 'Caller' },
      { id: 'p-2', aor: 'sip:desk@example.com', name: 'Desk' },
    ],
    owners: owners.map((o) => ({
      id: o.id,
      kind: o.kind ?? 'person',
      displayName: o.id,
      participantId: o.participantId,
      mode: o.mode,
      failureBehavior: 'PROCEED_WITH_CALL_NO_ANNOUNCEMENT',
      ...(o.direction ? { direction: o.direction } : {}),
    })),
  });
  opened.push(sessionId);
  return callId;
}

const list = (token: string, query = '') =>
  app.inject({ url: `/v1/telephony/calls${query}`, headers: bearer(token) });

const control = (token: string, operation: string, body: Record<string, unknown>) =>
  app.inject({
    method: 'POST',
    url: `/v1/telephony/calls/${operation}`,
    headers: bearer(token),
    payload: body,
  });

describe(`Webex call control on ${testDialect}`, () => {
  it('lists every call Callvault holds for the line, any recording state, with exactly Webex’s Call fields plus the extras', async () => {
    const dave = seed.people[3]!;
    const erin = seed.people[4]!;
    const first = openCall('s-list-1', [
      { id: dave.id, mode: ON_DEMAND, participantId: 'p-2', direction: 'inbound' },
    ]);
    const second = openCall(
      's-list-2',
      [
        { id: dave.id, mode: ALWAYS_PAUSE, participantId: 'p-2' },
        { id: erin.id, mode: ALWAYS_PAUSE, participantId: 'p-1' },
      ],
      1000,
    );
    const res = await list(dave.token);
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Array<Record<string, unknown>>;
    expect(items.map((c) => c.id)).toEqual([first, second]);
    for (const item of items) {
      expect(Object.keys(item).sort()).toEqual([...WEBEX_CALL_FIELDS, ...CALLVAULT_EXTRAS].sort());
    }
    // On Demand, not started: known to Callvault, not being recorded.
    expect(items[0]).toEqual({
      id: first,
      callSessionId: 's-list-1',
      personality: 'terminator',
      state: 'connected',
      remoteParty: {
        name: 'Caller',
        number: '+15550100',
        privacyEnabled: false,
        callType: 'external',
      },
      created: '2026-03-02T10:00:00.000Z',
      answered: '2026-03-02T10:00:00.000Z',
      recordingState: 'pending',
      muteCapable: false,
      muted: false,
      allowedRecordingControls: 'record',
      recordMode: ON_DEMAND,
      recordingControls: ['startRecording', 'stopRecording', 'pauseRecording', 'resumeRecording'],
      failureReason: null,
    });
    // The other side is erin, recorded on the same call: a person of the organization.
    const erinLocation = seed.people[4]!.locationId;
    expect(items[1]).toMatchObject({
      personality: 'terminator',
      remoteParty: {
        name: 'Caller',
        number: '+15550100',
        personId: erin.id,
        privacyEnabled: false,
        callType: dave.locationId === erinLocation ? 'location' : 'organization',
      },
      recordingState: 'started',
      allowedRecordingControls: 'pause',
    });
    // Erin placed it (the metadata lists her first) and sees dave's line at Desk.
    const erins = (await list(erin.token)).json().items as Array<Record<string, unknown>>;
    expect(erins).toEqual([
      expect.objectContaining({
        id: second,
        personality: 'originator',
        remoteParty: expect.objectContaining({ number: 'desk@example.com', personId: dave.id }),
      }),
    ]);
    // Nobody else's line is recorded on these calls.
    expect((await list(seed.people[0]!.token)).json().items).toEqual([]);
    expect((await list(seed.admin.token)).json().items).toEqual([]);
  });

  it('GET /v1/telephony/calls/{callId}: the line’s call; 404 for another person’s call or an unknown one', async () => {
    const dave = seed.people[3]!;
    const callId = openCall('s-get', [{ id: dave.id, mode: ALWAYS_PAUSE, participantId: 'p-2' }]);
    const url = `/v1/telephony/calls/${encodeURIComponent(callId)}`;
    const mine = await app.inject({ url, headers: bearer(dave.token) });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toEqual((await list(dave.token)).json().items[0]);
    for (const token of [seed.people[0]!.token, seed.admin.token, seed.complianceOfficer.token]) {
      const other = await app.inject({ url, headers: bearer(token) });
      expect(other.statusCode).toBe(404);
      expect(other.json().errors[0].errorCode).toBe(ERROR_NUMBER.NOT_FOUND);
    }
    // An operation's path is POST-only, not a call id.
    const wrongMethod = await app.inject({
      url: '/v1/telephony/calls/pauseRecording',
      headers: bearer(dave.token),
    });
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers['allow']).toBe('POST');
    expect(wrongMethod.json().errors[0].errorCode).toBe(ERROR_NUMBER.METHOD_NOT_ALLOWED);
    const unknown = await app.inject({
      url: '/v1/telephony/calls/nope%40x',
      headers: bearer(dave.token),
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('controls without callId act on the line’s only call; none or several answer 400 with their own error numbers', async () => {
    const dave = seed.people[3]!;
    const none = await control(dave.token, 'pauseRecording', {});
    expect(none.statusCode).toBe(400);
    expect(none.json()).toMatchObject({
      message: 'You have no active call to control',
      errors: [{ errorCode: ERROR_NUMBER.NO_ACTIVE_CALL, code: 'NO_ACTIVE_CALL' }],
    });
    // A Webex client sends the JSON header with no body at all.
    const empty = await app.inject({
      method: 'POST',
      url: '/v1/telephony/calls/pauseRecording',
      headers: { ...bearer(dave.token), 'content-type': 'application/json' },
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors[0].errorCode).toBe(ERROR_NUMBER.NO_ACTIVE_CALL);

    openCall('s-only', [{ id: dave.id, mode: ALWAYS_PAUSE, participantId: 'p-2' }]);
    // Someone else's call does not count as dave's.
    openCall('s-other', [{ id: seed.people[0]!.id, mode: ALWAYS_PAUSE, participantId: 'p-1' }]);
    expect((await control(dave.token, 'pauseRecording', {})).statusCode).toBe(204);
    expect(sessions.calls.get('s-only')?.owners[0]?.state).toBe('paused');
    expect(sessions.calls.get('s-other')?.owners[0]?.state).toBe('started');
    const audit = await db.db
      .selectFrom('audit_events')
      .select(['action', 'target_id'])
      .where('action', '=', 'liveCall.pauseRecording')
      .execute();
    expect(audit).toEqual([{ action: 'liveCall.pauseRecording', target_id: 's-only@src.example' }]);

    openCall('s-second', [{ id: dave.id, mode: ALWAYS_PAUSE, participantId: 'p-2' }], 1000);
    const several = await control(dave.token, 'resumeRecording', {});
    expect(several.statusCode).toBe(400);
    expect(several.json().errors[0]).toMatchObject({
      errorCode: ERROR_NUMBER.CALL_ID_REQUIRED,
      code: 'CALL_ID_REQUIRED',
    });
    expect(several.json().errors[0].description).toContain('s-second@src.example');
    expect(sessions.calls.get('s-only')?.owners[0]?.state).toBe('paused');
    expect(
      (await control(dave.token, 'resumeRecording', { callId: 's-only@src.example' })).statusCode,
    ).toBe(204);
  });

  it('lineOwnerId: a virtual line the user has as a secondary line is listed, read and controlled; any other line is 403', async () => {
    const dave = seed.people[3]!;
    const erin = seed.people[4]!;
    const line = seed.virtualLines[0]!;
    const set = await app.inject({
      method: 'PUT',
      url: `/api/virtual-lines/${line.id}/secondaryLineUsers`,
      headers: bearer(seed.admin.token),
      payload: { personIds: [dave.id] },
    });
    expect(set.statusCode).toBe(204);
    const callId = openCall('s-line', [
      { id: line.id, kind: 'virtualLine', mode: ON_DEMAND, participantId: 'p-2' },
    ]);
    const query = `?lineOwnerId=${encodeURIComponent(line.id)}`;

    // Dave's own line has no call; the secondary line has this one.
    expect((await list(dave.token)).json().items).toEqual([]);
    expect((await list(dave.token, query)).json().items).toEqual([
      expect.objectContaining({ id: callId, recordingState: 'pending' }),
    ]);
    expect((await list(dave.token, `?lineOwnerId=${encodeURIComponent(dave.id)}`)).json()).toEqual({
      items: [],
    });
    const got = await app.inject({
      url: `/v1/telephony/calls/${encodeURIComponent(callId)}${query}`,
      headers: bearer(dave.token),
    });
    expect(got.statusCode).toBe(200);
    const mineOnly = await app.inject({
      url: `/v1/telephony/calls/${encodeURIComponent(callId)}`,
      headers: bearer(dave.token),
    });
    expect(mineOnly.statusCode).toBe(404);

    // Without callId: the secondary line's only call.
    expect((await control(dave.token, 'startRecording', { lineOwnerId: line.id })).statusCode).toBe(
      204,
    );
    expect(sessions.calls.get('s-line')?.owners[0]?.state).toBe('started');
    expect(
      (await control(dave.token, 'pauseRecording', { callId, lineOwnerId: line.id })).statusCode,
    ).toBe(204);
    expect(sessions.calls.get('s-line')?.owners[0]?.state).toBe('paused');
    // Without lineOwnerId the call is not dave's line's.
    expect((await control(dave.token, 'resumeRecording', { callId })).statusCode).toBe(404);

    // Erin does not have the line; nobody acts for another person's line either.
    for (const [token, lineOwnerId] of [
      [erin.token, line.id],
      [dave.token, erin.id],
      [seed.admin.token, line.id],
    ] as const) {
      const q = `?lineOwnerId=${encodeURIComponent(lineOwnerId)}`;
      const listed = await list(token, q);
      expect(listed.statusCode).toBe(403);
      expect(listed.json().errors[0].errorCode).toBe(ERROR_NUMBER.FORBIDDEN);
      const read = await app.inject({
        url: `/v1/telephony/calls/${encodeURIComponent(callId)}${q}`,
        headers: bearer(token),
      });
      expect(read.statusCode).toBe(403);
      const resumed = await control(token, 'resumeRecording', { callId, lineOwnerId });
      expect(resumed.statusCode).toBe(403);
    }
    expect(sessions.calls.get('s-line')?.owners[0]?.state).toBe('paused');
  });
});
