// Migration 0017 on the database under test: announcement files keep their rows as the
// compliance prompt, a scope may then hold one file per prompt, and down keeps the compliance
// files only.
import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../clock.js';
import { runDemoSeed, type DemoSeed } from '../../demo/demo-seed.service.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../../testing/test-database.js';
import { migrateToLatest } from '../database.js';
import { migrationProvider } from './index.js';

let t: TestDatabase;
let seed: DemoSeed;

beforeAll(async () => {
  t = await createTestDatabase();
  seed = await runDemoSeed({ db: t.db, clock: fixedClock(new Date('2026-03-02T10:00:00Z')) });
});
afterAll(async () => {
  await t.drop();
});

const file = (id: string, prompt?: string) => ({
  id,
  org_id: seed.orgId,
  scope_id: seed.orgId,
  ...(prompt ? { prompt } : {}),
  file_name: `${id}.wav`,
  content_type: 'audio/wav',
  duration_ms: 1000,
  size_bytes: 4,
  data: Buffer.from([1, 2, 3, 4]),
  created_at: '2026-03-02T10:00:00Z',
});

describe(`migration 0017-call-recording-jobs on ${testDialect}`, () => {
  it('down, a compliance file, up: the file is the compliance prompt; one file per prompt; down again keeps it', async () => {
    const migrator = new Migrator({ db: t.db, provider: migrationProvider });
    const down = await migrator.migrateTo('0015-trunk-media-latching');
    expect(down.error).toBeUndefined();
    await sql`insert into announcement_files (id, org_id, scope_id, file_name, content_type, duration_ms, size_bytes, data, created_at) values (${'old'}, ${seed.orgId}, ${seed.orgId}, ${'old.wav'}, ${'audio/wav'}, ${1000}, ${4}, ${Buffer.from([1, 2, 3, 4])}, ${'2026-03-02T10:00:00Z'})`.execute(
      t.db,
    );

    expect((await migrateToLatest(t.db)).applied).toContain('0017-call-recording-jobs');
    const rows = await t.db
      .selectFrom('announcement_files')
      .select(['id', 'prompt', 'data'])
      .execute();
    expect(rows.map((r) => ({ id: r.id, prompt: r.prompt }))).toEqual([
      { id: 'old', prompt: 'compliance' },
    ]);
    expect(Buffer.from(rows[0]!.data)).toEqual(Buffer.from([1, 2, 3, 4]));
    await t.db.insertInto('announcement_files').values(file('start-1', 'start')).execute();
    await expect(
      t.db.insertInto('announcement_files').values(file('start-2', 'start')).execute(),
    ).rejects.toThrow();
    expect(await t.db.selectFrom('call_recording_jobs').selectAll().execute()).toEqual([]);

    expect((await migrator.migrateTo('0015-trunk-media-latching')).error).toBeUndefined();
    const after = await sql<{ id: string }>`select id from announcement_files`.execute(t.db);
    expect(after.rows.map((r) => r.id)).toEqual(['old']);
    expect((await migrateToLatest(t.db)).applied).toContain('0017-call-recording-jobs');
  });
});
