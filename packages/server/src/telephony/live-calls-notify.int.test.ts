// Live calls across processes woken by database notifications instead of polls: the recorder's
// mirror and the asking side both run with polls far longer than the test waits (a minute), so
// a control is answered and an event reaches the feed only if the notifications carry them. On
// PostgreSQL the recorder and the asker use separate connections (LISTEN/NOTIFY between
// processes); on SQLite, whose notifications stay within a process, they share one handle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import { createLogger } from '../observability/logger.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import type { LiveCallEvent } from './live-calls.js';
import { createLiveCallHub, type LiveCallHub } from './live-calls.js';
import { startLiveCallMirror, type LiveCallMirror } from './live-calls-mirror.js';
import {
  createRemoteLiveCallFeed,
  requestRemoteControl,
  type RemoteLiveCallSource,
} from './live-calls-remote.js';

const MINUTE = 60_000;
const ALWAYS_PAUSE = 'Always with Pause/Resume';

describe(`live calls across processes woken by notifications on ${testDialect}`, () => {
  let shared: TestDatabase;
  let recorderDb: DatabaseHandle;
  let askerDb: DatabaseHandle;
  let people: DemoSeed['people'];
  let orgId: string;
  let hub: LiveCallHub;
  let mirror: LiveCallMirror;
  const clock = fixedClock(new Date());
  let source: RemoteLiveCallSource;

  beforeAll(async () => {
    shared = await createTestDatabase();
    const demo = await runDemoSeed({ db: shared.db, clock });
    people = demo.people;
    orgId = demo.orgId;
    if (testDialect === 'postgres') {
      recorderDb = openDatabase(shared.config);
      askerDb = openDatabase(shared.config);
    } else {
      recorderDb = shared;
      askerDb = shared;
    }
    hub = createLiveCallHub();
    mirror = startLiveCallMirror({
      db: recorderDb.db,
      notifications: recorderDb.notifications,
      hub,
      clock,
      logger: createLogger({ level: 'silent' }),
      commandPollMs: MINUTE,
      heartbeatMs: MINUTE,
    });
    source = {
      db: askerDb.db,
      clock,
      excludeInstanceId: null,
      notifications: askerDb.notifications,
      options: { controlPollMs: MINUTE, eventPollMs: MINUTE, controlTimeoutMs: 5000 },
    };
  });
  afterAll(async () => {
    await mirror.stop();
    if (recorderDb !== shared) await recorderDb.close();
    if (askerDb !== shared) await askerDb.close();
    await shared.drop();
  });

  const open = async (sessionId: string, ownerId: string): Promise<void> => {
    hub.open({
      sessionId,
      callId: `${sessionId}@src.example`,
      orgId,
      startedAt: clock.now().getTime(),
      parties: [{ id: 'p-owner', aor: 'sip:owner@example.com' }],
      owners: [
        {
          id: ownerId,
          kind: 'person',
          displayName: ownerId,
          participantId: 'p-owner',
          mode: ALWAYS_PAUSE,
          failureBehavior: 'PROCEED_WITH_CALL_NO_ANNOUNCEMENT',
        },
      ],
    });
    await mirror.flush();
  };

  it('a queued control wakes the recorder, and its answer wakes the asker', async () => {
    const bob = people[1]!;
    await open('s-notify-control', bob.id);
    // Notifications are heard once the listening connections are up.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const result = await requestRemoteControl(source, {
      sessionId: 's-notify-control',
      ownerId: bob.id,
      control: 'pause',
      requestedBy: bob.id,
    });
    expect(result).toMatchObject({ ok: true });
    expect(hub.get('s-notify-control')?.owners[0]?.state).toBe('paused');
  });

  it('a change of the recorder’s calls wakes the event feed of the asker', async () => {
    const bob = people[1]!;
    const events: LiveCallEvent[] = [];
    const feed = createRemoteLiveCallFeed({ ...source, onError: () => undefined });
    try {
      const { calls } = await feed.subscribe((event) => events.push(event));
      expect(calls.map((c) => c.sessionId)).toContain('s-notify-control');
      await new Promise((resolve) => setTimeout(resolve, 300));
      hub.control('s-notify-control', bob.id, 'resume', 'api', clock.now().getTime());
      await open('s-notify-new', people[0]!.id);
      const deadline = Date.now() + 5000;
      while (events.length < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(events).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ sessionId: 's-notify-control', recordingState: 'started' }),
          expect.objectContaining({ sessionId: 's-notify-new' }),
        ]),
      );
    } finally {
      feed.close();
    }
  });
});
