// Migration 0012 on the database under test: trunks that existed keep matching extensions on any
// host (own_domains ["*"]), new columns default sensibly, stored SIP addresses become canonical.
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

describe(`migration 0012-owner-matching on ${testDialect}`, () => {
  it('down and up again: existing trunks get ["*"], SIP addresses their canonical form', async () => {
    const migrator = new Migrator({ db: t.db, provider: migrationProvider });
    const down = await migrator.migrateTo('0011-recording-provenance');
    expect(down.error).toBeUndefined();
    expect(down.results?.map((r) => r.migrationName)).toContain('0012-owner-matching');
    const alice = seed.people.find((p) => p.email === 'alice@example.com')!.id;
    await sql`update people set sip_address = ${'sip:Alice.A@Example.COM.;transport=tcp'} where id = ${alice}`.execute(
      t.db,
    );
    await sql`update workspaces set sip_address = ${'SIPS:Lobby@PBX.Example.com:5061'}`.execute(
      t.db,
    );

    expect((await migrateToLatest(t.db)).applied).toContain('0012-owner-matching');
    const trunk = await t.db
      .selectFrom('recording_trunks')
      .select(['own_domains', 'country'])
      .where('id', '=', seed.trunk.id)
      .executeTakeFirstOrThrow();
    expect(trunk).toEqual({ own_domains: '["*"]', country: null });
    const person = await t.db
      .selectFrom('people')
      .select('sip_address')
      .where('id', '=', alice)
      .executeTakeFirstOrThrow();
    expect(person.sip_address).toBe('Alice.A@example.com');
    const workspaces = await t.db.selectFrom('workspaces').select('sip_address').execute();
    expect(workspaces.map((w) => w.sip_address)).toContain('Lobby@pbx.example.com');
  });
});
