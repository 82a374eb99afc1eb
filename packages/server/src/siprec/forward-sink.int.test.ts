// Forwarded sessions on the host's side, on the database under test, driven by synthetic
// snapshots through the sink as the recorder sends them: the vendor's owners are owners of the
// live call; a vendor failure fails the call's recording with its reason and the owners' failure
// behaviour (as a capture failure is reported); the closed session leaves one catalogue entry of
// kind `forwarded` with its audit events, listed at /api/forwarded-calls for compliance officers,
// administrators and its owners, never in Webex's converged recordings.
import {
  withCapture,
  type RecordingForwardState,
  type RecordingOwner,
  type RecordingSessionClosed,
  type RecordingSessionSnapshot,
} from '@callvault/recorder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger.js';
import { bearer, createTestApp, type TestApp } from '../testing/test-app.js';
import { testDialect } from '../testing/test-database.js';
import { createForwardSink, type ForwardSink } from './forward-sink.js';
import { createSessionRegistry, type SessionRegistry } from './session-registry.js';

let t: TestApp;
let registry: SessionRegistry;
let forwards: ForwardSink;
let sink: SessionRegistry;

const VENDOR = { vendorId: 'vendor-x', vendorName: 'Legacy NICE', sipUri: 'sip:srs@nice.example' };

const person = (email: string) => t.seed.people.find((p) => p.email === email)!;

function ownerOf(email: string, name: string, participantId: string): RecordingOwner {
  return {
    kind: 'person',
    id: person(email).id,
    displayName: name,
    participantId,
    matchedBy: 'sip-address',
    mode: 'Always',
    failureBehavior: 'END_CALL_WITH_ANNOUNCEMENT',
  };
}

/** A forwarded session's snapshot as the recorder's session handler would send it. */
function snapshot(
  id: string,
  forward: Omit<RecordingForwardState, 'fallbackToLocal'> & { fallbackToLocal?: boolean },
  owners: readonly RecordingOwner[] = [],
): RecordingSessionSnapshot {
  const startedAt = Date.parse('2026-03-02T09:00:00.000Z');
  return {
    id,
    callId: `call-${id}`,
    orgId: t.seed.orgId,
    trunkId: t.seed.trunk.id,
    trunkName: t.seed.trunk.name,
    source: { transport: 'udp', address: '127.0.0.1', port: 5060 },
    state: 'active',
    ownership: owners.length > 0 ? 'owned' : 'no-owner',
    startedAt,
    parties: [
      { id: 'p1', aor: 'sip:alice@example.com', name: 'Alice', placeholder: false },
      { id: 'p2', aor: 'sip:+46701234567@example.com', placeholder: false },
    ],
    owners,
    streams: [],
    metadataRevisions: [],
    siprecIndicators: { srcFeatureTag: true, requireSiprec: true, metadataPart: true },
    forward: { fallbackToLocal: true, ...forward },
  };
}

function closed(s: RecordingSessionSnapshot, kept: boolean): RecordingSessionClosed {
  return {
    ...s,
    state: 'closed',
    endedAt: s.startedAt + 65_000,
    endReason: 'bye',
    kept,
    outcome: kept ? 'recorded here' : 'forwarded to the external recorder',
  };
}

async function get(url: string, token = t.seed.admin.token) {
  const res = await t.app.inject({ method: 'GET', url, headers: bearer(token) });
  return { status: res.statusCode, body: res.json<any>() };
}

const WINDOW = 'from=2026-03-02T00:00:00.000Z&to=2026-03-03T00:00:00.000Z';

beforeAll(async () => {
  registry = createSessionRegistry();
  t = await createTestApp({ sessions: registry });
  forwards = createForwardSink({
    db: t.db.db,
    clock: t.clock,
    logger: createLogger({ level: 'silent' }),
    calls: registry.calls,
  });
  sink = withCapture(registry, forwards);
});
afterAll(async () => {
  await t.close();
});

