// The lifecycle commands as an operator runs them, on the database under test: `callvault jobs run
// retention --now ISO` purges what was due at that instant and nothing else, and `callvault keys
// rotate` re-wraps every data key under a new master key (key file mode and CALLVAULT_MASTER_KEY
// mode) after which the audio still reads with its SHA-256 and the old key opens nothing.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { parseConfig, type Config } from '../config/config.js';
import {
  EncryptedBlobStore,
  MasterKeyring,
  createMasterKey,
  generateMasterKey,
  loadMasterKeyring,
  readMasterKeyFile,
} from '../crypto/index.js';
import { runDemoSeed, type DemoSeed } from '../demo/demo-seed.service.js';
import { findRecordingById } from '../recordings/recordings.repository.js';
import { storeRecording } from '../recordings/recording-store.service.js';
import { createConfiguredBlobStore } from '../app/runtime.js';
import { createBlobStore } from '../storage/index.js';
import { createTestDatabase, testDialect, type TestDatabase } from '../testing/test-database.js';
import { rotateMasterKeys } from './master-key-rotation.service.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CLI = path.join(ROOT, 'packages/server/src/cli/main.ts');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

let db: TestDatabase;
let seed: DemoSeed;
let env: Record<string, string>;
let config: Config;
const clock = fixedClock(new Date('2026-03-02T10:00:00.000Z'));

function callvault(args: string[], extraEnv: Record<string, string> = {}) {
  return run(TSX, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, ...extraEnv },
    timeout: 120_000,
  });
}

async function store(timeRecorded: string, audio: Buffer, blobStore = undefined as unknown) {
  const p = seed.people[0];
  if (!p) throw new Error('no demo person');
  const stored = await storeRecording(
    {
      db: db.db,
      clock,
      blobStore:
        (blobStore as EncryptedBlobStore | undefined) ?? (await createConfiguredBlobStore(config)),
    },
    {
      orgId: seed.orgId,
      audio,
      format: 'OGG',
      durationMs: 1000,
      channels: 2,
      sampleRate: 48000,
      owners: [{ type: 'user', id: p.id, email: p.email, name: p.email, locationId: p.locationId }],
      timeRecorded,
      source: 'import',
    },
  );
  const recording = stored.recordings[0];
  if (!recording) throw new Error('nothing stored');
  return { recording, audio: stored.audio };
}

beforeAll(async () => {
  db = await createTestDatabase();
  seed = await runDemoSeed({ db: db.db, clock });
  env = {
    CALLVAULT_DATA_DIR: db.dataDir,
    CALLVAULT_DATABASE_URL:
      db.config.kind === 'sqlite' ? `sqlite:${db.config.file}` : db.config.url,
    CALLVAULT_MASTER_KEY: '',
  };
  config = parseConfig(env);
});
afterAll(async () => {
  await db.drop();
});

describe(`callvault jobs run retention --now on ${testDialect}`, () => {
  it('purges exactly the recordings older than the retention at that instant, audio included', async () => {
    const old = await store('2025-03-01T09:59:59.000Z', crypto.randomBytes(700));
    const young = await store('2025-03-01T10:00:01.000Z', crypto.randomBytes(700));
    const { stdout } = await callvault([
      'jobs',
      'run',
      'retention',
      '--now',
      '2026-03-01T10:00:00.000Z',
    ]);
    expect(stdout).toMatch(/job retention done \(as of 2026-03-01T10:00:00.000Z\)/);
    expect((await findRecordingById(db.db, seed.orgId, old.recording.id))?.status).toBe('purged');
    expect((await findRecordingById(db.db, seed.orgId, young.recording.id))?.status).toBe(
      'available',
    );
    const blobs = await createConfiguredBlobStore(config);
    expect(await blobs.head(old.audio.blobKey)).toBeNull();
    expect(await blobs.head(young.audio.blobKey)).not.toBeNull();
  });
});

describe('callvault keys rotate', () => {
  it('key file: a new key first, every object re-wrapped, the old key dropped; audio reads with its sha256', async () => {
    const audio = crypto.randomBytes(200_000);
    const stored = await store('2026-03-01T10:00:00.000Z', audio);
    const [oldKey] = (await readMasterKeyFile(path.join(db.dataDir, 'master.key'))) ?? [];
    if (!oldKey) throw new Error('no key file');
    const { stdout } = await callvault(['keys', 'rotate']);
    expect(stdout).toMatch(/data keys re-wrapped/);
    expect(stdout).toContain(`retired keys: ${oldKey.id}`);
    const keys = (await readMasterKeyFile(path.join(db.dataDir, 'master.key'))) ?? [];
    expect(keys).toHaveLength(1);
    expect(keys[0]?.id).not.toBe(oldKey.id);

    // As the server opens it after the rotation: the key file's keys.
    const reopened = new EncryptedBlobStore(createBlobStore(config.storage), {
      keyring: await loadMasterKeyring({ masterKey: null, dataDir: db.dataDir }),
    });
    const read = Buffer.from(
      await reopened.get(stored.audio.blobKey, { expectedSha256: stored.audio.sha256 }),
    );
    expect(crypto.createHash('sha256').update(read).digest('hex')).toBe(stored.audio.sha256);
    const withOldKeyOnly = new EncryptedBlobStore(createBlobStore(config.storage), {
      keyring: new MasterKeyring(oldKey),
    });
    await expect(withOldKeyOnly.get(stored.audio.blobKey)).rejects.toThrow();
  });

  it('CALLVAULT_MASTER_KEY: needs --new-key, then says what to set; the new key reads, the old does not', async () => {
    const configured = generateMasterKey();
    const keyFile = path.join(db.dataDir, 'master.key');
    const fileKeys = (await readMasterKeyFile(keyFile)) ?? [];
    const current = new EncryptedBlobStore(createBlobStore(config.storage), {
      keyring: new MasterKeyring(configured, fileKeys),
    });
    const audio = crypto.randomBytes(5000);
    const stored = await store('2026-03-01T11:00:00.000Z', audio, current);
    const hex = configured.key.toString('hex');
    await expect(
      callvault(['keys', 'rotate'], { CALLVAULT_MASTER_KEY: hex }),
    ).rejects.toMatchObject({
      stderr: expect.stringMatching(/--new-key/) as unknown,
    });
    const next = generateMasterKey();
    const before = fs.readFileSync(keyFile, 'utf8');
    const { stdout } = await callvault(['keys', 'rotate', '--new-key', next.key.toString('hex')], {
      CALLVAULT_MASTER_KEY: hex,
    });
    expect(stdout).toContain(`CALLVAULT_MASTER_KEY=${next.key.toString('hex')}`);
    expect(fs.readFileSync(keyFile, 'utf8')).toBe(before);
    const afterRotation = new EncryptedBlobStore(createBlobStore(config.storage), {
      keyring: new MasterKeyring(createMasterKey(next.key)),
    });
    const read = Buffer.from(
      await afterRotation.get(stored.audio.blobKey, { expectedSha256: stored.audio.sha256 }),
    );
    expect(read.equals(audio)).toBe(true);
    const oldOnly = new EncryptedBlobStore(createBlobStore(config.storage), {
      keyring: new MasterKeyring(configured),
    });
    await expect(oldOnly.get(stored.audio.blobKey)).rejects.toThrow();
  });

  it('refuses to rotate to the key in use', async () => {
    const k = generateMasterKey();
    await expect(
      rotateMasterKeys(createBlobStore(config.storage), {
        dataDir: db.dataDir,
        configuredKey: k.key,
        newKey: k.key,
      }),
    ).rejects.toThrow(/already in use/);
  });
});
