// Live state across processes on PostgreSQL: how long a recording control takes when the API
// process that receives it is not the recorder holding the call, and how long a change of the
// call takes to reach another process's `/api/events` feed. Measured in one run two ways on
// the same database: with the polls alone (the recorder looks for queued controls every
// 200 ms, the asker for the answer every 20 ms, the feed compares the table every 500 ms) — the
// baseline — and with LISTEN/NOTIFY waking each side (db/notifications.ts), the polls kept as
// the fallback at their slower defaults.
//
// The recorder and the asker each have their own connection pool and listening connection, as
// two processes would; they share this Node process, so the figures leave out nothing but the
// second process's scheduling. Needs PostgreSQL on 127.0.0.1:5432 (CALLVAULT_TEST_PG_URL);
// writes bench/results/live-control.json.
//
//   npx tsx bench/live-control.bench.ts [--controls N] [--events N]
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

process.env.CALLVAULT_TEST_DB = 'postgres';
const { createTestDatabase } = await import('../packages/server/src/testing/test-database.js');
const { openDatabase } = await import('../packages/server/src/db/database.js');
const { systemClock } = await import('../packages/server/src/clock.js');
const { runDemoSeed } = await import('../packages/server/src/demo/demo-seed.service.js');
const { createLogger } = await import('../packages/server/src/observability/logger.js');
const { createLiveCallHub } = await import('../packages/server/src/telephony/live-calls.js');
const { startLiveCallMirror } =
  await import('../packages/server/src/telephony/live-calls-mirror.js');
const { createRemoteLiveCallFeed, requestRemoteControl } =
  await import('../packages/server/src/telephony/live-calls-remote.js');

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name);
  const value = at > 0 ? Number(process.argv[at + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
};
const CONTROLS = arg('--controls', 200);
const EVENTS = arg('--events', 60);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[at] ?? NaN) * 10) / 10;
}

interface ModeResult {
  readonly mode: 'poll' | 'notify';
  readonly controlMs: { readonly p50: number; readonly p99: number; readonly n: number };
  readonly eventMs: { readonly p50: number; readonly p99: number; readonly n: number };
  readonly failedControls: number;
  readonly missedEvents: number;
}

const database = await createTestDatabase();
const seed = await runDemoSeed({ db: database.db, clock: systemClock });
const owner = seed.people[1]!;

async function measure(mode: 'poll' | 'notify'): Promise<ModeResult> {
  const recorderDb = openDatabase(database.config);
  const askerDb = openDatabase(database.config);
  const hub = createLiveCallHub();
  const mirror = startLiveCallMirror({
    db: recorderDb.db,
    ...(mode === 'notify' ? { notifications: recorderDb.notifications } : {}),
    hub,
    clock: systemClock,
    logger: createLogger({ level: 'silent' }),
  });
  const source = {
    db: askerDb.db,
    clock: systemClock,
    excludeInstanceId: null,
    ...(mode === 'notify' ? { notifications: askerDb.notifications } : {}),
  };
  const sessionId = `bench-${mode}`;
  hub.open({
    sessionId,
    callId: `${sessionId}@bench`,
    orgId: seed.orgId,
    startedAt: Date.now(),
    parties: [{ id: 'p-owner', aor: 'sip:owner@example.com' }],
    owners: [
      {
        id: owner.id,
        kind: 'person',
        displayName: owner.id,
        participantId: 'p-owner',
        mode: 'Always with Pause/Resume',
        failureBehavior: 'PROCEED_WITH_CALL_NO_ANNOUNCEMENT',
      },
    ],
  });
  await mirror.flush();
  await sleep(500); // the listening connections are up

  // Controls through the database: pause, resume, pause, … each from the asker's side.
  const controlMs: number[] = [];
  let failedControls = 0;
  for (let i = 0; i < CONTROLS; i++) {
    const started = performance.now();
    const result = await requestRemoteControl(source, {
      sessionId,
      ownerId: owner.id,
      control: i % 2 === 0 ? 'pause' : 'resume',
      requestedBy: owner.id,
    });
    controlMs.push(performance.now() - started);
    if (!result?.ok) failedControls++;
    // Requests do not arrive in step with the recorder's poll.
    await sleep(Math.random() * 50);
  }

  // Events: a change on the recorder, seen by the other process's feed.
  let awaited: { state: string; resolve: () => void } | null = null;
  const feed = createRemoteLiveCallFeed({ ...source, onError: () => undefined });
  const subscription = await feed.subscribe((event) => {
    if (event.type === 'recordingState' && event.recordingState === awaited?.state) {
      awaited.resolve();
    }
  });
  const eventMs: number[] = [];
  let missedEvents = 0;
  let state = hub.get(sessionId)?.owners[0]?.state ?? 'started';
  for (let i = 0; i < EVENTS; i++) {
    const control = state === 'paused' ? 'resume' : 'pause';
    const next = control === 'pause' ? 'paused' : 'started';
    const seen = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 5000);
      awaited = {
        state: next,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
    });
    const started = performance.now();
    hub.control(sessionId, owner.id, control, 'api', Date.now());
    if (await seen) eventMs.push(performance.now() - started);
    else missedEvents++;
    awaited = null;
    state = next;
    await sleep(Math.random() * 200);
  }
  subscription.unsubscribe();
  feed.close();
  await mirror.stop();
  await recorderDb.close();
  await askerDb.close();
  return {
    mode,
    controlMs: {
      p50: percentile(controlMs, 50),
      p99: percentile(controlMs, 99),
      n: controlMs.length,
    },
    eventMs: { p50: percentile(eventMs, 50), p99: percentile(eventMs, 99), n: eventMs.length },
    failedControls,
    missedEvents,
  };
}

const poll = await measure('poll');
const notify = await measure('notify');
await database.drop();

const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;
const report = {
  benchmark: 'live-control',
  database: 'postgres',
  date: new Date().toISOString(),
  controls: CONTROLS,
  events: EVENTS,
  poll,
  notify,
  ratios: {
    controlP50PollOverNotify: ratio(poll.controlMs.p50, notify.controlMs.p50),
    eventP50PollOverNotify: ratio(poll.eventMs.p50, notify.eventMs.p50),
  },
};
for (const r of [poll, notify]) {
  console.log(
    `${r.mode.padEnd(6)} control p50 ${r.controlMs.p50} ms p99 ${r.controlMs.p99} ms (${r.failedControls} failed) · event p50 ${r.eventMs.p50} ms p99 ${r.eventMs.p99} ms (${r.missedEvents} missed)`,
  );
}
console.log(
  `LISTEN/NOTIFY: control round trip ${report.ratios.controlP50PollOverNotify}× faster at p50, events ${report.ratios.eventP50PollOverNotify}× faster, than the polls alone`,
);
fs.mkdirSync(path.join(here, 'results'), { recursive: true });
fs.writeFileSync(path.join(here, 'results', 'live-control.json'), JSON.stringify(report, null, 2));
if (notify.failedControls > 0 || notify.missedEvents > 0 || poll.failedControls > 0) {
  console.error('some controls failed or events were missed');
  process.exit(1);
}
