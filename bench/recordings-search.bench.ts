// Recordings search benchmark: seeds 1,000,000 recordings into a SQLite
// file and times the catalogue's main searches through the real repository function
// (searchRecordings, the query the API runs) with the migration's indexes, then the same queries
// on a copy of the file with those indexes dropped: the baseline of the same run. Prints p50/p95
// per query and the baseline/indexed ratio; writes bench/results/recordings-search.json.
//
//   tsx bench/recordings-search.bench.ts [--rows N] [--runs N] [--baseline-runs N]
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { migrateToLatest, openDatabase, type Db } from '../packages/server/src/db/database.js';
import {
  searchRecordings,
  type RecordingFilter,
} from '../packages/server/src/recordings/recordings.repository.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Math.max(1, Number(process.argv[i + 1] ?? fallback)) : fallback;
};
const ROWS = arg('--rows', 1_000_000);
const RUNS = arg('--runs', 50);
const BASELINE_RUNS = arg('--baseline-runs', 10);

const DAY = 86_400_000;
const NOW = Date.parse('2026-03-02T00:00:00.000Z');
const ORG = 'bench-org';
const OWNERS = 5_000;
const LOCATIONS = 20;
const REMOTE_NUMBERS = 50_000;
const FIRST = ['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank', 'Grace', 'Heidi', 'Ivan', 'Judy'];
const LAST = ['Andersson', 'Berg', 'Carlsson', 'Dahl', 'Ek', 'Falk', 'Gran', 'Holm', 'Isaksson'];

/** A small deterministic generator, so every run seeds the same catalogue. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const ownerEmail = (i: number) => `user${i}@example.com`;
const ownerName = (i: number) => `${FIRST[i % FIRST.length]} ${LAST[i % LAST.length]} ${i}`;
const ownerId = (i: number) => `owner-${i}`;
const locationId = (i: number) => `location-${i}`;
const remoteNumber = (i: number) => `+4670${String(1_000_000 + i)}`;
const localNumber = (i: number) => `+468${String(5_000_000 + i)}`;

function seed(file: string): number {
  const started = performance.now();
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = OFF');
  const at = new Date(NOW).toISOString();
  sqlite
    .prepare('insert into organizations (id, partner_id, name, created_at) values (?, null, ?, ?)')
    .run(ORG, 'Bench', at);
  const insert = sqlite.prepare(`insert into recordings (id, org_id, audio_id, topic, create_time,
    time_recorded, format, service_type, duration_seconds, size_bytes, status, owner_id, owner_email,
    owner_name, owner_type, storage_region, location_id, call_session_id, call_id, direction,
    local_number, remote_number, parties, channels, sha256, has_transcript, metadata, deleted_at,
    purged_at, updated_at) values (?, ?, null, ?, ?, ?, 'OGG', 'calling', ?, ?, ?, ?, ?, ?, 'user',
    'local', ?, ?, null, ?, ?, ?, '[]', 2, ?, ?, '{}', ?, ?, ?)`);
  const rnd = random(42);
  const BATCH = 20_000;
  const insertBatch = sqlite.transaction((from: number, to: number) => {
    for (let n = from; n < to; n++) {
      // Spread over the last year, oldest first (the order calls arrive in).
      const t = NOW - 365 * DAY + Math.floor((n / ROWS) * 365 * DAY) + Math.floor(rnd() * 1000);
      const time = new Date(t).toISOString();
      const owner = Math.floor(rnd() * OWNERS);
      const r = rnd();
      const status = r < 0.9 ? 'available' : r < 0.98 ? 'deleted' : 'purged';
      const remote = remoteNumber(Math.floor(rnd() * REMOTE_NUMBERS));
      const duration = 5 + Math.floor(rnd() * 1200);
      insert.run(
        crypto.createHash('md5').update(String(n)).digest('hex'),
        ORG,
        `Call with ${remote}`,
        time,
        time,
        duration,
        duration * 4000,
        status,
        ownerId(owner),
        ownerEmail(owner),
        ownerName(owner),
        locationId(owner % LOCATIONS),
        `session-${n}`,
        rnd() < 0.5 ? 'inbound' : 'outbound',
        localNumber(owner),
        remote,
        'ab'.repeat(32),
        rnd() < 0.3 ? 1 : 0,
        status === 'available' ? null : time,
        status === 'purged' ? time : null,
        time,
      );
    }
  });
  for (let from = 0; from < ROWS; from += BATCH) {
    insertBatch(from, Math.min(ROWS, from + BATCH));
    process.stdout.write(`\rseeding ${Math.min(ROWS, from + BATCH).toLocaleString('en')} rows`);
  }
  // What insertRecording keeps in step row by row (migration 0009), in one statement here.
  sqlite.exec(`insert or ignore into recording_owners (org_id, owner_id, owner_name, owner_email)
    select distinct org_id, owner_id, owner_name, coalesce(owner_email, '') from recordings`);
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.exec('analyze');
  sqlite.close();
  process.stdout.write('\n');
  return (performance.now() - started) / 1000;
}

interface Search {
  readonly name: string;
  readonly description: string;
  /** The filter for run `i` (parameters vary so no run repeats the previous page). */
  readonly filter: (i: number) => RecordingFilter;
}

const window = (days: number) => ({
  from: new Date(NOW - days * DAY).toISOString(),
  to: new Date(NOW).toISOString(),
});