describe(`forwarded sessions through the sink on ${testDialect}`, () => {
  it('a call the vendor took whole: its owners are the live call’s while it runs; one `forwarded` entry (completed) with the forward and its outcome audited', async () => {
    const alice = ownerOf('alice@example.com', 'Alice Andersson', 'p1');
    const started = Date.parse('2026-03-02T09:00:01.000Z');
    const inviting = snapshot('s-ok', {
      ...VENDOR,
      state: 'inviting',
      startedAt: started,
      recordedHere: false,
      owners: [alice],
    });
    sink.sessionOpened(inviting);
    expect(registry.calls.get('s-ok')?.owners.map((o) => [o.id, o.state])).toEqual([
      [alice.id, 'started'],
    ]);
    const established = snapshot('s-ok', {
      ...VENDOR,
      state: 'established',
      startedAt: started,
      establishedAt: started + 800,
      recordedHere: false,
      owners: [alice],
    });
    sink.sessionUpdated(established);
    const sessions = await get('/api/sessions');
    expect(sessions.body.items[0]).toMatchObject({
      id: 's-ok',
      forward: { vendorName: 'Legacy NICE', state: 'established', failure: null },
      failure: null,
    });
    const ended = snapshot('s-ok', {
      ...VENDOR,
      state: 'ended',
      startedAt: started,
      establishedAt: started + 800,
      endedAt: started + 60_800,
      recordedHere: false,
      owners: [alice],
    });
    sink.sessionClosed(closed(ended, false));
    // Closed twice (a retry): still one entry.
    forwards.sessionClosed(closed(ended, false));
    await forwards.settle();
    expect(registry.calls.get('s-ok')).toBeUndefined();

    const list = await get(`/api/forwarded-calls?${WINDOW}`);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    const entry = list.body.items[0];
    expect(entry).toMatchObject({
      kind: 'forwarded',
      callId: 'call-s-ok',
      vendor: { id: 'vendor-x', name: 'Legacy NICE', sipUri: 'sip:srs@nice.example' },
      startTime: '2026-03-02T09:00:01.000Z',
      establishedTime: '2026-03-02T09:00:01.800Z',
      endTime: '2026-03-02T09:01:01.800Z',
      durationSeconds: 60,
      outcome: 'completed',
      failure: null,
      recordedHere: false,
      endReason: 'bye',
      owners: [{ type: 'person', id: alice.id, displayName: 'Alice Andersson' }],
    });
    expect(entry.parties.map((p: { aor: string }) => p.aor)).toEqual([
      'sip:alice@example.com',
      'sip:+46701234567@example.com',
    ]);

    // The compliance officer and the owner see it; another person does not.
    expect(
      (await get(`/api/forwarded-calls?${WINDOW}`, t.seed.complianceOfficer.token)).body.items,
    ).toHaveLength(1);
    expect(
      (await get(`/api/forwarded-calls?${WINDOW}`, person('alice@example.com').token)).body.items,
    ).toHaveLength(1);
    expect(
      (await get(`/api/forwarded-calls?${WINDOW}`, person('carol@example.com').token)).body.items,
    ).toHaveLength(0);
    // Webex's lists carry recordings only.
    const converged = await get(`/v1/admin/convergedRecordings?${WINDOW}`);
    expect(converged.body.items.map((r: { id: string }) => r.id)).not.toContain(entry.id);

    const audit = await get(`/api/audit?targetId=${entry.id}`);
    expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual([
      'recording.forwardCompleted',
      'recording.forwarded',
    ]);
    // Each list read is audited with what it showed.
    const listed = await get('/api/audit?action=forwardedCall.listed');
    expect(listed.body.items[0].details).toMatchObject({ forwardedCallIds: [] });
    expect(
      listed.body.items.some((e: { details: { forwardedCallIds: string[] } }) =>
        e.details.forwardedCallIds.includes(entry.id),
      ),
    ).toBe(true);
  });

  it('the vendor fails (503) with the fallback: the recording is `failed` with the reason and the owners’ failure behaviour, the local recording goes on; the entry says failed', async () => {
    const bob = ownerOf('bob@example.com', 'Bob Berg', 'p1');
    const started = Date.parse('2026-03-02T10:00:00.000Z');
    sink.sessionOpened(
      snapshot('s-fail', {
        ...VENDOR,
        state: 'inviting',
        startedAt: started,
        recordedHere: false,
        owners: [bob],
      }),
    );
    const failed = snapshot(
      's-fail',
      {
        ...VENDOR,
        state: 'failed',
        startedAt: started,
        endedAt: started + 400,
        failure: { code: 'vendor-rejected', status: 503, reason: '503 Service Unavailable' },
        recordedHere: true,
        owners: [bob],
      },
      // With the fallback the recorder makes the vendor's owners owners here.
      [bob],
    );
    sink.sessionUpdated(failed);
    sink.sessionUpdated(failed);
    const call = registry.calls.get('s-fail');
    expect(call?.failure).toMatchObject({ reason: 'vendor-rejected' });
    expect(call?.failure?.detail).toBe(
      'the external recorder Legacy NICE failed: 503 Service Unavailable; Callvault records the call instead',
    );
    expect(call?.owners.map((o) => o.state)).toEqual(['failed']);
    // Reported once, whatever the number of updates.
    expect(call?.actions.filter((a) => a.action === 'fail')).toHaveLength(1);
    const sessions = await get('/api/sessions');
    const view = sessions.body.items.find((s: { id: string }) => s.id === 's-fail');
    expect(view).toMatchObject({
      recordingState: 'failed',
      failure: {
        reason: 'vendor-rejected',
        failureBehavior: 'END_CALL_WITH_ANNOUNCEMENT',
      },
      forward: {
        state: 'failed',
        failure: { code: 'vendor-rejected', status: 503 },
        recordedHere: true,
      },
    });

    sink.sessionClosed(closed(failed, true));
    await forwards.settle();
    const list = await get(`/api/forwarded-calls?${WINDOW}&outcome=failed`);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      callId: 'call-s-fail',
      outcome: 'failed',
      establishedTime: null,
      durationSeconds: 0,
      failure: { code: 'vendor-rejected', status: 503, reason: '503 Service Unavailable' },
      recordedHere: true,
      owners: [{ id: bob.id }],
    });
    const audit = await get(`/api/audit?action=recording.forwardFailed`);
    expect(audit.body.items[0]).toMatchObject({
      targetType: 'forwardedCall',
      targetId: list.body.items[0].id,
      details: {
        vendorId: 'vendor-x',
        recordedHere: true,
        failure: { code: 'vendor-rejected', status: 503 },
      },
    });
  });

  it('a session that is not forwarded leaves nothing', async () => {
    const plain = {
      ...snapshot('s-plain', {
        ...VENDOR,
        state: 'ended',
        owners: [],
        startedAt: 0,
        recordedHere: true,
      }),
    };
    const { forward: _none, ...notForwarded } = plain;
    sink.sessionOpened(notForwarded);
    sink.sessionClosed(closed(notForwarded, true));
    await forwards.settle();
    expect(registry.calls.get('s-plain')).toBeUndefined();
    const list = await get(`/api/forwarded-calls?${WINDOW}`);
    expect(list.body.items.map((c: { callId: string }) => c.callId)).not.toContain('call-s-plain');
  });
});
