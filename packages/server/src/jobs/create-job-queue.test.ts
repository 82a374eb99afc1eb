import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../db/database.js';
import { createLogger } from '../observability/logger.js';
import { createJobQueue } from './create-job-queue.js';

describe('createJobQueue', () => {
  let dir: string;
  let database: DatabaseHandle;
  const logger = createLogger({ level: 'silent' });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callvault-jobs-'));
    database = openDatabase({ kind: 'sqlite', file: path.join(dir, 'callvault.db') });
  });
  afterEach(async () => {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('uses the embedded driver by default', () => {
    expect(createJobQueue({ config: { queue: 'embedded' }, database, logger }).driver).toBe(
      'embedded',
    );
  });

  it('refuses pg-boss on SQLite', () => {
    expect(() => createJobQueue({ config: { queue: 'pg-boss' }, database, logger })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });
});
