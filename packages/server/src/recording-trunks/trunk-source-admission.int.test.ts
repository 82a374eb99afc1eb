// The synchronous SIP source check on the database under test: the demo trunk's network is
// admitted, others are not; a trunk added, disabled or removed is seen after a refresh; a failed
// reload keeps the last list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import { createLogger } from '../observability/logger.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { findTrunk, updateTrunk } from './recording-trunks.repository.js';
import { insertNewTrunk } from './recording-trunks.service.js';
import { startTrunkSourceAdmission } from './trunk-source-admission.js';

let db: TestDatabase;
let seed: DemoSeed;
const clock = fixedClock(new Date('2026-03-02T10:00:00.000Z'));
const logger = createLogger({ level: 'silent' });

beforeAll(async () => {
  db = await createTestDatabase();
  seed = await runDemoSeed({ db: db.db, clock });
});
afterAll(async () => {
  await db.drop();
});

describe(`SIP source admission from the recording trunks on ${testDialect}`, () => {
  it('admits the enabled trunks networks and nothing else; follows changes on refresh', async () => {
    const admission = await startTrunkSourceAdmission({ db: db.db, logger, refreshMs: 60_000 });
    try {
      expect(admission.networks()).toEqual(['127.0.0.1/32']);
      expect(admission.isAdmissible('127.0.0.1')).toBe(true);
      expect(admission.isAdmissible('::ffff:127.0.0.1')).toBe(true);
      expect(admission.isAdmissible('127.0.0.2')).toBe(false);
      expect(admission.isAdmissible('2001:db8::1')).toBe(false);

      const added = await db.db.transaction().execute((trx) =>
        insertNewTrunk(trx, { db: db.db, clock }, null, seed.orgId, {
          name: 'sbc pool',
          allowedSources: ['198.51.100.0/24', '2001:db8::/32'],
        }),
      );
      expect(admission.isAdmissible('198.51.100.9')).toBe(false);
      await admission.refresh();
      expect(admission.isAdmissible('198.51.100.9')).toBe(true);
      expect(admission.isAdmissible('2001:db8::1')).toBe(true);

      const trunk = await findTrunk(db.db, seed.orgId, added.id);
      await updateTrunk(db.db, { ...trunk!, enabled: false }, clock.now());
      await admission.refresh();
      expect(admission.isAdmissible('198.51.100.9')).toBe(false);
      expect(admission.networks()).toEqual(['127.0.0.1/32']);
    } finally {
      admission.stop();
    }
  });

  it('a reload that fails keeps the last list (and start-up fails when there is none)', async () => {
    const other = await createTestDatabase();
    await runDemoSeed({ db: other.db, clock });
    const admission = await startTrunkSourceAdmission({ db: other.db, logger, refreshMs: 60_000 });
    try {
      await other.db.schema.dropTable('recording_trunks').execute();
      await expect(admission.refresh()).rejects.toThrow();
      expect(admission.isAdmissible('127.0.0.1')).toBe(true);
      await expect(
        startTrunkSourceAdmission({ db: other.db, logger, refreshMs: 60_000 }),
      ).rejects.toThrow();
    } finally {
      admission.stop();
      await other.drop();
    }
  });
});
