// The recorder's mirror of its live calls on the database under test (SPEC §10 split roles): what
// the hub does reaches the table, the heartbeat catches changes that raise no event, a withdrawn
// control is never applied, stop removes the recorder's calls, and a database that fails never
// reaches the capture path.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { openDatabase } from '../db/database.js';
import { runDemoSeed } from '../demo/demo-seed.service.js';
import type { Logger } from '../observability/logger.js';
import { createLogger } from '../observability/logger.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { createLiveCallHub, type LiveCallHub } from './live-calls.js';
import { startLiveCallMirror } from './live-calls-mirror.js';
import {
  cancelLiveCallCommand,
  insertLiveCallCommand,
  listLiveCalls,
  newLiveCallCommandId,
} from './live-calls.repository.js';

const clock = fixedClock(new Date('2026-03-02T10:00:00.000Z'));
const silent = createLogger({ level: 'silent' });
let db: TestDatabase;
let orgId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  orgId = (await runDemoSeed({ db: db.db, clock })).orgId;
});
afterAll(async () => {
  await db.drop();
});

function open(hub: LiveCallHub, sessionId: string, mode = 'Always with Pause/Resume'): void {
  hub.open({
    sessionId,
    callId: `${sessionId}@src`,
    orgId,
    startedAt: clock.now().getTime(),
    parties: [{ id: 'p1', aor: 'sip:a@example.com' }],
    owners: [{ id: 'owner-1', kind: 'person', displayName: 'A', mode, failureBehavior: null }],
  });
}

const rows = () => listLiveCalls(db.db, { freshSince: '2000-01-01T00:00:00.000Z' });
const until = async (check: () => Promise<boolean>) => {
  const end = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe(`the recorder's live call mirror on ${testDialect}`, () => {
  it('writes each change, catches what raises no event at the heartbeat, and removes its calls on stop', async () => {
    const hub = createLiveCallHub();
    const mirror = startLiveCallMirror({ db: db.db, hub, clock, logger: silent, heartbeatMs: 50 });
    open(hub, 'm-1');
    await mirror.flush();
    expect((await rows()).map((r) => [r.call.sessionId, r.instanceId])).toEqual([
      ['m-1', hub.instanceId],
    ]);
    hub.control('m-1', 'owner-1', 'pause', 'dtmf', clock.now().getTime());
    await mirror.flush();
    expect((await rows())[0]?.call.owners[0]?.state).toBe('paused');
    // A metadata revision's parties raise no event: the heartbeat writes them.
    hub.setParties('m-1', [
      { id: 'p1', aor: 'sip:a@example.com' },
      { id: 'p2', name: 'B' },
    ]);
    clock.advance(1000);
    await until(async () => (await rows())[0]?.call.parties.length === 2);
    expect((await rows())[0]?.updatedAt).toBe(clock.now().toISOString());
    open(hub, 'm-2');
    hub.close('m-2', clock.now().getTime());
    await mirror.flush();
    expect((await rows()).map((r) => r.call.sessionId)).toEqual(['m-1']);
    await mirror.stop();
    expect(await rows()).toEqual([]);
  });

  it('a control the asker withdrew (it stopped waiting) is never applied', async () => {
    const hub = createLiveCallHub();
    const mirror = startLiveCallMirror({ db: db.db, hub, clock, logger: silent });
    open(hub, 'm-3');
    await mirror.flush();
    const id = newLiveCallCommandId();
    // Queued and withdrawn at once (one transaction, so the recorder's look cannot fall between).
    await db.db.transaction().execute(async (trx) => {
      await insertLiveCallCommand(trx, {
        id,
        sessionId: 'm-3',
        ownerId: 'owner-1',
        control: 'pause',
        source: 'api',
        requestedBy: 'someone',
        createdAt: clock.now().toISOString(),
      });
      expect(await cancelLiveCallCommand(trx, id, clock.now().toISOString())).toBe(true);
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(hub.get('m-3')?.owners[0]?.state).toBe('started');
    expect(hub.get('m-3')?.actions.map((a) => a.action)).toEqual(['start']);
    await mirror.stop();
  });

  it('a database that fails never reaches the capture path: calls and controls go on, the failure is logged', async () => {
    // A database without the tables: every write the mirror tries fails.
    const broken = openDatabase({ kind: 'sqlite', file: path.join(db.dataDir, 'unmigrated.db') });
    const warnings: string[] = [];
    const logger = {
      warn: (_fields: unknown, message: string) => void warnings.push(message),
    } as unknown as Logger;
    const hub = createLiveCallHub();
    const mirror = startLiveCallMirror({ db: broken.db, hub, clock, logger, heartbeatMs: 50 });
    open(hub, 'm-4', 'On Demand with User Initiated Start');
    expect(hub.control('m-4', 'owner-1', 'start', 'dtmf', clock.now().getTime())).toEqual({
      ok: true,
      state: 'started',
    });
    hub.hold('m-4', true, clock.now().getTime());
    hub.close('m-4', clock.now().getTime());
    await mirror.flush();
    await new Promise((r) => setTimeout(r, 150));
    await mirror.stop();
    await broken.close();
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/could not write the live call/),
        expect.stringMatching(/heartbeat/),
      ]),
    );
  });
});