const SEARCHES: Search[] = [
  {
    name: 'owner-newest',
    description: "GET /v1/convergedRecordings: one owner's available recordings, 30 days, max 10",
    filter: (i) => ({
      orgId: ORG,
      ...window(30),
      statuses: ['available'],
      ownerId: ownerId((i * 7919) % OWNERS),
      limit: 10,
    }),
  },
  {
    name: 'admin-window',
    description:
      'GET /v1/admin/convergedRecordings: a 30-day window ending at a varying day, max 100',
    filter: (i) => ({
      orgId: ORG,
      from: new Date(NOW - (30 + (i % 300)) * DAY).toISOString(),
      to: new Date(NOW - (i % 300) * DAY).toISOString(),
      statuses: ['available'],
      limit: 100,
    }),
  },
  {
    name: 'status-location',
    description: 'GET /api/recordings: deleted recordings of one location over the retention year',
    filter: (i) => ({
      orgId: ORG,
      ...window(365),
      statuses: ['deleted'],
      locationId: locationId(i % LOCATIONS),
      limit: 100,
    }),
  },
  {
    name: 'owner-email-prefix',
    description: 'GET /api/recordings?q=: owner name or email prefix over the retention year',
    filter: (i) => ({
      orgId: ORG,
      ...window(365),
      statuses: ['available'],
      ownerPrefix: `user${(i * 37) % OWNERS}@`,
      limit: 100,
    }),
  },
  {
    name: 'party-number',
    description: 'GET /api/recordings?partyNumber=: a caller or callee number over the year',
    filter: (i) => ({
      orgId: ORG,
      ...window(365),
      statuses: ['available'],
      partyNumber: remoteNumber((i * 104_729) % REMOTE_NUMBERS),
      limit: 100,
    }),
  },
];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)] ?? Number.NaN;
}

interface Timing {
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly runs: number;
  readonly meanRows: number;
}

async function time(db: Db, search: Search, runs: number): Promise<Timing> {
  await searchRecordings(db, search.filter(runs + 1)); // warm the page cache and the statement
  const ms: number[] = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const page = await searchRecordings(db, search.filter(i));
    ms.push(performance.now() - started);
    rows += page.items.length;
  }
  ms.sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    p50Ms: round(percentile(ms, 50)),
    p95Ms: round(percentile(ms, 95)),
    runs,
    meanRows: Math.round(rows / runs),
  };
}

async function timeAll(file: string, runs: number): Promise<Record<string, Timing>> {
  const handle = openDatabase({ kind: 'sqlite', file });
  try {
    const out: Record<string, Timing> = {};
    for (const s of SEARCHES) {
      out[s.name] = await time(handle.db, s, runs);
      const t = out[s.name];
      console.log(`  ${s.name.padEnd(20)} p50 ${t?.p50Ms} ms  p95 ${t?.p95Ms} ms  (${runs} runs)`);
    }
    return out;
  } finally {
    await handle.close();
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-bench-'));
  const file = path.join(dir, 'indexed.db');
  try {
    const migrated = openDatabase({ kind: 'sqlite', file });
    await migrateToLatest(migrated.db);
    await migrated.close();
    const seedSeconds = seed(file);
    console.log(`seeded ${ROWS.toLocaleString('en')} recordings in ${seedSeconds.toFixed(1)} s`);

    console.log('with the indexes of migrations 0004 and 0009:');
    const indexed = await timeAll(file, RUNS);

    const bare = path.join(dir, 'baseline.db');
    fs.copyFileSync(file, bare);
    const sqlite = new SQLite(bare);
    const dropped = sqlite
      .prepare(
        "select name from sqlite_master where type = 'index' and tbl_name = 'recordings' and name like 'recordings_%'",
      )
      .all() as Array<{ name: string }>;
    for (const { name } of dropped) sqlite.exec(`drop index ${name}`);
    sqlite.exec('analyze');
    sqlite.close();
    console.log(`baseline: the same queries without ${dropped.map((d) => d.name).join(', ')}:`);
    const baseline = await timeAll(bare, BASELINE_RUNS);

    console.log('\nquery                 indexed p50/p95 ms    baseline p50/p95 ms    p50 ratio');
    const results = SEARCHES.map((s) => {
      const a = indexed[s.name];
      const b = baseline[s.name];
      const ratio = a && b ? Math.round((b.p50Ms / Math.max(a.p50Ms, 0.001)) * 10) / 10 : null;
      console.log(
        `${s.name.padEnd(22)}${`${a?.p50Ms} / ${a?.p95Ms}`.padEnd(22)}${`${b?.p50Ms} / ${b?.p95Ms}`.padEnd(23)}${ratio}×`,
      );
      return { name: s.name, description: s.description, indexed: a, baseline: b, p50Ratio: ratio };
    });
    const out = {
      benchmark: 'recordings-search',
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      rows: ROWS,
      seedSeconds: Math.round(seedSeconds * 10) / 10,
      droppedIndexes: dropped.map((d) => d.name),
      results,
    };
    fs.mkdirSync(path.join(here, 'results'), { recursive: true });
    fs.writeFileSync(
      path.join(here, 'results', 'recordings-search.json'),
      `${JSON.stringify(out, null, 2)}\n`,
    );
    console.log('\nwrote bench/results/recordings-search.json');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
