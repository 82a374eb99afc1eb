// The catalogue's cost per stored call on SQLite, with and without the prepared-statement cache
// (packages/server/src/db/sqlite-statement-cache.ts), in one run. Each round stores the same
// recordings through storeRecording, the function capture finalize calls for every call (audio
// and waveform to the blob store, then one transaction: audio object, recording, audit event,
// usage, outbox event), into a fresh SQLite file: once with every query prepared afresh (Kysely's
// own behaviour, the baseline) and once with the cache. The blob store is on /dev/shm where there
// is one, so the disk does not hide the difference. Rounds alternate the order and the best round
// of each is kept. Prints µs per stored recording and baseline / cached; writes
// bench/results/catalogue-store.json.
//
//   tsx bench/catalogue-store.bench.ts [--recordings 2000] [--rounds 3]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../packages/server/src/clock.js';
import { runDemoSeed } from '../packages/server/src/demo/demo-seed.service.js';
import { migrateToLatest, openDatabase } from '../packages/server/src/db/database.js';
import { storeRecording } from '../packages/server/src/recordings/recording-store.service.js';
import { findOwnerById } from '../packages/server/src/recordings/recordings.repository.js';
import { peaksOfPcm } from '../packages/server/src/recordings/waveform-peaks.js';
import { FsBlobStore } from '../packages/server/src/storage/fs-blob-store.js';
import { argNumber, formatLoad, machineOf } from './capture/harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const RECORDINGS = Math.max(1, Math.floor(argNumber('--recordings', 2000)));
const ROUNDS = Math.max(1, Math.floor(argNumber('--rounds', 3)));
const scratch = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();

/** A stand-in for a minute's encoded call (its size, not its content, is what the store sees). */
const AUDIO = Buffer.alloc(24_000, 7);
const PEAKS = peaksOfPcm([new Int16Array(8000 * 60), new Int16Array(8000 * 60)], 8000);

async function round(cache: number): Promise<number> {
  const dir = fs.mkdtempSync(path.join(scratch, 'cv-catalogue-bench-'));
  const handle = openDatabase(
    { kind: 'sqlite', file: path.join(dir, 'callvault.db') },
    { sqliteStatementCache: cache },
  );
  try {
    await migrateToLatest(handle.db);
    const seed = await runDemoSeed({ db: handle.db, clock: systemClock });
    const owners = await Promise.all(
      seed.people.slice(0, 20).map((p) => findOwnerById(handle.db, p.id)),
    );
    const deps = {
      db: handle.db,
      clock: systemClock,
      blobStore: new FsBlobStore(path.join(dir, 'blobs')),
    };
    const started = process.hrtime.bigint();
    for (let i = 0; i < RECORDINGS; i++) {
      const owner = owners[i % owners.length];
      if (!owner) throw new Error('the demo seed has no people');
      await storeRecording(deps, {
        orgId: seed.orgId,
        audio: AUDIO,
        format: 'OGG',
        durationMs: 60_000,
        channels: 2,
        sampleRate: 48000,
        peaks: PEAKS,
        owners: [owner],
        timeRecorded: new Date(Date.now() - 60_000).toISOString(),
        callId: `bench-${i}@src`,
        callSessionId: `bench-session-${i}`,
        direction: 'inbound',
        remoteNumber: '+46701234567',
        localNumber: '+4685550101',
        parties: [
          { name: owner.name, number: '+4685550101' },
          { name: 'Caller', number: '+46701234567' },
        ],
        source: 'recorder',
        idempotencyKey: `bench-${i}`,
        auditDetails: { sessionId: `bench-session-${i}` },
      });
    }
    return Number(process.hrtime.bigint() - started) / 1000 / RECORDINGS;
  } finally {
    await handle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const loadBefore = os.loadavg();
  console.log(`load average before: ${formatLoad(loadBefore)}`);
  const perRecording = { uncached: [] as number[], cached: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    const order =
      r % 2 === 0 ? (['uncached', 'cached'] as const) : (['cached', 'uncached'] as const);
    for (const mode of order) perRecording[mode].push(await round(mode === 'cached' ? 500 : 0));
    console.log(
      `round ${r + 1}: uncached ${perRecording.uncached.at(-1)!.toFixed(0)} µs, cached ${perRecording.cached.at(-1)!.toFixed(0)} µs per stored recording`,
    );
  }
  const best = {
    uncached: Math.min(...perRecording.uncached),
    cached: Math.min(...perRecording.cached),
  };
  const ratio = best.uncached / best.cached;
  console.log(
    `\n${RECORDINGS} recordings stored, best of ${ROUNDS}: every query prepared ${best.uncached.toFixed(0)} µs, statements kept ${best.cached.toFixed(0)} µs per recording; uncached / cached ${ratio.toFixed(2)}×`,
  );
  fs.mkdirSync(path.join(here, 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(here, 'results', 'catalogue-store.json'),
    `${JSON.stringify(
      {
        benchmark: 'catalogue-store',
        date: new Date().toISOString(),
        machine: machineOf(loadBefore),
        recordings: RECORDINGS,
        rounds: ROUNDS,
        microsecondsPerRecording: { ...perRecording, best },
        uncachedOverCached: ratio,
      },
      null,
      2,
    )}\n`,
  );
}

await main();
