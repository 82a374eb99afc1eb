// The audit chain on the database under test (CALLVAULT_TEST_DB = sqlite | postgres).
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { insertAuditEvent, listAuditEvents, verifyAuditChain } from './audit.repository.js';

let t: TestDatabase;

async function append(n: number, orgId = 'org-1'): Promise<void> {
  for (let i = 0; i < n; i += 1) {
    await t.db.transaction().execute((trx) =>
      insertAuditEvent(trx, {
        orgId,
        actorType: 'person',
        actorId: 'p1',
        action: `thing.changed`,
        targetType: 'thing',
        targetId: `t${i}`,
        details: { i },
        at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      }),
    );
  }
}

describe(`audit chain on ${testDialect}`, () => {
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await t.drop();
  });

  it('an empty log verifies', async () => {
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, events: 0 });
  });

  it('appends with consecutive sequence numbers, each linked to the one before', async () => {
    await append(5);
    const events = await listAuditEvents(t.db, { orgId: 'org-1', limit: 10 });
    expect(events.map((e) => e.seq)).toEqual([5, 4, 3, 2, 1]);
    for (let i = 0; i < 4; i += 1) expect(events[i]!.prevHash).toBe(events[i + 1]!.hash);
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, events: 5 });
  });

  it('an event is written only when the change commits: a rolled-back transaction leaves no event and no gap', async () => {
    await append(2);
    await expect(
      t.db.transaction().execute(async (trx) => {
        await insertAuditEvent(trx, {
          orgId: 'org-1',
          actorType: 'system',
          actorId: null,
          action: 'x.y',
          at: new Date(),
        });
        throw new Error('change failed');
      }),
    ).rejects.toThrow('change failed');
    await append(1);
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, events: 3 });
  });

  it('concurrent writers still form one chain', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => append(3, `org-${i}`)));
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, events: 24 });
  });

  it('detects an altered row and names it', async () => {
    await append(5);
    await sql`update audit_events set details = ${'{"i":99}'} where seq = 3`.execute(t.db);
    expect(await verifyAuditChain(t.db)).toMatchObject({
      ok: false,
      seq: 3,
      reason: expect.stringMatching(/hash/),
    });
  });

  it('detects a removed row in the middle', async () => {
    await append(5);
    await sql`delete from audit_events where seq = 2`.execute(t.db);
    expect(await verifyAuditChain(t.db)).toMatchObject({
      ok: false,
      seq: 2,
      reason: expect.stringMatching(/missing/),
    });
  });

  it('detects rows removed at the tail', async () => {
    await append(5);
    await sql`delete from audit_events where seq >= 4`.execute(t.db);
    expect(await verifyAuditChain(t.db)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/removed/),
    });
  });

  it('filters by action prefix, actor, target and time', async () => {
    await append(4);
    expect(
      await listAuditEvents(t.db, { orgId: 'org-1', action: 'thing.*', limit: 10 }),
    ).toHaveLength(4);
    expect(await listAuditEvents(t.db, { orgId: 'org-1', targetId: 't2', limit: 10 })).toHaveLength(
      1,
    );
    expect(
      await listAuditEvents(t.db, { orgId: 'org-1', from: '2026-01-01T00:00:02.000Z', limit: 10 }),
    ).toHaveLength(2);
    expect(await listAuditEvents(t.db, { orgId: 'org-2', limit: 10 })).toHaveLength(0);
  });
});
